"""Apply recheck (复核) records from phones: create, merge edits field by field, link those that came before their visit.

A recheck is of one earlier problem on a follow-up target's list (followup.models.FollowupProblem), made
during a visit there. Its rules mirror a finding's: the sender must be on the target's team while the
follow-up campaign is active (ctx.writable), the finding must be on that target's list (else `forbidden`,
field finding_id), and a finding of another unit is `invalid` (field finding_id). A recheck whose visit
has not reached the server waits (status pending_visit) and is linked by `link_pending_rechecks` when the
visit arrives; its problem is resolved already when exactly one of the user's follow-up targets lists the
finding. Edits merge by field against `base_version` (sync/merge.py), conflicting ones keep both values.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import select

from ..campaigns.models import Target
from ..campaigns.visibility import can_write_for_target
from ..core.text import CodedMessage
from ..extensions import db
from ..followup.models import RECHECK_FIELD_LABELS, Recheck, RecheckPhoto
from .changes import emit_recheck_change
from .context import ApplyContext, Outcome, Place, Problem, RecordRejected, forbidden, invalid
from .merge import base_data, bump, conflict_entry, flatten, merge, unflatten
from .schemas import RecheckDataSchema
from .versions import dedupe_photos, photos_data, recheck_data

logger = logging.getLogger(__name__)

SYNC_FIELDS = ("visit_id", "finding_id", "verdict", "note", "photos")
_SCALAR_FIELDS = tuple(f for f in SYNC_FIELDS if f != "photos")
LOCKED_STATUSES = ("confirmed", "rejected")  # reviewed: phone edits become conflicts
NOT_ON_LIST = CodedMessage("该问题不在本次回访目标的复核清单中", "finding_not_on_list")
OTHER_UNIT = CodedMessage("该问题属于其他单位，不是本次回访单位的问题", "finding_of_another_unit")
_schema = RecheckDataSchema()


def load_recheck_data(raw, *, partial: bool) -> dict:
    """Validate a recheck's data; a partial load (an edit) leaves absent fields as they are."""
    if not isinstance(raw, dict):
        raise RecordRejected("invalid", {"data": ["应为JSON对象"]})
    try:
        return _schema.load(raw, partial=SYNC_FIELDS if partial else False)
    except ValidationError as exc:
        raise RecordRejected("invalid", exc.messages) from None


def apply_recheck(ctx: ApplyContext, record: dict) -> Outcome:
    """Apply one recheck record of a batch: create it, or merge the edit into the server's copy."""
    recheck = ctx.recheck(record["id"])
    if recheck is None:
        return _create(ctx, record["id"], record["data"])
    return _update(ctx, recheck, record["base_version"], record["data"])


def _problem_at(ctx: ApplyContext, place: Place, finding_id: uuid.UUID) -> Problem:
    """Return the problem of the visit's target for this finding, or refuse the recheck."""
    problem = ctx.problems(place.target_id).get(finding_id)
    if problem is not None:
        return problem
    unit_id = ctx.finding_unit(finding_id)
    if unit_id is not None and unit_id != place.unit_id:
        raise invalid("finding_id", OTHER_UNIT)
    raise forbidden("finding_id", NOT_ON_LIST)


def _resolve(ctx: ApplyContext, visit_ref: uuid.UUID, finding_id: uuid.UUID) -> tuple[Place | None, Problem | None]:
    """Find where a new recheck belongs: its visit's target, or (visit not here yet) the user's only match."""
    place = ctx.place(visit_ref)
    if place is None and ctx.writable:  # about to wait for its visit: unless it is being created right now
        ctx.wait_for_visit(visit_ref)
        place = ctx.place(visit_ref)
    if place is not None:
        if not ctx.can_write(place.target_id):
            raise forbidden("visit_id", "该到访记录不属于您所在暗访组进行中的检查任务")
        return place, _problem_at(ctx, place, finding_id)
    if not ctx.writable:
        raise forbidden("visit_id", "您当前没有进行中的检查任务，不能提交复核")
    matches = ctx.problems_of_finding(finding_id)
    if not matches:
        raise forbidden("finding_id", NOT_ON_LIST)
    return None, matches[0] if len(matches) == 1 else None  # several follow-up targets: wait for the visit


def _create(ctx: ApplyContext, recheck_id: uuid.UUID, raw) -> Outcome:
    """Create a recheck of a problem on a follow-up target's list (waiting for its visit when needed)."""
    data = load_recheck_data(raw, partial=False)
    visit_ref, finding_id = data["visit_id"], data["finding_id"]
    place, problem = _resolve(ctx, visit_ref, finding_id)
    photos = dedupe_photos(data["photos"])
    synced = {"visit_id": str(visit_ref), "finding_id": str(finding_id), "verdict": data["verdict"],
              "note": data["note"], "photos": photos_data(photos)}
    versions = dict.fromkeys(_SCALAR_FIELDS, 1)
    versions.update((f"photo:{p['sha256']}", 1) for p in photos)
    recheck = Recheck(id=recheck_id, visit_ref=visit_ref, visit_id=visit_ref if place is not None else None,
                      finding_id=finding_id, verdict=data["verdict"], note=data["note"],
                      status="submitted" if place is not None else "pending_visit", decision="", version=1,
                      field_versions=versions, in_conflict=False, conflicts={}, original=synced, review_note="",
                      created_by_id=ctx.user.id, created_at=ctx.now, updated_at=ctx.now)
    _place_on(recheck, problem)
    recheck.photos = [RecheckPhoto(sha256=p["sha256"], caption=p["caption"], taken_at=p["taken_at"], position=i)
                      for i, p in enumerate(photos)]
    db.session.add(recheck)
    ctx.created["recheck"].append(str(recheck_id))  # audited once for the batch, see applier
    ctx.remember(Recheck, recheck_id, recheck)
    return Outcome("created", 1, photos=[p["sha256"] for p in photos])


def _place_on(recheck: Recheck, problem: Problem | None) -> None:
    """Attach a recheck to its problem (and so its campaign, unit and team), or leave it unresolved."""
    if problem is None:
        recheck.problem_id = recheck.campaign_id = recheck.unit_id = recheck.team_id = None
    else:
        recheck.problem_id, recheck.campaign_id = problem.id, problem.campaign_id
        recheck.unit_id, recheck.team_id = problem.unit_id, problem.team_id


def _update(ctx: ApplyContext, recheck: Recheck, base_version: int | None, raw) -> Outcome:
    """Merge a phone's edit: apply what only the phone changed, keep both values where both did."""
    data = load_recheck_data(raw, partial=True)
    place = ctx.place(recheck.visit_id) if recheck.visit_id is not None else None
    if place is not None and not ctx.can_write(place.target_id):
        raise forbidden("id", "该复核记录不属于您所在暗访组进行中的检查任务")
    if place is None and recheck.created_by_id != ctx.user.id:
        raise forbidden("id", "该复核记录不属于您")
    if "visit_id" in data and data["visit_id"] != recheck.visit_ref:
        raise invalid("visit_id", "复核所属的到访记录不能更改")
    if "finding_id" in data and data["finding_id"] != recheck.finding_id:
        raise invalid("finding_id", "复核的原问题不能更改，请新建复核记录")
    current = recheck_data(recheck)
    incoming = {name: str(data[name]) for name in ("visit_id", "finding_id") if name in data}
    incoming.update({name: data[name] for name in ("verdict", "note") if name in data})
    if "photos" in data:
        incoming["photos"] = photos_data(dedupe_photos(data["photos"]))
    base_version = min(base_version or 1, recheck.version)
    result = merge(current, incoming, field_versions=recheck.field_versions or {}, base_version=base_version,
                   base=base_data("recheck", recheck, base_version), locked=recheck.status in LOCKED_STATUSES,
                   always_add=("photo",), held=frozenset(recheck.conflicts or {}))
    photos = [p["sha256"] for p in incoming.get("photos", ())]
    if not result.applied and not result.conflicts:
        return Outcome("unchanged", recheck.version, photos=photos)
    if result.applied:
        _write(ctx, recheck, current, incoming, result.applied)
    conflicts = _record_conflicts(ctx, recheck, current, result.conflicts) if result.conflicts else {}
    return Outcome("conflict" if conflicts else "updated", recheck.version, photos=photos,
                   conflicts=conflicts or None)


def _write(ctx: ApplyContext, recheck: Recheck, current: dict, incoming: dict, applied: dict) -> None:
    """Set the applied keys on the recheck, bump its version, audit, and tell the team's phones."""
    order = [p["sha256"] for p in current["photos"]]
    order += [p["sha256"] for p in incoming.get("photos", ()) if p["sha256"] not in order]
    new = unflatten({**flatten(current), **applied}, {"photos": order})
    names = sorted({"photos" if key.startswith("photo:") else key for key in applied})
    for name in names:
        if name == "photos":
            _set_photos(recheck, new["photos"])
        elif name in ("verdict", "note"):
            setattr(recheck, name, new[name] or "")
    recheck.updated_at = ctx.now
    version = bump(recheck, list(applied), new, "recheck")
    after = {name: new[name] for name in names}
    labels = "、".join(RECHECK_FIELD_LABELS.get(name, name) for name in names)
    ctx.audit("recheck.sync_update", "recheck", recheck.id, "同步修改复核：" + labels,
              before={name: current[name] for name in names}, after={**after, "version": version,
                                                                     "device": ctx.device_id})
    emit_recheck_change(recheck, "edited", {"fields": after, "version": version, "status": recheck.status,
                                            "source": "sync", "device": ctx.device_id})


def _set_photos(recheck: Recheck, value: list[dict]) -> None:
    """Make the recheck's photo rows match the merged list (kept rows updated in place)."""
    rows = {p.sha256: p for p in recheck.photos}
    wanted = {p["sha256"] for p in value}
    for sha, row in rows.items():
        if sha not in wanted:
            recheck.photos.remove(row)
    for position, photo in enumerate(value):
        taken = datetime.fromisoformat(photo["taken_at"]) if photo["taken_at"] else None
        row = rows.get(photo["sha256"])
        if row is None:
            recheck.photos.append(RecheckPhoto(sha256=photo["sha256"], caption=photo["caption"], taken_at=taken,
                                               position=position))
        else:
            row.caption, row.taken_at, row.position = photo["caption"], taken, position


def _record_conflicts(ctx: ApplyContext, recheck: Recheck, current: dict, conflicts: dict) -> dict:
    """Keep each conflicting phone value beside the server's, flag the recheck, audit, notify."""
    flat = flatten(current)
    stored = dict(recheck.conflicts or {})
    answer, new = {}, {}
    for key, phone in conflicts.items():
        server = flat.get(key)
        answer[key] = {"server": server, "phone": phone}
        if (stored.get(key) or {}).get("phone") != phone or (stored.get(key) or {}).get("server") != server:
            new[key] = conflict_entry(server, phone, device_id=ctx.device_id, user_id=ctx.user.id, at=ctx.now)
    if new:
        recheck.conflicts = {**stored, **new}
        recheck.in_conflict = True
        ctx.audit("recheck.sync_conflict", "recheck", recheck.id, "复核同步冲突：" + "、".join(sorted(new)),
                  before={k: v["server"] for k, v in new.items()},
                  after={k: v["phone"] for k, v in new.items()} | {"device": ctx.device_id})
        emit_recheck_change(recheck, "conflict", {"fields": answer, "version": recheck.version})
        logger.info("recheck %s: conflicting edit from device %s on %s", recheck.id, ctx.device_id, sorted(new))
    return answer


def link_pending_rechecks(ctx: ApplyContext, visit_id: uuid.UUID, place: Place) -> int:
    """Attach rechecks that arrived before this visit to its target's problems; return how many were linked.

    Called by the visit's creator after link_pending (which has taken the visit's advisory lock).
    A recheck whose finding is not on the target's list stays waiting (logged): its author's phone erred.
    """
    query = select(Recheck).where(Recheck.visit_ref == visit_id, Recheck.visit_id.is_(None)).order_by(Recheck.id)
    linked = 0
    for recheck in db.session.scalars(query.with_for_update(key_share=True) if ctx.lock else query):
        if recheck.created_by_id == ctx.user.id:
            allowed = ctx.can_write(place.target_id)
        else:
            allowed = can_write_for_target(recheck.created_by, db.session.get(Target, place.target_id))
        problem = ctx.problems(place.target_id).get(recheck.finding_id)
        if not allowed or problem is None:
            logger.warning("recheck %s names visit %s of a target it cannot belong to", recheck.id, visit_id)
            continue
        recheck.visit_id, recheck.status = visit_id, "submitted"
        _place_on(recheck, problem)
        ctx.audit("recheck.linked", "recheck", recheck.id, "到访记录已到达，复核已关联",
                  after={"visit_id": str(visit_id), "status": "submitted"})
        emit_recheck_change(recheck, "linked", {"status": "submitted", "visit_id": str(visit_id),
                                                "version": recheck.version})
        linked += 1
    return linked
