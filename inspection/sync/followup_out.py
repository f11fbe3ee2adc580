"""What bootstrap adds for 回头看: each follow-up campaign's options, each follow-up target's earlier problems.

A follow-up target's `rechecks` list is what the team checks again, offline: the problem as the circular
issued it, the original finding's time, place and photo thumbnails, and what the unit reported (status,
measures, progress, due date, evidence thumbnails). Thumbnails are URLs of the photos' `thumb` variant,
which the team may fetch (photos/possession.py, followup_photos); a photo whose reference does not stand,
or that the server does not have, is left out. Everything is read in a fixed number of plain (Core)
queries, whatever the number of targets and problems, and the entries are built as JSON-ready values that
the schema passes through (`Prepared`): 300 problems through marshmallow and the ORM took ~5× the rest of
the bootstrap (bench/followup_bootstrap_bench.py).
"""
from __future__ import annotations

from flask import url_for
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..core.schemas import Schema
from ..extensions import db
from ..campaigns.models import Target
from ..findings.models import Finding, FindingPhoto
from ..followup.models import RECHECK_STATUSES, FollowupPlan, FollowupProblem, Recheck, RecheckPhoto
from ..photos.models import Photo
from ..photos.possession import standing
from ..rectification.models import ITEM_STATUSES, RectificationEvidence, RectificationItem
from .merge import iso


class Prepared(fields.Nested):
    """A nested schema (so the OpenAPI document describes it) whose values are already JSON-ready: dumped as is."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        """Pass the prepared value through."""
        return nested_obj


class FollowupOutSchema(Schema):
    """A follow-up campaign's options the phone needs."""

    include_checklist = fields.Boolean(metadata={
        "description": "also show the campaign's ordinary checklist (checklist_id) at each target"})


class PhotoThumbSchema(Schema):
    """A photo of the original finding, as a thumbnail the phone keeps offline."""

    sha256 = fields.String()
    caption = fields.String()
    thumbnail = fields.String(metadata={"description": "URL of the thumbnail (GET with the bearer token)"})


class EvidenceOutSchema(Schema):
    """One piece of the unit's 佐证材料 for the item."""

    kind = fields.String(metadata={"enum": ["photo", "pdf"]})
    sha256 = fields.String()
    filename = fields.String()
    thumbnail = fields.String(allow_none=True, metadata={"description": "thumbnail URL of a photo; null for a PDF"})


class RectificationOutSchema(Schema):
    """What the unit reported for the item, and where it stands."""

    status = fields.String(metadata={"enum": ["pending", "submitted", "closed", "returned"]})
    status_label = fields.String()
    measures = fields.String()
    progress = fields.String()
    due_date = fields.Date()
    closed_at = fields.AwareDateTime(allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceOutSchema))


class RecheckPhotoOutSchema(Schema):
    """A photo of the team's recheck, as its synced data has it."""

    sha256 = fields.String()
    caption = fields.String()
    taken_at = fields.String(allow_none=True, metadata={"description": "UTC ISO 8601, or null"})


class TeamRecheckSchema(Schema):
    """The team's latest recheck of the problem (from any phone): edit it rather than send a second one."""

    id = fields.String()
    version = fields.Integer(metadata={"description": "send as base_version with an edit"})
    visit_id = fields.String()
    verdict = fields.String()
    note = fields.String()
    status = fields.String(metadata={"enum": list(RECHECK_STATUSES)})
    photos = fields.List(fields.Nested(RecheckPhotoOutSchema))


class RecheckEntrySchema(Schema):
    """One earlier problem of a follow-up target: send a `recheck` record naming its `finding_id`."""

    finding_id = fields.String()
    item_id = fields.Integer()
    position = fields.Integer()
    description = fields.String(metadata={"description": "the problem as the circular issued it"})
    category = fields.String()
    occurred_at = fields.AwareDateTime(allow_none=True)
    location = fields.String()
    photos = fields.List(fields.Nested(PhotoThumbSchema))
    rectification = fields.Nested(RectificationOutSchema)
    recheck = fields.Nested(TeamRecheckSchema, allow_none=True, metadata={
        "description": "the team's latest recheck of this problem, or null when none has reached the server"})


def followup_options(campaign_ids) -> dict[int, dict]:
    """Return {campaign id: {"include_checklist"}} for the follow-up campaigns among these."""
    if not campaign_ids:
        return {}
    rows = db.session.execute(select(FollowupPlan.campaign_id, FollowupPlan.include_checklist)
                              .where(FollowupPlan.campaign_id.in_(sorted(campaign_ids))))
    return {campaign_id: {"include_checklist": bool(include)} for campaign_id, include in rows}


def rechecks_by_target(target_ids) -> dict[int, list[dict]]:
    """Return each follow-up target's earlier problems (in position order), JSON-ready (see RecheckEntrySchema)."""
    if not target_ids:
        return {}
    connection = db.session.connection()
    listed = select(FollowupProblem.item_id).where(FollowupProblem.target_id.in_(sorted(target_ids)))
    rows = connection.execute(
        select(FollowupProblem.id, FollowupProblem.target_id, FollowupProblem.finding_id, FollowupProblem.item_id,
               FollowupProblem.position,
               RectificationItem.problem, RectificationItem.category, RectificationItem.status,
               RectificationItem.measures, RectificationItem.progress, RectificationItem.due_date,
               RectificationItem.closed_at, Finding.occurred_at, Finding.location)
        .join(RectificationItem, RectificationItem.id == FollowupProblem.item_id)
        .join(Finding, Finding.id == FollowupProblem.finding_id)
        .where(FollowupProblem.target_id.in_(sorted(target_ids)))
        .order_by(FollowupProblem.target_id, FollowupProblem.position, FollowupProblem.id)).all()
    stored_image = aliased(Photo)  # an alias: possession.standing() correlates Photo itself
    image = stored_image.mime.like("image/%")
    evidence: dict[int, list] = {}
    for item_id, kind, sha, filename, stored in connection.execute(  # stored: a stored image (has a thumbnail)
            select(RectificationEvidence.item_id, RectificationEvidence.kind, RectificationEvidence.sha256,
                   RectificationEvidence.filename, stored_image.sha256)
            .outerjoin(stored_image, (stored_image.sha256 == RectificationEvidence.sha256)
                       & (RectificationEvidence.kind == "photo") & image)
            .where(RectificationEvidence.item_id.in_(listed)).order_by(RectificationEvidence.id)):
        evidence.setdefault(item_id, []).append((kind, sha, filename, stored is not None))
    photos: dict = {}
    for finding_id, sha, caption in connection.execute(  # the original's stored images whose reference stands
            select(FindingPhoto.finding_id, FindingPhoto.sha256, FindingPhoto.caption)
            .join(Finding, Finding.id == FindingPhoto.finding_id).join(stored_image, stored_image.sha256 == FindingPhoto.sha256)
            .where(FindingPhoto.finding_id.in_(select(RectificationItem.finding_id)
                                                .where(RectificationItem.id.in_(listed))), image, standing())
            .order_by(FindingPhoto.position, FindingPhoto.id)):
        photos.setdefault(finding_id, []).append((sha, caption))
    team_rechecks = _team_rechecks(connection, target_ids)
    thumb = url_for("photos.file", sha256="SHA", variant="thumb").replace("SHA", "{}")
    out: dict[int, list[dict]] = {}
    for (problem_id, target_id, finding_id, item_id, position, problem, category, status, measures, progress,
         due_date, closed_at, occurred_at, location) in rows:
        out.setdefault(target_id, []).append({
            "finding_id": str(finding_id), "item_id": item_id, "position": position, "description": problem,
            "category": category, "occurred_at": _iso(occurred_at), "location": location,
            "photos": [{"sha256": sha, "caption": caption, "thumbnail": thumb.format(sha)}
                       for sha, caption in photos.get(finding_id, ())],
            "rectification": {
                "status": status, "status_label": ITEM_STATUSES.get(status, status), "measures": measures,
                "progress": progress, "due_date": due_date.isoformat(), "closed_at": _iso(closed_at),
                "evidence": [{"kind": kind, "sha256": sha, "filename": filename,
                              "thumbnail": thumb.format(sha) if stored else None}
                             for kind, sha, filename, stored in evidence.get(item_id, ())]},
            "recheck": team_rechecks.get(problem_id),
        })
    return out


def _team_rechecks(connection, target_ids) -> dict[int, dict]:
    """Return, per problem of these targets, the latest recheck of the target's team (JSON-ready)."""
    rows = connection.execute(
        select(Recheck.problem_id, Recheck.id, Recheck.version, Recheck.visit_ref, Recheck.verdict, Recheck.note,
               Recheck.status)
        .join(FollowupProblem, FollowupProblem.id == Recheck.problem_id)
        .join(Target, Target.id == FollowupProblem.target_id)
        .where(FollowupProblem.target_id.in_(sorted(target_ids)), Recheck.team_id == Target.team_id)
        .order_by(Recheck.created_at, Recheck.id)).all()
    latest = {problem_id: {"id": str(ident), "version": version, "visit_id": str(visit), "verdict": verdict,
                           "note": note, "status": status, "photos": []}
              for problem_id, ident, version, visit, verdict, note, status in rows}
    by_id = {entry["id"]: entry for entry in latest.values()}
    if by_id:
        for recheck_id, sha, caption, taken_at in connection.execute(
                select(RecheckPhoto.recheck_id, RecheckPhoto.sha256, RecheckPhoto.caption, RecheckPhoto.taken_at)
                .where(RecheckPhoto.recheck_id.in_([ident for _, ident, *_ in rows]))
                .order_by(RecheckPhoto.position, RecheckPhoto.id)):
            if str(recheck_id) in by_id:
                by_id[str(recheck_id)]["photos"].append({"sha256": sha, "caption": caption,
                                                         "taken_at": iso(taken_at)})
    return latest


def _iso(value) -> str | None:
    """An aware time as marshmallow's AwareDateTime dumps it (ISO 8601), or None."""
    return value.isoformat() if value is not None else None
