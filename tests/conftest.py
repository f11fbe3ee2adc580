"""Shared fixtures: an app on SQLite (or TEST_DATABASE_URL), a migrated schema, a small world of data."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from inspection import create_app
from inspection.auth import services as auth_services
from inspection.extensions import db

from .factories import PASSWORD, World, make_world

# Cheap password hashing in tests only: the KDF's cost is not what these tests check.
auth_services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _database_url(tmp_root: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Create the test schema once per session by running the real migrations."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _truncate_all() -> None:
    """Remove every row so each test starts from an empty, migrated database."""
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """The config mapping a test app is built with; tests may change it before `app` is used."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "PHOTO_DIR": str(tmp_path / "photos"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


def _clear_request_globals() -> None:
    from flask import g

    g.__dict__.clear()


@pytest.fixture
def app(app_config):
    """A fresh app over an empty migrated database."""
    app = create_app(app_config)
    # Tests keep one app context open, which Flask reuses for every test request; clear `g` per request
    # so a user loaded by one request (Flask-Login caches it in g) is never seen by the next.
    app.before_request_funcs.setdefault(None, []).insert(0, _clear_request_globals)
    with app.app_context():
        _truncate_all()
        yield app
        db.session.remove()
        _truncate_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app) -> World:
    """A small county: units, a checklist, an active campaign, two teams, and a user of every role."""
    w = make_world()
    db.session.commit()
    return w


class AuthActions:
    """Sign a test client in and out as one of the world's users."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = PASSWORD):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def token_for(client):
    """Return a function giving a bearer-token Authorization header for a user."""

    def _token(username: str, device: str = "测试手机") -> dict:
        response = client.post("/api/v1/auth/token",
                                json={"username": username, "password": PASSWORD, "device_name": device})
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _token
