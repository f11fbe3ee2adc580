"""Shared 回头看 test data, built with the models directly (plain helper functions, no pytest fixtures).

    circular = issued_circular(app, world)                   # 示纪办通 circular issued to units 0 and 1, items made
    close_items(items_of(circular))                          # as if each had been 销号 on evidence
    campaign = make_followup(world, [circular])              # Campaign(kind="followup") + FollowupPlan
    target = add_target(campaign, world.units[0])            # a Target with its FollowupProblem rows
    recheck = make_recheck(target.problems[0], verdict="relapsed")   # a submitted Recheck with its visit

The follow-up team is "回头看第一组" (inspector2, who never visited units 0 or 1 in the source campaign), so
inspector1 (team A) and inspector3 (no team) stay outside it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from inspection.campaigns.models import Campaign, Target, Team
from inspection.circulars import issuing
from inspection.circulars import services as circular_services
from inspection.circulars.period import carry_period, current_phrase
from inspection.extensions import db
from inspection.followup.models import FollowupPlan, FollowupProblem, Recheck, RecheckPhoto
from inspection.rectification.models import RectificationEvidence, RectificationItem
from inspection.visits.models import Visit

from ..factories import make_visit
from ..circulars.helpers import confirmed_findings, make_draft, settings_for
from ..rectification.helpers import items_of

__all__ = ["FollowupTarget", "add_target", "close_items", "issued_circular", "items_of", "make_followup",
           "make_recheck", "make_team", "set_status"]

FOLLOWUP_START = datetime(2027, 1, 11, 1, 0, tzinfo=UTC)


def issued_circular(app, world, *, units=None, days: int = 15, kind: str = "natural"):
    """Issue the sample circular (units 0 and 1 unless told) with its rectification period; items are made."""
    confirmed_findings(world)
    circular = make_draft(world)
    old_phrase = current_phrase(circular)
    circular.rectify_days, circular.rectify_day_kind = days, kind
    carry_period(circular, old_phrase)  # 工作要求 names the same period, or issuing refuses
    circular_services.set_recipients(circular, units or [world.units[0], world.units[1]],
                                     actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    return circular


def set_status(item: RectificationItem, status: str, *, measures: str = "已制定考勤制度并公示",
               closed_at: datetime | None = None) -> RectificationItem:
    """Put an item in a status as the unit and the desk would have (text, evidence, 销号 time when closed)."""
    if status in ("submitted", "closed"):
        item.measures = item.measures or measures
        item.responsible = item.responsible or "办公室主任"
        item.progress = item.progress or "已完成整改"
        item.reported = True
        if not item.evidence:
            item.evidence.append(RectificationEvidence(kind="pdf", sha256=f"{item.id:064x}",
                                                       filename="整改佐证.pdf", size=1024))
        item.submitted_at = item.submitted_at or datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    item.status = status
    if status == "closed":
        item.closed_at = closed_at or datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
        item.close_note = item.close_note or "佐证材料齐全，同意销号"
    db.session.flush()
    return item


def close_items(items) -> list[RectificationItem]:
    """Close (销号) each item as the desk would have; return them."""
    return [set_status(item, "closed") for item in items]


def make_team(campaign: Campaign, members, *, name: str = "回头看第一组") -> Team:
    """Add a team to a campaign, its first member leading."""
    team = Team(name=name, leader=members[0], members=list(members))
    campaign.teams.append(team)
    db.session.flush()
    return team


def make_followup(world, circulars, *, title: str = "2027年第一批整改落实情况回头看", scope: str = "all",
                  status: str = "active", include_checklist: bool = False, members=None) -> Campaign:
    """Create a follow-up campaign over issued circulars, with its plan and one team (inspector2 by default)."""
    campaign = Campaign(title=title, start_date=date(2027, 1, 4), end_date=date(2027, 1, 29),
                        checklist=world.checklist, status=status, kind="followup")
    db.session.add(campaign)
    db.session.flush()
    db.session.add(FollowupPlan(campaign_id=campaign.id, scope=scope, include_checklist=include_checklist,
                                cross=True, circulars=list(circulars)))
    make_team(campaign, members or [world.users["inspector2"]])
    return campaign


@dataclass
class FollowupTarget:
    """A follow-up target with its frozen problems (in position order) and the team's visit there."""

    target: Target
    problems: list = field(default_factory=list)
    visit: object = None

    @property
    def id(self) -> int:
        return self.target.id


def add_target(campaign: Campaign, unit, *, team: Team | None = None, items=None) -> FollowupTarget:
    """Make a follow-up target for a unit: one FollowupProblem per item of the plan's circulars (or the given items)."""
    team = team or campaign.teams[0]
    target = Target(campaign=campaign, unit=unit, team=team, planned_start=FOLLOWUP_START,
                    planned_end=FOLLOWUP_START.replace(hour=9))
    db.session.add(target)
    db.session.flush()
    if items is None:
        plan = db.session.get(FollowupPlan, campaign.id)
        ids = [c.id for c in plan.circulars]
        items = list(db.session.scalars(select(RectificationItem).where(
            RectificationItem.circular_id.in_(ids), RectificationItem.unit_id == unit.id)
            .order_by(RectificationItem.circular_id, RectificationItem.position)))
    problems = []
    for position, item in enumerate(items, start=1):
        problem = FollowupProblem(campaign_id=campaign.id, target_id=target.id, item_id=item.id,
                                  finding_id=item.finding_id, position=position)
        db.session.add(problem)
        problems.append(problem)
    db.session.flush()
    return FollowupTarget(target=target, problems=problems)


def make_recheck(problem: FollowupProblem, *, verdict: str, note: str = "", status: str = "submitted",
                 user=None, visit=None, photos: tuple[str, ...] = (), decision: str = "") -> Recheck:
    """Record a team's 复核 of one problem at the target's visit (made once when missing; none if pending_visit)."""
    target = problem.target
    user = user or target.team.leader
    if visit is None and status != "pending_visit":
        visit = db.session.scalar(select(Visit).where(Visit.target_id == target.id).order_by(Visit.started_at)
                                  .limit(1)) or make_visit(target, user, started_at=FOLLOWUP_START.replace(hour=2))
    recheck = Recheck(id=uuid.uuid4(), visit_ref=visit.id if visit is not None else uuid.uuid4(),
                      visit_id=visit.id if visit is not None and status != "pending_visit" else None,
                      finding_id=problem.finding_id, problem_id=problem.id, campaign_id=problem.campaign_id,
                      unit_id=target.unit_id, team_id=target.team_id, verdict=verdict,
                      note=note or f"复核：{verdict}", status=status, decision=decision, version=1,
                      field_versions={}, conflicts={}, created_by_id=user.id,
                      original={"verdict": verdict, "note": note or f"复核：{verdict}"})
    for position, sha in enumerate(photos):
        recheck.photos.append(RecheckPhoto(sha256=sha, caption=f"复核照片{position + 1}", position=position))
    db.session.add(recheck)
    db.session.flush()
    return recheck
