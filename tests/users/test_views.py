"""Account administration pages, through the test client."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.auth.models import ApiToken, User
from inspection.auth.services import issue_token
from inspection.extensions import db
from inspection.sqltypes import utcnow

from ..factories import PASSWORD


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_list_filters_by_role_and_state(client, auth, world):
    auth.login("admin")
    html = client.get("/users/?role=inspector").get_data(as_text=True)
    assert "inspector1" in html and "inspector3" in html and "liaison1" not in html
    world.users["inspector2"].active = False
    db.session.commit()
    html = client.get("/users/?state=disabled").get_data(as_text=True)
    assert "inspector2" in html and "inspector1" not in html
    html = client.get(f"/users/?unit_id={world.units[0].id}").get_data(as_text=True)
    assert "liaison1" in html and "liaison2" not in html


def test_only_admin_reaches_user_pages(client, auth, world):
    auth.login("coordinator")
    assert client.get("/users/").status_code == 403
    assert client.post("/users/new", data={"username": "x"}).status_code == 403
    assert _user("x") is None


def test_create_user(client, auth, world):
    auth.login("admin")
    response = client.post("/users/new", data={
        "username": "liaison9", "display_name": "王联络", "role": "liaison", "unit_id": str(world.units[3].id),
        "phone": "13900000000", "password": "init-pass-1", "confirm": "init-pass-1"})
    assert response.status_code == 302
    user = _user("liaison9")
    assert user.unit_id == world.units[3].id and user.display_name == "王联络"
    assert auth.logout().status_code == 302
    assert auth.login("liaison9", "init-pass-1").status_code == 302


def test_create_user_errors_keep_the_values(client, auth, world):
    auth.login("admin")
    response = client.post("/users/new", data={
        "username": "liaison9", "display_name": "王联络", "role": "liaison", "unit_id": "",
        "password": "init-pass-1", "confirm": "other-pass-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "两次输入的密码不一致" in html
    assert 'value="王联络"' in html and 'value="liaison9"' in html
    response = client.post("/users/new", data={
        "username": "liaison9", "display_name": "王联络", "role": "liaison", "unit_id": "",
        "password": "init-pass-1", "confirm": "init-pass-1"})
    assert response.status_code == 422
    assert "单位联络人必须指定所属单位" in response.get_data(as_text=True)
    response = client.post("/users/new", data={"username": "bad name", "role": "viewer"})
    html = response.get_data(as_text=True)
    assert "用户名只能包含" in html and "请填写姓名" in html and "请设置初始密码" in html
    assert _user("liaison9") is None


def test_edit_user(client, auth, world):
    auth.login("admin")
    user = world.users["viewer"]
    assert "编辑用户 viewer" in client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    response = client.post(f"/users/{user.id}/edit", data={"display_name": "县领导", "role": "reviewer",
                                                          "unit_id": "", "phone": ""})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "reviewer" and user.display_name == "县领导"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.after == {"display_name": "县领导", "role": "reviewer"}


def test_admin_cannot_demote_themselves_on_the_page(client, auth, world):
    auth.login("admin")
    admin = world.users["admin"]
    response = client.post(f"/users/{admin.id}/edit", data={"display_name": "admin", "role": "viewer"})
    assert response.status_code == 422
    assert "不能取消自己的管理员角色" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_reset_password_and_revoke(client, auth, world):
    user = world.users["inspector1"]
    issue_token(user, "手机")
    db.session.commit()
    auth.login("admin")
    response = client.post(f"/users/{user.id}/password", data={"password": "fresh-pass-7", "confirm": "fresh-pass-7",
                                                              "revoke_tokens": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)).revoked_at is not None
    auth.logout()
    assert auth.login("inspector1", PASSWORD).status_code == 401
    assert auth.login("inspector1", "fresh-pass-7").status_code == 302


def test_reset_password_refuses_weak_password(client, auth, world):
    auth.login("admin")
    user = world.users["inspector1"]
    response = client.post(f"/users/{user.id}/password", data={"password": "abc", "confirm": "abc"})
    assert response.status_code == 422
    assert "密码至少需要8个字符" in response.get_data(as_text=True)


def test_disable_and_enable(client, auth, world):
    user = world.users["inspector2"]
    issue_token(user, "手机")
    db.session.commit()
    auth.login("admin")
    assert client.post(f"/users/{user.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)).revoked_at is not None
    other = client.application.test_client()
    assert other.post("/login", data={"username": "inspector2", "password": PASSWORD}).status_code == 401
    client.post(f"/users/{user.id}/active", data={"active": "1"})
    db.session.refresh(user)
    assert user.active


def test_admin_cannot_disable_themselves_on_the_page(client, auth, world):
    auth.login("admin")
    admin = world.users["admin"]
    response = client.post(f"/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_unlock_a_locked_account(client, auth, world):
    user = world.users["reviewer"]
    user.locked_until = utcnow() + timedelta(minutes=15)
    db.session.commit()
    auth.login("admin")
    assert "已锁定" in client.get("/users/?state=locked").get_data(as_text=True)
    response = client.post(f"/users/{user.id}/unlock", follow_redirects=True)
    assert "已解除用户 reviewer 的登录锁定" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locked_until is None
    assert client.application.test_client().post(
        "/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302


def test_unknown_user_is_404(client, auth, world):
    auth.login("admin")
    assert client.get("/users/99999/edit").status_code == 404
