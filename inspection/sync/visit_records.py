"""Apply visit records from phones: create (then link findings and rechecks waiting for it) and merge edits.

The synced data of a visit is in sync/versions.py; answers are merged one by one as
"answer:<item code>" (see sync/merge.py). `write_changes` is also how a reviewer settling a visit
conflict takes the phone's value (review/conflicts.py).
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from marshmallow import ValidationError

from ..extensions import db
from ..visits.models import ChecklistAnswer, Visit
from .context import ApplyContext, Outcome, RecordRejected, forbidden, invalid
from .finding_records import link_pending
from .merge import base_data, bump, conflict_entry, flatten, iso, merge, unflatten
from .models import RecordVersion
from .recheck_records import link_pending_rechecks
from .schemas import VisitDataSchema
from .versions import visit_data

logger = logging.getLogger(__name__)

SYNC_FIELDS = ("target_id", "started_at", "ended_at", "lat", "lon", "accuracy", "notes", "answers")
_schema = VisitDataSchema()


def load_visit_data(raw, *, partial: bool) -> dict:
    """Validate a visit's data; a partial load (an edit) leaves absent fields as they are."""
    if not isinstance(raw, dict):
        raise RecordRejected("invalid", {"data": ["应为JSON对象"]})
    try:
        return _schema.load(raw, partial=SYNC_FIELDS if partial else False)
    except ValidationError as exc:
        raise RecordRejected("invalid", exc.messages) from None


def _normalise(ctx: ApplyContext, data: dict, checklist_id: int) -> dict:
    """Turn validated input into synced data (only the fields given), checking answer item codes."""
    out = {}
    for name in ("target_id", "lat", "lon", "accuracy", "notes"):
        if name in data:
            out[name] = data[name]
    for name in ("started_at", "ended_at"):
        if name in data:
            out[name] = iso(data[name])
    if "answers" in data:
        items = ctx.items(checklist_id)
        unknown = sorted(a["item_code"] for a in data["answers"] if a["item_code"] not in items)
        if unknown:
            raise invalid("answers", f"本次专项行动的检查清单中没有检查项 {'、'.join(unknown)}")
        out["answers"] = sorted(({"item_code": a["item_code"], "result": a["result"], "note": a["note"]}
                                 for a in data["answers"]), key=lambda a: a["item_code"])
    return out


def apply_visit(ctx: ApplyContext, record: dict) -> Outcome:
    """Apply one visit record of a batch: create it, or merge the edit into the server's copy."""
    visit = ctx.visit(record["id"])
    if visit is None:
        return _create(ctx, record["id"], record["data"])
    return _update(ctx, visit, record["base_version"], record["data"])


def _create(ctx: ApplyContext, visit_id: uuid.UUID, raw) -> Outcome:
    """Create a visit at one of the team's targets, then link findings and rechecks that arrived before it."""
    data = load_visit_data(raw, partial=False)
    place = ctx.writable.get(data["target_id"])
    if place is None:
        raise forbidden("target_id", "该检查目标不属于您所在暗访组，或专项行动不在进行中")
    synced = {name: None for name in SYNC_FIELDS} | _normalise(ctx, data, place.checklist_id)
    items = ctx.items(place.checklist_id)
    visit = Visit(id=visit_id, target_id=place.target_id, campaign_id=place.campaign_id, unit_id=place.unit_id,
                  team_id=place.team_id, checklist_id=place.checklist_id, created_by_id=ctx.user.id,
                  started_at=data["started_at"], ended_at=data["ended_at"], lat=data["lat"], lon=data["lon"],
                  accuracy=data["accuracy"], notes=data["notes"], version=1,
                  field_versions=dict.fromkeys(flatten(synced), 1), conflicts={}, created_at=ctx.now)
    visit.answers = [ChecklistAnswer(item_id=items[a["item_code"]][0], result=a["result"], note=a["note"])
                     for a in synced["answers"]]
    db.session.add(visit)
    db.session.add(RecordVersion(entity_type="visit", entity_id=visit_id, version=1, data=synced))
    ctx.created["visit"].append(str(visit_id))  # audited once for the batch, see applier
    ctx.remember(Visit, visit_id, visit)
    ctx.set_place(visit_id, place)
    linked = link_pending(ctx, visit_id, place)
    rechecks = link_pending_rechecks(ctx, visit_id, place)
    if linked or rechecks:
        logger.info("visit %s arrived; linked %d finding(s) and %d recheck(s) that were waiting for it",
                    visit_id, linked, rechecks)
    return Outcome("created", 1)


def _update(ctx: ApplyContext, visit: Visit, base_version: int | None, raw) -> Outcome:
    """Merge a phone's edit of a visit: apply what only the phone changed, keep both where both did."""
    data = load_visit_data(raw, partial=True)
    if not ctx.can_write(visit.target_id):
        raise forbidden("id", "该到访记录不属于您所在暗访组进行中的检查任务")
    if "target_id" in data and data["target_id"] != visit.target_id:
        raise invalid("target_id", "到访记录的检查目标不能更改，请新建到访记录")
    items = ctx.items(visit.checklist_id)
    codes = {item_id: code for code, (item_id, _) in items.items()}
    current = visit_data(visit, codes)
    incoming = _normalise(ctx, data, visit.checklist_id)
    base_version = min(base_version or 1, visit.version)
    result = merge(current, incoming, field_versions=visit.field_versions or {}, base_version=base_version,
                   base=base_data("visit", visit, base_version))
    if not result.applied and not result.conflicts:
        return Outcome("unchanged", visit.version)
    if result.applied:
        new, names = write_changes(visit, current, result.applied, items)
        ctx.audit("visit.sync_update", "visit", visit.id, "同步修改到访记录：" + "、".join(names),
                  before={n: current[n] for n in names},
                  after={n: new[n] for n in names} | {"version": visit.version, "device": ctx.device_id})
    answer = {}
    if result.conflicts:
        flat, stored, new_conflicts = flatten(current), dict(visit.conflicts or {}), {}
        for key, phone in result.conflicts.items():
            answer[key] = {"server": flat.get(key), "phone": phone}
            if (stored.get(key) or {}).get("phone") != phone:
                new_conflicts[key] = conflict_entry(flat.get(key), phone, device_id=ctx.device_id,
                                                    user_id=ctx.user.id, at=ctx.now)
        if new_conflicts:
            visit.conflicts = {**stored, **new_conflicts}
            ctx.audit("visit.sync_conflict", "visit", visit.id, "同步冲突：" + "、".join(sorted(new_conflicts)),
                      before={k: v["server"] for k, v in new_conflicts.items()},
                      after={k: v["phone"] for k, v in new_conflicts.items()} | {"device": ctx.device_id})
    return Outcome("conflict" if answer else "updated", visit.version, conflicts=answer or None)


def write_changes(visit: Visit, current: dict, changes: dict,
           items: dict[str, tuple[int, str]]) -> tuple[dict, list[str]]:
    """Set changed merge keys on the visit and bump its version; return the new synced data and fields set."""
    order = sorted({a["item_code"] for a in current["answers"]}
                   | {key.split(":", 1)[1] for key in changes if key.startswith("answer:")})
    new = unflatten({**flatten(current), **changes}, {"answers": order})
    names = sorted({"answers" if key.startswith("answer:") else key for key in changes})
    for name in names:
        _set(visit, name, new[name], items)
    bump(visit, changes, new, "visit")
    return new, names


def _set(visit: Visit, name: str, value, items: dict[str, tuple[int, str]]) -> None:
    """Set one synced field on the visit (answers updated in place, by item)."""
    if name in ("started_at", "ended_at"):
        setattr(visit, name, datetime.fromisoformat(value) if value else None)
    elif name == "answers":
        rows = {a.item_id: a for a in visit.answers}
        wanted = {items[a["item_code"]][0]: a for a in value}
        for item_id, row in rows.items():
            if item_id not in wanted:
                visit.answers.remove(row)
        for item_id, answer in wanted.items():
            if item_id in rows:
                rows[item_id].result, rows[item_id].note = answer["result"], answer["note"]
            else:
                visit.answers.append(ChecklistAnswer(item_id=item_id, result=answer["result"], note=answer["note"]))
    elif name == "notes":
        visit.notes = value or ""
    else:
        setattr(visit, name, value)
