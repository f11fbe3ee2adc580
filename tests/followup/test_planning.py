"""Planning a 回头看 without HTTP: issued circulars only, scopes, frozen problems, and 交叉 on every path."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.campaigns import targets as campaign_targets, teams as campaign_teams
from inspection.campaigns.models import Campaign, Target
from inspection.campaigns.services import CampaignError
from inspection.circulars.models import Circular
from inspection.extensions import db
from inspection.followup import planning
from inspection.followup.models import FollowupPlan, FollowupProblem

from ..factories import make_finding, make_visit
from .fixtures import close_items, issued_circular, items_of, make_team, set_status



@pytest.fixture
def circular(app, world):
    return issued_circular(app, world)


def _create(world, circulars, *, scope="all", **extra):
    return planning.create_followup(title="2027年第一批整改落实情况回头看", start_date=date(2027, 1, 4),
                                    end_date=date(2027, 1, 29), circulars=circulars, scope=scope,
                                    include_checklist=extra.pop("include_checklist", False),
                                    checklist=world.checklist, actor=world.users["coordinator"], **extra)


def _plan(campaign) -> FollowupPlan:
    return db.session.get(FollowupPlan, campaign.id)


def _after_due(circular) -> date:
    """The day after every item of the circular falls due."""
    return max(i.due_date for i in items_of(circular)) + timedelta(days=1)


def test_create_followup_makes_a_followup_campaign_and_its_plan(world, circular):
    campaign = _create(world, [circular], scope="closed", include_checklist=True)
    db.session.commit()
    plan = _plan(campaign)
    assert campaign.kind == "followup" and campaign.is_followup and campaign.status == "draft"
    assert plan.scope == "closed" and plan.include_checklist and plan.cross and plan.circulars == [circular]
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(campaign.id))))
    assert {"campaign.create", "followup.create"} <= actions


def test_a_circular_not_issued_is_refused_by_name(world, circular):
    draft = Circular(organ_id=circular.organ_id, title="关于第四批明察暗访情况的通报", status="draft")
    db.session.add(draft)
    db.session.flush()
    with pytest.raises(CampaignError) as caught:
        _create(world, [circular, draft])
    assert "关于第四批明察暗访情况的通报" in caught.value.message and "尚未印发" in caught.value.message
    assert caught.value.field == "circular_ids"
    with pytest.raises(CampaignError, match="请至少选择一份已印发的通报"):
        _create(world, [])
    with pytest.raises(CampaignError, match="回访范围"):
        _create(world, [circular], scope="everything")
    assert db.session.scalar(select(Campaign).where(Campaign.kind == "followup")) is None


def test_scopes_select_units_and_count_their_items(world, circular):
    unit0, unit1 = world.units[0], world.units[1]
    close_items(items_of(circular, unit0)[:1])
    set_status(items_of(circular, unit1)[0], "submitted")  # reported: not overdue, not closed
    counts = {}
    for scope in ("all", "closed", "overdue"):
        plan = _plan(_create(world, [circular], scope=scope))
        counts[scope] = [(c.unit.id, c.problems) for c in planning.candidate_units(plan, _after_due(circular))]
    assert [len(items_of(circular, unit)) for unit in (unit0, unit1)] == [2, 2]
    assert counts["all"] == [(unit0.id, 2), (unit1.id, 2)]  # 排序号 order (both 0: id)
    assert counts["closed"] == [(unit0.id, 1)]
    assert counts["overdue"] == [(unit0.id, 1), (unit1.id, 1)]  # neither the closed nor the submitted one
    plan = _plan(_create(world, [circular], scope="overdue"))
    before_due = min(i.due_date for i in items_of(circular))
    assert planning.candidate_units(plan, before_due) == []  # nothing is overdue on its due date


def test_candidates_follow_the_official_order(world, circular):
    world.units[0].sort_order, world.units[1].sort_order = 20, 10
    db.session.flush()
    plan = _plan(_create(world, [circular]))
    assert [c.unit for c in planning.candidate_units(plan)] == [world.units[1], world.units[0]]


def test_assign_freezes_the_units_items_in_scope(world, circular):
    unit0 = world.units[0]
    closed = close_items(items_of(circular, unit0)[-1:])
    plan = _plan(_create(world, [circular], scope="closed"))
    team = make_team(plan.campaign, [world.users["inspector2"]])
    target = planning.assign_target(plan, unit0, team, actor=world.users["coordinator"])
    problems = list(db.session.scalars(select(FollowupProblem).where(FollowupProblem.target_id == target.id)))
    assert [(p.item_id, p.finding_id, p.position) for p in problems] == [(closed[0].id, closed[0].finding_id, 1)]
    plan_all = _plan(_create(world, [circular], scope="all"))
    team_all = make_team(plan_all.campaign, [world.users["inspector3"]])
    target_all = planning.assign_target(plan_all, unit0, team_all, actor=world.users["coordinator"])
    frozen = db.session.scalars(select(FollowupProblem).where(FollowupProblem.target_id == target_all.id)
                                .order_by(FollowupProblem.position))
    assert [p.item_id for p in frozen] == [i.id for i in items_of(circular, unit0)]
    set_status(items_of(circular, unit0)[0], "closed")  # later changes to the items do not change the list
    assert len(list(db.session.scalars(select(FollowupProblem).where(FollowupProblem.target_id == target.id)))) == 1


def test_a_unit_without_items_in_scope_cannot_be_a_target(world, circular):
    plan = _plan(_create(world, [circular], scope="closed"))
    team = make_team(plan.campaign, [world.users["inspector2"]])
    with pytest.raises(CampaignError, match="没有.*整改事项") as caught:
        planning.assign_target(plan, world.units[0], team, actor=world.users["coordinator"])
    assert caught.value.field == "unit_id"


def test_assign_refuses_a_team_holding_an_original_inspector(world, circular):
    plan = _plan(_create(world, [circular]))
    team = make_team(plan.campaign, [world.users["inspector1"]], name="回头看第二组")
    with pytest.raises(CampaignError) as caught:
        planning.assign_target(plan, world.units[0], team, actor=world.users["coordinator"])
    assert caught.value.message == (f"交叉回访：回头看第二组曾检查过{world.units[0].name}（成员inspector1），"
                                    "请改派其他暗访组")
    assert db.session.scalar(select(Target).where(Target.campaign_id == plan.campaign_id)) is None


def test_someone_who_only_recorded_a_finding_there_counts_as_an_original_inspector(world, circular):
    # inspector3 was on no team but recorded a finding at unit 1 in the source campaign.
    visit = make_visit(world.targets[1], world.users["inspector3"])
    make_finding(visit, world.users["inspector3"])
    plan = _plan(_create(world, [circular]))
    team = make_team(plan.campaign, [world.users["inspector3"]])
    with pytest.raises(CampaignError, match="交叉回访"):
        planning.assign_target(plan, world.units[1], team, actor=world.users["coordinator"])


def test_editing_a_target_through_the_campaign_pages_keeps_crossing(world, circular):
    plan = _plan(_create(world, [circular]))
    good = make_team(plan.campaign, [world.users["inspector2"]])
    bad = make_team(plan.campaign, [world.users["inspector1"]], name="回头看第二组")
    target = planning.assign_target(plan, world.units[0], good, actor=world.users["coordinator"])
    with pytest.raises(CampaignError, match="交叉回访：回头看第二组曾检查过") as caught:
        campaign_targets.update_target(target, unit=world.units[0], team=bad, planned_start=None, planned_end=None,
                                       actor=world.users["coordinator"])
    assert caught.value.field == "team_id" and target.team_id == good.id
    with pytest.raises(CampaignError, match="交叉回访"):
        campaign_targets.create_target(plan.campaign, unit=world.units[1], team=bad, planned_start=None,
                                       planned_end=None, actor=world.users["coordinator"])


def test_changing_a_targets_unit_refreezes_its_problems(world, circular):
    plan = _plan(_create(world, [circular]))
    team = make_team(plan.campaign, [world.users["inspector2"]])
    target = planning.assign_target(plan, world.units[0], team, actor=world.users["coordinator"])
    campaign_targets.update_target(target, unit=world.units[1], team=team, planned_start=None, planned_end=None,
                                   actor=world.users["coordinator"])
    frozen = db.session.scalars(select(FollowupProblem.item_id).where(FollowupProblem.target_id == target.id)
                                .order_by(FollowupProblem.position))
    assert list(frozen) == [i.id for i in items_of(circular, world.units[1])]


def test_adding_an_original_inspector_to_a_team_is_refused(world, circular):
    plan = _plan(_create(world, [circular]))
    team = make_team(plan.campaign, [world.users["inspector2"]])
    planning.assign_target(plan, world.units[0], team, actor=world.users["coordinator"])
    with pytest.raises(CampaignError) as caught:
        campaign_teams.update_team(team, name=team.name, leader=world.users["inspector2"],
                                   members=[world.users["inspector2"], world.users["inspector1"]],
                                   actor=world.users["coordinator"])
    assert "交叉回访：inspector1曾检查过本组负责回访的" in caught.value.message
    assert caught.value.field == "member_ids"
    assert [m.username for m in team.members] == ["inspector2"]
    with pytest.raises(CampaignError, match="交叉回访"):  # as leader too
        campaign_teams.update_team(team, name=team.name, leader=world.users["inspector1"],
                                   members=[world.users["inspector2"]], actor=world.users["coordinator"])


def test_an_ordinary_campaign_is_unaffected(world, circular):
    # inspector1 inspected unit 0 in the campaign; in an ordinary campaign they may go again.
    campaign = Campaign(title="2027年第一批明察暗访", start_date=date(2027, 1, 4), end_date=date(2027, 1, 29),
                        checklist=world.checklist, status="draft")
    db.session.add(campaign)
    db.session.flush()
    team = make_team(campaign, [world.users["inspector1"]])
    target = campaign_targets.create_target(campaign, unit=world.units[0], team=team, planned_start=None,
                                            planned_end=None, actor=world.users["coordinator"])
    campaign_teams.update_team(team, name=team.name, leader=world.users["inspector1"],
                               members=[world.users["inspector1"], world.users["inspector2"]],
                               actor=world.users["coordinator"])
    assert target.id and db.session.scalar(select(FollowupProblem)) is None


def test_without_cross_an_original_inspector_may_go_back(world, circular):
    plan = _plan(_create(world, [circular], cross=False))
    team = make_team(plan.campaign, [world.users["inspector1"]])
    assert planning.assign_target(plan, world.units[0], team, actor=world.users["coordinator"]).team_id == team.id


def test_auto_assign_spreads_units_and_keeps_crossing(world, circular):
    plan = _plan(_create(world, [circular]))
    crossed = make_team(plan.campaign, [world.users["inspector1"]], name="回头看第一组")
    free = make_team(plan.campaign, [world.users["inspector2"]], name="回头看第二组")
    result = planning.auto_assign(plan, actor=world.users["coordinator"], today=_after_due(circular))
    assert [(t.unit, t.team) for t in result.assigned] == [(world.units[0], free), (world.units[1], free)]
    assert result.unassigned == [] and crossed not in {t.team for t in plan.campaign.targets}
    assert all(db.session.scalars(select(FollowupProblem).where(FollowupProblem.target_id == t.id)).first()
               for t in result.assigned)
    again = planning.auto_assign(plan, actor=world.users["coordinator"], today=_after_due(circular))  # nothing left to assign
    assert again.assigned == [] and again.unassigned == []


def test_auto_assign_takes_turns_and_reports_units_no_team_can_take(world, circular):
    plan = _plan(_create(world, [circular]))
    first = make_team(plan.campaign, [world.users["inspector2"]], name="回头看第一组")
    second = make_team(plan.campaign, [world.users["inspector3"]], name="回头看第二组")
    result = planning.auto_assign(plan, actor=world.users["coordinator"], today=_after_due(circular))
    assert [t.team for t in result.assigned] == [first, second]  # round-robin

    plan2 = _plan(_create(world, [circular]))
    make_team(plan2.campaign, [world.users["inspector1"]])
    result = planning.auto_assign(plan2, actor=world.users["coordinator"], today=_after_due(circular))
    assert result.assigned == [] and result.unassigned == [world.units[0], world.units[1]]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "followup.auto_assign")
                               .order_by(AuditEvent.id.desc())).first()
    assert "2个单位没有可派的暗访组" in event.summary


def test_auto_assign_needs_a_team_with_members(world, circular):
    plan = _plan(_create(world, [circular]))
    with pytest.raises(CampaignError, match="请先新增暗访组"):
        planning.auto_assign(plan, actor=world.users["coordinator"], today=_after_due(circular))
