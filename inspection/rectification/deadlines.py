"""Due dates: a period of natural days or working days from the issue date, and the 督办 colours.

Working days follow China's public holidays and 调休 make-up working days from the chinesecalendar package
(the State Council's notice, updated each year), then the office's own changes in `work_calendar_days`.
For a year the package does not know yet, weekends are days off and the office's table is the only other
source; `calendar_covers` tells the admin page which years those are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select

from ..extensions import db
from .models import CalendarDay

MAX_PERIOD_DAYS = 365


def calendar_covers(year: int) -> bool:
    """Tell whether the holiday package has the State Council's schedule for the year."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def national_workday(day: date) -> bool:
    """Tell whether a day is worked by the national calendar (weekends only, for a year not yet published)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def local_changes(start: date, end: date) -> dict[date, bool]:
    """Return the office's own calendar changes between two days (inclusive)."""
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)
                              .where(CalendarDay.day >= start, CalendarDay.day <= end))
    return {day: workday for day, workday in rows}


def is_workday(day: date, changes: dict[date, bool] | None = None) -> bool:
    """Tell whether a day is a working day: the office's table first, then the national calendar."""
    if changes is not None and day in changes:
        return changes[day]
    return national_workday(day)


def add_period(start: date, days: int, kind: str) -> date:
    """Return the due date `days` natural or working days after `start` (the issue date is day 0)."""
    if days < 1 or days > MAX_PERIOD_DAYS:
        raise ValueError("period out of range")
    if kind == "natural":
        return start + timedelta(days=days)
    changes = local_changes(start, start + timedelta(days=days * 3 + 30))
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day, changes):
            counted += 1
    return day


def yellow_from(start: date, due: date, percent: int) -> date:
    """Return the first day on which an item with nothing reported counts as behind (黄色)."""
    span = max((due - start).days, 1)
    return start + timedelta(days=math.ceil(span * percent / 100))


@dataclass(frozen=True)
class ColourRule:
    """The 督办 thresholds for one day: what counts as due soon, behind and overdue."""

    today: date
    blue_days: int = 3

    @property
    def blue_until(self) -> date:
        return self.today + timedelta(days=self.blue_days)

    @classmethod
    def from_config(cls, config, today: date) -> "ColourRule":
        """Read RECTIFY_BLUE_DAYS for the given day."""
        return cls(today=today, blue_days=config["RECTIFY_BLUE_DAYS"])


OPEN_STATUSES = ("pending", "returned")


def colour_of(item, rule: ColourRule) -> str:
    """Return red (overdue), yellow (behind, nothing reported), blue (due soon) or none for one item."""
    if item.status not in OPEN_STATUSES:
        return "none"
    if item.due_date < rule.today:
        return "red"
    if not item.reported and item.yellow_on <= rule.today:
        return "yellow"
    if item.due_date <= rule.blue_until:
        return "blue"
    return "none"


def is_overdue(item, today: date) -> bool:
    """Tell whether an item not yet reported is past its due date (逾期; derived, never stored)."""
    return item.status in OPEN_STATUSES and item.due_date < today
