"""Sign-in rate limits: per IP and per user name, on /login and the token API, 429 with Retry-After."""
from __future__ import annotations

import pytest

from ..factories import PASSWORD


def _token(client, username, password="wrong-password-1", ip="10.0.0.5"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _page(client, username, password="wrong-password-1", ip="10.0.0.5"):
    return client.post("/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_default_limits_slow_guesses_spread_over_many_names(app, client, world):
    assert app.config["RATELIMIT_ENABLED"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    statuses = [_token(client, f"name{n % 48}").status_code for n in range(72)]
    # 72 guesses from one IP fall in at most two minute windows of 30 each: at least 12 are refused
    assert statuses.count(429) >= 12 and set(statuses) == {401, 429}


class TestConfiguredLimits:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "LOGIN_RATE_LIMIT_IP": "3 per minute", "LOGIN_RATE_LIMIT_NAME": "1000 per minute"}

    def test_per_ip_limit_on_the_api_answers_the_envelope_with_retry_after(self, client, world):
        for n in range(3):
            assert _token(client, f"user{n}").status_code == 401
        response = _token(client, "user9")
        assert response.status_code == 429
        error = response.get_json()["error"]
        assert error["code"] == "too_many_requests" and "后再试" in error["message"]
        assert 0 < int(response.headers["Retry-After"]) <= 60
        assert error["details"]["retry_after"] == int(response.headers["Retry-After"])
        assert _token(client, "user9", ip="10.0.0.6").status_code == 401  # another IP is not held back

    def test_the_limit_is_shared_by_the_page_and_the_api_and_answers_html(self, client, world):
        _token(client, "a")
        _page(client, "b")
        assert _page(client, "c").status_code == 401
        response = _page(client, "d")
        assert response.status_code == 429 and "Retry-After" in response.headers
        assert response.mimetype == "text/html" and "尝试过于频繁" in response.get_data(as_text=True)

    def test_the_sign_in_page_itself_is_not_limited(self, client, world):
        for _ in range(5):
            assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 200


class TestPerNameLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "LOGIN_RATE_LIMIT_IP": "1000 per minute", "LOGIN_RATE_LIMIT_NAME": "2 per minute",
                "LOGIN_MAX_FAILURES": 100, "LOGIN_ACCOUNT_MAX_FAILURES": 100}

    def test_one_name_from_many_ips_is_limited_other_names_are_not(self, client, world):
        assert _token(client, "reviewer", ip="10.3.0.1").status_code == 401
        assert _token(client, "reviewer", ip="10.3.0.2").status_code == 401
        assert _token(client, "reviewer", ip="10.3.0.3").status_code == 429
        assert _token(client, " reviewer ", ip="10.3.0.4").status_code == 429  # the same name, spaced
        assert _token(client, "viewer", ip="10.3.0.3").status_code == 401

    def test_a_client_that_signed_in_before_is_not_held_to_the_names_limit(self, app, world):
        owner = app.test_client()
        assert _page(owner, "reviewer", PASSWORD, ip="10.0.0.1").status_code == 302
        for n in range(3):
            _token(app.test_client(), "reviewer", ip=f"10.3.0.{n}")
        assert _token(app.test_client(), "reviewer", ip="10.3.0.9").status_code == 429
        assert _page(app.test_client(), "reviewer", PASSWORD, ip="10.0.0.1").status_code == 302


def test_malformed_limit_settings_are_a_configuration_error(monkeypatch, tmp_path):
    from inspection.config import ConfigError, load_config

    monkeypatch.setenv("LOGIN_RATE_LIMIT_IP", "lots")
    with pytest.raises(ConfigError, match="LOGIN_RATE_LIMIT_IP"):
        load_config(tmp_path)
