"""Account administration: enable/disable, role and unit changes, password resets."""
from __future__ import annotations

from ..audit.services import record
from ..auth.models import User
from ..sqltypes import utcnow
from ..extensions import db


def set_active(user: User, active: bool, *, actor) -> None:
    """Enable or disable an account; disabling also revokes every device token it holds."""
    from ..auth.models import ApiToken

    if user.active == active:
        return
    user.active = active
    if not active:
        now = utcnow()
        for token in db.session.query(ApiToken).filter_by(user_id=user.id, revoked_at=None):
            token.revoked_at = now
    record(actor, "user.enable" if active else "user.disable", "user", user.id,
           f"{'启用' if active else '停用'}用户 {user.username}",
           before={"active": not active}, after={"active": active})
    db.session.flush()
