"""Who may see which campaign, target, visit and finding: the one place secrecy is decided.

The commission's inner circle (admin, coordinator, reviewer) sees every campaign. An inspector sees
only active or closed campaigns where they are on a team, and only their team's targets, visits and
findings. Viewers and liaisons see no campaign data here (statistics and circulars have their own rules).

Statistics (which campaigns' numbers a viewer may see) are decided in stats/scope.py, which may look at
issued circulars; this module, a record feature, may not.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, false, or_, select

from ..auth.roles import COMMISSION, INSPECTOR
from ..extensions import db
from .models import Campaign, Target, Team, team_members

INSPECTOR_CAMPAIGN_STATUSES = ("active", "closed")


def team_ids_for(user) -> list[int]:
    """Return the ids of the teams the user belongs to or leads."""
    member = select(team_members.c.team_id).where(team_members.c.user_id == user.id)
    led = select(Team.id).where(Team.leader_id == user.id)
    return list(db.session.scalars(member.union(led)))


def campaigns_query(user) -> Select:
    """Select the campaigns the user may see."""
    query = select(Campaign)
    if user.role in COMMISSION:
        return query
    if user.role == INSPECTOR:
        teams = team_ids_for(user)
        if not teams:
            return query.where(false())
        return query.where(
            Campaign.status.in_(INSPECTOR_CAMPAIGN_STATUSES),
            Campaign.id.in_(select(Team.campaign_id).where(Team.id.in_(teams))),
        )
    return query.where(false())


def targets_query(user) -> Select:
    """Select the targets the user may see (an inspector: only their team's, in visible campaigns)."""
    query = select(Target)
    if user.role in COMMISSION:
        return query
    if user.role == INSPECTOR:
        teams = team_ids_for(user)
        if not teams:
            return query.where(false())
        return query.join(Campaign, Target.campaign_id == Campaign.id).where(
            Target.team_id.in_(teams), Campaign.status.in_(INSPECTOR_CAMPAIGN_STATUSES)
        )
    return query.where(false())


def can_see_campaign(user, campaign: Campaign | None) -> bool:
    """Tell whether the user may know this campaign exists."""
    if campaign is None:
        return False
    if user.role in COMMISSION:
        return True
    return db.session.scalar(campaigns_query(user).where(Campaign.id == campaign.id).limit(1)) is not None


def can_write_for_target(user, target: Target | None) -> bool:
    """Tell whether an inspector may record visits and findings at this target (own team, active campaign)."""
    if target is None or user.role != INSPECTOR:
        return False
    return target.campaign.status == "active" and target.team_id in team_ids_for(user)


def writable_target_filter(user):
    """Return a WHERE clause (on Target joined with its Campaign) for the targets the user may record at.

    The same rule as can_write_for_target, for many targets in one query: an inspector's own teams'
    targets in active campaigns.
    """
    if user.role != INSPECTOR:
        return false()
    member = select(team_members.c.team_id).where(team_members.c.user_id == user.id)
    led = select(Team.id).where(Team.leader_id == user.id)
    return and_(Target.team_id.in_(member.union(led)), Campaign.status == "active")


def can_see_team_record(user, team_id: int | None, created_by_id: int | None) -> bool:
    """Tell whether the user may see a visit or finding made by a team (inspectors: own team or own record)."""
    if user.role in COMMISSION:
        return True
    if user.role == INSPECTOR:
        return created_by_id == user.id or (team_id is not None and team_id in team_ids_for(user))
    return False


def findings_filter(user, finding_cls):
    """Return a WHERE clause limiting findings to those the user may see."""
    if user.role in COMMISSION:
        return True
    if user.role == INSPECTOR:
        teams = team_ids_for(user)
        return or_(finding_cls.created_by_id == user.id, finding_cls.team_id.in_(teams or [-1]))
    return false()

