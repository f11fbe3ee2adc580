"""China Standard Time and Chinese date formatting: the one place the app turns UTC into what people read.

Timestamps are timezone-aware UTC in the database; people see them in China Standard Time (UTC+8, no
daylight saving). Dates in documents are written without zero padding (2026年11月28日).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def to_cst(value: datetime | None) -> datetime | None:
    """Convert an aware UTC datetime to China Standard Time."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(CST)


def today_cst() -> date:
    """Return today's date in China Standard Time."""
    return datetime.now(CST).date()


def cst_midnight(day: date) -> datetime:
    """Return the UTC instant at which a China Standard Time day begins."""
    return datetime.combine(day, time(0), tzinfo=CST).astimezone(UTC)


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC timestamp in China Standard Time."""
    local = to_cst(value)
    return local.strftime(fmt) if local else ""


def date_cn(value: date | datetime | None) -> str:
    """Write a date the way official documents do: 2026年11月28日, no zero padding (a datetime in CST)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_cst(value)
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_cn(value: datetime | None, *, year: bool = True) -> str:
    """Write a time in China Standard Time as 2026年3月5日 9:30 (no zero padding), or without the year."""
    if value is None:
        return ""
    local = to_cst(value)
    text = f"{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"
    return f"{local.year}年{text}" if year else text
