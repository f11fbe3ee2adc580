"""Read a unit list saved as an Excel workbook (.xlsx) into CSV text, so one checker serves both formats.

The first worksheet is read (formulas as their last computed values); whole numbers such as a 排序号 of
10 come back as "10", not "10.0". The CSV text is what the preview page carries to the confirm step.
"""
from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_CELLS = 200_000


class WorkbookError(Exception):
    """The workbook cannot be read; `message` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _cell_text(value) -> str:
    """Write one cell's value as text (whole numbers without a decimal point, dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def workbook_to_csv(data: bytes) -> str:
    """Return the first worksheet of an .xlsx file as CSV text; raise WorkbookError when it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not know
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            cells = 0
            for row in wb.worksheets[0].iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_CELLS:
                    raise WorkbookError("工作簿内容过多，请分批导入")
                writer.writerow([_cell_text(v) for v in row])
            wb.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError, IndexError):
        raise WorkbookError("文件不是有效的 Excel（.xlsx）文件，或已损坏") from None
    return buffer.getvalue()
