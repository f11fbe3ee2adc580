"""Who may see which circular and which copy.

The commission's inner circle (admin, coordinator, reviewer) sees every circular, drafts included; admin
and reviewer draft and issue them. A viewer (领导) sees issued circulars only, read-only. A liaison sees
nothing here but their own unit's copies of issued circulars, through the inbox; anything else is a 404.
"""
from __future__ import annotations

from sqlalchemy import Select, false, select

from ..auth.roles import ADMIN, COMMISSION, LIAISON, REVIEWER, VIEWER
from ..extensions import db
from .models import Circular, CircularCopy

EDITORS = (ADMIN, REVIEWER)
READERS = (*COMMISSION, VIEWER)


def circulars_query(user) -> Select:
    """Select the circulars the user may see in the list."""
    query = select(Circular)
    if user.role in COMMISSION:
        return query
    if user.role == VIEWER:
        return query.where(Circular.status == "issued")
    return query.where(false())


def can_see_circular(user, circular: Circular | None) -> bool:
    """Tell whether the user may see this circular (viewers: issued ones only)."""
    if circular is None:
        return False
    if user.role in COMMISSION:
        return True
    return user.role == VIEWER and circular.is_issued


def can_edit_circular(user) -> bool:
    """Tell whether the user may draft, edit and issue circulars."""
    return user.role in EDITORS


def inbox_query(user) -> Select:
    """Select the copies of issued circulars addressed to the liaison's own unit."""
    if user.role != LIAISON or user.unit_id is None:
        return select(CircularCopy).where(false())
    return (select(CircularCopy).join(Circular, Circular.id == CircularCopy.circular_id)
            .where(CircularCopy.unit_id == user.unit_id, Circular.status == "issued"))


def liaison_copy(user, copy_id: int) -> CircularCopy | None:
    """Return the copy if it is addressed to the liaison's unit, else None (the caller answers 404)."""
    return db.session.scalar(inbox_query(user).where(CircularCopy.id == copy_id))
