"""Signing in and out, lock-out after repeated failures, password changes, CSRF on forms."""
from __future__ import annotations

from datetime import timedelta

import pytest

from inspection.auth import services
from sqlalchemy import update

from inspection.auth.models import LoginThrottle
from inspection.extensions import db
from inspection.sqltypes import utcnow

from ..factories import PASSWORD


def test_login_page_is_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


def _session_user(client) -> str | None:
    """The Flask-Login user id ("<id>:<session generation>") the client's session cookie carries."""
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_login_and_logout(client, auth, world):
    user = world.users["reviewer"]
    generation = user.session_generation or 0
    response = auth.login("reviewer")
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert _session_user(client) == f"{user.id}:{generation}"
    response = client.get("/home")
    assert response.status_code == 302 and response.headers["Location"] == "/review/"  # the reviewer's desk
    assert client.get("/account/devices").status_code == 200

    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _session_user(client) is None  # this browser is signed out
    db.session.expire_all()
    assert user.session_generation == generation + 1  # and every other session of the user has ended
    response = client.get("/account/devices")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = client.get("/home")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_wrong_password_is_refused_with_a_generic_message(client, auth, world):
    response = auth.login("reviewer", "wrong-password-1")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    response = auth.login("nobody", "wrong-password-1")
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app, client, auth, world):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("reviewer", "wrong-password-1")
    response = auth.login("reviewer")  # even the right password is refused while locked
    assert response.status_code == 401
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= app.config["LOGIN_LOCK_MINUTES"] * 60 + 1
    db.session.execute(update(LoginThrottle).values(updated_at=utcnow() - timedelta(
        minutes=app.config["LOGIN_LOCK_MINUTES"], seconds=1)))  # the lock's time has passed
    db.session.commit()
    assert auth.login("reviewer").status_code == 302


def test_disabled_user_cannot_sign_in(client, auth, world):
    world.users["viewer"].active = False
    db.session.commit()
    response = auth.login("viewer")
    assert response.status_code == 401
    assert "停用" in response.get_data(as_text=True)


def test_open_redirect_is_ignored(client, world):
    response = client.post("/login?next=//evil.example/x", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_change_password(client, auth, world):
    auth.login("viewer")
    response = client.post("/account/password", data={"current": PASSWORD, "new": "new-pass-2027",
                                                      "confirm": "new-pass-2027"})
    assert response.status_code == 302
    auth.logout()
    assert auth.login("viewer", PASSWORD).status_code == 401
    assert auth.login("viewer", "new-pass-2027").status_code == 302


@pytest.mark.parametrize("new,message", [("short1", "至少"), ("onlyletters", "同时包含"),
                                         (PASSWORD, "不能与当前密码相同")])
def test_weak_or_same_passwords_refused(client, auth, world, new, message):
    auth.login("viewer")
    response = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_passwords_are_hashed_with_argon2(world):
    user = world.users["admin"]
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert services.verify_password(user, PASSWORD)


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_form_without_token_is_refused(self, client, world):
        response = client.post("/login", data={"username": "viewer", "password": PASSWORD},
                               headers={"Referer": "http://localhost/login?next=/review/"})
        assert response.status_code == 302  # back to the sign-in form it came from, not signed in
        assert response.headers["Location"] == "/login?next=/review/"
        assert "页面已过期" in client.get("/login").get_data(as_text=True)
        assert client.get("/home").status_code == 302

    def test_json_write_without_token_is_a_400_envelope(self, client, world):
        response = client.post("/login", data={"username": "viewer", "password": PASSWORD},
                               headers={"Accept": "application/json"})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"

    def test_form_with_token_is_accepted(self, client, world):
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_token_api_needs_no_csrf_but_session_json_writes_do(self, client, world):
        response = client.post("/api/v1/auth/token", json={"username": "inspector1", "password": PASSWORD,
                                                          "device_name": "手机"})
        assert response.status_code == 201


def test_session_cookie_flags(app, client, world):
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_on_pages(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
