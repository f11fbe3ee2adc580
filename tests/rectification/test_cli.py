"""`flask rectification backfill | remind | list`: items for old circulars, one reminder a unit a day, listing."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

from sqlalchemy import delete, func, select

from inspection.extensions import db
from inspection.rectification.models import RectificationEvent, RectificationItem, RectificationReport, Reminder

from .helpers import issue_sample, items_of


def _on(day):
    """Run a command as if today were `day`."""
    return mock.patch("inspection.rectification.cli.today_cst", return_value=day)


def test_backfill_makes_items_for_a_circular_issued_before_the_feature(app, world, runner):
    circular = issue_sample(app, world)
    count = len(items_of(circular))
    db.session.execute(delete(RectificationEvent))
    db.session.execute(delete(RectificationItem))
    db.session.execute(delete(RectificationReport))
    db.session.commit()
    result = runner.invoke(args=["rectification", "backfill"])
    assert result.exit_code == 0, result.output
    assert f"created {count} items" in result.output
    assert len(items_of(circular)) == count
    again = runner.invoke(args=["rectification", "backfill"])
    assert "created 0 items" in again.output


def test_remind_records_one_reminder_per_unit_and_day(app, world, runner):
    circular = issue_sample(app, world)
    due = items_of(circular)[0].due_date
    with _on(due + timedelta(days=1)):
        first = runner.invoke(args=["rectification", "remind"])
        second = runner.invoke(args=["rectification", "remind"])
    assert first.exit_code == 0, first.output
    assert "2 reminders" in first.output and "0 reminders" in second.output
    reminders = db.session.scalars(select(Reminder)).all()
    assert {r.unit_id for r in reminders} == {world.units[0].id, world.units[1].id}
    assert all(r.overdue >= 1 and "已逾期" in r.message for r in reminders)


def test_remind_leaves_out_units_with_nothing_due(app, world, runner):
    circular = issue_sample(app, world)
    with _on(circular.doc_date):
        result = runner.invoke(args=["rectification", "remind"])
    assert "0 reminders" in result.output
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_list_prints_one_item_a_line_and_filters(app, world, runner):
    circular = issue_sample(app, world)
    items = items_of(circular)
    with _on(items[0].due_date + timedelta(days=1)):
        result = runner.invoke(args=["rectification", "list", "--circular", str(circular.id)])
        overdue = runner.invoke(args=["rectification", "list", "--overdue", "--unit", str(world.units[0].id)])
        closed = runner.invoke(args=["rectification", "list", "--status", "已销号"])
    lines = result.output.strip().splitlines()
    assert len(lines) == len(items)
    first = lines[0].split("\t")
    assert len(first) == 5 and first[2] == "待整改" and first[3] == items[0].due_date.isoformat()
    assert first[4] == "red"
    assert all(line.split("\t")[1] == world.units[0].name for line in overdue.output.strip().splitlines())
    assert closed.output.strip() == ""
