"""Planning a 回头看: the follow-up campaign over issued circulars, its candidate units, and their teams.

A follow-up campaign is made through campaigns.services (the common checks) and then marked kind "followup"
with its FollowupPlan. Each target is made through campaigns.targets, so a target added or changed on the
generic campaign pages gets the same rules: its unit must have items in the plan's scope, 交叉 holds
(crossing.py), and its FollowupProblem rows are frozen when the target is made or its unit changes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, case, delete, func, select

from ..audit.services import record
from ..campaigns import hooks
from ..campaigns.models import Campaign, Target
from ..campaigns.services import CampaignError, create_campaign
from ..campaigns.targets import create_target
from ..core.dates import today_cst
from ..extensions import db
from ..rectification.deadlines import ColourRule
from ..rectification.models import RectificationItem as Item
from ..rectification.queries import overdue_clause
from ..units.models import Unit
from ..units.services import official_order
from .crossing import former_inspectors, plan_of, target_refusal, team_people
from .models import SCOPES, FollowupPlan, FollowupProblem, Recheck

logger = logging.getLogger(__name__)


@dataclass
class Candidate:
    """A unit a follow-up may visit: how many of its items the scope selects, and its target if made."""

    unit: Unit
    problems: int
    closed: int
    overdue: int
    target: Target | None = None


@dataclass
class AutoResult:
    """What an automatic 交叉 assignment did: the targets made and the units no team could take."""

    assigned: list[Target] = field(default_factory=list)
    unassigned: list[Unit] = field(default_factory=list)


def circular_label(circular) -> str:
    """Name a circular by its document number and title."""
    return f"{circular.doc_number}《{circular.title}》" if circular.doc_number else f"《{circular.title}》"


def create_followup(*, title: str, description: str = "", start_date: date | None, end_date: date | None,
                    circulars: list, scope: str, include_checklist: bool, checklist, cross: bool = True,
                    actor) -> Campaign:
    """Create a follow-up campaign (draft) over issued circulars, with its plan."""
    circulars = [c for c in dict.fromkeys(circulars) if c is not None]
    if not circulars:
        raise CampaignError("请至少选择一份已印发的通报", "circular_ids")
    for circular in circulars:
        if not circular.is_issued:
            raise CampaignError(f"{circular_label(circular)}尚未印发，不能据此开展回头看", "circular_ids")
    if scope not in SCOPES:
        raise CampaignError("请选择回访范围", "scope")
    campaign = create_campaign(title=title, description=description, start_date=start_date, end_date=end_date,
                               checklist=checklist, actor=actor)
    campaign.kind = "followup"
    plan = FollowupPlan(campaign=campaign, scope=scope, include_checklist=bool(include_checklist),
                        cross=bool(cross), circulars=circulars)
    db.session.add(plan)
    db.session.flush()
    record(actor, "followup.create", "campaign", campaign.id,
           f"“{campaign.title}”为回头看：{'、'.join(circular_label(c) for c in circulars)}，{plan.scope_label}",
           after={"circulars": [c.doc_number for c in circulars], "scope": scope,
                  "include_checklist": plan.include_checklist, "cross": plan.cross})
    logger.info("follow-up campaign %s over circulars %s (scope %s)", campaign.id, [c.id for c in circulars], scope)
    return campaign


def scoped_items(plan: FollowupPlan, today: date | None = None) -> Select:
    """Select the items of the plan's circulars that its scope selects (closed, overdue or all)."""
    query = select(Item).where(Item.circular_id.in_([c.id for c in plan.circulars] or [-1]))
    if plan.scope == "closed":
        query = query.where(Item.status == "closed")
    elif plan.scope == "overdue":
        query = query.where(overdue_clause(ColourRule(today=today or today_cst())))
    return query


def candidate_units(plan: FollowupPlan, today: date | None = None) -> list[Candidate]:
    """List the units with items in the plan's scope, in official order, with counts and their targets."""
    rule = ColourRule(today=today or today_cst())
    ids = scoped_items(plan, rule.today).with_only_columns(Item.id).subquery()
    rows = db.session.execute(
        select(Unit, func.count(Item.id), func.sum(case((Item.status == "closed", 1), else_=0)),
               func.sum(case((overdue_clause(rule), 1), else_=0)))
        .join(Item, Item.unit_id == Unit.id).where(Item.id.in_(select(ids.c.id)))
        .group_by(Unit.id).order_by(*official_order()))
    targets = {t.unit_id: t for t in plan.campaign.targets}
    return [Candidate(unit=unit, problems=count, closed=int(closed or 0), overdue=int(overdue or 0),
                      target=targets.get(unit.id)) for unit, count, closed, overdue in rows]


def unit_items(plan: FollowupPlan, unit_id: int, today: date | None = None) -> list[Item]:
    """Return the unit's items in the plan's scope, by circular then 序号."""
    query = scoped_items(plan, today).where(Item.unit_id == unit_id)
    return list(db.session.scalars(query.order_by(Item.circular_id, Item.position, Item.id)))


def freeze_problems(plan: FollowupPlan, target: Target, today: date | None = None) -> list[FollowupProblem]:
    """Replace a target's list of earlier problems with its unit's items in the plan's scope."""
    db.session.execute(delete(FollowupProblem).where(FollowupProblem.target_id == target.id))
    problems = [FollowupProblem(campaign_id=plan.campaign_id, target_id=target.id, item_id=item.id,
                                finding_id=item.finding_id, position=position)
                for position, item in enumerate(unit_items(plan, target.unit_id, today), start=1)]
    db.session.add_all(problems)
    db.session.flush()
    return problems


def assign_target(plan: FollowupPlan, unit: Unit | None, team, planned_start: datetime | None = None,
                  planned_end: datetime | None = None, *, actor) -> Target:
    """Make a follow-up target for a candidate unit (交叉 checked, its problems frozen)."""
    return create_target(plan.campaign, unit=unit, team=team, planned_start=planned_start,
                         planned_end=planned_end, actor=actor)


def auto_assign(plan: FollowupPlan, *, actor, today: date | None = None) -> AutoResult:
    """Spread the unassigned candidate units over the teams in turn, never to a team that inspected them."""
    teams = [t for t in plan.campaign.teams if team_people(t)]
    if not teams:
        raise CampaignError("请先新增暗访组并添加组员，再自动分配" if not plan.campaign.teams
                            else "暗访组还没有组员，请先添加组员")
    result, turn = AutoResult(), 0
    for candidate in candidate_units(plan, today):
        if candidate.target is not None:
            continue
        former = former_inspectors(plan, candidate.unit.id) if plan.cross else {}
        for step in range(len(teams)):
            team = teams[(turn + step) % len(teams)]
            if target_refusal(team, candidate.unit, former) is None:
                result.assigned.append(assign_target(plan, candidate.unit, team, actor=actor))
                turn = (turn + step + 1) % len(teams)
                break
        else:
            result.unassigned.append(candidate.unit)
    record(actor, "followup.auto_assign", "campaign", plan.campaign_id,
           f"“{plan.campaign.title}”{'自动交叉分配' if plan.cross else '自动分配'}：{len(result.assigned)}个单位已分配"
           + (f"，{len(result.unassigned)}个单位没有可派的暗访组" if result.unassigned else ""),
           after={"assigned": [t.unit.name for t in result.assigned],
                  "unassigned": [u.name for u in result.unassigned]})
    return result


def check_candidate(campaign: Campaign, target, unit, team) -> None:
    """Refuse a follow-up target at a unit without items in scope, or a unit change after rechecks (hook)."""
    plan = plan_of(campaign)
    if plan is None or unit is None or (target is not None and target.unit_id == unit.id):
        return
    if not unit_items(plan, unit.id):
        raise CampaignError(f"“{unit.name}”在本次回头看的通报中没有“{plan.scope_label}”范围内的整改事项，"
                            "不能作为检查目标", "unit_id")
    if target is not None and db.session.scalar(select(func.count()).select_from(Recheck).join(
            FollowupProblem, Recheck.problem_id == FollowupProblem.id).where(FollowupProblem.target_id == target.id)):
        raise CampaignError("该目标已有复核记录，不能更换被检查单位", "unit_id")


def on_target_saved(target: Target, *, created: bool, unit_changed: bool) -> None:
    """Freeze a follow-up target's earlier problems when it is made or its unit changes (hook)."""
    plan = plan_of(target.campaign)
    if plan is not None and (created or unit_changed):
        freeze_problems(plan, target)


hooks.register(hooks.target_checks, check_candidate)
hooks.register(hooks.target_saved, on_target_saved)
