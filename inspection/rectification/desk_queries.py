"""The 整改 desk's list in SQL: counts by status and colour, a page of rows, the filter choices, the latest 催办.

It stays fast at 20,000 items (bench/rectification_bench.py). Each statement is built once per *shape* of
filter (which filters are set) with bound parameters for the values and for the day's 督办 dates, and kept:
building and caching a statement costs more than running it on a page of fifty rows, so a request only
binds values. The filters mean what queries.ItemFilter.apply means (tests/rectification/test_desk_views.py
checks that both give the same items), and the colour is queries.colour_expr, over bound dates.
Rows are plain values on the session's connection; nothing is loaded per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import Date, Integer, bindparam, func, select

from ..circulars.models import Circular
from ..extensions import db
from ..units.models import Unit
from ..units.services import official_order
from .deadlines import ColourRule
from .models import COLOURS, FLAGS, ITEM_STATUSES, ExtensionRequest, Reminder
from .models import RectificationEvidence as Evidence
from .models import RectificationItem as Item
from .queries import ItemFilter, colour_expr, ordered, overdue_clause

PAGE_SIZE = 50
# The day's thresholds as bound parameters, so one statement serves every day.
BOUND_RULE = SimpleNamespace(today=bindparam("today", type_=Date), blue_until=bindparam("blue_until", type_=Date))
EQUAL_FILTERS = (("circular_id", Item.circular_id), ("unit_id", Item.unit_id), ("status", Item.status),
                 ("category", Item.category), ("flag", Item.flag))


def _shape(flt: ItemFilter) -> tuple[bool, ...]:
    """Say which filters are set: the key of the statements built for it."""
    return (*(bool(getattr(flt, name)) for name, _ in EQUAL_FILTERS), bool(flt.colour), bool(flt.overdue))


def _params(flt: ItemFilter, rule: ColourRule, **extra) -> dict:
    """The values bound into a statement of the filter's shape."""
    params = {name: getattr(flt, name) for name, _ in EQUAL_FILTERS if getattr(flt, name)}
    if flt.colour:
        params["colour"] = flt.colour
    return {**params, "today": rule.today, "blue_until": rule.blue_until, **extra}


def _where(query, shape: tuple[bool, ...]):
    """Add the conditions of a filter shape, with bound values (as ItemFilter.apply does with literal ones)."""
    for (name, column), on in zip(EQUAL_FILTERS, shape):
        if on:
            query = query.where(column == bindparam(name))
    if shape[-2]:
        query = query.where(colour_expr(BOUND_RULE) == bindparam("colour"))
    if shape[-1]:
        query = query.where(overdue_clause(BOUND_RULE))
    return query


@lru_cache(maxsize=128)
def _counts_statement(shape: tuple[bool, ...]):
    """Items by status and colour, for one filter shape."""
    colour = colour_expr(BOUND_RULE).label("colour")
    query = _where(select(Item.status, colour, func.count(Item.id)).select_from(Item), shape)
    return query.group_by(Item.status, colour)


@lru_cache(maxsize=128)
def _page_statement(shape: tuple[bool, ...]):
    """One page of rows in 台账 order for one filter shape, each with its evidence count and open extension.

    The page is cut first (inner query), so the evidence and extension look-ups run for its rows only.
    """
    inner = (select(Item.id, func.coalesce(func.nullif(Unit.short_name, ""), Unit.name).label("unit"),
                    Unit.name.label("unit_name"), Circular.doc_number, Item.position, Item.problem, Item.category,
                    Item.due_date, Item.status, Item.flag, Item.version, colour_expr(BOUND_RULE).label("colour"),
                    Unit.sort_order, Unit.id.label("unit_id"), Item.circular_id)
             .join(Circular, Circular.id == Item.circular_id))
    page = ordered(_where(inner, shape)).limit(bindparam("limit", type_=Integer)).offset(
        bindparam("offset", type_=Integer)).subquery("page")
    evidence = (select(func.count(Evidence.id)).where(Evidence.item_id == page.c.id)
                .correlate(page).scalar_subquery())
    waiting = (select(ExtensionRequest.id).where(ExtensionRequest.item_id == page.c.id,
                                                 ExtensionRequest.status == "pending").correlate(page).exists())
    columns = [page.c[name] for name in ("id", "unit", "unit_name", "doc_number", "position", "problem", "category",
                                         "due_date", "status", "flag", "version", "colour")]
    return select(*columns, evidence, waiting).order_by(page.c.sort_order, page.c.unit_id, page.c.circular_id,
                                                        page.c.position, page.c.id)


@lru_cache(maxsize=1)
def _extras_statements():
    """The filter choices and the latest reminders."""
    return {
        "circulars": select(Circular.id, Circular.doc_number, Circular.title)
        .where(Circular.id.in_(select(Item.circular_id).distinct().scalar_subquery()))
        .order_by(Circular.doc_date.desc(), Circular.id.desc()),
        "units": select(Unit.id, Unit.name).order_by(*official_order()),
        "categories": select(Item.category).distinct().order_by(Item.category),
        "reminders": select(Reminder.on_date, Reminder.unit_id, Reminder.message, Reminder.seen_at,
                            Unit.name.label("unit_name")).join(Unit, Unit.id == Reminder.unit_id)
        .order_by(Reminder.on_date.desc(), Reminder.id.desc()).limit(bindparam("limit", type_=Integer)),
    }


def _run(statement, params: dict | None = None) -> list:
    """Run a statement of plain columns on the session's connection."""
    return db.session.connection().execute(statement, params or {}).all()


@dataclass
class DeskCounts:
    """How many items match the filter, by status and by 督办 colour."""

    total: int = 0
    status: dict[str, int] = field(default_factory=dict)
    colour: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def desk_counts(flt: ItemFilter, rule: ColourRule) -> DeskCounts:
    """Count the matching items by status and colour in one grouped query (overdue is the red ones)."""
    counts = DeskCounts(status=dict.fromkeys(ITEM_STATUSES, 0), colour=dict.fromkeys(COLOURS, 0))
    for status, code, n in _run(_counts_statement(_shape(flt)), _params(flt, rule)):
        counts.total += n
        counts.status[status] = counts.status.get(status, 0) + n
        counts.colour[code] = counts.colour.get(code, 0) + n
    counts.overdue = counts.colour["red"]  # red is exactly 逾期: open and past the due date
    return counts


@dataclass
class DeskRow:
    """What one row of the desk shows (no item objects are built for a page of the list)."""

    id: int
    unit: str  # short name, else name
    unit_name: str
    doc_number: str
    position: int
    problem: str
    category: str
    due_date: date
    status: str
    flag: str
    version: int
    colour: str
    evidence: int
    pending_extension: bool

    @property
    def status_label(self) -> str:
        return ITEM_STATUSES.get(self.status, self.status)

    @property
    def flag_label(self) -> str:
        return FLAGS.get(self.flag, self.flag)


def desk_rows(flt: ItemFilter, rule: ColourRule, page: int) -> list[DeskRow]:
    """Return one page of the matching items in 台账 order, with their evidence counts and open extensions."""
    params = _params(flt, rule, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE)
    return [DeskRow(*row) for row in _run(_page_statement(_shape(flt)), params)]


def filter_options() -> dict:
    """The choices of the filter form: issued circulars with items, units in official order, categories."""
    extras = _extras_statements()
    return {"circulars": _run(extras["circulars"]), "units": _run(extras["units"]),
            "categories": [category for category, in _run(extras["categories"])], "statuses": ITEM_STATUSES,
            "colours": COLOURS, "flags": {code: label for code, label in FLAGS.items() if code}}


def desk_reminders(limit: int = 10) -> list:
    """The latest 催办 across units, newest first (as reminders.latest_reminders orders them), with unit names."""
    return _run(_extras_statements()["reminders"], {"limit": limit})
