"""交叉回访: no one re-checks a unit they inspected in the campaigns a follow-up is checking.

Who inspected a unit: the leader and members of the source campaigns' Target team for that unit, and anyone
who made a Visit or Finding at it in those campaigns. The source campaigns are the campaigns of the findings
behind the unit's rectification items in the plan's circulars, and the circulars' own campaigns.

The rule holds on every path that sets a follow-up target's team or a team's members: the plan page, the
generic target form (campaigns.targets) and the team form (campaigns.teams), through campaigns.hooks,
registered when this module is imported. A campaign that is not a follow-up, or whose plan has cross off,
is unaffected.
"""
from __future__ import annotations

from sqlalchemy import select, union

from ..auth.models import User
from ..campaigns import hooks
from ..campaigns.models import Campaign, Target, Team, team_members
from ..campaigns.services import CampaignError
from ..extensions import db
from ..findings.models import Finding
from ..rectification.models import RectificationItem
from ..visits.models import Visit
from .models import FollowupPlan, followup_circulars


def plan_of(campaign: Campaign | None) -> FollowupPlan | None:
    """Return the follow-up plan of a campaign (None for an ordinary one)."""
    if campaign is None or not campaign.is_followup or campaign.id is None:
        return None
    return db.session.get(FollowupPlan, campaign.id)


def source_campaign_ids(plan: FollowupPlan, unit_id: int) -> set[int]:
    """Return the campaigns whose work at the unit the follow-up checks."""
    circulars = select(followup_circulars.c.circular_id).where(followup_circulars.c.campaign_id == plan.campaign_id)
    by_findings = (select(Finding.campaign_id).join(RectificationItem, RectificationItem.finding_id == Finding.id)
                   .where(RectificationItem.circular_id.in_(circulars), RectificationItem.unit_id == unit_id))
    ids = set(db.session.scalars(by_findings))
    ids |= {c.campaign_id for c in plan.circulars}
    ids.discard(None)
    ids.discard(plan.campaign_id)
    return ids


def former_inspectors(plan: FollowupPlan, unit_id: int) -> dict[int, str]:
    """Map each person who inspected the unit in the source campaigns to their name."""
    sources = source_campaign_ids(plan, unit_id)
    if not sources:
        return {}
    teams = select(Target.team_id).where(Target.campaign_id.in_(sources), Target.unit_id == unit_id)
    people = union(
        select(Team.leader_id.label("uid")).where(Team.id.in_(teams), Team.leader_id.is_not(None)),
        select(team_members.c.user_id.label("uid")).where(team_members.c.team_id.in_(teams)),
        select(Visit.created_by_id.label("uid")).where(Visit.campaign_id.in_(sources), Visit.unit_id == unit_id),
        select(Finding.created_by_id.label("uid")).where(Finding.campaign_id.in_(sources),
                                                         Finding.unit_id == unit_id),
    ).subquery()
    users = db.session.scalars(select(User).where(User.id.in_(select(people.c.uid))))
    return {u.id: u.name for u in users}


def team_people(team: Team) -> list[User]:
    """Return a team's leader and members, once each."""
    people = list(team.members)
    if team.leader is not None and team.leader not in people:
        people.insert(0, team.leader)
    return people


def clashes(former: dict[int, str], people) -> list[str]:
    """Return the names of the people who inspected the unit before."""
    return [former[p.id] for p in people if p.id in former]


def target_refusal(team: Team, unit, former: dict[int, str], people=None) -> str | None:
    """Say why a team may not re-check a unit (None when it may)."""
    names = clashes(former, team_people(team) if people is None else people)
    if not names:
        return None
    return f"交叉回访：{team.name}曾检查过{unit.name}（成员{'、'.join(names)}），请改派其他暗访组"


def check_target(campaign: Campaign, target, unit, team) -> None:
    """Refuse a follow-up target whose team holds someone who inspected the unit (campaigns.hooks)."""
    plan = plan_of(campaign)
    if plan is None or not plan.cross or unit is None or team is None:
        return
    message = target_refusal(team, unit, former_inspectors(plan, unit.id))
    if message:
        raise CampaignError(message, "team_id")


def check_team(campaign: Campaign, team, people) -> None:
    """Refuse team members who inspected a unit the team is to re-check (campaigns.hooks)."""
    plan = plan_of(campaign)
    if plan is None or not plan.cross or team is None or team.id is None:
        return
    for target in (t for t in campaign.targets if t.team_id == team.id):
        names = clashes(former_inspectors(plan, target.unit_id), people)
        if names:
            raise CampaignError(f"交叉回访：{'、'.join(names)}曾检查过本组负责回访的{target.unit.name}，"
                                f"不能加入“{team.name}”；请换人，或先将该单位改派其他暗访组", "member_ids")


hooks.register(hooks.target_checks, check_target)
hooks.register(hooks.team_checks, check_team)
