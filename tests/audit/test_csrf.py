"""With CSRF on (as in production), the admin forms carry a token and a forged post is refused."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign
from inspection.extensions import db


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(client):
    token = _token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "admin", "password": "pass-1234",
                                       "csrf_token": token}).status_code == 302


def test_forms_carry_a_working_token(client, world):
    _login(client)
    token = _token(client.get("/users/new").get_data(as_text=True))
    response = client.post("/users/new", data={"username": "viewer2", "display_name": "领导二", "role": "viewer",
                                               "password": "init-pass-1", "confirm": "init-pass-1",
                                               "csrf_token": token})
    assert response.status_code == 302
    campaign = world.campaign
    token = _token(client.get(f"/campaigns/{campaign.id}/status").get_data(as_text=True))
    client.post(f"/campaigns/{campaign.id}/status", data={"action": "close", "confirm": "yes", "csrf_token": token})
    assert db.session.scalar(select(Campaign.status).where(Campaign.id == campaign.id)) == "closed"
    for path in ("/units/new", "/units/import", "/units/", f"/checklists/{world.checklist.id}/edit",
                 "/checklists/import", "/campaigns/new", f"/campaigns/{world.draft_campaign.id}", "/users/"):
        html = client.get(path).get_data(as_text=True)
        assert html.count('name="csrf_token"') >= 2, path  # the page's own form(s), besides the sign-out form


def test_forged_posts_are_refused(client, world):
    _login(client)
    response = client.post("/users/new", data={"username": "forged", "display_name": "x", "role": "admin",
                                               "password": "init-pass-1", "confirm": "init-pass-1"})
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.username == "forged")) is None
    response = client.post(f"/users/{world.users['inspector1'].id}/active", data={"active": "0"})
    assert response.status_code == 400
    assert db.session.get(User, world.users["inspector1"].id).active
