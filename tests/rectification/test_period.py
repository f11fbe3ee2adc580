"""One period, set on the circular, gives both the 工作要求 text and every item's due date."""
from __future__ import annotations

from datetime import date

import pytest

from inspection.circulars import issuing, services as circular_services
from inspection.circulars.services import CircularError
from inspection.extensions import db
from inspection.rectification.deadlines import add_period

from ..circulars.helpers import confirmed_findings, make_draft, settings_for
from .helpers import items_of


def _requirements(circular):
    return next(s for s in circular.sections if s.key == "requirements")


@pytest.fixture
def draft(app, world):
    confirmed_findings(world)
    circular = make_draft(world)
    circular_services.set_recipients(circular, [world.units[0]], actor=world.users["reviewer"])
    db.session.commit()
    return circular


def test_the_draft_prints_the_default_fifteen_days(draft):
    assert "通报印发之日起15日内" in _requirements(draft).body


def test_changing_the_period_rewrites_the_requirements_and_sets_working_day_due_dates(app, world, draft):
    reviewer = world.users["reviewer"]
    circular_services.update_circular(draft, {"rectify_days": 10, "rectify_day_kind": "working",
                                              "doc_date": date(2026, 9, 24)}, actor=reviewer)
    section = _requirements(draft)
    assert "通报印发之日起10个工作日内" in section.body and "15日内" not in section.body
    assert "10个工作日内" in section.generated  # an untouched section stays untouched, not "edited"
    issuing.issue(draft, actor=reviewer, settings=settings_for(app))
    db.session.commit()
    due = {item.due_date for item in items_of(draft)}
    assert due == {add_period(date(2026, 9, 24), 10, "working")}
    assert due == {date(2026, 10, 15)}  # 9-25..27 and 10-1..7 are holidays, Saturday 10-10 is worked


def test_issuing_refuses_a_requirements_text_naming_another_period(app, world, draft):
    reviewer = world.users["reviewer"]
    section = _requirements(draft)
    circular_services.save_section(section, heading=section.heading,
                                   body=section.body.replace("15日内", "20日内"), included=True, actor=reviewer)
    with pytest.raises(CircularError, match="20日内"):
        issuing.issue(draft, actor=reviewer, settings=settings_for(app))


def test_the_period_is_limited_on_the_form(app, world, client, auth, draft):
    auth.login("reviewer")
    page = client.get(f"/circulars/{draft.id}/edit")
    assert page.status_code == 200 and "整改期限" in page.get_data(as_text=True)
