"""HTTP as clients and proxies expect it: Allow, WWW-Authenticate, Retry-After, HSTS and cache rules."""
from __future__ import annotations

import hashlib

from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from inspection import create_app
from inspection.auth.access import public
from inspection.core.security import HSTS
from inspection.extensions import db

from ..factories import PASSWORD
from ..records import jpeg


def test_405_names_the_allowed_methods_on_the_api_and_on_pages(client):
    """A wrong method gets 405 with `Allow` (RFC 9110 15.5.6), in the JSON envelope on the API."""
    response = client.get("/api/v1/sync")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"].split(", ")
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    page = client.put("/login")
    assert page.status_code == 405 and {"GET", "POST"} <= set(page.headers["Allow"].split(", "))


def test_http_exceptions_keep_their_headers(app, client):
    """Retry-After of a 429 or 503 raised anywhere reaches the client with the envelope."""

    @public
    def busy():
        raise ServiceUnavailable(retry_after=120)

    @public
    def slow_down():
        raise TooManyRequests(retry_after=7)

    app.add_url_rule("/api/v1/_busy", "busy", busy)
    app.add_url_rule("/_slow", "slow", slow_down)
    response = client.get("/api/v1/_busy")
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert response.mimetype == "application/json"
    page = client.get("/_slow")
    assert page.status_code == 429 and page.headers["Retry-After"] == "7" and page.mimetype == "text/html"


def test_api_401_challenges_for_a_bearer_token(client, world):
    """No credentials: a plain Bearer challenge; a refused token: error="invalid_token" (RFC 6750 3.1)."""
    anonymous = client.get("/api/v1/auth/me")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="inspection-api"'
    bad = client.get("/api/v1/bootstrap", headers={"Authorization": "Bearer not-a-real-token"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthenticated"
    challenge = bad.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="inspection-api"') and 'error="invalid_token"' in challenge


def test_revoked_token_is_an_invalid_token(client, world, token_for):
    """A token revoked by signing the phone out is refused with the invalid_token challenge."""
    headers = token_for("inspector1")
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    again = client.get("/api/v1/auth/me", headers=headers)
    assert again.status_code == 401 and 'error="invalid_token"' in again.headers["WWW-Authenticate"]


def test_wrong_password_401_still_carries_a_challenge(client, world):
    """Every 401 must carry WWW-Authenticate, the sign-in endpoint's too (no token was sent: no error)."""
    response = client.post("/api/v1/auth/token",
                           json={"username": "inspector1", "password": PASSWORD + "x", "device_name": "手机"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="inspection-api"'


def test_health_check_503_says_when_to_retry(client, monkeypatch):
    """A load balancer told the database is down is also told when to ask again."""

    def unreachable(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_hsts_only_when_served_over_https(app_config, client):
    """Strict-Transport-Security when cookies are secure (production); never on plain-HTTP development."""
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = create_app({**app_config, "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True})
    with secure.test_client() as https:
        assert https.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"] == HSTS
        assert https.get("/api/v1/openapi.json").headers["Strict-Transport-Security"] == HSTS
    assert "includeSubDomains" not in HSTS and int(HSTS.split("=")[1]) >= 180 * 86400


def test_photos_are_never_stored_by_caches(client, world, token_for):
    """Evidence photos are `private, no-store`, like every other secret answer: nothing lingers after sign-out."""
    headers = token_for("inspector1")
    data, sha = jpeg(41)
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg",
                      headers=headers).status_code == 201
    for variant in ("thumb", "display", "original"):
        response = client.get(f"/photos/{sha}/{variant}", headers=headers)
        response.close()
        assert response.status_code == 200, variant
        assert response.headers["Cache-Control"] == "private, no-store", variant
        assert "Expires" not in response.headers
    original = client.get(f"/photos/{sha}/original", headers=headers)
    assert hashlib.sha256(original.get_data()).hexdigest() == sha
    original.close()
