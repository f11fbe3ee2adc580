"""Write audit events; every feature's services call record() for each change they make."""
from __future__ import annotations

import logging

from ..core.actor import Actor
from ..extensions import db
from .models import AuditEvent

logger = logging.getLogger(__name__)


def record(actor, action: str, entity_type: str, entity_id, summary: str = "", *,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Append one audit event (flushed, committed with the caller's unit of work); the IP comes from the Actor.

    `actor` is an Actor (views: `current_actor()`), or a plain User / None outside a request (no address).
    """
    ip = actor.ip if isinstance(actor, Actor) else ""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else "",
        summary=summary,
        before=before,
        after=after,
        ip=ip[:64],
    )
    db.session.add(event)
    db.session.flush()
    logger.info("audit %s %s:%s by %s", action, entity_type, entity_id, getattr(actor, "username", "system"))
    return event


def changed_fields(obj, data: dict) -> tuple[dict, dict]:
    """Apply `data` to `obj`; return (before, after) holding only the fields whose value changed."""
    before, after = {}, {}
    for key, value in data.items():
        old = getattr(obj, key)
        if old != value:
            before[key] = _plain(old)
            after[key] = _plain(value)
            setattr(obj, key, value)
    return before, after


def _plain(value):
    """Turn a value into something JSON can hold."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "id"):
        return value.id
    return str(value)
