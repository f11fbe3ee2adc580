"""The 整改台账 as XLSX and CSV: one row per item, streamed in batches, with the findings ledger's print setup.

The XLSX uses the statistics feature's streaming writer (landscape, header row repeated, frozen header,
auto-filter, 内部资料 header and footer) and adds a sheet with the same 整改 figures as the statistics
page. The CSV is a plain table whose first line is its header, so any CSV reader takes it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import IO, Iterator

from sqlalchemy import func, select

from ..core.csvstream import csv_chunks as stream_csv
from ..core.dates import CST
from ..extensions import db
from ..stats.xlsx import Column, Sheet, clean_text, write_workbook
from ..units.models import Unit
from .deadlines import OPEN_STATUSES, ColourRule
from .models import ITEM_STATUSES, RectificationEvidence
from .models import RectificationItem as Item
from .numbers import RectificationFigures, rectification_sentence
from .queries import ItemFilter

NOTICE = "内部资料 注意保密 未经审核批准不得外传"
BATCH = 2000
COLUMNS = [Column("序号", 6, "int"), Column("单位", 22, "wrap"), Column("问题", 60, "wrap"), Column("类别", 14),
           Column("整改措施", 40, "wrap"), Column("责任领导", 12), Column("责任人", 12), Column("完成时限", 12, "date"),
           Column("完成情况", 40, "wrap"), Column("状态", 12), Column("销号日期", 12, "date"),
           Column("佐证材料数", 10, "int")]


def _evidence_counts():
    """A subquery: evidence rows per item."""
    return (select(RectificationEvidence.item_id, func.count().label("n"))
            .group_by(RectificationEvidence.item_id).subquery())


def ledger_rows(flt: ItemFilter, rule: ColourRule, *, batch: int = BATCH) -> Iterator[list]:
    """Yield the ledger's rows in 台账 order (unit order, circular, 序号), a batch of items at a time."""
    counts = _evidence_counts()
    query = flt.apply(select(Item.id, Unit.name, Item.problem, Item.category, Item.measures, Item.leader,
                             Item.responsible, Item.due_date, Item.progress, Item.status, Item.closed_at,
                             func.coalesce(counts.c.n, 0))
                      .join(Unit, Unit.id == Item.unit_id).outerjoin(counts, counts.c.item_id == Item.id), rule)
    query = query.order_by(Unit.sort_order, Unit.id, Item.circular_id, Item.position, Item.id)
    number = 0
    # Core rows, not ORM ones; the option on the statement, not the connection (a connection-wide yield_per
    # would make every later statement of the request, the audit INSERT too, a server-side cursor on PostgreSQL)
    result = db.session.connection().execute(query.execution_options(yield_per=batch))
    for (_id, unit, problem, category, measures, leader, responsible, due, progress, status, closed_at,
         evidence) in result:
        number += 1
        label = ITEM_STATUSES.get(status, status)
        if status in OPEN_STATUSES and due < rule.today:  # 逾期, as deadlines.is_overdue says
            label += "（逾期）"
        closed_on = closed_at.astimezone(CST).date() if closed_at else None
        yield [number, unit, problem, category, measures, leader, responsible, due, progress, label, closed_on,
               int(evidence)]


def figures_sheet(fig: RectificationFigures, scope_text: str) -> Sheet:
    """Lay out the 整改 figures (as on the statistics page and in the API) as a second sheet."""
    rows = [["总体", "通报问题", fig.total, "个", None], ["总体", "已销号", fig.closed, "个", fig.rate_tenths / 1000],
            ["总体", "已报送待审核", fig.submitted, "个", None], ["总体", "逾期未完成", fig.overdue, "个", None],
            ["总体", "逾期涉及单位", fig.overdue_units, "个", None],
            ["总体", "销号用时中位数", fig.median_days, "天", None]]
    rows += [["按单位", r["name"], r["closed"], f"/{r['total']}个", r["rate_tenths"] / 1000] for r in fig.by_unit]
    rows += [["按问题类别", r["name"], r["closed"], f"/{r['total']}个", r["rate_tenths"] / 1000] for r in fig.by_category]
    rows.append(["统计表述", rectification_sentence(fig), None, None, None])
    columns = [Column("项目", 12), Column("名称", 60, "wrap"), Column("已销号", 8, "int"), Column("单位", 8),
               Column("整改率", 9, "percent")]
    return Sheet("整改统计", columns, rows, autofilter=False,
                 notices=["整改统计", NOTICE, f"统计口径：{scope_text}；整改率为已销号数÷问题数，四舍五入保留一位小数"],
                 header_text="内部资料 注意保密", footer_text="未经审核批准不得外传")


def write_ledger_xlsx(target: IO[bytes], rows: Iterator[list], figures: Sheet, *, title: str) -> int:
    """Write the 整改台账 workbook (items, then figures); return the number of items."""
    sheet = Sheet("整改台账", COLUMNS, rows, notices=[title, NOTICE], header_text="内部资料 注意保密",
                  footer_text="未经审核批准不得外传")
    return write_workbook(target, [sheet, figures], title=title)[0]


TEXT_COLUMNS = tuple(i for i, c in enumerate(COLUMNS) if c.kind in ("text", "wrap"))
DATE_COLUMNS = tuple(i for i, c in enumerate(COLUMNS) if c.kind == "date")


FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_text(value: str) -> str:
    """Clean text for CSV; text Excel would run as a formula is quoted with an apostrophe."""
    if not value.isprintable():
        value = clean_text(value)
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_row(row: list) -> list:
    """Format one ledger row (a fresh list from ledger_rows) for CSV in place: text cleaned and guarded,
    dates as YYYY-MM-DD, empty for none."""
    out = row
    for i in TEXT_COLUMNS:
        if out[i]:
            out[i] = csv_text(out[i])
    for i in DATE_COLUMNS:
        out[i] = out[i].isoformat() if out[i] is not None else ""
    return out


def csv_chunks(rows: Iterator[list], *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """Yield the ledger as UTF-8 CSV with a BOM (so Excel opens it): the header line, then the rows."""
    return stream_csv([c.header for c in COLUMNS], rows, csv_row, rows_per_chunk=rows_per_chunk)
