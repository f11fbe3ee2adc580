"""The working-day table: an admin adds and removes local changes, the due dates follow, others may not."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.rectification.deadlines import add_period
from inspection.rectification.models import CalendarDay


def test_admin_adds_a_local_day_off_and_due_dates_move(app, world, client, auth):
    start = date(2026, 12, 7)  # Monday
    before = add_period(start, 3, "working")
    auth.login("admin")
    page = client.get("/rectification/calendar")
    assert page.status_code == 200 and "国家法定节假日" in page.get_data(as_text=True)
    response = client.post("/rectification/calendar", data={"day": "2026-12-08", "kind": "off", "note": "县里停电"})
    assert response.status_code == 302
    assert db.session.get(CalendarDay, date(2026, 12, 8)).is_workday is False
    assert add_period(start, 3, "working") > before
    assert "县里停电" in client.get("/rectification/calendar").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.set")) is not None
    client.post("/rectification/calendar/remove", data={"day": "2026-12-08"})
    db.session.expire_all()
    assert db.session.get(CalendarDay, date(2026, 12, 8)) is None
    assert add_period(start, 3, "working") == before


def test_bad_dates_get_a_message_and_nothing_is_stored(app, world, client, auth):
    auth.login("admin")
    page = client.post("/rectification/calendar", data={"day": "1899-01-01", "kind": "off"})
    assert page.status_code == 200 and "2000年至2100年" in page.get_data(as_text=True)
    page = client.post("/rectification/calendar", data={"day": "不是日期", "kind": "off"})
    text = page.get_data(as_text=True)
    assert "日期格式不正确" in text or "请选择日期" in text
    assert db.session.scalars(select(CalendarDay)).all() == []


def test_only_admin_may_see_or_change_the_calendar(app, world, client, auth):
    for name in ("reviewer", "liaison1", "viewer", "inspector1"):
        auth.login(name)
        assert client.get("/rectification/calendar").status_code in (403, 404)
        assert client.post("/rectification/calendar", data={"day": "2026-12-08", "kind": "off"}).status_code in (403, 404)
        auth.logout()
    assert db.session.scalars(select(CalendarDay)).all() == []
