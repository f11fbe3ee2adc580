"""Import units from a CSV file (排序号, 单位名称, 简称, 类别) as Excel in China saves it (UTF-8 with or
without BOM, or GBK), or from an Excel workbook (.xlsx, first sheet, same columns).

parse_units_csv() checks every row against the database and returns a report; apply_import() writes a
report that has no errors, all or nothing. Names already in the database are updated, never duplicated;
names are compared after normalise_name (full-width and stray spaces dropped), so 示例县　档案馆 is
示例县档案馆. Without a 排序号 column (or with the cell empty) an existing unit keeps its number and a
new one goes after every other unit, in file order.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit.services import record
from ..core.text import text_problem
from ..extensions import db
from .models import UNIT_KINDS, Unit
from .services import KIND_BY_LABEL, NAME_MAX, SHORT_MAX, SORT_MAX, SORT_MIN, next_sort_order, normalise_name
from .workbook import WorkbookError, workbook_to_csv

logger = logging.getLogger(__name__)

MAX_BYTES = 300 * 1024
MAX_ROWS = 5000
COL_NAME, COL_SHORT, COL_KIND, COL_SORT = "单位名称", "简称", "类别", "排序号"
KINDS_TEXT = "、".join(UNIT_KINDS.values())

CHANGE_LABELS = {"name": "单位名称", "short_name": "简称", "kind": "类别", "sort_order": COL_SORT}
ACTION_LABELS = {"create": "新增", "update": "更新", "reactivate": "更新并重新启用", "unchanged": "无变化"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, header, size)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportRow:
    """One data row of the file, with what importing it would do and what is wrong with it."""

    row: int
    name: str
    short_name: str
    kind_text: str
    sort_text: str = ""
    sort_order: int | None = None  # None: not given (an existing unit keeps its own)
    kind: str | None = None
    action: str = ""
    changes: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")


@dataclass
class ImportReport:
    """The result of checking a file: rows, the encoding found, notes about the file."""

    rows: list[ImportRow]
    encoding: str
    notes: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows

    def count(self, action: str) -> int:
        """Count the rows that would get this action."""
        return sum(1 for r in self.rows if r.action == action and not r.errors)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return the file's text and the name of its encoding: UTF-8 (with or without BOM), GBK or UTF-16."""
    if not data.strip():
        raise ImportFileError("文件是空的")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("这是 Excel 工作簿文件，请在 Excel 中“另存为”CSV 格式后再导入")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8（带BOM）"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError("无法识别文件编码，请另存为“CSV UTF-8”或 GBK 编码的 CSV 文件") from None
    if b"\x00" in data:
        raise ImportFileError("文件不是文本格式的 CSV，请在 Excel 中“另存为”CSV 格式后再导入")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise ImportFileError("无法识别文件编码，请另存为“CSV UTF-8”或 GBK 编码的 CSV 文件") from None


def read_upload(data: bytes) -> tuple[str, str]:
    """Return an uploaded file's rows as CSV text and the name of its format: an .xlsx workbook or a CSV file."""
    if data.startswith(b"PK\x03\x04"):
        try:
            return workbook_to_csv(data), "Excel 工作簿（.xlsx）"
        except WorkbookError as exc:
            raise ImportFileError(exc.message) from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 或 CSV 格式后再导入")
    return decode_csv(data)


def _clean(value: str) -> str:
    """Trim spaces (full-width too) and stray quotes Excel leaves around a cell."""
    return value.replace("\ufeff", "").strip()


def _read_rows(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]], list[str]]:
    """Split the text into the header's column positions and numbered data rows."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("文件是空的") from None
    except csv.Error:
        raise ImportFileError("文件格式不正确，无法按 CSV 读取") from None
    columns = {}
    for index, title in enumerate(_clean(h) for h in header):
        if title and title not in columns:
            columns[title] = index
    missing = [c for c in (COL_NAME, COL_KIND) if c not in columns]
    if missing:
        found = "、".join(t for t in columns) or "（空）"
        raise ImportFileError(f"第1行应为表头，须包含“{'”“'.join(missing)}”列（当前表头：{found}）。"
                              f"表头示例：{COL_NAME},{COL_SHORT},{COL_KIND}")
    notes = []
    extra = [t for t in columns if t not in (COL_NAME, COL_SHORT, COL_KIND, COL_SORT)]
    if extra:
        notes.append(f"以下列不会导入：{'、'.join(extra)}")
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(_clean(c) for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(f"一次最多导入{MAX_ROWS}行，请分批导入")
            rows.append((number, cells))
    except csv.Error:
        raise ImportFileError("文件格式不正确（引号不配对），无法按 CSV 读取") from None
    return columns, rows, notes


def parse_units_csv(data: bytes) -> ImportReport:
    """Read a CSV file and check every row; raise ImportFileError when the file itself is unusable."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"文件过大（超过{MAX_BYTES // 1024}KB），请分批导入")
    text, encoding = read_upload(data)
    return check_rows(text, encoding)


def check_rows(text: str, encoding: str) -> ImportReport:
    """Check the decoded CSV text against the rules and the database."""
    columns, raw_rows, notes = _read_rows(text)

    def cell(cells: list[str], title: str) -> str:
        index = columns.get(title)
        return _clean(cells[index]) if index is not None and index < len(cells) else ""

    report = ImportReport(rows=[], encoding=encoding, notes=notes)
    existing = _existing()
    first_row_of: dict[str, int] = {}
    for number, cells in raw_rows:
        row = ImportRow(row=number, name=normalise_name(cell(cells, COL_NAME)), short_name=cell(cells, COL_SHORT),
                        kind_text=cell(cells, COL_KIND), sort_text=cell(cells, COL_SORT))
        _check_row(row, first_row_of)
        if not row.errors:
            _plan(row, existing.get(row.name))
        report.rows.append(row)
    _check_short_names(report.rows, existing)
    if not report.rows:
        raise ImportFileError("文件中没有数据行（第1行为表头，从第2行起每行一个单位）")
    return report


def _existing() -> dict[str, Unit]:
    """Return every unit by its normalised name (a unit already stored under that exact name wins)."""
    found: dict[str, Unit] = {}
    for unit in db.session.scalars(select(Unit).order_by(Unit.id)):
        key = normalise_name(unit.name)
        if key not in found or unit.name == key:
            found[key] = unit
    return found


def _check_sort(row: ImportRow) -> None:
    """Read the row's 排序号: empty means not given; otherwise a whole number in range."""
    text = row.sort_text.replace(",", "").replace("，", "")
    if not text:
        return
    try:
        row.sort_order = int(text)
    except ValueError:
        row.sort_order = None
    if row.sort_order is None or not SORT_MIN <= row.sort_order <= SORT_MAX:
        row.sort_order = None
        row.errors.append(f"“{COL_SORT}”为“{row.sort_text}”，应为{SORT_MIN}至{SORT_MAX}之间的整数")


def _check_row(row: ImportRow, first_row_of: dict[str, int]) -> None:
    """Check one row's own fields and that its name is not repeated in the file."""
    if not row.name:
        row.errors.append(f"“{COL_NAME}”不能为空")
    elif len(row.name) > NAME_MAX:
        row.errors.append(f"“{COL_NAME}”不超过{NAME_MAX}个字符")
    if len(row.short_name) > SHORT_MAX:
        row.errors.append(f"“{COL_SHORT}”不超过{SHORT_MAX}个字符")
    for title, value in ((COL_NAME, row.name), (COL_SHORT, row.short_name), (COL_KIND, row.kind_text)):
        if (problem := text_problem(value)) is not None:  # the boundary check, see core.text
            row.errors.append(f"“{title}”{problem.message}")
    _check_sort(row)
    row.kind = KIND_BY_LABEL.get(row.kind_text)
    if not row.kind_text:
        row.errors.append(f"“{COL_KIND}”不能为空，应为{KINDS_TEXT}之一")
    elif row.kind is None:
        row.errors.append(f"“{COL_KIND}”为“{row.kind_text}”，应为{KINDS_TEXT}之一")
    if row.name:
        if row.name in first_row_of:
            row.errors.append(f"单位名称与第{first_row_of[row.name]}行重复")
            row.duplicate = True
        else:
            first_row_of[row.name] = row.row


def _plan(row: ImportRow, unit: Unit | None) -> None:
    """Decide whether a valid row creates, updates, reactivates or leaves a unit unchanged."""
    if unit is None:
        row.action = "create"
        return
    for key, new, old in (("name", row.name, unit.name), ("short_name", row.short_name, unit.short_name),
                          ("kind", row.kind, unit.kind)):
        if new != old:
            row.changes[key] = (old, new)
    if row.sort_order is not None and row.sort_order != unit.sort_order:
        row.changes["sort_order"] = (unit.sort_order, row.sort_order)
    if not unit.active:
        row.action = "reactivate"
    else:
        row.action = "update" if row.changes else "unchanged"


def _check_short_names(rows: list[ImportRow], existing: dict[str, Unit]) -> None:
    """Flag rows whose short name would be shared by two units once the file is imported."""
    final = {name: unit.short_name for name, unit in existing.items()}
    for row in rows:
        if row.name and not row.duplicate:
            final[row.name] = row.short_name
    holders: dict[str, list[str]] = {}
    for name, short in final.items():
        if short:
            holders.setdefault(short, []).append(name)
    for row in rows:
        others = [n for n in holders.get(row.short_name, []) if n != row.name] if row.short_name else []
        if others:
            row.errors.append(f"简称“{row.short_name}”与“{others[0]}”重复")


def apply_import(report: ImportReport, *, actor, filename: str = "") -> dict[str, int]:
    """Write a checked report to the database (all rows or none) and audit it; return counts by action."""
    if not report.ok:
        raise ImportFileError("文件中有错误，未导入任何数据")
    existing = _existing()
    created, updated, reactivated, before = [], {}, [], {}
    following = next_sort_order()
    for row in report.rows:
        unit = existing.get(row.name)
        if row.action == "create":
            order = following if row.sort_order is None else row.sort_order
            following = min(max(following, order + 10), SORT_MAX)
            db.session.add(Unit(name=row.name, short_name=row.short_name, kind=row.kind, active=True,
                                sort_order=order))
            created.append(row.name)
        elif row.action in ("update", "reactivate"):
            order = unit.sort_order if row.sort_order is None else row.sort_order
            before[row.name] = {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
                                "active": unit.active, "sort_order": unit.sort_order}
            unit.name, unit.short_name, unit.kind, unit.active = row.name, row.short_name, row.kind, True
            unit.sort_order = order
            updated[row.name] = {"name": row.name, "short_name": row.short_name, "kind": row.kind, "active": True,
                                 "sort_order": order}
            if row.action == "reactivate":
                reactivated.append(row.name)
    db.session.flush()
    counts = {action: report.count(action) for action in ACTION_LABELS}
    record(actor, "unit.import", "unit", "",
           f"从 {filename or 'CSV'} 导入单位：新增{counts['create']}个，更新{counts['update'] + counts['reactivate']}个"
           f"（其中重新启用{counts['reactivate']}个），无变化{counts['unchanged']}个",
           before={"updated": before} if before else None,
           after={"filename": filename, "rows": len(report.rows), "created": created, "updated": updated,
                  "reactivated": reactivated})
    logger.info("imported units from %s: %s", filename, counts)
    return counts
