"""TRUST_PROXY: the number of reverse proxies in front of the app (ProxyFix x_for), parsed strictly."""
from __future__ import annotations

import pytest

from inspection import create_app
from inspection.config import ConfigError, load_config
from inspection.core.actor import current_actor


@pytest.mark.parametrize("value, hops", [("", 0), ("0", 0), ("false", 0), ("1", 1), ("true", 1), ("2", 2),
                                         ("10", 10)])
def test_trust_proxy_reads_a_number_of_hops(monkeypatch, tmp_path, value, hops):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("TRUST_PROXY", value)
    assert load_config(tmp_path)["TRUST_PROXY"] == hops


@pytest.mark.parametrize("value", ["-1", "11", "two", "1.5"])
def test_trust_proxy_refuses_anything_else(monkeypatch, tmp_path, value):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("TRUST_PROXY", value)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert "TRUST_PROXY" in str(exc.value)


@pytest.mark.parametrize("hops, client_ip", [(0, "127.0.0.1"), (1, "10.0.0.2"), (2, "203.0.113.7")])
def test_the_client_is_found_that_many_hops_back(tmp_path, hops, client_ip):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "TRUST_PROXY": hops,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    seen = []
    app.before_request(lambda: seen.append(current_actor().ip))
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.0.0.2"})
    assert seen == [client_ip]
