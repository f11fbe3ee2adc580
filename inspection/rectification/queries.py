"""Reading items: the desk's filters, the 督办 colour as SQL, counts per unit.

The colour is compared against dates worked out in Python for today (ColourRule), so the same SQL runs on
SQLite and PostgreSQL and no date arithmetic happens in the database.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, literal, not_, or_, select

from ..extensions import db
from ..units.models import Unit
from .deadlines import OPEN_STATUSES, ColourRule
from .models import RectificationItem as Item


def _open():
    """SQL: the item is open (待整改 or 退回), as IN of single bound values: a statement kept and run again binds
    them without re-rendering its SQL, as it must for a list (an expanding parameter) on every run."""
    return Item.status.in_([literal(status) for status in OPEN_STATUSES])


def colour_expr(rule: ColourRule):
    """Return a SQL CASE giving each item's colour: red, yellow, blue or none (as colour_of does)."""
    open_ = _open()
    return case(
        (and_(open_, Item.due_date < rule.today), "red"),
        (and_(open_, not_(Item.reported), Item.yellow_on <= rule.today), "yellow"),
        (and_(open_, Item.due_date <= rule.blue_until), "blue"),
        else_="none",
    )


def overdue_clause(rule: ColourRule):
    """A WHERE clause: the item is open and past its due date (逾期)."""
    return and_(_open(), Item.due_date < rule.today)


@dataclass
class ItemFilter:
    """What the desk or the CLI narrows the items to; empty fields do not filter."""

    circular_id: int | None = None
    unit_id: int | None = None
    status: str = ""
    colour: str = ""
    category: str = ""
    overdue: bool = False
    flag: str = ""

    def apply(self, query: Select, rule: ColourRule) -> Select:
        """Add this filter's conditions to a query over items."""
        if self.circular_id:
            query = query.where(Item.circular_id == self.circular_id)
        if self.unit_id:
            query = query.where(Item.unit_id == self.unit_id)
        if self.status:
            query = query.where(Item.status == self.status)
        if self.category:
            query = query.where(Item.category == self.category)
        if self.flag:
            query = query.where(Item.flag == self.flag)
        if self.colour:
            query = query.where(colour_expr(rule) == self.colour)
        if self.overdue:
            query = query.where(overdue_clause(rule))
        return query


def ordered(query: Select) -> Select:
    """Order items as a 台账 lists them: unit in official order, circular, 序号."""
    return (query.join(Unit, Unit.id == Item.unit_id)
            .order_by(Unit.sort_order, Unit.id, Item.circular_id, Item.position, Item.id))


def unit_overview(base: Select, rule: ColourRule) -> list[dict]:
    """Count per unit: items, closed, submitted, overdue, and the share closed (one query)."""
    ids = base.with_only_columns(Item.id).subquery()
    rows = db.session.execute(
        select(Unit.id, Unit.name, func.count(Item.id),
               func.sum(case((Item.status == "closed", 1), else_=0)),
               func.sum(case((Item.status == "submitted", 1), else_=0)),
               func.sum(case((overdue_clause(rule), 1), else_=0)))
        .join(Item, Item.unit_id == Unit.id).where(Item.id.in_(select(ids.c.id)))
        .group_by(Unit.id, Unit.name, Unit.sort_order).order_by(Unit.sort_order, Unit.id))
    return [{"unit_id": uid, "unit": name, "items": total, "closed": int(closed or 0),
             "submitted": int(submitted or 0), "overdue": int(overdue or 0)} for uid, name, total, closed,
            submitted, overdue in rows]


def open_unit_items(unit_id: int, rule: ColourRule) -> list[Item]:
    """Return a unit's items not yet closed, in 台账 order (for the 督办通知)."""
    query = select(Item).where(Item.unit_id == unit_id, Item.status != "closed")
    return list(db.session.scalars(ordered(query)))


def due_attention(rule: ColourRule):
    """A WHERE clause: the item is open and either overdue or due within the blue window."""
    return and_(_open(), or_(Item.due_date < rule.today, Item.due_date <= rule.blue_until))
