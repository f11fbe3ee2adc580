"""The working-day table (admin): the national calendar's coverage and the office's own changes."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from ..auth.access import roles_required
from ..auth.roles import ADMIN
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..extensions import db
from . import calendar
from .blueprint import bp
from .calendar_forms import CalendarDayForm
from .deadlines import local_changes


def _months(today: date) -> list[list]:
    """Return this month's and next month's days for the grid."""
    first = today.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    end = date(following.year + (following.month == 12), following.month % 12 + 1, 1)
    changes = local_changes(first, end)
    return [calendar.month_days(first, changes), calendar.month_days(following, changes)]


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(ADMIN)
def calendar_page():
    """Show the calendar's coverage and local changes; add or change one day."""
    today = today_cst()
    form = CalendarDayForm()
    if form.validate_on_submit():
        calendar.set_day(form.day.data, is_workday=form.kind.data == "work", note=form.note.data or "",
                         actor=current_actor())
        db.session.commit()
        flash("已保存工作日调整", "success")
        return redirect(url_for("rectification.calendar_page"))
    return render_template("rectification/calendar.html", form=form, days=calendar.local_days(today.replace(month=1, day=1)),
                           coverage=calendar.coverage(today), months=_months(today), today=today)


@bp.route("/calendar/remove", methods=["POST"])
@roles_required(ADMIN)
def calendar_remove():
    """Drop one local change so the national calendar applies to that day again."""
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        flash("日期格式不正确", "error")
        return redirect(url_for("rectification.calendar_page"))
    if calendar.remove_day(day, actor=current_actor()):
        db.session.commit()
        flash("已取消该日的本地调整", "success")
    else:
        flash("该日没有本地调整", "info")
    return redirect(url_for("rectification.calendar_page"))
