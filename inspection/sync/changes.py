"""The change feed: server-side changes the phones of a finding's or recheck's team should pull."""
from __future__ import annotations

from sqlalchemy import select

from ..campaigns.models import Team, team_members
from ..extensions import db
from .models import ChangeEvent


def recipients_for(team_id: int | None, created_by_id: int | None) -> set[int]:
    """Return the users who should hear about a team's record: its author and the team's members."""
    users: set[int] = {created_by_id} if created_by_id else set()
    if team_id is not None:
        users.update(db.session.scalars(select(team_members.c.user_id).where(team_members.c.team_id == team_id)))
        leader = db.session.scalar(select(Team.leader_id).where(Team.id == team_id))
        if leader:
            users.add(leader)
    return users


def emit_finding_change(finding, kind: str, payload: dict) -> None:
    """Queue a change to a finding (review outcome, conflict resolution, edit) for its team's phones."""
    for user_id in sorted(recipients_for(finding.team_id, finding.created_by_id)):
        db.session.add(ChangeEvent(user_id=user_id, entity_type="finding", entity_id=str(finding.id),
                                   kind=kind, payload=payload))
    db.session.flush()


def emit_recheck_change(recheck, kind: str, payload: dict) -> None:
    """Queue a change to a recheck (its review, a conflict, an edit, its linking) for its team's phones.

    `kind` is review / edited / conflict / linked; a review's payload should carry at least
    {"status", "decision", "review_note", "version"} (the reviewer first counts the change with
    sync.versions.bump_recheck, so a later phone edit merges against it).
    """
    for user_id in sorted(recipients_for(recheck.team_id, recheck.created_by_id)):
        db.session.add(ChangeEvent(user_id=user_id, entity_type="recheck", entity_id=str(recheck.id),
                                   kind=kind, payload=payload))
    db.session.flush()
