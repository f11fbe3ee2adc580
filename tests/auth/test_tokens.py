"""Device tokens: issued once, stored hashed, usable as bearer tokens, revocable."""
from __future__ import annotations

import hashlib

from inspection.auth.models import ApiToken
from inspection.extensions import db

from ..factories import PASSWORD


def test_token_issued_and_stored_hashed(client, world):
    response = client.post("/api/v1/auth/token",
                           json={"username": "inspector1", "password": PASSWORD, "device_name": "红米手机"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "inspector1" and body["user"]["role"] == "inspector"
    row = db.session.get(ApiToken, body["token_id"])
    assert row.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert row.device_name == "红米手机"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "inspector1"


def test_bad_credentials_and_bad_bodies(client, world):
    wrong = client.post("/api/v1/auth/token", json={"username": "inspector1", "password": "x"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"
    malformed = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "malformed_json"
    missing = client.post("/api/v1/auth/token", json={"username": "inspector1"})
    assert missing.status_code == 422 and "password" in missing.get_json()["error"]["details"]
    not_json = client.post("/api/v1/auth/token", data="username=x")
    assert not_json.status_code == 415


def test_revoked_token_stops_working(client, world, token_for):
    headers = token_for("inspector1")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_admin_revokes_from_web_page(client, auth, world, token_for):
    headers = token_for("inspector1")
    token = db.session.query(ApiToken).one()
    auth.login("admin")
    page = client.get("/account/devices").get_data(as_text=True)
    assert "inspector1" in page and "测试手机" in page
    assert client.post(f"/account/devices/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_disabled_user_token_stops_working(client, world, token_for):
    from inspection.users.services import set_active

    headers = token_for("inspector1")
    set_active(world.users["inspector1"], False, actor=world.users["admin"])
    db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_errors_never_leak_tracebacks(app, client, world):
    @app.route("/boom")
    def boom():  # pragma: no cover - exercised below
        raise RuntimeError("secret internals")

    boom.access_rule = None
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
