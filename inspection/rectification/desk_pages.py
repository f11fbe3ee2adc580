"""Read side of the commission's 整改 desk: the filter, one item's page, the bulk selection, the per-unit
overview with its reports, and the plain data of a unit's 督办通知 (the list itself: desk_queries.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..core.dates import date_cn
from ..extensions import db
from ..findings.models import Finding
from ..pdf.notice import NoticeDocument, NoticeItem
from ..stats.shares import format_tenths, share_tenths
from ..units.models import Unit
from .deadlines import ColourRule, colour_of
from .models import COLOURS, FLAGS, ITEM_STATUSES, RectificationEvent, RectificationReport
from .models import RectificationItem as Item
from .queries import ItemFilter, open_unit_items, ordered, unit_overview
from .services import CHANGED_MEANWHILE, RectificationError

MAX_BULK = 500


def parse_filter(args) -> ItemFilter:
    """Read the desk's filter from the query string; values that mean nothing are ignored."""
    def number(name: str) -> int | None:
        value = args.get(name, "")
        return int(value) if value.isdigit() else None

    status, colour, flag = args.get("status", ""), args.get("colour", ""), args.get("flag", "")
    return ItemFilter(circular_id=number("circular"), unit_id=number("unit"),
                      status=status if status in ITEM_STATUSES else "",
                      colour=colour if colour in COLOURS else "", category=args.get("category", "")[:40],
                      overdue=args.get("overdue") == "1", flag=flag if flag in FLAGS else "")


def filter_args(flt: ItemFilter) -> dict:
    """Return the filter as query-string arguments (for links and the pager)."""
    args = {"circular": flt.circular_id, "unit": flt.unit_id, "status": flt.status, "colour": flt.colour,
            "category": flt.category, "overdue": "1" if flt.overdue else "", "flag": flt.flag}
    return {k: v for k, v in args.items() if v}


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
