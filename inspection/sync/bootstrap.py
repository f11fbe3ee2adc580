"""What a phone needs to work offline: the user's active campaigns with only their team's targets,
the checklists those campaigns use, the units to visit, the vocabularies and the limits, and the team's
findings a reviewer returned with a question (需补充), so any phone of the team can answer them. A follow-up
(回头看) campaign says so (`kind`, `followup`), and each of its targets lists its earlier problems
(`rechecks`, sync/followup_out.py)."""
from __future__ import annotations

from flask import url_for
from marshmallow import fields
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.schemas import UserSchema
from ..campaigns.models import Campaign, Target, Team
from ..checklists.models import Checklist
from ..core.schemas import Schema
from ..extensions import db
from ..findings.models import CADRE_LEVELS, CATEGORIES, SEVERITIES, Finding
from ..followup.models import VERDICTS
from ..photos.models import Photo
from ..photos.possession import visible_photos
from ..sqltypes import utcnow
from ..units.services import sort_units
from ..visits.models import ANSWER_RESULTS, Visit
from .context import ApplyContext
from .followup_out import FollowupOutSchema, Prepared, RecheckEntrySchema, followup_options, rechecks_by_target
from .schemas import MAX_RECORDS
from .services import current_cursor
from .team_records import TeamRecordSchema, team_records
from .versions import finding_data


class ChecklistItemOutSchema(Schema):
    """One checklist item as the phone shows it."""

    code = fields.String()
    category = fields.String()
    text = fields.String()
    guidance = fields.String()
    photo_required = fields.Boolean()
    position = fields.Integer()


class ChecklistOutSchema(Schema):
    """One checklist version with its items."""

    id = fields.Integer()
    name = fields.String()
    version = fields.Integer()
    items = fields.List(fields.Nested(ChecklistItemOutSchema))


class UnitOutSchema(Schema):
    """A unit the team is to visit."""

    id = fields.Integer()
    name = fields.String()
    short_name = fields.String()
    kind = fields.String()


class TargetOutSchema(Schema):
    """One of the team's targets: the unit and the planned window."""

    id = fields.Integer()
    unit_id = fields.Integer()
    team_id = fields.Integer()
    planned_start = fields.AwareDateTime(allow_none=True)
    planned_end = fields.AwareDateTime(allow_none=True)
    note = fields.String()
    last_visit_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the team's latest finished visit there ended (by any member), or null"})
    visit_count = fields.Integer(metadata={"description": "finished visits the server has for this target"})
    rechecks = fields.List(Prepared(RecheckEntrySchema), metadata={
        "description": "follow-up (回头看) targets only: the earlier problems to recheck, in order"})


class TeamOutSchema(Schema):
    """A team the user belongs to."""

    id = fields.Integer()
    name = fields.String()
    leader_id = fields.Integer(allow_none=True)


class CampaignOutSchema(Schema):
    """An active campaign of the user's team, with only that team's targets."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    start_date = fields.Date()
    end_date = fields.Date()
    status = fields.String()
    kind = fields.String(metadata={"enum": ["ordinary", "followup"]})
    followup = fields.Nested(FollowupOutSchema, allow_none=True, metadata={
        "description": "a follow-up campaign's options; null for an ordinary campaign"})
    checklist_id = fields.Integer()
    teams = fields.List(fields.Nested(TeamOutSchema))
    targets = fields.List(fields.Nested(TargetOutSchema))


class LimitsSchema(Schema):
    """Limits the phone checks before queueing (a photo too large is refused by the server)."""

    max_photo_bytes = fields.Integer()
    max_photo_pixels = fields.Integer()
    max_sync_bytes = fields.Integer()
    max_records_per_batch = fields.Integer()
    max_upload_photo_bytes = fields.Integer()  # resumable uploads (tus, /api/v1/uploads)
    max_upload_media_bytes = fields.Integer()


class ReturnedFindingSchema(Schema):
    """A finding of the user's team a reviewer returned (需补充): answer it with a `reply` at `version`."""

    id = fields.String()
    version = fields.Integer(metadata={"description": "send as base_version with the reply"})
    campaign_id = fields.Integer()
    unit_id = fields.Integer()
    team_id = fields.Integer()
    data = fields.Dict(metadata={"description": "the finding's synced data (FindingData, with `reply`)"})
    review_note = fields.String(metadata={"description": "the reviewer's question"})
    reviewed_at = fields.AwareDateTime(allow_none=True)
    thumbnails = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "photo SHA-256 -> thumbnail URL, for the stored photos the user may see"})


class BootstrapSchema(Schema):
    """Everything the field app caches for a day offline."""

    user = fields.Nested(UserSchema)
    campaigns = fields.List(fields.Nested(CampaignOutSchema))
    checklists = fields.List(fields.Nested(ChecklistOutSchema))
    units = fields.List(fields.Nested(UnitOutSchema))
    categories = fields.List(fields.String())
    cadre_levels = fields.Dict(keys=fields.String(), values=fields.String())
    severities = fields.Dict(keys=fields.String(), values=fields.String())
    answer_results = fields.Dict(keys=fields.String(), values=fields.String())
    verdicts = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "recheck verdicts (复核结论) by code"})
    limits = fields.Nested(LimitsSchema)
    returned_findings = fields.List(fields.Nested(ReturnedFindingSchema), metadata={
        "description": "the team's findings returned with a question (需补充) in these campaigns, oldest first"})
    team_records = fields.List(fields.Nested(TeamRecordSchema), metadata={
        "description": "the team's visits and findings in these campaigns, newest first, read-only (compact)"})
    cursor = fields.String(metadata={"description": "start pulling /changes from here"})
    server_time = fields.AwareDateTime()


def bootstrap_for(user, *, limits: dict) -> dict:
    """Gather the user's offline working set (only targets they may record at)."""
    writable = ApplyContext(user, device_id="", now=utcnow()).writable
    targets = list(db.session.scalars(select(Target).where(Target.id.in_(list(writable) or [-1]))
                                      .options(selectinload(Target.unit)).order_by(Target.planned_start,
                                                                                   Target.id)))
    campaign_ids = sorted({t.campaign_id for t in targets})
    campaigns = list(db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids or [-1]))
                                        .order_by(Campaign.start_date, Campaign.id)))
    team_ids = {t.team_id for t in targets}
    checklists = list(db.session.scalars(select(Checklist).where(
        Checklist.id.in_(sorted({c.checklist_id for c in campaigns}) or [-1])).options(
        selectinload(Checklist.items))))
    units = sort_units({t.unit.id: t.unit for t in targets}.values())
    visited = _finished_visits([t.id for t in targets])
    followup = followup_options(campaign_ids)
    rechecks = rechecks_by_target([t.id for t in targets if t.campaign_id in followup])
    return {
        "user": user,
        "campaigns": [{
            "id": c.id, "title": c.title, "description": c.description, "start_date": c.start_date,
            "end_date": c.end_date, "status": c.status, "kind": c.kind, "followup": followup.get(c.id),
            "checklist_id": c.checklist_id,
            "teams": [t for t in db.session.scalars(select(Team).where(Team.campaign_id == c.id,
                                                                       Team.id.in_(team_ids)))],
            "targets": [_target_out(t, visited.get(t.id), rechecks.get(t.id, []) if c.id in followup else None)
                        for t in targets if t.campaign_id == c.id],
        } for c in campaigns],
        "checklists": checklists,
        "units": units,
        "categories": list(CATEGORIES),
        "cadre_levels": CADRE_LEVELS,
        "severities": SEVERITIES,
        "answer_results": ANSWER_RESULTS,
        "verdicts": VERDICTS,
        "limits": {**limits, "max_records_per_batch": MAX_RECORDS},
        "returned_findings": returned_findings(user, campaign_ids, team_ids),
        "team_records": team_records(campaign_ids, team_ids),
        "cursor": str(current_cursor(user)),
        "server_time": utcnow(),
    }


def returned_findings(user, campaign_ids, team_ids) -> list[dict]:
    """The findings of these teams in these campaigns that wait for an answer (需补充), for any team phone."""
    if not campaign_ids or not team_ids:
        return []
    findings = list(db.session.scalars(
        select(Finding).where(Finding.status == "returned", Finding.campaign_id.in_(campaign_ids),
                              Finding.team_id.in_(sorted(team_ids)))
        .options(selectinload(Finding.persons), selectinload(Finding.photos), selectinload(Finding.item))
        .order_by(Finding.reviewed_at, Finding.id)))
    hashes = {p.sha256 for f in findings for p in f.photos}
    seen = visible_photos(user, hashes)
    images = set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(sorted(seen) or ["-"]),
                                                               Photo.mime.like("image/%"))))
    return [{"id": str(f.id), "version": f.version, "campaign_id": f.campaign_id, "unit_id": f.unit_id,
             "team_id": f.team_id, "data": finding_data(f), "review_note": f.review_note,
             "reviewed_at": f.reviewed_at,
             "thumbnails": {p.sha256: url_for("photos.file", sha256=p.sha256, variant="thumb")
                            for p in f.photos if p.sha256 in images}} for f in findings]


def _finished_visits(target_ids: list[int]) -> dict[int, tuple[int, object]]:
    """Count and latest end of the finished visits at these targets, so a teammate's visit shows as done."""
    if not target_ids:
        return {}
    rows = db.session.execute(select(Visit.target_id, func.count(), func.max(Visit.ended_at))
                              .where(Visit.target_id.in_(target_ids), Visit.ended_at.is_not(None))
                              .group_by(Visit.target_id))
    return {target_id: (count, last) for target_id, count, last in rows}


def _target_out(target: Target, visited: tuple[int, object] | None, rechecks: list | None) -> dict:
    """A target as the phone gets it, with whether the team has already been there (and, 回头看, its problems)."""
    count, last = visited or (0, None)
    out = {"id": target.id, "unit_id": target.unit_id, "team_id": target.team_id,
           "planned_start": target.planned_start, "planned_end": target.planned_end, "note": target.note,
           "last_visit_at": last, "visit_count": count}
    if rechecks is not None:
        out["rechecks"] = rechecks
    return out
