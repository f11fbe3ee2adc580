"""Photos belong to the team that took them: who holds a photo, and which findings' claims on it stand.

A photo's hash is no secret (it appears in links, ledgers, answers), so naming it proves nothing. A user
*holds* a photo when they uploaded its bytes: its first uploader (`Photo.uploaded_by_id`), or anyone
who later uploaded the same bytes again (an audit event `photo.upload` by them, written by
`note_upload`, which `photos.services.ingest_photo` calls, whenever an upload proves possession for the
first time). No schema of its own: the
upload row and the audit log already say who sent which bytes.

A finding's reference to a photo (a FindingPhoto row, kept as the phone sent it) *stands* when someone
who holds the photo may see the finding: its author, or a member or leader of its team. So a photo taken
by team A and named by team B's finding does not stand there until team B's phone uploads the bytes.
An inspector may see a photo they hold, or one standing on a finding they may see; the commission sees
every photo. The sync answer lists a referenced photo under `missing_photos` unless the server has it
and its reference stands (or the sender holds it), so the phone that has the bytes uploads them.

A recheck (复核, followup.models.Recheck) claims its photos (RecheckPhoto rows) exactly as a finding
does: a reference stands when a holder may see the recheck (its author, or on its team), and the team
sees what stands. 回头看: an inspector whose team holds an active follow-up target may also see, as
thumbnail and display copies only (`variant`), the photos of that target's earlier problems: the
original finding's photos whose reference stands, and the unit's photo evidence (RectificationEvidence)
for those items. Nothing else widens: not the original, not another team, not a closed campaign.
"""
from __future__ import annotations

import logging
import uuid

from sqlalchemy import exists, or_, select

from ..audit.models import AuditEvent
from ..audit.services import record
from ..auth.roles import COMMISSION, INSPECTOR
from ..campaigns.models import Campaign, Target, Team, team_members
from ..campaigns.visibility import findings_filter, team_ids_for, writable_target_filter
from ..extensions import db
from ..findings.models import Finding, FindingPhoto
from ..followup.models import FollowupProblem, Recheck, RecheckPhoto
from ..rectification.models import RectificationEvidence
from .models import Photo

logger = logging.getLogger(__name__)

UPLOAD_ACTION = "photo.upload"
_CHUNK = 500
# The records that claim photos: kind -> (link model, its record column, record model).
LINKS = {"finding": (FindingPhoto, FindingPhoto.finding_id, Finding),
         "recheck": (RecheckPhoto, RecheckPhoto.recheck_id, Recheck)}
FOLLOWUP_VARIANTS = ("thumb", "display")  # what a follow-up team may fetch of earlier problems' photos


def holds(user_id: int | None, hashes) -> set[str]:
    """Return which of these photos the user holds (uploaded first, or proved by uploading again)."""
    hashes, held = sorted(set(hashes)), set()
    if user_id is None:
        return held
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start:start + _CHUNK]
        held.update(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(chunk),
                                                                  Photo.uploaded_by_id == user_id)))
        held.update(db.session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.entity_type == "photo", AuditEvent.action == UPLOAD_ACTION,
            AuditEvent.entity_id.in_(chunk), AuditEvent.actor_id == user_id)))
    return held


def _may_see(holder, finding_cls):
    """A WHERE clause: the user in column `holder` may see the finding (its author, or on its team)."""
    member = (exists().where(team_members.c.user_id == holder, team_members.c.team_id == finding_cls.team_id)
              .correlate_except(team_members))  # the finding is two levels up: correlate it explicitly
    leader = exists().where(Team.id == finding_cls.team_id, Team.leader_id == holder).correlate_except(Team)
    return or_(finding_cls.created_by_id == holder, member, leader)


def standing(link_cls=FindingPhoto, finding_cls=Finding):
    """A WHERE clause: the photo reference (joined with its finding) stands, i.e. a holder may see it."""
    by_uploader = exists().where(Photo.sha256 == link_cls.sha256, Photo.uploaded_by_id.is_not(None),
                                 _may_see(Photo.uploaded_by_id, finding_cls))
    by_upload = exists().where(AuditEvent.entity_type == "photo", AuditEvent.action == UPLOAD_ACTION,
                               AuditEvent.entity_id == link_cls.sha256, AuditEvent.actor_id.is_not(None),
                               _may_see(AuditEvent.actor_id, finding_cls))
    return or_(by_uploader, by_upload)


def standing_links(record_ids, kind: str = "finding") -> set[tuple[uuid.UUID, str]]:
    """Return the (record id, photo hash) references of these findings (or rechecks) that stand."""
    link_cls, record_col, record_cls = LINKS[kind]
    ids, found = sorted(set(record_ids)), set()
    for start in range(0, len(ids), _CHUNK):
        rows = db.session.execute(select(record_col, link_cls.sha256).join(record_cls, record_cls.id == record_col)
                                  .where(record_col.in_(ids[start:start + _CHUNK]), standing(link_cls, record_cls)))
        found.update((record_id, sha) for record_id, sha in rows)
    return found


def visible_photos(user, hashes, *, variant: str | None = None) -> set[str]:
    """Return which of these photos the user may see (the commission: all; inspectors: see the module).

    `variant` "thumb" or "display" also counts the 回头看 photos of the user's team's active follow-up
    targets; None (any variant, the original included) does not.
    """
    hashes = set(hashes)
    if user.role in COMMISSION:
        return hashes
    if user.role != INSPECTOR or not hashes:
        return set()
    seen = holds(user.id, hashes)
    teams = team_ids_for(user) or [-1]
    for start in range(0, len(rest := sorted(hashes - seen)), _CHUNK):
        chunk = rest[start:start + _CHUNK]
        seen.update(db.session.scalars(
            select(FindingPhoto.sha256).distinct().join(Finding, Finding.id == FindingPhoto.finding_id)
            .where(FindingPhoto.sha256.in_(chunk), findings_filter(user, Finding), standing())))
        seen.update(db.session.scalars(
            select(RecheckPhoto.sha256).distinct().join(Recheck, Recheck.id == RecheckPhoto.recheck_id)
            .where(RecheckPhoto.sha256.in_(chunk), or_(Recheck.created_by_id == user.id, Recheck.team_id.in_(teams)),
                   standing(RecheckPhoto, Recheck))))
    if variant in FOLLOWUP_VARIANTS and (rest := hashes - seen):
        seen |= followup_photos(user, rest)
    return seen


def followup_problems(user):
    """A subquery (finding_id, item_id): the earlier problems of the user's team's active follow-up targets."""
    return (select(FollowupProblem.finding_id, FollowupProblem.item_id)
            .join(Target, Target.id == FollowupProblem.target_id)
            .join(Campaign, Campaign.id == Target.campaign_id)
            .where(writable_target_filter(user), Campaign.kind == "followup").subquery())


def followup_photos(user, hashes) -> set[str]:
    """Return which of these photos belong to the earlier problems of the user's team's active follow-up targets.

    The original finding's photos whose reference stands, and the unit's photo evidence of those items.
    """
    problems = followup_problems(user)
    hashes, found = sorted(set(hashes)), set()
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start:start + _CHUNK]
        found.update(db.session.scalars(
            select(FindingPhoto.sha256).distinct().join(Finding, Finding.id == FindingPhoto.finding_id)
            .where(FindingPhoto.sha256.in_(chunk), Finding.id.in_(select(problems.c.finding_id)), standing())))
        found.update(db.session.scalars(
            select(RectificationEvidence.sha256).distinct()
            .where(RectificationEvidence.sha256.in_(chunk), RectificationEvidence.kind == "photo",
                   RectificationEvidence.item_id.in_(select(problems.c.item_id)))))
    return found


def missing_for(user, claims, *, kind: str = "finding") -> dict[uuid.UUID, set[str]]:
    """Return, per finding (or recheck), the photos of these (record id, hash) claims by `user` still to upload.

    A photo is missing unless the server has it and the user holds it or the record's reference stands.
    """
    claims = set(claims)
    hashes = {sha for _, sha in claims}
    stored = _stored(hashes)
    held = holds(user.id, stored)
    open_claims = {(fid, sha) for fid, sha in claims if sha in stored and sha not in held}
    stand = standing_links({fid for fid, _ in open_claims}, kind) if open_claims else set()
    missing: dict[uuid.UUID, set[str]] = {}
    for fid, sha in claims:
        if sha not in stored or (sha not in held and (fid, sha) not in stand):
            missing.setdefault(fid, set()).add(sha)
    return missing


def _stored(hashes) -> set[str]:
    """Return which of these photo hashes the server has stored."""
    hashes, found = sorted(set(hashes)), set()
    for start in range(0, len(hashes), _CHUNK):
        found.update(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(hashes[start:start + _CHUNK]))))
    return found


def note_upload(photo: Photo, actor, *, created: bool) -> None:
    """Audit an upload that proves the user holds the bytes (the first time only; resends add nothing)."""
    if actor is None:
        return
    if not created and photo.sha256 in holds(actor.id, [photo.sha256]):
        return
    if created:
        summary = f"上传照片 {photo.sha256[:12]}（{photo.size} 字节）"
    else:
        summary = f"上传照片 {photo.sha256[:12]}（服务器已有同一照片，本次上传证明持有原图）"
        logger.info("user %s proved holding photo %s by uploading it again", actor.id, photo.sha256[:12])
    record(actor, UPLOAD_ACTION, "photo", photo.sha256, summary,
           after={"size": photo.size, "mime": photo.mime, "first_upload": created})
