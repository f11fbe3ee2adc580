"""整改 figures: rectification rate by unit and by category, overdue items, median days to 销号, and the
sentence a report prints. One set of numbers feeds the statistics page, its paragraph, the API and the XLSX.

A rate is items closed over items, rounded half-up to one decimal (stats/shares.py). Days to 销号 count
from the circular's issue date to the day (China time) the item was closed.
"""
from __future__ import annotations

import statistics as pystats
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, case, distinct, func, select

from ..circulars.models import Circular
from ..core.dates import to_cst
from ..extensions import db
from ..stats.shares import format_tenths, share_tenths
from ..units.models import Unit
from .deadlines import ColourRule
from .models import RectificationItem as Item
from .queries import overdue_clause


@dataclass
class Scope:
    """Which items the figures cover: all, or those of a campaign's circulars, a unit, a category."""

    campaign_id: int | None = None
    unit_id: int | None = None
    category: str | None = None
    circular_id: int | None = None

    def where(self, query: Select) -> Select:
        """Narrow a query over items to this scope."""
        if self.campaign_id:
            query = query.where(Item.circular_id.in_(select(Circular.id).where(Circular.campaign_id == self.campaign_id)))
        if self.circular_id:
            query = query.where(Item.circular_id == self.circular_id)
        if self.unit_id:
            query = query.where(Item.unit_id == self.unit_id)
        if self.category:
            query = query.where(Item.category == self.category)
        return query


@dataclass
class RectificationFigures:
    """The 整改 numbers for one scope on one day."""

    as_of: date
    total: int = 0
    closed: int = 0
    submitted: int = 0
    overdue: int = 0
    overdue_units: int = 0
    units: int = 0
    median_days: float | None = None
    by_unit: list[dict] = field(default_factory=list)
    by_category: list[dict] = field(default_factory=list)

    @property
    def rate_tenths(self) -> int:
        return share_tenths(self.closed, self.total)


def _row(name: str, total: int, closed: int, overdue: int) -> dict:
    """One table row: counts and the rate in tenths and as printed."""
    tenths = share_tenths(closed, total)
    return {"name": name, "total": total, "closed": closed, "overdue": overdue, "rate_tenths": tenths,
            "rate": format_tenths(tenths)}


def _grouped(scope: Scope, rule: ColourRule, key, *, order) -> list[tuple]:
    """Count items, closed and overdue per group in one query."""
    query = (select(key, func.count(Item.id), func.sum(case((Item.status == "closed", 1), else_=0)),
                    func.sum(case((overdue_clause(rule), 1), else_=0)))
             .select_from(Item).join(Unit, Unit.id == Item.unit_id))
    return db.session.execute(scope.where(query).group_by(*order[0]).order_by(*order[1])).all()


def figures(scope: Scope, rule: ColourRule) -> RectificationFigures:
    """Work out every 整改 number for the scope, as of the rule's day."""
    result = RectificationFigures(as_of=rule.today)
    totals = db.session.execute(scope.where(select(
        func.count(Item.id), func.sum(case((Item.status == "closed", 1), else_=0)),
        func.sum(case((Item.status == "submitted", 1), else_=0)),
        func.sum(case((overdue_clause(rule), 1), else_=0)), func.count(distinct(Item.unit_id))))).one()
    result.total, result.closed, result.submitted, result.overdue, result.units = (int(v or 0) for v in totals)
    result.overdue_units = db.session.scalar(scope.where(
        select(func.count(distinct(Item.unit_id))).where(overdue_clause(rule)))) or 0
    units = _grouped(scope, rule, Unit.name, order=((Unit.id, Unit.name, Unit.sort_order), (Unit.sort_order, Unit.id)))
    result.by_unit = [_row(name, total, int(closed or 0), int(overdue or 0)) for name, total, closed, overdue in units]
    categories = _grouped(scope, rule, Item.category, order=((Item.category,), (func.count(Item.id).desc(), Item.category)))
    result.by_category = [_row(name, total, int(closed or 0), int(overdue or 0))
                          for name, total, closed, overdue in categories]
    spans = [(to_cst(closed_at).date() - start).days for start, closed_at in db.session.execute(
        scope.where(select(Item.start_date, Item.closed_at).where(and_(Item.status == "closed",
                                                                        Item.closed_at.is_not(None)))))]
    result.median_days = float(pystats.median(spans)) if spans else None
    return result


def month_day_cn(day: date) -> str:
    """Write a day as 12月16日, as a report of the same year does."""
    return f"{day.month}月{day.day}日"


def rectification_sentence(fig: RectificationFigures) -> str:
    """Write the sentence a report uses: 截至X月X日，通报的X个问题已整改销号X个、整改率X%，逾期未完成X个，涉及X个单位。"""
    if fig.total == 0:
        return ""
    head = (f"截至{month_day_cn(fig.as_of)}，通报的{fig.total}个问题已整改销号{fig.closed}个、"
            f"整改率{format_tenths(fig.rate_tenths)}")
    if fig.overdue:
        return f"{head}，逾期未完成{fig.overdue}个，涉及{fig.overdue_units}个单位。"
    return f"{head}，无逾期未完成的问题。"


def figures_payload(fig: RectificationFigures) -> dict:
    """Arrange the figures for the API and the XLSX: counts, rates in per cent, tables, the sentence."""
    return {"as_of": fig.as_of, "total": fig.total, "closed": fig.closed, "submitted": fig.submitted,
            "overdue": fig.overdue, "overdue_units": fig.overdue_units, "units": fig.units,
            "rate_percent": fig.rate_tenths / 10, "median_days_to_close": fig.median_days,
            "by_unit": [{k: r[k] for k in ("name", "total", "closed", "overdue")} | {"rate_percent": r["rate_tenths"] / 10}
                        for r in fig.by_unit],
            "by_category": [{k: r[k] for k in ("name", "total", "closed", "overdue")}
                            | {"rate_percent": r["rate_tenths"] / 10} for r in fig.by_category],
            "sentence": rectification_sentence(fig)}
