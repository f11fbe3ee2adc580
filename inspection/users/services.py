"""Account administration: enable/disable, role and unit changes, password resets."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from ..audit.services import changed_fields, record
from ..auth import lockout
from ..auth import services as auth_services
from ..auth.models import ApiToken, User
from ..auth.roles import ADMIN, LIAISON, ROLES
from ..extensions import db
from ..sqltypes import utcnow
from ..units.models import Unit

logger = logging.getLogger(__name__)

USER_STATES = {"active": "正常", "disabled": "已停用", "locked": "已锁定"}


class UserError(Exception):
    """An account change broke a rule; `field` names the form field, `message` is shown."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Which form field each account error of auth.services belongs to.
_AUTH_ERROR_FIELDS = {
    "invalid_username": "username",
    "duplicate_username": "username",
    "invalid_role": "role",
    "unit_required": "unit_id",
    "weak_password": "password",
}


def users_query(*, role: str | None = None, unit_id: int | None = None, state: str | None = None,
                text: str | None = None, now: datetime | None = None) -> Select:
    """Select accounts matching the list filters, ordered by role then username."""
    query = select(User)
    if role in ROLES:
        query = query.where(User.role == role)
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    now = now or utcnow()
    if state == "active":
        query = query.where(User.active.is_(True), or_(User.locked_until.is_(None), User.locked_until <= now))
    elif state == "disabled":
        query = query.where(User.active.is_(False))
    elif state == "locked":
        query = query.where(User.locked_until > now)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(User.username.ilike(like), User.display_name.ilike(like), User.phone.ilike(like)))
    return query.order_by(User.role, User.username)


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Tell whether the account is temporarily locked after failed sign-ins."""
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def _check_unit(role: str, unit: Unit | None) -> Unit | None:
    """Return the unit an account of `role` keeps: a liaison needs an active unit, others none."""
    if role != LIAISON:
        return None
    if unit is None:
        raise UserError("单位联络人必须指定所属单位", "unit_id")
    return unit


def create_user(*, username: str, password: str, role: str, display_name: str, unit: Unit | None,
                phone: str = "", actor: User) -> User:
    """Create an account from the admin page; raises UserError naming the offending field."""
    _check_unit(role, unit)
    try:
        user = auth_services.create_user(username, password, role, unit=unit, display_name=display_name,
                                         actor=actor)
    except auth_services.AuthError as exc:
        raise UserError(exc.message, _AUTH_ERROR_FIELDS.get(exc.code)) from None
    user.phone = phone.strip()
    user.password_changed_at = utcnow()
    db.session.flush()
    return user


def active_admin_count() -> int:
    """Count the enabled administrator accounts."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == ADMIN,
                                                                          User.active.is_(True))) or 0


def update_user(user: User, *, display_name: str, role: str, unit: Unit | None, phone: str = "",
                actor: User) -> bool:
    """Change an account's name, role, unit and phone; return whether anything changed."""
    if role not in ROLES:
        raise UserError(f"未知角色：{role}", "role")
    if not display_name.strip():
        raise UserError("请填写姓名", "display_name")
    unit = _check_unit(role, unit)
    if user.role == ADMIN and role != ADMIN:
        if actor is not None and user.id == actor.id:
            raise UserError("不能取消自己的管理员角色，请由其他管理员操作", "role")
        if user.active and active_admin_count() <= 1:
            raise UserError("这是最后一个启用的管理员账号，不能更改其角色", "role")
    data = {"display_name": display_name.strip(), "role": role, "unit_id": unit.id if unit else None,
            "phone": phone.strip()}
    before, after = changed_fields(user, data)
    if not after:
        return False
    if "unit_id" in after:
        user.unit = unit
    if "role" in after or "unit_id" in after:
        auth_services.end_sessions(user)  # what they may see changed: their open pages sign in again
    record(actor, "user.update", "user", user.id, f"修改用户 {user.username} 的资料", before=before,
           after=after)
    db.session.flush()
    return True


def reset_password(user: User, password: str, *, actor: User, revoke_tokens: bool = False) -> int:
    """Set a new password for someone, clear any lock-out, end their browser sessions; optionally revoke devices.

    Returns the number of device tokens revoked.
    """
    try:
        auth_services.check_password_strength(password)
    except auth_services.AuthError as exc:
        raise UserError(exc.message, "password") from None
    now = utcnow()
    user.password_hash = auth_services.hash_password(password)
    user.password_changed_at = now
    user.failed_logins = 0
    user.locked_until = None
    lockout.clear(user.username)
    auth_services.end_sessions(user)  # every browser signed in with the old password signs in again
    revoked = _revoke_all_tokens(user, now) if revoke_tokens else 0
    record(actor, "user.password_reset", "user", user.id,
           f"重置用户 {user.username} 的密码" + (f"，并注销其{revoked}台登录设备" if revoked else ""),
           after={"revoked_tokens": revoked})
    db.session.flush()
    return revoked


def _revoke_all_tokens(user: User, now: datetime) -> int:
    """Revoke every live device token of a user; return how many."""
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def unlock(user: User, *, actor: User, now: datetime | None = None) -> bool:
    """Lift a lock-out after failed sign-ins; return False when the account was not locked."""
    cleared = lockout.clear(user.username)  # the per-client locks too, which the account row does not show
    if not is_locked(user, now) and not user.failed_logins and not cleared:
        return False
    before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None,
              "failed_logins": user.failed_logins}
    user.locked_until = None
    user.failed_logins = 0
    record(actor, "user.unlock", "user", user.id, f"解除用户 {user.username} 的登录锁定",
           before=before, after={"locked_until": None, "failed_logins": 0})
    db.session.flush()
    return True


def change_active(user: User, active: bool, *, actor: User) -> bool:
    """Enable or disable an account from the admin page, refusing to lock the admins out."""
    if user.active == active:
        return False
    if not active:
        if actor is not None and user.id == actor.id:
            raise UserError("不能停用自己的账号")
        if user.role == ADMIN and active_admin_count() <= 1:
            raise UserError("这是最后一个启用的管理员账号，不能停用")
    set_active(user, active, actor=actor)
    return True


def set_active(user: User, active: bool, *, actor) -> None:
    """Enable or disable an account; disabling also revokes every device token it holds."""
    if user.active == active:
        return
    user.active = active
    if not active:
        auth_services.end_sessions(user)
    revoked = 0 if active else _revoke_all_tokens(user, utcnow())
    summary = f"{'启用' if active else '停用'}用户 {user.username}"
    if revoked:
        summary += f"，注销其{revoked}台登录设备"
    record(actor, "user.enable" if active else "user.disable", "user", user.id, summary,
           before={"active": not active}, after={"active": active})
    db.session.flush()
    logger.info("user %s %s", user.username, "enabled" if active else "disabled")


def token_counts(user_ids: list[int]) -> dict[int, int]:
    """Return the number of live device tokens per user id."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(ApiToken.user_id, func.count()).where(
        ApiToken.user_id.in_(user_ids), ApiToken.revoked_at.is_(None)).group_by(ApiToken.user_id))
    return dict(rows.all())
