"""催办: once a day, record for each unit how many of its items are due soon or overdue.

`flask rectification remind` runs it (cron or a systemd timer, docs/deployment.md). Running it twice on
one day changes nothing: there is one reminder per unit per day.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .deadlines import ColourRule
from .models import RectificationItem as Item
from .models import Reminder
from .queries import due_attention, ordered


def reminder_message(due_soon: int, overdue: int, rule: ColourRule) -> str:
    """Write the 催办 line the liaison reads."""
    parts = []
    if overdue:
        parts.append(f"{overdue}个整改事项已逾期")
    if due_soon:
        parts.append(f"{due_soon}个整改事项将在{rule.blue_days}天内到期")
    return "，".join(parts) + "，请抓紧整改并按时报送。"


def remind(rule: ColourRule) -> list[Reminder]:
    """Record today's 催办 for every unit with items due soon or overdue; return the new reminders."""
    items = db.session.scalars(ordered(select(Item).where(due_attention(rule)))).all()
    by_unit: dict[int, list[Item]] = {}
    for item in items:
        by_unit.setdefault(item.unit_id, []).append(item)
    done = set(db.session.scalars(select(Reminder.unit_id).where(Reminder.on_date == rule.today)))
    created = []
    for unit_id, unit_items in by_unit.items():
        if unit_id in done:
            continue
        overdue = sum(1 for i in unit_items if i.due_date < rule.today)
        due_soon = len(unit_items) - overdue
        reminder = Reminder(unit_id=unit_id, on_date=rule.today, due_soon=due_soon, overdue=overdue,
                            item_ids=[i.id for i in unit_items], message=reminder_message(due_soon, overdue, rule))
        db.session.add(reminder)
        created.append(reminder)
    db.session.flush()
    return created


def latest_reminders(unit_id: int | None = None, limit: int = 20) -> list[Reminder]:
    """Return the most recent reminders, of one unit or of all."""
    query = select(Reminder).order_by(Reminder.on_date.desc(), Reminder.id.desc()).limit(limit)
    if unit_id is not None:
        query = query.where(Reminder.unit_id == unit_id)
    return list(db.session.scalars(query))
