"""Account administration services, called directly."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.auth.models import ApiToken
from inspection.auth.services import authenticate, issue_token, verify_password
from inspection.core.actor import Actor
from inspection.extensions import db
from inspection.sqltypes import utcnow
from inspection.users import services
from inspection.users.services import UserError


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_create_liaison_needs_a_unit(world):
    with pytest.raises(UserError) as exc:
        services.create_user(username="liaison9", password="abc-12345", role="liaison", display_name="王五",
                             unit=None, actor=world.users["admin"])
    assert exc.value.field == "unit_id"
    assert "所属单位" in exc.value.message


def test_create_user_is_audited_and_keeps_phone(world):
    user = services.create_user(username="inspector9", password="abc-12345", role="inspector",
                                display_name="赵六", unit=world.units[0], phone="13800000000",
                                actor=Actor(world.users["admin"], ip="10.0.0.1"))
    assert user.unit is None  # only liaisons belong to a unit
    assert user.phone == "13800000000"
    event = _events("user.create")[-1]
    assert event.actor_id == world.users["admin"].id
    assert event.after["username"] == "inspector9"
    assert event.ip == "10.0.0.1"  # the actor's address reaches the row (it used to be dropped)


@pytest.mark.parametrize("username, password, field", [
    ("admin", "abc-12345", "username"),
    ("new-user", "short1", "password"),
    ("new-user", "onlyletters", "password"),
])
def test_create_user_errors_name_their_field(world, username, password, field):
    with pytest.raises(UserError) as exc:
        services.create_user(username=username, password=password, role="viewer", display_name="甲",
                             unit=None, actor=world.users["admin"])
    assert exc.value.field == field


def test_update_user_records_before_and_after(world):
    user = world.users["viewer"]
    changed = services.update_user(user, display_name="李领导", role="liaison", unit=world.units[2],
                                   actor=world.users["admin"])
    assert changed
    assert user.role == "liaison" and user.unit_id == world.units[2].id
    event = _events("user.update")[-1]
    assert event.before == {"display_name": "viewer", "role": "viewer", "unit_id": None}
    assert event.after == {"display_name": "李领导", "role": "liaison", "unit_id": world.units[2].id}


def test_update_user_without_change_writes_nothing(world):
    user = world.users["viewer"]
    assert not services.update_user(user, display_name="viewer", role="viewer", unit=None,
                                    actor=world.users["admin"])
    assert _events("user.update") == []


def test_leaving_the_liaison_role_drops_the_unit(world):
    user = world.users["liaison1"]
    services.update_user(user, display_name="联络员", role="viewer", unit=world.units[0],
                         actor=world.users["admin"])
    assert user.unit_id is None


def test_admin_cannot_demote_themselves(world):
    admin = world.users["admin"]
    with pytest.raises(UserError) as exc:
        services.update_user(admin, display_name="admin", role="viewer", unit=None, actor=admin)
    assert exc.value.field == "role"
    assert admin.role == "admin"


def test_last_admin_cannot_be_demoted_or_disabled_by_anyone(world):
    admin = world.users["admin"]
    with pytest.raises(UserError):
        services.update_user(admin, display_name="admin", role="viewer", unit=None, actor=None)
    with pytest.raises(UserError):
        services.change_active(admin, False, actor=None)
    assert admin.active and admin.role == "admin"


def test_reset_password_sets_it_and_lifts_the_lock(world):
    user = world.users["inspector1"]
    user.locked_until = utcnow() + timedelta(minutes=10)
    user.failed_logins = 3
    issue_token(user, "手机")
    revoked = services.reset_password(user, "new-pass-99", actor=world.users["admin"])
    assert revoked == 0
    assert verify_password(user, "new-pass-99")
    assert user.locked_until is None and user.failed_logins == 0
    assert authenticate("inspector1", "new-pass-99", max_failures=5, lock_minutes=15) is user
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)).revoked_at is None


def test_reset_password_can_revoke_devices(world):
    user = world.users["inspector1"]
    issue_token(user, "手机一")
    issue_token(user, "手机二")
    assert services.reset_password(user, "new-pass-99", actor=world.users["admin"], revoke_tokens=True) == 2
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert all(t.revoked_at is not None for t in tokens)
    assert _events("user.password_reset")[-1].after == {"revoked_tokens": 2}


def test_reset_password_refuses_weak_ones(world):
    user = world.users["inspector1"]
    old_hash = user.password_hash
    with pytest.raises(UserError) as exc:
        services.reset_password(user, "1234567", actor=world.users["admin"])
    assert exc.value.field == "password"
    assert user.password_hash == old_hash


def test_disable_revokes_tokens_and_blocks_sign_in(world):
    user = world.users["inspector2"]
    issue_token(user, "手机")
    assert services.change_active(user, False, actor=world.users["admin"])
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)).revoked_at is not None
    assert _events("user.disable")[-1].after == {"active": False}
    assert not services.change_active(user, False, actor=world.users["admin"])  # already disabled
    assert services.change_active(user, True, actor=world.users["admin"])
    assert user.active


def test_admin_cannot_disable_themselves(world):
    with pytest.raises(UserError):
        services.change_active(world.users["admin"], False, actor=world.users["admin"])


def test_unlock(world):
    user = world.users["reviewer"]
    assert not services.unlock(user, actor=world.users["admin"])
    user.locked_until = utcnow() + timedelta(minutes=10)
    assert services.is_locked(user)
    assert services.unlock(user, actor=world.users["admin"])
    assert not services.is_locked(user)
    assert _events("user.unlock")[-1].actor_id == world.users["admin"].id


def test_users_query_filters(world):
    admin = world.users["admin"]
    world.users["inspector2"].active = False
    world.users["reviewer"].locked_until = utcnow() + timedelta(minutes=5)
    db.session.flush()

    def names(**kw):
        return {u.username for u in db.session.scalars(services.users_query(**kw))}

    assert names(role="inspector") == {"inspector1", "inspector2", "inspector3"}
    assert names(unit_id=world.units[1].id) == {"liaison2"}
    assert names(state="disabled") == {"inspector2"}
    assert names(state="locked") == {"reviewer"}
    assert "reviewer" not in names(state="active") and "inspector2" not in names(state="active")
    assert admin.username in names(state="active")
    assert names(text="INSPECTOR3") == {"inspector3"}
