"""Template filters and globals: China Standard Time display, labels, navigation by role."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Flask

CST = timezone(timedelta(hours=8), "CST")


def to_cst(value: datetime | None) -> datetime | None:
    """Convert an aware UTC datetime to China Standard Time."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(CST)


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC timestamp in China Standard Time."""
    local = to_cst(value)
    return local.strftime(fmt) if local else ""


def format_date_cn(value: date | datetime | None) -> str:
    """Write a date the way official documents do: 2026年11月28日, no zero padding."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_cst(value)
    return f"{value.year}年{value.month}月{value.day}日"


def init_app(app: Flask) -> None:
    """Register filters and the navigation global."""
    from .nav import nav_current, nav_items

    app.jinja_env.filters["cst"] = format_datetime
    app.jinja_env.filters["date_cn"] = format_date_cn
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["nav_current"] = nav_current
