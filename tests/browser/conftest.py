"""Browser tests: the field app in headless Debian Chromium (Pixel 5), against a real gunicorn subprocess.

The server runs with its own temporary SQLite database and PHOTO_DIR, seeded with tests/factories.py.
Tests skip with a clear message when /usr/bin/chromium is missing, except under CI, where they fail.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from inspection import create_app
from inspection.extensions import db

from ..factories import PASSWORD, make_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
# Small enough that a test can make a photo too large for it; the ordinary test photos stay well under.
MAX_PHOTO_BYTES = 700_000

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    """Mark every test here as a browser test, and skip them all when no Chromium is installed."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set but {CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


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

    def env(self, delays: str = "") -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL"}}
        env.update({"DATABASE_URL": self.database_url, "PHOTO_DIR": str(self.photo_dir), "APP_ENV": "development",
                    "SECRET_KEY": "browser-test-secret-key-0123456789abcdef", "LOG_LEVEL": "WARNING",
                    "MAX_PHOTO_BYTES": str(MAX_PHOTO_BYTES), "FIELD_TEST_DELAYS": delays})
        return env

    def start(self, delays: str = ""):
        """Start gunicorn and wait until /healthz answers."""
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-w", "1", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "1", "--no-control-socket", "tests.browser.serve:app"],
                cwd=ROOT, env=self.env(delays), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One seeded server for the browser tests that do not stop it."""
    live = LiveServer(tmp_path_factory.mktemp("field-server"))
    live.seed()
    live.start()
    yield live
    live.kill()


@pytest.fixture
def crash_server(tmp_path):
    """A server of the test's own, which the test may kill and restart on the same port (same origin)."""
    live = LiveServer(tmp_path)
    live.seed()
    yield live
    live.kill()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, playwright_instance):
    """Return a function making a new Pixel 5 browser context (a fresh phone) for a server."""
    contexts = []

    def make(live: LiveServer, **options):
        device = dict(playwright_instance.devices["Pixel 5"])
        device.pop("default_browser_type", None)
        context = browser.new_context(**device, base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      service_workers="allow", **options)
        context.set_default_timeout(15000)
        context.on("console", lambda m: logs.append(f"console {m.type}: {m.text}"))
        context.on("weberror", lambda e: logs.append(f"page error: {e.error}"))
        contexts.append(context)
        return context

    logs: list[str] = []
    yield make
    for context in contexts:
        context.close()
    if logs:  # shown by pytest when the test failed
        print("\n".join(logs))


__all__ = ["PASSWORD", "LiveServer"]
