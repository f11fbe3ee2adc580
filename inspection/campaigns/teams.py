"""Teams (暗访组) of a campaign: name, leader, members chosen from inspector accounts.

An inspector may be on only one team per campaign (as member or leader); the leader is always a member.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..audit.services import record
from ..auth.models import User
from ..auth.roles import INSPECTOR
from ..extensions import db
from ..visits.models import Visit
from . import hooks
from .models import Campaign, Target, Team
from .services import CampaignError, ensure_editable

NAME_MAX = 60


def inspectors() -> list[User]:
    """Return the active inspector accounts, the people teams are made of."""
    return db.session.scalars(select(User).where(User.role == INSPECTOR, User.active.is_(True))
                              .order_by(User.username)).all()


def taken_by(campaign: Campaign, team: Team | None = None) -> dict[int, Team]:
    """Map each inspector already on another team of this campaign to that team."""
    result = {}
    for other in campaign.teams:
        if team is not None and other.id == team.id:
            continue
        for member in other.members:
            result[member.id] = other
        if other.leader_id:
            result[other.leader_id] = other
    return result


def _check(campaign: Campaign, team: Team | None, name: str, leader: User | None, members: list[User]) -> list[User]:
    """Check a team's fields; return the members with the leader included."""
    ensure_editable(campaign)
    if not name:
        raise CampaignError("请填写暗访组名称", "name")
    if len(name) > NAME_MAX:
        raise CampaignError(f"暗访组名称不超过{NAME_MAX}个字符", "name")
    if any(t.name == name and (team is None or t.id != team.id) for t in campaign.teams):
        raise CampaignError(f"本专项行动已有名为“{name}”的暗访组", "name")
    members = list(dict.fromkeys(members))
    if leader is not None and leader not in members:
        members.insert(0, leader)
    for person in members:
        if person.role != INSPECTOR or not person.active:
            raise CampaignError(f"{person.name} 不是启用的暗访员账号，不能加入暗访组", "member_ids")
    taken = taken_by(campaign, team)
    clashes = [f"{p.name}（已在“{taken[p.id].name}”）" for p in members if p.id in taken]
    if clashes:
        raise CampaignError("每名暗访员在同一专项行动中只能加入一个暗访组：" + "、".join(clashes), "member_ids")
    hooks.run(hooks.team_checks, campaign, team, members)
    return members


def _snapshot(team: Team) -> dict:
    """Return a team's audited fields."""
    return {"name": team.name, "leader_id": team.leader_id, "members": sorted(m.username for m in team.members)}


def create_team(campaign: Campaign, *, name: str, leader: User | None, members: list[User], actor) -> Team:
    """Add a team to a campaign."""
    name = name.strip()
    members = _check(campaign, None, name, leader, members)
    team = Team(campaign=campaign, name=name, leader=leader, members=members)
    db.session.add(team)
    db.session.flush()
    record(actor, "team.create", "team", team.id, f"在“{campaign.title}”中新建暗访组“{name}”",
           after={"campaign_id": campaign.id, **_snapshot(team)})
    return team


def update_team(team: Team, *, name: str, leader: User | None, members: list[User], actor) -> bool:
    """Change a team's name, leader and members; return whether anything changed."""
    name = name.strip()
    members = _check(team.campaign, team, name, leader, members)
    before = _snapshot(team)
    team.name, team.leader, team.members = name, leader, members
    db.session.flush()
    after = _snapshot(team)
    if before == after:
        return False
    changed = [k for k in after if before[k] != after[k]]
    record(actor, "team.update", "team", team.id, f"修改“{team.campaign.title}”的暗访组“{name}”",
           before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return True


def delete_team(team: Team, *, actor) -> None:
    """Remove a team that has no targets and no visits."""
    ensure_editable(team.campaign)
    targets = db.session.scalar(select(func.count()).select_from(Target).where(Target.team_id == team.id))
    if targets:
        raise CampaignError(f"“{team.name}”还有{targets}个检查目标，请先改派或删除这些目标")
    if db.session.scalar(select(func.count()).select_from(Visit).where(Visit.team_id == team.id)):
        raise CampaignError(f"“{team.name}”已有暗访记录，不能删除")
    record(actor, "team.delete", "team", team.id, f"删除“{team.campaign.title}”的暗访组“{team.name}”",
           before=_snapshot(team))
    team.campaign.teams.remove(team)
    db.session.flush()
