"""A configuration error ends every entry point with one line on stderr and exit status 2, never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspection import create_app
from inspection.config import ConfigError, instance_dir, load_config

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Every variable the app reads that could make a test's subprocess start with a valid configuration by accident.
CLEARED = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "MAX_PHOTO_BYTES", "LOG_LEVEL", "INSTANCE_PATH", "FLASK_APP",
           "TEST_DATABASE_URL", "GUNICORN_CMD_ARGS")

BAD_CONFIGS = {
    "photo_bytes": ({"MAX_PHOTO_BYTES": "-1"}, "configuration error: MAX_PHOTO_BYTES must be at least 1024, got -1"),
    "log_level": ({"LOG_LEVEL": "verbose"},
                  "configuration error: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'verbose'"),
    "production_secret": ({"APP_ENV": "production"},
                          "configuration error: SECRET_KEY must be set in production (APP_ENV=production)"),
}

ENTRY_POINTS = {
    "flask_wsgi": [str(BIN / "flask"), "--app", "wsgi", "routes"],
    "flask_factory": [str(BIN / "flask"), "--app", "inspection:create_app", "db", "upgrade"],
    "flask_run": [str(BIN / "flask"), "--app", "wsgi", "run", "--port", "0"],
    "python_m": [sys.executable, "-m", "inspection", "routes"],
    "python_m_help": [sys.executable, "-m", "inspection", "--help"],
    "script": [str(BIN / "inspection"), "routes"],
    "gunicorn": [str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "wsgi:app"],
}


def _env(tmp_path: Path, extra: dict) -> dict:
    """Return a clean environment (its own instance folder) plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update({"INSTANCE_PATH": str(tmp_path / "instance"), **extra})
    return env


def _run(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run a command from the checkout; a server that wrongly starts is stopped by the timeout."""
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# Every entry point and every kind of bad setting at least once (the whole matrix costs minutes of start-ups).
CASES = [("flask_wsgi", "photo_bytes"), ("flask_factory", "production_secret"), ("flask_run", "log_level"),
         ("python_m", "log_level"), ("python_m_help", "photo_bytes"), ("script", "photo_bytes"),
         ("gunicorn", "production_secret"), ("gunicorn", "log_level")]


@pytest.mark.parametrize("entry, bad", CASES)
def test_entry_point_prints_one_line_and_exits_2(entry, bad, tmp_path):
    """Each way of starting the app reports a bad setting in one line on stderr and exits with status 2."""
    variables, message = BAD_CONFIGS[bad]
    result = _run(ENTRY_POINTS[entry], _env(tmp_path, variables))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [message]


def test_make_run_stops_at_the_configuration_error(tmp_path):
    """`make run` shows the one line (make adds only its own "Error 2" line) and exits with status 2."""
    _, message = BAD_CONFIGS["photo_bytes"]
    # -o: never reinstall the venv from here, whatever the stamps say.
    result = _run(["make", "-o", ".venv/.installed", "run"], _env(tmp_path, {"MAX_PHOTO_BYTES": "-1"}))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert lines == [message]


def test_database_url_error_names_only_the_scheme(tmp_path):
    """An unsupported DATABASE_URL is a configuration error that never prints the password in it."""
    result = _run(ENTRY_POINTS["flask_wsgi"], _env(tmp_path, {"DATABASE_URL": "mysql://user:hunter2@db/app"}))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "configuration error: DATABASE_URL must start with sqlite:/// or postgresql://, got mysql://"]


def test_create_app_raises_config_error_for_library_callers(monkeypatch):
    """Outside a command line, create_app raises ConfigError (it does not exit the caller's process)."""
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        create_app({"TESTING": True})


@pytest.mark.parametrize("value, level", [("debug", "DEBUG"), (" Warning ", "WARNING"), ("", "INFO")])
def test_log_level_accepts_level_names_in_any_case(monkeypatch, tmp_path, value, level):
    """LOG_LEVEL takes the standard level names, case-insensitively; empty means INFO."""
    monkeypatch.setenv("LOG_LEVEL", value)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert load_config(tmp_path)["LOG_LEVEL"] == level


def test_instance_path_must_be_absolute(monkeypatch, tmp_path):
    """INSTANCE_PATH moves the instance folder, and a relative path is refused."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    assert instance_dir() == tmp_path
    monkeypatch.setenv("INSTANCE_PATH", "instance")
    with pytest.raises(ConfigError, match="INSTANCE_PATH must be an absolute path"):
        instance_dir()


@pytest.mark.parametrize("variables, message", [
    ({"FONT_KAITI": "/no/such/simkai.ttf"}, "FONT_KAITI must name an existing font file, got '/no/such/simkai.ttf'"),
    ({"FONT_DIR": "/no/such/fonts"}, "FONT_DIR is not a directory: /no/such/fonts"),
    ({"FONT_LATIN": "/no/such/latin.ttc#x"}, "font face index must be a number: '/no/such/latin.ttc#x'"),
])
def test_font_settings_are_checked_at_start(monkeypatch, tmp_path, variables, message):
    """A font setting that names nothing is a configuration error at start, not at the first circular."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.format_message() == message
