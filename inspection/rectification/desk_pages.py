"""Read side of the commission's 整改 desk: the filtered page of items and its counts, one item's page, the
per-unit overview with its reports, and the plain data of a unit's 督办通知.

The desk stays fast at 20,000 items: one aggregate query gives the total and the counts by status and colour,
one query gives the page of rows (unit joined, circular joined, evidence and extensions loaded per page),
and nothing is queried per row (bench/rectification_bench.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..circulars.models import Circular
from ..core.dates import date_cn
from ..extensions import db
from ..findings.models import Finding
from ..pdf.notice import NoticeDocument, NoticeItem
from ..stats.shares import format_tenths, share_tenths
from ..units.models import Unit
from ..units.services import official_units
from .deadlines import ColourRule, colour_of
from .models import COLOURS, ITEM_STATUSES, RectificationEvent, RectificationItem as Item, RectificationReport
from .queries import ItemFilter, colour_expr, open_unit_items, ordered, overdue_clause, unit_overview
from .services import CHANGED_MEANWHILE, RectificationError

PAGE_SIZE = 50
MAX_BULK = 500


def parse_filter(args) -> ItemFilter:
    """Read the desk's filter from the query string; values that mean nothing are ignored."""
    def number(name: str) -> int | None:
        value = args.get(name, "")
        return int(value) if value.isdigit() else None

    status, colour = args.get("status", ""), args.get("colour", "")
    return ItemFilter(circular_id=number("circular"), unit_id=number("unit"),
                      status=status if status in ITEM_STATUSES else "",
                      colour=colour if colour in COLOURS else "", category=args.get("category", "")[:40],
                      overdue=args.get("overdue") == "1")


def filter_args(flt: ItemFilter) -> dict:
    """Return the filter as query-string arguments (for links and the pager)."""
    args = {"circular": flt.circular_id, "unit": flt.unit_id, "status": flt.status, "colour": flt.colour,
            "category": flt.category, "overdue": "1" if flt.overdue else ""}
    return {k: v for k, v in args.items() if v}


@dataclass
class DeskCounts:
    """How many items match the filter, by status and by 督办 colour."""

    total: int = 0
    status: dict[str, int] = field(default_factory=dict)
    colour: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def desk_counts(flt: ItemFilter, rule: ColourRule) -> DeskCounts:
    """Count the matching items in one aggregate query."""
    colour = colour_expr(rule)
    columns = [func.count(Item.id)]
    columns += [func.sum(case((Item.status == code, 1), else_=0)) for code in ITEM_STATUSES]
    columns += [func.sum(case((colour == code, 1), else_=0)) for code in COLOURS]
    columns.append(func.sum(case((overdue_clause(rule), 1), else_=0)))
    row = db.session.execute(flt.apply(select(*columns).select_from(Item), rule)).one()
    values = [int(v or 0) for v in row]
    n = len(ITEM_STATUSES)
    return DeskCounts(total=values[0], status=dict(zip(ITEM_STATUSES, values[1:1 + n])),
                      colour=dict(zip(COLOURS, values[1 + n:1 + n + len(COLOURS)])), overdue=values[-1])


def desk_rows(flt: ItemFilter, rule: ColourRule, page: int) -> list[Item]:
    """Return one page of the matching items in 台账 order, with what a row shows loaded."""
    query = ordered(flt.apply(select(Item), rule)).options(
        contains_eager(Item.unit), joinedload(Item.circular), selectinload(Item.evidence),
        selectinload(Item.extensions))
    return list(db.session.scalars(query.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).unique())


def filter_options() -> dict:
    """The choices of the filter form: issued circulars with items, units in official order, categories."""
    with_items = select(Item.circular_id).distinct().scalar_subquery()
    circulars = db.session.scalars(select(Circular).where(Circular.id.in_(with_items))
                                   .order_by(Circular.doc_date.desc(), Circular.id.desc())).all()
    categories = db.session.scalars(select(Item.category).distinct().order_by(Item.category)).all()
    return {"circulars": circulars, "units": official_units(), "categories": categories,
            "statuses": ITEM_STATUSES, "colours": COLOURS}


def item_label(item: Item) -> str:
    """Name an item the way a reviewer recognises it: unit, circular and 序号."""
    unit = item.unit.short_name or item.unit.name
    return f"{unit} {item.circular.doc_number} 第{item.position}项"


def load_item(item_id: int, *, for_update: bool = False) -> Item | None:
    """Return the item with what its page shows (locked for update on PostgreSQL when about to act)."""
    query = select(Item).where(Item.id == item_id).options(
        joinedload(Item.unit), joinedload(Item.circular),
        joinedload(Item.finding).selectinload(Finding.photos), selectinload(Item.evidence),
        selectinload(Item.events).joinedload(RectificationEvent.actor), selectinload(Item.extensions))
    if for_update:
        query = query.with_for_update(of=Item)
    return db.session.scalars(query).unique().one_or_none()


def check_seen(item: Item, version: int | None) -> None:
    """Refuse an action taken on a page showing an older state of the item than the one stored now."""
    if version is not None and version != item.version:
        raise RectificationError(CHANGED_MEANWHILE)


def bulk_items(ids: list[int]) -> list[Item]:
    """Load the ticked items, locked for update, in 台账 order."""
    if not ids:
        return []
    query = ordered(select(Item).where(Item.id.in_(ids[:MAX_BULK]))).options(
        contains_eager(Item.unit), joinedload(Item.circular), selectinload(Item.evidence))
    return list(db.session.scalars(query.with_for_update(of=Item)).unique())


@dataclass
class UnitRow:
    """One line of the per-unit overview."""

    unit_id: int
    unit: str
    items: int
    closed: int
    submitted: int
    overdue: int
    reports: list = field(default_factory=list)

    @property
    def closed_share(self) -> str:
        """The share closed (整改率), rounded as every report prints shares."""
        return format_tenths(share_tenths(self.closed, self.items))

    @property
    def open(self) -> int:
        return self.items - self.closed


def overview(circular_id: int | None, rule: ColourRule) -> tuple[list[UnitRow], UnitRow]:
    """Count items per unit in official order (one query), attach each unit's reports; return rows and totals."""
    base = ItemFilter(circular_id=circular_id).apply(select(Item), rule)
    rows = [UnitRow(**{k: r[k] for k in ("unit_id", "unit", "items", "closed", "submitted", "overdue")})
            for r in unit_overview(base, rule)]
    reports = select(RectificationReport).options(joinedload(RectificationReport.circular))
    if circular_id:
        reports = reports.where(RectificationReport.circular_id == circular_id)
    by_unit: dict[int, list] = {}
    for report in db.session.scalars(reports.order_by(RectificationReport.circular_id, RectificationReport.id)):
        by_unit.setdefault(report.unit_id, []).append(report)
    for row in rows:
        row.reports = by_unit.get(row.unit_id, [])
    total = UnitRow(0, "合计", *(sum(getattr(r, f) for r in rows) for f in ("items", "closed", "submitted",
                                                                          "overdue")))
    return rows, total


def notice_data(unit: Unit, rule: ColourRule, *, trace_line: str | None = None) -> NoticeDocument | None:
    """Gather the plain data of a unit's 督办通知 (None when it has no open item)."""
    items = open_unit_items(unit.id, rule)
    if not items:
        return None
    circulars = {item.circular_id: item.circular for item in items}
    latest = max(circulars.values(), key=lambda c: (c.doc_date, c.id))
    organ = latest.organ
    return NoticeDocument(
        organ_mark=organ.mark_text, signature=latest.signature or organ.signature, unit=unit.name, date=rule.today,
        circulars=[(c.title, c.doc_number) for c in sorted(circulars.values(), key=lambda c: (c.doc_date, c.id))],
        items=[NoticeItem(problem=i.problem, circular=i.circular.doc_number, due=i.due_date, status=i.status_label,
                          colour=colour_of(i, rule), colour_label=COLOURS[colour_of(i, rule)]) for i in items],
        blue_days=rule.blue_days, printer=latest.printer or organ.printer, trace_line=trace_line)


def notice_filename(unit: Unit, rule: ColourRule) -> str:
    """The 督办通知's file name: unit and date."""
    return f"整改督办通知-{unit.name}-{date_cn(rule.today)}.pdf"
