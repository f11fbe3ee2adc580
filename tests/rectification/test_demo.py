"""The demo's 示纪办通〔2026〕1号 has 整改 items in every state, dated as the story goes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspection.auth.models import User
from inspection.core.dates import to_cst
from inspection.extensions import db
from inspection.rectification.deadlines import ColourRule, colour_of
from inspection.rectification.models import RectificationItem


def test_demo_items_cover_every_state_and_liaison1_has_work(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    items = db.session.scalars(select(RectificationItem)).all()
    assert len(items) >= 10
    statuses = {i.status for i in items}
    assert statuses == {"pending", "submitted", "closed", "returned"}
    assert any(e.status == "pending" for i in items for e in i.extensions)
    assert any(e.status == "approved" for i in items for e in i.extensions)
    rule = ColourRule(today=date(2026, 12, 1), blue_days=3)
    colours = {colour_of(i, rule) for i in items}
    assert "red" in colours and "blue" in colours
    assert any(i.status == "pending" and i.reported for i in items)  # a draft saved, not submitted
    liaison1 = db.session.scalar(select(User).where(User.username == "liaison1"))
    own = [i for i in items if i.unit_id == liaison1.unit_id]
    assert own and own[0].status == "returned" and own[0].return_reason
    for item in items:
        issued = item.circular.doc_date
        for event in item.events:
            day = to_cst(event.created_at).date()
            assert issued <= day <= date(2026, 12, 1), (event.action, day)  # nothing dated at load time
        if item.closed_at:
            assert item.evidence and to_cst(item.closed_at).date() > issued
