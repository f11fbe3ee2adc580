"""Checklists as Excel workbooks (编号, 类别, 检查内容, 检查指引, 需拍照(是/否)), the way county staff write them.

build_xlsx() takes plain data and returns bytes; read_xlsx() returns ItemRows numbered as Excel numbers
rows, for services.check_rows() to judge.
"""
from __future__ import annotations

import io
import re
import warnings
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from ..findings.models import CATEGORIES
from .services import MAX_ITEMS, ItemRow

MAX_BYTES = 5 * 1024 * 1024
SHEET_TITLE = "检查清单"
COLUMNS = ("编号", "类别", "检查内容", "检查指引", "需拍照(是/否)")
REQUIRED = ("编号", "类别", "检查内容")
YES = {"是", "需要", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "不需要", "n", "no", "false", "0", "×", ""}
WIDTHS = (10, 18, 50, 50, 14)


class XlsxError(Exception):
    """The workbook as a whole cannot be used."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def build_xlsx(name: str, version: int, items: list[dict]) -> bytes:
    """Write a checklist version as a workbook: one item per row, plus an instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(COLUMNS)
    for item in items:
        ws.append([item["code"], item["category"], item["text"], item.get("guidance") or "",
                   "是" if item.get("photo_required") else "否"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF0F4")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True,
                            error="请填写“是”或“否”", errorTitle="需拍照")
    ws.add_data_validation(choice)
    choice.add(f"E2:E{max(len(items) + 200, 500)}")
    notes = wb.create_sheet("说明")
    for line in (
        f"检查清单：{name}（第{version}版）",
        "第一个工作表“检查清单”每行一个检查项，第1行为表头，请勿修改表头。",
        "编号：必填，同一清单内不得重复，如 A01。",
        "类别：必填，可用下列九类之一，也可填写其他类别。",
        "检查内容：必填。检查指引：选填，告诉暗访组怎么查、查什么证据。",
        "需拍照：填“是”或“否”，留空视为“否”。",
        "导入后会发布为该清单的一个新版本，旧版本和已使用旧版本的专项行动、暗访记录不受影响。",
        "",
        "常用类别：",
        *CATEGORIES,
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    """Turn a cell value into trimmed text (1.0 → "1", None → "")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(title) -> str:
    """Normalise a header cell: drop spaces and any parenthetical such as (是/否)."""
    text = re.sub(r"[\s\u3000]+", "", _text(title))
    return re.sub(r"[(（].*?[)）]$", "", text)


def _open(data: bytes):
    """Open the workbook's checklist sheet, refusing anything that is not an .xlsx file."""
    if len(data) > MAX_BYTES:
        raise XlsxError(f"文件过大（超过{MAX_BYTES // 1024 // 1024}MB）")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise XlsxError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 格式后再导入")
    if not data.startswith(b"PK"):
        raise XlsxError("文件不是有效的 Excel（.xlsx）文件")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not know
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise XlsxError("文件不是有效的 Excel（.xlsx）文件，或已损坏") from None
    return wb, (wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0])


def read_xlsx(data: bytes) -> list[ItemRow]:
    """Read the item rows of a workbook; raise XlsxError when the file or its header is unusable."""
    wb, ws = _open(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None) or ()
            columns: dict[str, int] = {}
            for index, title in enumerate(header):
                key = _header_key(title)
                if key and key not in columns:
                    columns[key] = index
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise XlsxError(f"第1行应为表头，须包含“{'”“'.join(missing)}”列；表头示例：{'、'.join(COLUMNS)}")
            items = []
            for number, values in enumerate(rows, start=2):
                item = _row(number, values, columns)
                if item is None:
                    continue
                if len(items) >= MAX_ITEMS:
                    raise XlsxError(f"一个检查清单最多{MAX_ITEMS}个检查项")
                items.append(item)
    finally:
        wb.close()
    if not items:
        raise XlsxError("工作表中没有检查项（第1行为表头，从第2行起每行一个检查项）")
    return items


def _row(number: int, values: tuple, columns: dict[str, int]) -> ItemRow | None:
    """Build one ItemRow from a spreadsheet row; None for an empty row."""
    def get(title: str):
        index = columns.get(title)
        return values[index] if index is not None and index < len(values) else None

    item = ItemRow(row=number, code=_text(get("编号")), category=_text(get("类别")), text=_text(get("检查内容")),
                   guidance=_text(get("检查指引")))
    photo = get("需拍照")
    if item.blank and _text(photo) == "":
        return None
    if isinstance(photo, bool):
        item.photo_required = photo
    elif _text(photo).lower() in YES:
        item.photo_required = True
    elif _text(photo).lower() not in NO:
        item.errors.append(f"需拍照应填写“是”或“否”（当前为“{_text(photo)}”）")
    return item
