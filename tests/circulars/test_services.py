"""Drafting services: what a draft draws on, and regeneration that never overwrites the reviewer's edits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.circulars import services
from inspection.circulars.services import CircularError
from inspection.extensions import db
from inspection.units.services import sort_units

from ..factories import make_finding, make_visit
from .helpers import confirmed_findings, make_draft, make_organ


@pytest.fixture
def draft(world):
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    return circular


def sections(circular):
    return {s.key: s for s in circular.sections}


def test_draft_from_campaign_takes_only_confirmed_findings(world):
    found = confirmed_findings(world)
    pending = make_finding(make_visit(world.targets[2], world.users["inspector2"]), world.users["inspector2"],
                           description="尚未审核的问题", status="submitted")
    circular = make_draft(world)
    ids = {item.finding_id for item in circular.items}
    assert ids == {f.id for f in found} and pending.id not in ids
    assert [r.unit for r in circular.recipients] == sort_units({f.unit for f in found})  # official order
    problems = sections(circular)["problems"].body
    for finding in found:
        assert finding.description in problems
    assert "尚未审核的问题" not in problems
    assert all(s.body == s.generated and not s.edited for s in circular.sections)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "circular.created"))
    assert event.entity_id == str(circular.id)


def test_hand_picked_draft_refuses_unconfirmed_findings(world):
    found = confirmed_findings(world)
    organ = make_organ()
    reviewer = world.users["reviewer"]
    circular = services.create_circular(organ, actor=reviewer, title="关于两个问题的通报",
                                        finding_ids=[found[0].id, found[3].id])
    assert {i.finding_id for i in circular.items} == {found[0].id, found[3].id}
    assert circular.source == "picked" and circular.campaign_id == world.campaign.id
    found[1].status = "returned"
    with pytest.raises(CircularError):
        services.create_circular(organ, actor=reviewer, title="x", finding_ids=[found[1].id])
    with pytest.raises(CircularError):
        services.create_circular(organ, actor=reviewer, title="x", finding_ids=[])


def test_regenerate_updates_untouched_sections_and_keeps_edited_ones(world, draft):
    reviewer = world.users["reviewer"]
    problems, basic = sections(draft)["problems"], sections(draft)["basic"]
    edited = problems.body.replace("签到册无当日签到记录", "签到册当日无任何签到记录（审核人修改）")
    services.save_section(problems, heading=problems.heading, body=edited, included=True, actor=reviewer)
    assert problems.edited
    visit = make_visit(world.targets[2], world.users["inspector2"])
    make_finding(visit, world.users["inspector2"], category="财经纪律", description="会议费超标准列支",
                 status="confirmed")

    report = services.regenerate(draft, actor=reviewer)

    assert report.added == 1
    assert "basic" in report.updated and "财经纪律问题1个" in basic.body  # untouched: replaced silently
    assert report.conflicts == ["problems"]
    assert problems.body == edited, "the reviewer's text must not be overwritten"
    assert "会议费超标准列支" in problems.pending
    diff = services.section_diff(problems.body, problems.pending)
    assert ("added", next(line for line in problems.pending.splitlines() if "会议费" in line)) in diff


def test_resolving_a_regenerated_section(world, draft):
    reviewer = world.users["reviewer"]
    problems = sections(draft)["problems"]
    services.save_section(problems, heading=problems.heading, body=problems.body + "\n审核人补充的一段", included=True,
                          actor=reviewer)
    make_finding(make_visit(world.targets[2], world.users["inspector2"]), world.users["inspector2"],
                 description="新确认的问题", status="confirmed")
    services.regenerate(draft, actor=reviewer)
    services.resolve_section(problems, accept=False, actor=reviewer)
    assert problems.pending is None and "审核人补充的一段" in problems.body and "新确认的问题" not in problems.body
    # kept edits stay kept: regenerating again with nothing new asks nothing
    assert services.regenerate(draft, actor=reviewer).conflicts == []
    services.save_section(problems, heading=problems.heading, body="只剩一句", included=True, actor=reviewer)
    make_finding(make_visit(world.targets[1], world.users["inspector1"]), world.users["inspector1"],
                 description="又一个新问题", status="confirmed")
    services.regenerate(draft, actor=reviewer)
    services.resolve_section(problems, accept=True, actor=reviewer)
    assert "又一个新问题" in problems.body and problems.body == problems.generated and not problems.edited


def test_regenerate_drops_findings_no_longer_confirmed(world, draft):
    item = draft.items[0]
    item.finding.status = "returned"
    assert services.unconfirmed_items(draft) == [item]
    report = services.regenerate(draft, actor=world.users["reviewer"])
    assert report.dropped == 1
    assert item.finding.description not in sections(draft)["problems"].body


def test_excluded_findings_leave_the_draft_and_stay_excluded(world, draft):
    reviewer = world.users["reviewer"]
    keep = {str(i.finding_id) for i in draft.items[1:]}
    left_out = draft.items[0].finding
    services.set_included(draft, keep, actor=reviewer)
    services.regenerate(draft, actor=reviewer)
    assert left_out.description not in sections(draft)["problems"].body
    services.regenerate(draft, actor=reviewer)
    assert not next(i for i in draft.items if i.finding_id == left_out.id).included


def test_sections_move_add_and_delete(world, draft):
    reviewer = world.users["reviewer"]
    handling = sections(draft)["handling"]
    services.move_section(handling, -1, actor=reviewer)
    keys = [s.key for s in sorted(draft.sections, key=lambda s: s.position)]
    assert keys == ["opening", "basic", "handling", "problems", "requirements"]
    custom = services.add_section(draft, heading="典型案例", body="某局干部上班时间打游戏", actor=reviewer)
    assert [s.key for s in draft.sections][-1] == "custom"
    with pytest.raises(CircularError):
        services.delete_section(handling, actor=reviewer)
    services.delete_section(custom, actor=reviewer)
    assert "custom" not in [s.key for s in draft.sections]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"circular.section_moved", "circular.section_added", "circular.section_deleted"} <= actions


def test_metadata_update_is_audited(world, draft):
    changed = services.update_circular(draft, {"title": "新标题", "urgency": "特急", "bogus": 1},
                                       actor=world.users["reviewer"])
    assert changed == {"title": "新标题", "urgency": "特急"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "circular.updated"))
    assert event.after == {"title": "新标题", "urgency": "特急"}
