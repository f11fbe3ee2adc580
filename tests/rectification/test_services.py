"""整改 services without HTTP: items made at issue, the unit's draft and submission, 销号, 退回, 延期, races."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from inspection.audit.models import AuditEvent
from inspection.circulars.models import Circular
from inspection.extensions import db
from inspection.rectification import services
from inspection.rectification.models import RectificationItem
from inspection.rectification.services import RectificationError
from inspection.rectification.cli import cli as _unused  # noqa: F401  (the CLI module imports cleanly)

from .helpers import issue_sample, items_of, report_of

FILLED = {"measures": "重新修订考勤制度，每日通报", "leader": "张局长", "responsible": "办公室李某",
          "progress": "已完成整改"}


@pytest.fixture
def issued(app, world):
    return issue_sample(app, world)


def _evidence(item, actor):
    return services.add_evidence(item, kind="photo", sha256="a" * 64, filename="签到册.jpg", size=10, actor=actor)


def test_issue_makes_one_item_per_confirmed_finding_of_each_recipient_and_one_report(world, issued):
    items = items_of(issued)
    by_unit = {}
    for item in items:
        by_unit.setdefault(item.unit_id, []).append(item)
    assert set(by_unit) == {world.units[0].id, world.units[1].id}
    included = [link.finding for link in issued.items if link.included]
    expected = [f for f in included if f.unit_id in by_unit]
    assert sorted(str(i.finding_id) for i in items) == sorted(str(f.id) for f in expected)
    assert all(i.status == "pending" and i.due_date == issued.doc_date + timedelta(days=15) for i in items)
    assert all(i.problem and i.start_date == issued.doc_date for i in items)
    assert report_of(issued, world.units[0]) is not None
    assert report_of(issued, world.units[1]) is not None


def test_items_are_not_doubled_by_a_second_run(app, world, issued):
    before = len(items_of(issued))
    assert services.create_items(issued, actor=None, yellow_percent=50) == 0
    assert len(items_of(issued)) == before


def test_a_unit_not_among_the_recipients_gets_no_items(app, world):
    circular = issue_sample(app, world, units=[world.units[0]])
    assert {i.unit_id for i in items_of(circular)} == {world.units[0].id}


def test_submit_needs_measures_persons_progress_and_evidence(world, issued):
    liaison = world.users["liaison1"]
    item = items_of(issued, world.units[0])[0]
    with pytest.raises(RectificationError, match="整改措施"):
        services.submit_item(item, actor=liaison)
    services.save_item(item, FILLED, actor=liaison)
    with pytest.raises(RectificationError, match="佐证材料"):
        services.submit_item(item, actor=liaison)
    _evidence(item, liaison)
    services.submit_item(item, actor=liaison)
    assert item.status == "submitted" and item.submitted_at is not None
    with pytest.raises(RectificationError, match="已报送"):
        services.save_item(item, {"measures": "改"}, actor=liaison)


def test_full_loop_submit_return_resubmit_close_with_history_and_audit(world, issued):
    liaison, reviewer = world.users["liaison1"], world.users["reviewer"]
    item = items_of(issued, world.units[0])[0]
    services.save_item(item, FILLED, actor=liaison)
    _evidence(item, liaison)
    services.submit_item(item, actor=liaison)
    with pytest.raises(RectificationError, match="理由"):
        services.return_item(item, "  ", actor=reviewer)
    services.return_item(item, "佐证材料看不清", actor=reviewer)
    assert item.status == "returned" and item.return_reason == "佐证材料看不清"
    services.save_item(item, {"progress": "已补拍照片"}, actor=liaison)
    services.submit_item(item, actor=liaison)
    with pytest.raises(RectificationError, match="审核意见"):
        services.accept_item(item, "", actor=reviewer)
    services.accept_item(item, "整改到位", actor=reviewer)
    db.session.commit()
    assert item.status == "closed" and item.closed_by_id == reviewer.id
    actions = [e.action for e in item.events]
    assert actions == ["created", "saved", "evidence_added", "submitted", "returned", "saved", "submitted", "closed"]
    assert all(e.summary for e in item.events)
    audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "rectification_item",
                                                                 AuditEvent.entity_id == str(item.id))).all()
    assert "rectification.closed" in audited and "rectification.returned" in audited
    with pytest.raises(RectificationError, match="已销号"):
        services.return_item(item, "再看看", actor=reviewer)
    with pytest.raises(RectificationError, match="已销号"):
        services.accept_item(item, "再次销号", actor=reviewer)


def test_extension_refuses_past_or_earlier_dates_and_approval_moves_the_due_date(world, issued):
    liaison, reviewer = world.users["liaison1"], world.users["reviewer"]
    item = items_of(issued, world.units[0])[0]
    today = issued.doc_date
    with pytest.raises(RectificationError, match="早于今天"):
        services.request_extension(item, new_due=today - timedelta(days=1), reason="忙", today=today, actor=liaison)
    with pytest.raises(RectificationError, match="须晚于"):
        services.request_extension(item, new_due=item.due_date, reason="忙", today=today, actor=liaison)
    request = services.request_extension(item, new_due=item.due_date + timedelta(days=10), reason="需采购设备",
                                         today=today, actor=liaison)
    with pytest.raises(RectificationError, match="正在审批"):
        services.request_extension(item, new_due=item.due_date + timedelta(days=11), reason="再延", today=today,
                                   actor=liaison)
    old_due = item.due_date
    services.decide_extension(request, approve=True, note="", today=today, yellow_percent=50, actor=reviewer)
    assert item.due_date == old_due + timedelta(days=10) and request.status == "approved"
    with pytest.raises(RectificationError, match="已审批"):
        services.decide_extension(request, approve=False, note="不行", today=today, yellow_percent=50, actor=reviewer)
    second = services.request_extension(item, new_due=item.due_date + timedelta(days=5), reason="仍需时间",
                                        today=today, actor=liaison)
    with pytest.raises(RectificationError, match="理由"):
        services.decide_extension(second, approve=False, note="", today=today, yellow_percent=50, actor=reviewer)
    services.decide_extension(second, approve=False, note="时限不能再延", today=today, yellow_percent=50,
                              actor=reviewer)
    assert item.due_date == old_due + timedelta(days=10) and second.status == "refused"
    assert [e.action for e in item.events][-4:] == ["extension_requested", "extension_approved",
                                                    "extension_requested", "extension_refused"]


def test_two_reviewers_acting_at_once_one_wins_the_other_is_told(app, world, issued):
    liaison, admin = world.users["liaison1"], world.users["admin"]
    item = items_of(issued, world.units[0])[0]
    services.save_item(item, FILLED, actor=liaison)
    _evidence(item, liaison)
    services.submit_item(item, actor=liaison)
    db.session.commit()
    item_id, seen_version = item.id, item.version  # this reviewer's page shows the item as submitted
    with db.engine.begin() as other:  # meanwhile another reviewer closes it and commits
        other.execute(update(RectificationItem.__table__).where(RectificationItem.__table__.c.id == item_id)
                      .values(status="closed", close_note="整改到位", version=seen_version + 1))
    assert item.status == "submitted"  # still what this session read
    with pytest.raises(RectificationError, match="他人处理"):
        services.return_item(item, "佐证不足", actor=admin)
    db.session.rollback()
    assert db.session.get(RectificationItem, item_id).status == "closed"
