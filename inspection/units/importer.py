"""Import units from a CSV file (单位名称, 简称, 类别) as Excel in China saves it: UTF-8 with or without BOM, or GBK.

parse_units_csv() checks every row against the database and returns a report; apply_import() writes a
report that has no errors, all or nothing. Names already in the database are updated, never duplicated.
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
from .services import KIND_BY_LABEL, NAME_MAX, SHORT_MAX

logger = logging.getLogger(__name__)

MAX_BYTES = 300 * 1024
MAX_ROWS = 5000
COL_NAME, COL_SHORT, COL_KIND = "单位名称", "简称", "类别"
KINDS_TEXT = "、".join(UNIT_KINDS.values())

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
    extra = [t for t in columns if t not in (COL_NAME, COL_SHORT, COL_KIND)]
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
    text, encoding = decode_csv(data)
    return check_rows(text, encoding)


def check_rows(text: str, encoding: str) -> ImportReport:
    """Check the decoded CSV text against the rules and the database."""
    columns, raw_rows, notes = _read_rows(text)

    def cell(cells: list[str], title: str) -> str:
        index = columns.get(title)
        return _clean(cells[index]) if index is not None and index < len(cells) else ""

    report = ImportReport(rows=[], encoding=encoding, notes=notes)
    existing = {u.name: u for u in db.session.scalars(select(Unit))}
    first_row_of: dict[str, int] = {}
    for number, cells in raw_rows:
        row = ImportRow(row=number, name=cell(cells, COL_NAME), short_name=cell(cells, COL_SHORT),
                        kind_text=cell(cells, COL_KIND))
        _check_row(row, first_row_of)
        if not row.errors:
            _plan(row, existing.get(row.name))
        report.rows.append(row)
    _check_short_names(report.rows, existing)
    if not report.rows:
        raise ImportFileError("文件中没有数据行（第1行为表头，从第2行起每行一个单位）")
    return report


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
    for key, new, old in (("short_name", row.short_name, unit.short_name), ("kind", row.kind, unit.kind)):
        if new != old:
            row.changes[key] = (old, new)
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
    existing = {u.name: u for u in db.session.scalars(select(Unit))}
    created, updated, reactivated, before = [], {}, [], {}
    for row in report.rows:
        unit = existing.get(row.name)
        if row.action == "create":
            db.session.add(Unit(name=row.name, short_name=row.short_name, kind=row.kind, active=True))
            created.append(row.name)
        elif row.action in ("update", "reactivate"):
            before[row.name] = {"short_name": unit.short_name, "kind": unit.kind, "active": unit.active}
            unit.short_name, unit.kind, unit.active = row.short_name, row.kind, True
            updated[row.name] = {"short_name": row.short_name, "kind": row.kind, "active": True}
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
