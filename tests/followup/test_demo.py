"""`flask demo` tells the whole 回头看 story: a closed, crossed follow-up with every verdict reviewed, one item
reopened as 纸上整改, outcomes, a drafted 整改情况通报, and an active follow-up on inspector3's phone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Target
from inspection.circulars.models import Circular
from inspection.core.dates import to_cst
from inspection.extensions import db
from inspection.followup.crossing import former_inspectors
from inspection.followup.models import VERDICTS, FollowupPlan, Recheck
from inspection.outcomes.models import Outcome
from inspection.rectification.models import RectificationItem


def _demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def test_closed_followup_has_every_verdict_reviewed_and_one_reopened_item(app, runner):
    _demo(runner)
    closed = db.session.scalar(select(Campaign).where(Campaign.kind == "followup", Campaign.status == "closed"))
    plan = db.session.get(FollowupPlan, closed.id)
    assert [c.doc_number for c in plan.circulars] == ["示纪办通〔2026〕1号"] and plan.cross
    rechecks = db.session.scalars(select(Recheck).where(Recheck.campaign_id == closed.id)).all()
    confirmed = {r.verdict for r in rechecks if r.status == "confirmed"}
    assert confirmed == set(VERDICTS)
    assert any(r.status == "rejected" for r in rechecks)
    assert all(r.visit_id is not None and r.photos for r in rechecks)  # sent with its visit and a photo
    reopened = [r for r in rechecks if r.decision == "reopened"]
    assert len(reopened) == 1
    item = reopened[0].problem.item
    assert item.status == "pending" and item.flag == "paper" and item.due_date > date(2026, 11, 20)
    assert any(e.action == "reopened" and to_cst(e.created_at).date() == date(2026, 11, 20) for e in item.events)
    for target in closed.targets:  # 交叉: no team member inspected the unit in the source campaign
        people = {u.id for u in target.team.members} | {target.team.leader_id}
        assert not people & set(former_inspectors(plan, target.unit_id))


def test_demo_drafts_a_report_circular_and_records_outcomes(app, runner):
    _demo(runner)
    closed = db.session.scalar(select(Campaign).where(Campaign.kind == "followup", Campaign.status == "closed"))
    report = db.session.scalar(select(Circular).where(Circular.campaign_id == closed.id))
    assert report.source == "followup" and report.status == "draft"
    text = "\n".join(s.body for s in report.sections)
    item = db.session.scalar(select(RectificationItem).where(RectificationItem.flag == "paper"))
    assert item.unit.name in text and "纸上整改" in text and "重新交办" in text
    measures = set(db.session.scalars(select(Outcome.measure)))
    assert {"reminder_talk", "leader_interview"} <= measures


def test_inspector3_has_an_active_followup_of_units_its_team_never_inspected(app, runner):
    _demo(runner)
    active = db.session.scalar(select(Campaign).where(Campaign.kind == "followup", Campaign.status == "active"))
    inspector3 = db.session.scalar(select(User).where(User.username == "inspector3"))
    targets = db.session.scalars(select(Target).where(Target.campaign_id == active.id)).all()
    assert targets and all(inspector3 in t.team.members for t in targets)
    plan = db.session.get(FollowupPlan, active.id)
    assert all(inspector3.id not in former_inspectors(plan, t.unit_id) for t in targets)
