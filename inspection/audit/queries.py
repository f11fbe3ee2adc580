"""Search the audit log and turn an event's before/after snapshots into a readable diff."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select

from ..auth.models import User
from ..auth.roles import ROLE_LABELS
from ..core.dates import cst_midnight, format_datetime
from ..extensions import db
from ..findings.models import CADRE_LEVELS
from ..units.models import UNIT_KINDS
from .labels import ACTION_LABELS, ENTITY_LABELS, STATUS_VALUES, field_label
from .models import AuditEvent

SYSTEM_ACTOR = "系统"
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)$")


@dataclass
class AuditFilters:
    """The audit list's filters, all optional."""

    actor: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def events_query(f: AuditFilters) -> Select:
    """Select audit events matching the filters, newest first."""
    query = select(AuditEvent)
    actor = f.actor.strip()
    if actor == SYSTEM_ACTOR:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif actor:
        like = f"%{actor}%"
        users = select(User.id).where(or_(User.username.ilike(like), User.display_name.ilike(like)))
        query = query.where(AuditEvent.actor_id.in_(users))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.entity_type:
        query = query.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id.strip():
        query = query.where(AuditEvent.entity_id == f.entity_id.strip())
    if f.date_from:
        query = query.where(AuditEvent.at >= cst_midnight(f.date_from))
    if f.date_to:
        query = query.where(AuditEvent.at < cst_midnight(f.date_to + timedelta(days=1)))
    if f.text.strip():
        query = query.where(AuditEvent.summary.ilike(f"%{f.text.strip()}%"))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def known_values(column) -> list[str]:
    """Return the distinct values of an audit column, for filter choices."""
    return sorted(v for v in db.session.scalars(select(column).distinct()) if v)


def action_label(action: str) -> str:
    """Return the Chinese name of an action code (the code itself when unknown)."""
    return ACTION_LABELS.get(action, action)


def entity_label(entity_type: str) -> str:
    """Return the Chinese name of an entity type."""
    return ENTITY_LABELS.get(entity_type, entity_type)


def show_value(field: str, value) -> str:
    """Render one snapshot value for people: labels for codes, CST for timestamps, 是/否 for flags."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "role" and value in ROLE_LABELS:
        return f"{ROLE_LABELS[value]}（{value}）"
    if field == "kind" and value in UNIT_KINDS:
        return UNIT_KINDS[value]
    if field == "status" and value in STATUS_VALUES:
        return STATUS_VALUES[value]
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if field == "cadre_level" and value in CADRE_LEVELS:
        return CADRE_LEVELS[value]
    if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
        return "\n".join(f"{field_label(k)}：{show_value(k, v)}" for k, v in value.items())
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "\n".join("，".join(show_value(k, v) for k, v in item.items() if v not in (None, ""))
                         for item in value) or "（无）"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "、".join(show_value(field, v) for v in value) or "（无）"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return str(value)


@dataclass
class DiffRow:
    """One field of an event: its label, old and new value, and whether it changed."""

    field: str
    label: str
    before: str
    after: str
    changed: bool


def diff_rows(before: dict | None, after: dict | None, entity_type: str = "") -> list[DiffRow]:
    """Line up an event's before and after snapshots field by field, labelled as the entity's fields."""
    before, after = before or {}, after or {}
    rows = []
    for key in list(dict.fromkeys([*before.keys(), *after.keys()])):
        old, new = before.get(key), after.get(key)
        rows.append(DiffRow(key, field_label(key, entity_type),
                            show_value(key, old) if key in before else "—",
                            show_value(key, new) if key in after else "—",
                            key not in before or key not in after or old != new))
    return rows
