"""Lock-out: counted atomically, the same for unknown names, and guessing from elsewhere does not shut the owner out."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from inspection.auth import services
from inspection.auth.models import LoginThrottle, User
from inspection.extensions import db
from inspection.sqltypes import utcnow
from inspection.users import services as user_services

from ..factories import PASSWORD

OWNER_IP, GUESSER_IP = "10.0.0.1", "10.9.9.9"


@pytest.fixture
def app_config(app_config):
    """Rate limits out of the way: these tests are about the lock-out alone."""
    return {**app_config, "LOGIN_RATE_LIMIT_IP": "10000 per minute", "LOGIN_RATE_LIMIT_NAME": "10000 per minute",
            "LOGIN_MAX_FAILURES": 5, "LOGIN_ACCOUNT_MAX_FAILURES": 8, "LOGIN_LOCK_MINUTES": 15}


def _token(app, username, password, ip):
    return app.test_client().post("/api/v1/auth/token", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": ip})


def _page(app, username, password, ip):
    return app.test_client().post("/login", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": ip})


def test_parallel_guesses_get_no_more_password_checks_than_the_limit(app, world, monkeypatch):
    checks, lock = [], threading.Lock()
    real_verify = services.verify_password

    def counting_verify(user, password):
        with lock:
            checks.append(password)
        return real_verify(user, password)

    monkeypatch.setattr(services, "verify_password", counting_verify)
    start = threading.Barrier(30)
    answers = []

    def guess(n):
        start.wait()
        response = _token(app, "reviewer", f"wrong-guess-{n}", GUESSER_IP)
        with lock:
            answers.append((response.status_code, response.get_json()["error"]["code"]))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == app.config["LOGIN_MAX_FAILURES"]
    assert sorted(answers).count((401, "invalid_credentials")) == 5
    assert sorted(answers).count((403, "locked")) == 25


def test_lock_answers_do_not_tell_whether_the_user_exists(app, world):
    answers = {}
    for name in ("reviewer", "no-such-user"):
        for _ in range(5):
            assert _token(app, name, "wrong-password-1", GUESSER_IP).status_code == 401
        api = _token(app, name, "wrong-password-1", GUESSER_IP)
        page = _page(app, name, "wrong-password-1", GUESSER_IP)
        assert api.headers["Retry-After"] == page.headers["Retry-After"]
        assert 0 < int(api.headers["Retry-After"]) <= 15 * 60 + 1
        error = api.get_json()["error"]
        answers[name] = (api.status_code, error["code"], error["message"], error["details"].keys(),
                         page.status_code, "登录失败次数过多" in page.get_data(as_text=True))
    assert answers["reviewer"] == answers["no-such-user"]
    assert answers["reviewer"][:2] == (403, "locked")


def test_guessing_from_elsewhere_does_not_lock_out_the_owner(app, world):
    assert _page(app, "reviewer", PASSWORD, OWNER_IP).status_code == 302  # the owner's usual office
    for _ in range(8):
        _token(app, "reviewer", "wrong-password-1", GUESSER_IP)
    assert _token(app, "reviewer", PASSWORD, GUESSER_IP).get_json()["error"]["code"] == "locked"
    assert _page(app, "reviewer", PASSWORD, OWNER_IP).status_code == 302


def test_many_new_clients_slow_the_account_for_new_clients_only(app, world):
    assert _page(app, "reviewer", PASSWORD, OWNER_IP).status_code == 302
    for n in range(8):  # one guess each from eight new places: no single client reaches its limit
        assert _token(app, "reviewer", "wrong-password-1", f"10.1.0.{n}").status_code == 401
    refused = _token(app, "reviewer", PASSWORD, "10.2.0.1")  # a new place, even with the right password
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "locked"
    assert _page(app, "reviewer", PASSWORD, OWNER_IP).status_code == 302  # the owner's place still works
    user = db.session.scalar(select(User).where(User.username == "reviewer"))
    db.session.refresh(user)
    assert user_services.is_locked(user)  # the admin page shows it
    assert user_services.unlock(user, actor=world.users["admin"])
    db.session.commit()
    assert _token(app, "reviewer", PASSWORD, "10.2.0.1").status_code == 201


def test_admin_unlock_lifts_a_lock_of_one_client(app, world):
    for _ in range(5):
        _page(app, "viewer", "wrong-password-1", OWNER_IP)
    assert _page(app, "viewer", PASSWORD, OWNER_IP).status_code == 401
    db.session.refresh(world.users["viewer"])
    assert user_services.is_locked(world.users["viewer"])  # the admin page shows it, and offers 解除锁定
    assert user_services.unlock(world.users["viewer"], actor=world.users["admin"])
    db.session.commit()
    assert _page(app, "viewer", PASSWORD, OWNER_IP).status_code == 302


def test_a_lock_ends_after_its_minutes(app, world):
    for _ in range(6):
        _token(app, "viewer", "wrong-password-1", OWNER_IP)
    assert _token(app, "viewer", PASSWORD, OWNER_IP).status_code == 403
    db.session.execute(update(LoginThrottle).values(updated_at=utcnow() - timedelta(minutes=15, seconds=1)))
    db.session.commit()
    assert _token(app, "viewer", PASSWORD, OWNER_IP).status_code == 201


def test_success_resets_the_clients_count(app, world):
    for _ in range(4):
        _page(app, "viewer", "wrong-password-1", OWNER_IP)
    assert _page(app, "viewer", PASSWORD, OWNER_IP).status_code == 302
    for _ in range(4):
        assert _page(app, "viewer", "wrong-password-1", OWNER_IP).status_code == 401
    assert _page(app, "viewer", PASSWORD, OWNER_IP).status_code == 302
