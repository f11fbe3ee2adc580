"""The app served by gunicorn on 127.0.0.1 for browser tests and the field benchmark (no pytest needed)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from inspection import create_app
from inspection.extensions import db

from ..factories import make_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
# Small enough that a test can make a photo too large for it; the ordinary test photos stay well under.
MAX_PHOTO_BYTES = 700_000


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app served by gunicorn in its own process group, stoppable like a crash and restartable."""

    def __init__(self, root: Path, port: int | None = None):
        self.root = root
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = root / "field.sqlite3"
        self.photo_dir = root / "photos"
        self.database_url = f"sqlite:///{self.db_path}"
        self.process: subprocess.Popen | None = None
        self.log = root / "server.log"
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": self.database_url, "PHOTO_DIR": str(self.photo_dir),
                               "SECRET_KEY": "browser-test-secret-key-0123456789abcdef",
                               "MAX_PHOTO_BYTES": MAX_PHOTO_BYTES, "TESTING": True,
                               "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False})

    def seed(self):
        """Run the real migrations and create the factories' small world."""
        with self.app.app_context():
            from flask_migrate import upgrade

            upgrade()
            self.world_ids = _world_ids(make_world())
            db.session.commit()

    def env(self, delays: str = "", extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL"}}
        env.update({"DATABASE_URL": self.database_url, "PHOTO_DIR": str(self.photo_dir), "APP_ENV": "development",
                    "SECRET_KEY": "browser-test-secret-key-0123456789abcdef", "LOG_LEVEL": "WARNING",
                    "MAX_PHOTO_BYTES": str(MAX_PHOTO_BYTES), "FIELD_TEST_DELAYS": delays,
                    "MAX_UPLOAD_PHOTO_BYTES": str(MAX_PHOTO_BYTES)})  # resumable tests raise it
        env.update(extra or {})
        return env

    def start(self, delays: str = "", env: dict | None = None):
        """Start gunicorn (optionally slowed down, see serve.py) and wait until /healthz answers."""
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-w", "1", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "1", "--no-control-socket", "tests.browser.serve:app"],
                cwd=ROOT, env=self.env(delays, env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def kill(self):
        """Stop the server the hard way (like a crash or a pulled cable): SIGKILL the whole group."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None


def _world_ids(world) -> dict:
    """Remember the ids tests need (the objects themselves belong to the seeding session)."""
    db.session.flush()
    return {
        "targets": [t.id for t in world.targets],
        "units": {u.id: u.short_name for u in world.units},
        "campaign": world.campaign.id,
        "draft_campaign": world.draft_campaign.id,
        "users": {name: u.id for name, u in world.users.items()},
    }
