"""Browser sessions end when they should: sign-out everywhere, password and role changes, idle and lifetime limits."""
from __future__ import annotations

import time

import pytest
from flask_login.utils import encode_cookie

from inspection.auth import sessions
from inspection.auth.services import end_sessions
from inspection.extensions import db
from inspection.users import services as user_services

from ..factories import PASSWORD


def _signed_in(app, username):
    """Return a new test client (a browser) signed in as `username`."""
    browser = app.test_client()
    assert browser.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    assert browser.get("/account/devices").status_code == 200
    return browser


def _is_signed_in(browser) -> bool:
    return browser.get("/account/devices").status_code == 200


def test_a_cookie_saved_before_sign_out_no_longer_works(app, world):
    browser = _signed_in(app, "reviewer")
    saved = browser.get_cookie("session").value
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert not _is_signed_in(thief)


def test_sign_out_ends_every_browser_of_that_user_only(app, world):
    office, laptop, colleague = _signed_in(app, "reviewer"), _signed_in(app, "reviewer"), _signed_in(app, "viewer")
    office.post("/logout")
    assert not _is_signed_in(laptop)
    assert _is_signed_in(colleague)


def test_password_change_keeps_this_browser_and_ends_the_others(app, world):
    here, elsewhere = _signed_in(app, "viewer"), _signed_in(app, "viewer")
    response = here.post("/account/password", data={"current": PASSWORD, "new": "new-pass-2027",
                                                    "confirm": "new-pass-2027"})
    assert response.status_code == 302
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)


@pytest.mark.parametrize("change", ["role", "disable", "reset", "reset_and_revoke"])
def test_admin_changes_end_the_users_sessions(app, world, change):
    user, admin = world.users["inspector1"], world.users["admin"]
    browser = _signed_in(app, "inspector1")
    if change == "role":
        user_services.update_user(user, display_name=user.name, role="viewer", unit=None, actor=admin)
    elif change == "disable":
        user_services.change_active(user, False, actor=admin)
    else:
        user_services.reset_password(user, "fresh-pass-7", actor=admin, revoke_tokens=change == "reset_and_revoke")
    db.session.commit()
    assert not _is_signed_in(browser)


def test_profile_edit_that_changes_no_access_keeps_the_session(app, world):
    user = world.users["inspector1"]
    browser = _signed_in(app, "inspector1")
    user_services.update_user(user, display_name="新名字", role=user.role, unit=None, actor=world.users["admin"])
    db.session.commit()
    assert _is_signed_in(browser)


def test_remember_cookie_follows_the_generation(app, world):
    user = world.users["reviewer"]
    browser = app.test_client()
    browser.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert _is_signed_in(browser)  # Flask-Login signs in from the remember cookie
    other = app.test_client()
    other.set_cookie("remember_token", encode_cookie(user.get_id()))
    end_sessions(user)
    db.session.commit()
    assert not _is_signed_in(other)


def test_sign_out_leaves_device_tokens_alone(client, auth, world, token_for):
    headers = token_for("inspector1")
    auth.login("inspector1")
    auth.logout()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200


def _age_session(browser, **seconds_ago):
    with browser.session_transaction() as s:
        now = time.time()
        for key, ago in seconds_ago.items():
            s[key] = int(now - ago)


def test_idle_session_ends_after_the_idle_limit(app, world):
    browser = _signed_in(app, "reviewer")
    _age_session(browser, **{sessions.SEEN_AT: 29 * 60})
    assert _is_signed_in(browser)  # 29 minutes idle is fine, and counts as activity
    _age_session(browser, **{sessions.SEEN_AT: 31 * 60})
    response = browser.get("/review/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "长时间未操作" in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert not _is_signed_in(browser)


class TestIdleLimitOff:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "SESSION_IDLE_MINUTES": 0}

    def test_no_idle_limit_when_zero(self, app, world):
        browser = _signed_in(app, "reviewer")
        _age_session(browser, **{sessions.SEEN_AT: 5 * 3600})
        assert _is_signed_in(browser)


def test_session_ends_after_its_lifetime_however_active(app, world):
    browser = _signed_in(app, "reviewer")
    lifetime = app.permanent_session_lifetime.total_seconds()
    _age_session(browser, **{sessions.SIGNED_IN_AT: lifetime + 60, sessions.SEEN_AT: 10})
    assert not _is_signed_in(browser)


def test_a_form_posted_after_the_session_ended_leads_back_to_its_page(app, world):
    browser = _signed_in(app, "viewer")
    end_sessions(world.users["viewer"])  # e.g. signed out in another browser
    db.session.commit()
    response = browser.post("/account/password", data={"current": PASSWORD, "new": "x", "confirm": "x"},
                            headers={"Referer": "http://localhost/account/password"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/password"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "登录已过期" in page and "flash-expired" in page
    response = browser.post("/login?next=/account/password", data={"username": "viewer", "password": PASSWORD})
    assert response.headers["Location"] == "/account/password"


def test_a_post_from_another_site_does_not_become_the_next_page(app, world):
    browser = _signed_in(app, "viewer")
    end_sessions(world.users["viewer"])
    db.session.commit()
    response = browser.post("/logout", headers={"Referer": "https://evil.example/form"})
    assert response.headers["Location"] == "/login"


class TestCsrfExpired:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_signed_in_form_with_a_stale_token_returns_to_its_page(self, app, world):
        browser = app.test_client()
        page = browser.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        browser.post("/login", data={"username": "reviewer", "password": PASSWORD, "csrf_token": token})
        response = browser.post("/account/password", data={"csrf_token": "stale", "current": PASSWORD},
                                headers={"Referer": "http://localhost/account/password"})
        assert response.status_code == 302 and response.headers["Location"] == "/account/password"
        assert "页面已过期，内容未提交" in browser.get("/account/password").get_data(as_text=True)

    def test_form_after_the_cookie_is_gone_goes_through_sign_in(self, app, world):
        browser = app.test_client()
        response = browser.post("/review/findings/6f1c1f3e-0c1e-4a51-9a0e-1d5f1c2b3a4d/decide", data={"csrf_token": "old", "note": "请补充照片"},
                                headers={"Referer": "http://localhost/review/findings/6f1c1f3e-0c1e-4a51-9a0e-1d5f1c2b3a4d?status=submitted"})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=/review/findings/6f1c1f3e-0c1e-4a51-9a0e-1d5f1c2b3a4d")

    def test_a_post_from_another_site_is_refused_with_400(self, app, world):
        browser = app.test_client()
        response = browser.post("/logout", data={"csrf_token": "forged"},
                                headers={"Referer": "https://evil.example/form"})
        assert response.status_code == 400
