"""Who may see and act on which 整改 items.

A liaison sees only their own unit's items (items exist only once a circular is issued) and acts on them
as the unit; admin and reviewer act as the commission (销号, 退回, 延期审批); coordinator and viewer read.
Anything a user may not see is a 404, like the rest of the app.
"""
from __future__ import annotations

from sqlalchemy import Select, false, select

from ..auth.roles import ADMIN, COMMISSION, LIAISON, REVIEWER, VIEWER
from ..extensions import db
from .models import RectificationItem, RectificationReport

DESK_READERS = (*COMMISSION, VIEWER)
DESK_ACTORS = (ADMIN, REVIEWER)


def items_query(user) -> Select:
    """Select the items the user may see."""
    query = select(RectificationItem)
    if user.role in DESK_READERS:
        return query
    if user.role == LIAISON and user.unit_id is not None:
        return query.where(RectificationItem.unit_id == user.unit_id)
    return query.where(false())


def visible_item(user, item_id: int) -> RectificationItem | None:
    """Return the item if the user may see it, else None (the caller answers 404)."""
    return db.session.scalar(items_query(user).where(RectificationItem.id == item_id))


def unit_item(user, item_id: int) -> RectificationItem | None:
    """Return the item if it belongs to the liaison's own unit, else None."""
    if user.role != LIAISON:
        return None
    return visible_item(user, item_id)


def unit_report(user, report_id: int) -> RectificationReport | None:
    """Return the 整改报告 if it belongs to the liaison's own unit, else None."""
    if user.role != LIAISON or user.unit_id is None:
        return None
    return db.session.scalar(select(RectificationReport).where(RectificationReport.id == report_id,
                                                               RectificationReport.unit_id == user.unit_id))


def visible_report(user, report_id: int) -> RectificationReport | None:
    """Return the report if the user may see it (the commission and viewers: any; a liaison: their own)."""
    if user.role in DESK_READERS:
        return db.session.get(RectificationReport, report_id)
    return unit_report(user, report_id)


def can_act(user) -> bool:
    """Tell whether the user may close, return and decide extensions."""
    return user.role in DESK_ACTORS
