"""Apply finding records from phones: create, merge edits field by field, link findings that arrived before their visit.

The synced data of a finding and its versions are in sync/versions.py; a new finding only queues plain
rows on the context (inserted together with the batch, see sync/applier.py), an edit is merged with
sync/merge.py and audited, and the team's phones hear of it through sync/changes.py.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import select

from ..campaigns.models import Target
from ..campaigns.visibility import can_write_for_target
from ..extensions import db
from ..findings.models import CATEGORIES, FINDING_FIELD_LABELS, Finding, FindingPhoto, InvolvedPerson
from .changes import emit_finding_change
from .context import ApplyContext, Outcome, Place, RecordRejected, forbidden, invalid
from .merge import base_data, bump, conflict_entry, flatten, iso, merge, unflatten
from .schemas import FindingDataSchema
from .versions import dedupe_photos, finding_data, latest_data, persons_data, photos_data

logger = logging.getLogger(__name__)

SYNC_FIELDS = ("visit_id", "item_code", "category", "description", "occurred_at", "location", "severity",
               "persons", "photos", "reply")
_SCALAR_FIELDS = tuple(f for f in SYNC_FIELDS if f != "photos")  # merge keys besides one per photo
LOCKED_STATUSES = ("confirmed", "rejected", "merged")  # reviewed: phone edits become conflicts
_schema = FindingDataSchema()


def load_finding_data(raw, *, partial: bool) -> dict:
    """Validate a finding's data; a partial load (an edit) leaves absent fields as they are."""
    if not isinstance(raw, dict):
        raise RecordRejected("invalid", {"data": ["应为JSON对象"]})
    try:
        return _schema.load(raw, partial=SYNC_FIELDS if partial else False)
    except ValidationError as exc:
        raise RecordRejected("invalid", exc.messages) from None


def _classify(ctx: ApplyContext, place: Place | None, code: str | None, category: str | None):
    """Resolve an item code against the visit's checklist; return (item id, code, category)."""
    if place is None:
        return None, code, category or ""  # resolved when the visit arrives
    items = ctx.items(place.checklist_id)
    if code:
        if code not in items:
            raise invalid("item_code", f"本次专项行动的检查清单中没有检查项 {code}")
        item_id, item_category = items[code]
        return item_id, code, item_category
    if category not in CATEGORIES and category not in {c for _, c in items.values()}:
        raise invalid("category", f"未知的问题类别：{category}")
    return None, None, category


def _normalise(ctx: ApplyContext, data: dict, place: Place | None, current_code: str | None) -> dict:
    """Turn validated input into synced data (only the fields given); resolve the item and category."""
    out = {}
    if "visit_id" in data:
        out["visit_id"] = str(data["visit_id"])
    for name in ("description", "location", "severity", "reply"):
        if name in data:
            out[name] = data[name]
    if "occurred_at" in data:
        out["occurred_at"] = iso(data["occurred_at"])
    if "persons" in data:
        out["persons"] = persons_data(data["persons"])
    if "photos" in data:
        out["photos"] = photos_data(dedupe_photos(data["photos"]))
    if "item_code" in data or "category" in data:
        code = data["item_code"] if "item_code" in data else current_code
        _, code, category = _classify(ctx, place, code, data.get("category"))
        if "item_code" in data:
            out["item_code"] = code
        if category:
            out["category"] = category
    return out


def apply_finding(ctx: ApplyContext, record: dict) -> Outcome:
    """Apply one finding record of a batch: create it, or merge the edit into the server's copy."""
    finding = ctx.finding(record["id"])
    if finding is None:
        return _create(ctx, record["id"], record["data"])
    return _update(ctx, finding, record["base_version"], record["data"])


def _create(ctx: ApplyContext, finding_id: uuid.UUID, raw) -> Outcome:
    """Queue a new finding's rows (inserted in bulk with the batch); a finding before its visit waits."""
    data = load_finding_data(raw, partial=False)
    visit_ref = data["visit_id"]
    place = ctx.place(visit_ref)
    if place is None and ctx.writable:  # about to wait for its visit: unless it is being created right now
        ctx.wait_for_visit(visit_ref)
        place = ctx.place(visit_ref)
    if place is not None and not ctx.can_write(place.target_id):
        raise forbidden("visit_id", "该到访记录不属于您所在暗访组进行中的检查任务")
    if place is None and not ctx.writable:
        raise forbidden("visit_id", "您当前没有进行中的检查任务，不能提交问题")
    item_id, code, category = _classify(ctx, place, data["item_code"], data["category"])
    photos = dedupe_photos(data["photos"])
    synced = {
        "visit_id": str(visit_ref), "item_code": code, "category": category or "",
        "description": data["description"], "occurred_at": iso(data["occurred_at"]),
        "location": data["location"], "severity": data["severity"],
        "persons": persons_data(data["persons"]), "photos": photos_data(photos), "reply": data["reply"],
    }
    versions = dict.fromkeys(_SCALAR_FIELDS, 1)
    versions.update((f"photo:{p['sha256']}", 1) for p in photos)
    linked = place is not None
    ctx.finding_rows.append({
        "id": finding_id, "visit_ref": visit_ref, "visit_id": visit_ref if linked else None,
        "campaign_id": place.campaign_id if linked else None, "unit_id": place.unit_id if linked else None,
        "team_id": place.team_id if linked else None, "item_id": item_id, "category": synced["category"],
        "description": synced["description"], "occurred_at": data["occurred_at"], "location": synced["location"],
        "severity": synced["severity"], "status": "submitted" if linked else "pending_visit", "version": 1,
        "field_versions": versions, "in_conflict": False, "conflicts": {}, "original": synced, "review_note": "",
        "reply": data["reply"], "reply_at": ctx.now if data["reply"] else None,
        "reply_by_id": ctx.user.id if data["reply"] else None,
        "created_by_id": ctx.user.id, "created_at": ctx.now, "updated_at": ctx.now})
    ctx.person_rows.extend({"finding_id": finding_id, "position": position, **person}
                           for position, person in enumerate(synced["persons"]))
    ctx.photo_rows.extend({"finding_id": finding_id, "sha256": p["sha256"], "caption": p["caption"],
                           "taken_at": p["taken_at"], "position": position} for position, p in enumerate(photos))
    ctx.created["finding"].append(str(finding_id))  # audited once for the batch, see applier
    ctx.mark_created(Finding, finding_id)
    return Outcome("created", 1, photos=[p["sha256"] for p in photos])


def _update(ctx: ApplyContext, finding: Finding, base_version: int | None, raw) -> Outcome:
    """Merge a phone's edit: apply what only the phone changed, keep both values where both did."""
    data = load_finding_data(raw, partial=True)
    place = ctx.place(finding.visit_id) if finding.visit_id is not None else None
    if place is not None and not ctx.can_write(place.target_id):
        raise forbidden("id", "该问题不属于您所在暗访组进行中的检查任务")
    if place is None and finding.created_by_id != ctx.user.id:
        raise forbidden("id", "该问题不属于您")
    if "visit_id" in data and data["visit_id"] != finding.visit_ref:
        raise invalid("visit_id", "问题所属的到访记录不能更改")
    current = finding_data(finding)
    incoming = _normalise(ctx, data, place, current["item_code"])
    base_version = min(base_version or 1, finding.version)
    result = merge(current, incoming, field_versions=finding.field_versions or {}, base_version=base_version,
                   base=base_data("finding", finding, base_version), locked=finding.status in LOCKED_STATUSES,
                   always_add=("photo",), held=frozenset("item_code" if name == "item_id" else name
                                                         for name in finding.conflicts or {}))
    photos = [p["sha256"] for p in incoming.get("photos", ())]
    if not result.applied and not result.conflicts:
        return Outcome("unchanged", finding.version, photos=photos)
    if result.applied:
        _write(ctx, finding, current, incoming, result.applied, place)
    conflicts = {}
    if result.conflicts:
        conflicts = _record_conflicts(ctx, finding, current, result.conflicts, place)
    return Outcome("conflict" if conflicts else "updated", finding.version, photos=photos,
                   conflicts=conflicts or None)


def _write(ctx: ApplyContext, finding: Finding, current: dict, incoming: dict, applied: dict,
           place: Place | None) -> None:
    """Set the applied keys on the finding, bump its version, audit, and tell the team's phones."""
    order = [p["sha256"] for p in current["photos"]]
    order += [p["sha256"] for p in incoming.get("photos", ()) if p["sha256"] not in order]
    new = unflatten({**flatten(current), **applied}, {"photos": order})
    names = sorted({"photos" if key.startswith("photo:") else key for key in applied})
    for name in names:
        _set(ctx, finding, name, new[name], place)
    keys = list(applied)
    if finding.status == "returned":  # the team added what the reviewer asked for: back on the desk
        finding.status = "submitted"
        keys.append("status")
    version = bump(finding, keys, new, "finding")
    before = {name: current[name] for name in names}
    after = {name: new[name] for name in names}
    if "status" in keys:  # listed in the history: 需补充 → 待审核
        before["status"], after["status"] = "returned", finding.status
    labels = "、".join(FINDING_FIELD_LABELS.get(name, name) for name in names)
    ctx.audit("finding.sync_update", "finding", finding.id, "同步修改问题：" + labels,
              before=before, after={**after, "version": version, "device": ctx.device_id})
    emit_finding_change(finding, "edited", {"fields": after, "version": version, "status": finding.status,
                                            "source": "sync", "device": ctx.device_id})


def _set(ctx: ApplyContext, finding: Finding, name: str, value, place: Place | None) -> None:
    """Set one synced field on the model (item codes become item ids, lists are updated in place)."""
    if name == "item_code":
        finding.item_id = ctx.items(place.checklist_id)[value][0] if place is not None and value else None
    elif name == "occurred_at":
        finding.occurred_at = datetime.fromisoformat(value) if value else None
    elif name == "persons":
        rows = list(finding.persons)
        for position, person in enumerate(value):
            if position < len(rows):
                row = rows[position]
                row.name, row.post, row.cadre_level, row.position = (person["name"], person["post"],
                                                                     person["cadre_level"], position)
            else:
                finding.persons.append(InvolvedPerson(position=position, **person))
        for row in rows[len(value):]:
            finding.persons.remove(row)
    elif name == "photos":
        rows = {p.sha256: p for p in finding.photos}
        wanted = {p["sha256"] for p in value}
        for sha, row in rows.items():
            if sha not in wanted:
                finding.photos.remove(row)
        for position, photo in enumerate(value):
            taken = datetime.fromisoformat(photo["taken_at"]) if photo["taken_at"] else None
            row = rows.get(photo["sha256"])
            if row is None:
                finding.photos.append(FindingPhoto(sha256=photo["sha256"], caption=photo["caption"],
                                                   taken_at=taken, position=position))
            else:
                row.caption, row.taken_at, row.position = photo["caption"], taken, position
    elif name in ("category", "description", "location", "severity"):
        setattr(finding, name, value if value is not None else "")
    elif name == "reply":  # 补充说明: who answered and when, for the reviewer beside the question
        finding.reply, finding.reply_at, finding.reply_by_id = value, ctx.now, ctx.user.id
    # visit_id never changes (refused before merging)


def _record_conflicts(ctx: ApplyContext, finding: Finding, current: dict, conflicts: dict,
                      place: Place | None) -> dict:
    """Keep each conflicting phone value beside the server's, flag the finding, audit, notify."""
    flat = flatten(current)
    stored = dict(finding.conflicts or {})
    answer, new = {}, {}
    for key, phone in conflicts.items():
        name, server = key, flat.get(key)
        if key == "item_code" and place is not None:  # reviewers resolve items by id
            items = ctx.items(place.checklist_id)
            name, server, phone = "item_id", finding.item_id, items[phone][0] if phone in items else None
        answer[name] = {"server": server, "phone": phone}
        if (stored.get(name) or {}).get("phone") != phone or (stored.get(name) or {}).get("server") != server:
            new[name] = conflict_entry(server, phone, device_id=ctx.device_id, user_id=ctx.user.id, at=ctx.now)
    if new:
        finding.conflicts = {**stored, **new}
        finding.in_conflict = True
        ctx.audit("finding.sync_conflict", "finding", finding.id, "同步冲突：" + "、".join(sorted(new)),
                  before={k: v["server"] for k, v in new.items()},
                  after={k: v["phone"] for k, v in new.items()} | {"device": ctx.device_id})
        emit_finding_change(finding, "conflict", {"fields": answer, "version": finding.version})
        logger.info("finding %s: conflicting edit from device %s on %s", finding.id, ctx.device_id, sorted(new))
    return answer


def link_pending(ctx: ApplyContext, visit_id: uuid.UUID, place: Place) -> int:
    """Attach findings that arrived before this visit; return how many were linked."""
    ctx.flush()
    ctx.wait_for_visit(visit_id)  # a finding being created elsewhere is then committed, or sees the visit
    query = select(Finding).where(Finding.visit_ref == visit_id, Finding.visit_id.is_(None)).order_by(Finding.id)
    linked = 0
    for finding in db.session.scalars(query.with_for_update(key_share=True) if ctx.lock else query):
        if finding.created_by_id == ctx.user.id:
            allowed = ctx.can_write(place.target_id)
        else:
            allowed = can_write_for_target(finding.created_by, db.session.get(Target, place.target_id))
        if not allowed:
            logger.warning("finding %s names visit %s of a target its author may not write", finding.id, visit_id)
            continue
        code = latest_data(finding).get("item_code")
        item = ctx.items(place.checklist_id).get(code) if code else None
        finding.visit_id, finding.campaign_id = visit_id, place.campaign_id
        finding.unit_id, finding.team_id = place.unit_id, place.team_id
        if item is not None:
            finding.item_id, finding.category = item
        finding.status = "submitted"
        ctx.audit("finding.linked", "finding", finding.id, "到访记录已到达，问题已关联",
                  after={"visit_id": str(visit_id), "status": "submitted"})
        emit_finding_change(finding, "linked", {"status": "submitted", "visit_id": str(visit_id),
                                                "version": finding.version})
        linked += 1
    return linked
