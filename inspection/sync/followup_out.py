"""What bootstrap adds for 回头看: each follow-up campaign's options, each follow-up target's earlier problems.

A follow-up target's `rechecks` list is what the team checks again, offline: the problem as the circular
issued it, the original finding's time, place and photo thumbnails, and what the unit reported (status,
measures, progress, due date, evidence thumbnails). Thumbnails are URLs of the photos' `thumb` variant,
which the team may fetch (photos/possession.py, followup_photos); a photo whose reference does not stand,
or that the server does not have, is left out. Everything is read in four plain (Core) queries, whatever
the number of targets and problems, built once and with ids and times read raw, and the entries are built
as JSON-ready values that the schema passes through (`Prepared`): 300 problems through marshmallow and the
ORM took ~5× the rest of the bootstrap (bench/followup_bootstrap_bench.py). Letting the database build the
entries as JSON was tried and was slower on both databases (a correlated subquery per problem).
"""
from __future__ import annotations

from functools import cache

from flask import url_for
from marshmallow import fields
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from ..campaigns.models import Target
from ..core.rawsql import raw, raw_day_text, raw_moment_text, raw_uuid_text
from ..core.schemas import Schema
from ..extensions import db
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
    """A photo of the team's recheck, as its synced data has it, with its thumbnail once the server has it."""

    sha256 = fields.String()
    caption = fields.String()
    taken_at = fields.String(allow_none=True, metadata={"description": "UTC ISO 8601, or null"})
    thumbnail = fields.String(allow_none=True, metadata={
        "description": "thumbnail URL (GET with the bearer token) once the bytes reached the server; null before. "
                       "Not part of the recheck's data: leave it out when sending the recheck back"})


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
    params, statements = {"target_ids": sorted(target_ids)}, _statements()
    thumb = url_for("photos.file", sha256="SHA", variant="thumb").replace("SHA", "{}")
    evidence: dict[int, list[dict]] = {}
    for item_id, kind, sha, filename, stored in connection.execute(statements["evidence"], params).all():
        evidence.setdefault(item_id, []).append({"kind": kind, "sha256": sha, "filename": filename,
                                                 "thumbnail": thumb.format(sha) if stored is not None else None})
    photos: dict[int, list[dict]] = {}
    for item_id, sha, caption in connection.execute(statements["photos"], params).all():
        photos.setdefault(item_id, []).append({"sha256": sha, "caption": caption, "thumbnail": thumb.format(sha)})
    team_rechecks = _team_rechecks(connection, params)
    labels = ITEM_STATUSES
    out: dict[int, list[dict]] = {}
    for (problem_id, target_id, finding_id, item_id, position, problem, category, status, measures, progress,
         due_date, closed_at, occurred_at, location) in connection.execute(statements["rows"], params).all():
        entry = {
            "finding_id": raw_uuid_text(finding_id), "item_id": item_id, "position": position,
            "description": problem, "category": category, "occurred_at": raw_moment_text(occurred_at),
            "location": location, "photos": photos.get(item_id, []),
            "rectification": {
                "status": status, "status_label": labels.get(status, status), "measures": measures,
                "progress": progress, "due_date": raw_day_text(due_date), "closed_at": raw_moment_text(closed_at),
                "evidence": evidence.get(item_id, [])},
            "recheck": team_rechecks.get(problem_id),
        }
        if target_id in out:
            out[target_id].append(entry)
        else:
            out[target_id] = [entry]
    return out


@cache
def _statements() -> dict:
    """Build the bulk reads once (parameter: target_ids): building them each time cost as much as running them.

    Built on first use, not at import, so every model is mapped by then. Ids and times are read raw
    (core/rawsql.py) and turned into text once, for the phone.
    """
    targets = bindparam("target_ids", expanding=True)
    listed = select(FollowupProblem.item_id).where(FollowupProblem.target_id.in_(targets))
    stored = aliased(Photo)  # an alias: possession.standing() correlates Photo itself
    return {
        "rows": select(FollowupProblem.id, FollowupProblem.target_id, raw(FollowupProblem.finding_id),
                       FollowupProblem.item_id, FollowupProblem.position, RectificationItem.problem,
                       RectificationItem.category, RectificationItem.status, RectificationItem.measures,
                       RectificationItem.progress, raw(RectificationItem.due_date), raw(RectificationItem.closed_at),
                       raw(Finding.occurred_at), Finding.location)
        .join(RectificationItem, RectificationItem.id == FollowupProblem.item_id)
        .join(Finding, Finding.id == FollowupProblem.finding_id)
        .where(FollowupProblem.target_id.in_(targets))
        .order_by(FollowupProblem.target_id, FollowupProblem.position, FollowupProblem.id),
        # each listed item's 佐证材料; the last column: a stored image (it has a thumbnail)
        "evidence": select(RectificationEvidence.item_id, RectificationEvidence.kind, RectificationEvidence.sha256,
                           RectificationEvidence.filename, stored.sha256)
        .outerjoin(stored, (stored.sha256 == RectificationEvidence.sha256) & (RectificationEvidence.kind == "photo")
                   & stored.mime.like("image/%"))
        .where(RectificationEvidence.item_id.in_(listed)).order_by(RectificationEvidence.id),
        # each listed item's original finding's stored images whose reference stands
        "photos": select(RectificationItem.id, FindingPhoto.sha256, FindingPhoto.caption)
        .join(Finding, Finding.id == RectificationItem.finding_id)
        .join(FindingPhoto, FindingPhoto.finding_id == Finding.id)
        .join(stored, stored.sha256 == FindingPhoto.sha256)
        .where(RectificationItem.id.in_(listed), stored.mime.like("image/%"), standing())
        .order_by(FindingPhoto.position, FindingPhoto.id),
        # the targets' teams' rechecks, oldest first
        "rechecks": select(Recheck.problem_id, Recheck.id, Recheck.version, Recheck.visit_ref, Recheck.verdict,
                           Recheck.note, Recheck.status)
        .join(FollowupProblem, FollowupProblem.id == Recheck.problem_id)
        .join(Target, Target.id == FollowupProblem.target_id)
        .where(FollowupProblem.target_id.in_(targets), Recheck.team_id == Target.team_id)
        .order_by(Recheck.created_at, Recheck.id),
    }


def _team_rechecks(connection, params: dict) -> dict[int, dict]:
    """Return, per problem of the targets (params: target_ids), the latest recheck of the target's team."""
    rows = connection.execute(_statements()["rechecks"], params).all()
    latest = {problem_id: {"id": str(ident), "version": version, "visit_id": str(visit), "verdict": verdict,
                           "note": note, "status": status, "photos": []}
              for problem_id, ident, version, visit, verdict, note, status in rows}
    by_id = {entry["id"]: entry for entry in latest.values()}
    if by_id:
        thumb = url_for("photos.file", sha256="SHA", variant="thumb").replace("SHA", "{}")
        stored = aliased(Photo)  # an alias: possession.standing() correlates Photo itself
        shown = stored.sha256.is_not(None) & standing(RecheckPhoto, Recheck)  # the team may fetch its thumbnail
        for recheck_id, sha, caption, taken_at, thumbnail in connection.execute(
                select(RecheckPhoto.recheck_id, RecheckPhoto.sha256, RecheckPhoto.caption, RecheckPhoto.taken_at, shown)
                .join(Recheck, Recheck.id == RecheckPhoto.recheck_id)
                .outerjoin(stored, (stored.sha256 == RecheckPhoto.sha256) & stored.mime.like("image/%"))
                .where(RecheckPhoto.recheck_id.in_([ident for _, ident, *_ in rows]))
                .order_by(RecheckPhoto.position, RecheckPhoto.id)):
            if str(recheck_id) in by_id:
                by_id[str(recheck_id)]["photos"].append({"sha256": sha, "caption": caption, "taken_at": iso(taken_at),
                                                         "thumbnail": thumb.format(sha) if thumbnail else None})
    return latest
