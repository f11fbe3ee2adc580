"""Due dates in natural and working days: national holidays, 调休 make-up days, the office's own changes,
across a year end; and the 督办 colours in Python and in SQL agreeing."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import literal, select

from inspection.extensions import db
from inspection.rectification.deadlines import (ColourRule, add_period, calendar_covers, colour_of, is_workday,
                                                yellow_from)
from inspection.rectification.models import CalendarDay
from inspection.rectification.models import RectificationItem as Item
from inspection.rectification.queries import colour_expr


def test_natural_days_count_every_day(app):
    assert add_period(date(2026, 12, 1), 15, "natural") == date(2026, 12, 16)


def test_working_days_skip_the_mid_autumn_and_national_day_holidays(app):
    # 9-25..27 中秋 and 10-1..7 国庆 are off: five working days from Thursday 9-24 end on Friday 10-9.
    assert add_period(date(2026, 9, 24), 5, "working") == date(2026, 10, 9)


def test_working_days_count_a_tiaoxiu_saturday(app):
    assert not is_workday(date(2026, 10, 3))
    assert is_workday(date(2026, 10, 10))  # Saturday made a working day (调休)
    # From Thursday 10-8: 10-9 (1), Saturday 10-10 (2), Monday 10-12 (3), 10-13 (4).
    assert add_period(date(2026, 10, 8), 4, "working") == date(2026, 10, 13)


def test_spring_festival_and_its_make_up_saturday(app):
    assert is_workday(date(2026, 2, 14)) and not is_workday(date(2026, 2, 16))
    # From Friday 2-13: Saturday 2-14 (调休, 1), then 2-15..23 off, Tuesday 2-24 (2).
    assert add_period(date(2026, 2, 13), 2, "working") == date(2026, 2, 24)


def test_the_office_table_overrides_the_national_calendar_across_a_year_end(app):
    start = date(2026, 12, 28)  # Monday
    without = add_period(start, 5, "working")
    db.session.add(CalendarDay(day=date(2026, 12, 31), is_workday=False, note="本地调休"))
    db.session.add(CalendarDay(day=date(2027, 1, 1), is_workday=False, note="元旦"))
    db.session.add(CalendarDay(day=date(2027, 1, 2), is_workday=True, note="补班"))
    db.session.flush()
    with_changes = add_period(start, 5, "working")
    # 12-29, 12-30, (12-31 off), (1-1 off), 1-2 Saturday worked, 1-4, 1-5.
    assert with_changes == date(2027, 1, 5)
    assert without != with_changes
    if not calendar_covers(2027):  # a year not yet published: weekends only, plus the office's table
        assert is_workday(date(2027, 1, 4)) and not is_workday(date(2027, 1, 9))


def test_period_out_of_range_is_refused(app):
    with pytest.raises(ValueError):
        add_period(date(2026, 12, 1), 0, "natural")


def _item(status="pending", due=date(2026, 12, 16), reported=False, start=date(2026, 12, 1)):
    return SimpleNamespace(status=status, due_date=due, reported=reported, start_date=start,
                           yellow_on=yellow_from(start, due, 50))


CASES = [
    (_item(), date(2026, 12, 5), "none"),
    (_item(), date(2026, 12, 9), "yellow"),  # half the period gone, nothing reported
    (_item(reported=True), date(2026, 12, 9), "none"),
    (_item(reported=True), date(2026, 12, 14), "blue"),  # due within 3 days
    (_item(reported=True), date(2026, 12, 16), "blue"),  # due today: not yet overdue
    (_item(reported=True), date(2026, 12, 17), "red"),
    (_item(status="returned", reported=True), date(2026, 12, 20), "red"),
    (_item(status="submitted", reported=True), date(2026, 12, 20), "none"),  # reported in time, waits for review
    (_item(status="closed", reported=True), date(2026, 12, 20), "none"),
]


@pytest.mark.parametrize("item,today,colour", CASES)
def test_colours_in_python_and_sql_agree(app, item, today, colour):
    rule = ColourRule(today=today, blue_days=3)
    assert colour_of(item, rule) == colour
    expr = colour_expr(rule)
    values = {Item.status: item.status, Item.due_date: item.due_date, Item.reported: item.reported,
              Item.yellow_on: item.yellow_on}
    replaced = _replace_columns(expr, values)  # the same CASE, evaluated by the database on these values
    assert db.session.scalar(select(replaced)) == colour


def _replace_columns(expr, values):
    """Return the expression with each column swapped for a literal of the given value."""
    from sqlalchemy.sql import visitors

    def swap(element):
        for column, value in values.items():
            if getattr(element, "key", None) == column.key and getattr(element, "table", None) is column.table:
                return literal(value, type_=column.type)
        return None

    return visitors.replacement_traverse(expr, {}, swap)


def test_a_year_the_national_calendar_does_not_know_counts_monday_to_friday(app):
    assert not calendar_covers(2099)  # no State Council schedule yet: the package raises, we fall back
    assert is_workday(date(2099, 1, 2)) and not is_workday(date(2099, 1, 3))  # Friday, Saturday
    assert add_period(date(2099, 1, 2), 1, "working") == date(2099, 1, 5)  # Friday + 1 working day = Monday
    db.session.add(CalendarDay(day=date(2099, 1, 5), is_workday=False, note="本地假日"))
    db.session.flush()
    assert add_period(date(2099, 1, 2), 1, "working") == date(2099, 1, 6)
