"""The office's own working-day changes (本地调整): add, change or remove a day, audited."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..audit.services import record
from ..core.dates import date_cn
from ..extensions import db
from .deadlines import calendar_covers, national_workday
from .models import CalendarDay


def set_day(day: date, *, is_workday: bool, note: str, actor) -> CalendarDay:
    """Make a day a working day or a day off for this office, whatever the national calendar says."""
    row = db.session.get(CalendarDay, day)
    before = {"is_workday": row.is_workday, "note": row.note} if row else None
    if row is None:
        row = CalendarDay(day=day, is_workday=is_workday, note=note)
        db.session.add(row)
    row.is_workday, row.note, row.updated_by_id = is_workday, note, getattr(actor, "id", None)
    db.session.flush()
    record(actor, "calendar.set", "calendar_day", day.isoformat(),
           f"将{date_cn(day)}设为{'工作日' if is_workday else '休息日'}" + (f"（{note}）" if note else ""),
           before=before, after={"is_workday": is_workday, "note": note})
    return row


def remove_day(day: date, *, actor) -> bool:
    """Drop the office's change for a day, so the national calendar applies again; False if there was none."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    record(actor, "calendar.removed", "calendar_day", day.isoformat(), f"取消{date_cn(day)}的本地调整",
           before={"is_workday": row.is_workday, "note": row.note})
    return True


def local_days(since: date) -> list[CalendarDay]:
    """Return the office's changes from a day on, in date order."""
    return list(db.session.scalars(select(CalendarDay).where(CalendarDay.day >= since).order_by(CalendarDay.day)))


def coverage(today: date) -> list[tuple[int, bool]]:
    """Return (year, the national schedule is known) for this year and the next."""
    return [(year, calendar_covers(year)) for year in (today.year, today.year + 1)]


def month_days(first: date, changes: dict[date, bool]) -> list[tuple[date, bool, bool]]:
    """Return each day of a month with (day, worked, changed locally), for the calendar grid."""
    days, day = [], first.replace(day=1)
    while day.month == first.month:
        worked = changes.get(day, national_workday(day))
        days.append((day, worked, day in changes))
        day += timedelta(days=1)
    return days
