"""Sign-in fields holding text no database or encoder can take: a field error, never a 500."""
from __future__ import annotations

import pytest

from ..factories import PASSWORD


@pytest.mark.parametrize("field, value", [
    ("username", "\ud800"), ("username", "insp\x00ector1"), ("username", "a\udfffb"),
    ("password", "\ud83d"), ("password", "pass\x00word-1"), ("device_name", "手机\x00"),
])
def test_api_refuses_unusable_text_with_422(client, world, field, value):
    body = {"username": "inspector1", "password": PASSWORD, "device_name": "手机", field: value}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]


@pytest.mark.parametrize("username", ["insp\x00ector1", "\x00"])
def test_sign_in_page_shows_a_field_error(client, world, username):
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page and "Traceback" not in page


def test_sign_in_page_refuses_a_nul_in_the_password(client, world):
    response = client.post("/login", data={"username": "inspector1", "password": "x\x00y"})
    assert response.status_code == 422 and "密码含有无效字符" in response.get_data(as_text=True)
