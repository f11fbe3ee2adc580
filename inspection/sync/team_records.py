"""The team's records a phone lists after a new sign-in: a compact, read-only index of the visits and
findings the server holds for the user's teams in their active campaigns (bootstrap `team_records`).

Only what a phone needs to show "what was sent": no persons, no photos, descriptions clipped. The newest
TEAM_RECORDS_MAX come down; the phone says when there are more than it shows.
"""
from __future__ import annotations

from marshmallow import fields
from sqlalchemy import select

from ..auth.models import User
from ..core.schemas import Schema
from ..extensions import db
from ..findings.models import FINDING_STATUSES, Finding
from ..visits.models import Visit

TEAM_RECORDS_MAX = 300  # per kind, newest first: bootstrap stays small on a county-wide campaign
DESCRIPTION_CHARS = 60
VISIT_STATUSES = {"open": "进行中", "ended": "已结束"}


class TeamRecordSchema(Schema):
    """One visit or finding of the user's team, as the phone lists it (read-only)."""

    id = fields.String()
    type = fields.String(metadata={"description": "visit or finding"})
    campaign_id = fields.Integer()
    unit_id = fields.Integer()
    visit_id = fields.String(allow_none=True, metadata={"description": "a finding's visit; null for a visit"})
    status = fields.String(metadata={"description": "open/ended for a visit, the finding's review status"})
    status_label = fields.String(metadata={"description": "the status in Chinese (进行中, 待审核, 需补充 …)"})
    occurred_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "a visit's start, a finding's time"})
    description = fields.String(metadata={
        "description": f"a visit's notes or a finding's description, at most {DESCRIPTION_CHARS} characters"})
    created_by = fields.String(metadata={"description": "who recorded it"})


def clip(text: str | None, limit: int = DESCRIPTION_CHARS) -> str:
    """Shorten a text to `limit` characters, marking a cut with an ellipsis."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def team_records(campaign_ids, team_ids) -> list[dict]:
    """The visits and findings of these teams in these campaigns, newest first (at most TEAM_RECORDS_MAX each)."""
    if not campaign_ids or not team_ids:
        return []
    campaigns, teams = sorted(campaign_ids), sorted(team_ids)
    visits = db.session.execute(
        select(Visit.id, Visit.campaign_id, Visit.unit_id, Visit.started_at, Visit.ended_at, Visit.notes, User)
        .join(User, User.id == Visit.created_by_id)
        .where(Visit.campaign_id.in_(campaigns), Visit.team_id.in_(teams))
        .order_by(Visit.started_at.desc(), Visit.id).limit(TEAM_RECORDS_MAX))
    findings = db.session.execute(
        select(Finding.id, Finding.campaign_id, Finding.unit_id, Finding.visit_id, Finding.status,
               Finding.occurred_at, Finding.created_at, Finding.description, User)
        .join(User, User.id == Finding.created_by_id)
        .where(Finding.campaign_id.in_(campaigns), Finding.team_id.in_(teams))
        .order_by(Finding.created_at.desc(), Finding.id).limit(TEAM_RECORDS_MAX))
    out = [{"id": str(v.id), "type": "visit", "campaign_id": v.campaign_id, "unit_id": v.unit_id, "visit_id": None,
            "status": "ended" if v.ended_at else "open",
            "status_label": VISIT_STATUSES["ended" if v.ended_at else "open"], "occurred_at": v.started_at,
            "description": clip(v.notes), "created_by": v.User.name} for v in visits]
    out += [{"id": str(f.id), "type": "finding", "campaign_id": f.campaign_id, "unit_id": f.unit_id,
             "visit_id": str(f.visit_id) if f.visit_id else None, "status": f.status,
             "status_label": FINDING_STATUSES.get(f.status, f.status), "occurred_at": f.occurred_at or f.created_at,
             "description": clip(f.description), "created_by": f.User.name} for f in findings]
    return out
