"""Review decisions and corrections on findings: plain functions that flush, audit, and tell the phones.

Every change sets the new values first, then calls `sync.versions.bump_fields` (the sync feature's:
it bumps the version and the changed fields' versions and keeps the synced data as that version, the
base of later three-way merges), writes an audit event with before and after, and queues a change event
for the team's phones (`/api/v1/changes`).

Conflict keys are the sync merge keys (see sync/merge.py): plain fields, "item_id" (or "item_code" while
the visit has not arrived) and "photo:<sha256>" for one photo.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from ..audit.services import record
from ..checklists.models import ChecklistItem
from ..core.text import text_problem
from ..extensions import db
from ..findings.models import (CADRE_LEVELS, FINDING_FIELD_LABELS, FINDING_STATUSES, SEVERITIES, Finding, FindingPhoto,
                               InvolvedPerson)
from ..sqltypes import utcnow
from ..sync.changes import emit_finding_change
from ..sync.versions import bump_fields, persons_data
from .models import Review

logger = logging.getLogger(__name__)

DECIDABLE = ("submitted", "returned")  # statuses a reviewer may confirm, return or reject
REOPENABLE = ("confirmed", "rejected")
DECISION_STATUS = {"confirm": "confirmed", "return": "returned", "reject": "rejected"}
TEXT_FIELDS = ("description", "category", "location", "severity")
EDITABLE = (*TEXT_FIELDS, "item_id", "persons")
RESOLVABLE = (*EDITABLE, "occurred_at", "item_code", "reply")  # and "photo:<sha256>"
FIELD_LABELS = FINDING_FIELD_LABELS  # beside the model (findings/models.py); the audit log shows the same
CHOICE_LABELS = {"server": "保留服务器内容", "phone": "采用手机内容", "merge": "合并两方内容"}


def field_label(name: str) -> str:
    """Return the Chinese name of a field or merge key ("photo:<sha>" is one photo)."""
    if name.startswith("photo:"):
        return f"照片 {name[6:18]}…"
    return FIELD_LABELS.get(name, name)


class ReviewError(Exception):
    """A review action was refused; `code` is stable, `message` is shown to the reviewer."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


def persons_plain(finding: Finding) -> list[dict]:
    """Return the finding's involved persons as plain dicts, in order."""
    return persons_data(finding.persons)


def _photo_ref(finding: Finding, name: str) -> FindingPhoto | None:
    sha = name.split(":", 1)[1]
    return next((p for p in finding.photos if p.sha256 == sha), None)


def field_value(finding: Finding, name: str):
    """Return a finding field (or merge key) as plain JSON data (what audit events and phones receive)."""
    if name == "persons":
        return persons_plain(finding)
    if name == "item_code":
        return finding.item.code if finding.item is not None else None
    if name.startswith("photo:"):
        ref = _photo_ref(finding, name)
        if ref is None:
            return None
        return {"caption": ref.caption, "taken_at": ref.taken_at.isoformat() if ref.taken_at else None}
    value = getattr(finding, name)
    return value.isoformat() if isinstance(value, datetime) else value


def check_version(finding: Finding, expected_version: int | None) -> None:
    """Refuse to act on a finding that changed since the reviewer loaded it."""
    if expected_version is not None and finding.version != expected_version:
        raise ReviewError("stale", "该问题在您查看后已有更新（可能是暗访组同步了新内容或他人已处理），请查看最新内容后再操作")


def _set_persons(finding: Finding, persons: list[dict]) -> None:
    """Replace the involved persons with the given plain list."""
    finding.persons.clear()
    for position, person in enumerate(persons):
        finding.persons.append(InvolvedPerson(name=person["name"], post=person.get("post") or "",
                                              cadre_level=person["cadre_level"], position=position))


def _clean_persons(value) -> list[dict]:
    """Validate a plain persons list (name and a known cadre level each)."""
    if not isinstance(value, list):
        raise ReviewError("invalid_value", "涉及人员格式有误")
    persons = []
    for person in value:
        name = str((person or {}).get("name") or "").strip()
        level = (person or {}).get("cadre_level")
        if not name or len(name) > 40 or level not in CADRE_LEVELS:
            raise ReviewError("invalid_value", "每名涉及人员须填写姓名（40字以内）并选择干部层级")
        persons.append({**person, "name": name, "post": str(person.get("post") or "").strip()[:100]})
    return persons_data(persons)


def _check_text(name: str, value) -> None:
    """Refuse text holding control characters or invalid Unicode (the boundary check, see core.text)."""
    texts = ([value] if isinstance(value, str) else [v for person in value if isinstance(person, dict)
                                                     for v in person.values() if isinstance(v, str)]
             if isinstance(value, list) else [])
    for text in texts:
        if (problem := text_problem(text)) is not None:
            raise ReviewError("invalid_text", f"{field_label(name)}：{problem.message}")


def _clean_note(note: str) -> str:
    """Return a decision note stripped and checked at the boundary (a note reaches phones and the audit log)."""
    note = (note or "").strip()
    _check_text("review_note", note)
    return note


def _clean(finding: Finding, name: str, value):
    """Validate one field's new value the way the edit form and conflict resolution both need."""
    _check_text(name, value)
    if name == "persons":
        return _clean_persons(value)
    if name == "description":
        value = str(value or "").strip()
        if not value:
            raise ReviewError("invalid_value", "问题描述不能为空")
        return value
    if name == "category":
        value = str(value or "").strip()
        if not value or len(value) > 40:
            raise ReviewError("invalid_value", "请选择问题类别")
        return value
    if name == "location":
        return str(value or "").strip()[:200]
    if name == "reply":  # two phones of the team answered differently: the reviewer keeps one
        return str(value or "").strip() or None
    if name == "severity":
        if value not in SEVERITIES:
            raise ReviewError("invalid_value", "严重程度无效")
        return value
    if name == "item_id":
        if value in (None, ""):
            return None
        item = db.session.get(ChecklistItem, int(value))
        if item is None or (finding.campaign is not None and item.checklist_id != finding.campaign.checklist_id):
            raise ReviewError("invalid_value", "检查事项不属于本次专项行动的检查清单")
        return item.id
    if name == "item_code":
        if value in (None, ""):
            return None
        if finding.campaign is None:
            raise ReviewError("invalid_value", "到访记录尚未同步，暂不能采用手机上的检查事项")
        item_id = db.session.scalar(select(ChecklistItem.id).where(
            ChecklistItem.checklist_id == finding.campaign.checklist_id, ChecklistItem.code == str(value)))
        if item_id is None:
            raise ReviewError("invalid_value", "检查事项不属于本次专项行动的检查清单")
        return item_id
    if name == "occurred_at":
        return _moment(value)
    if name.startswith("photo:"):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ReviewError("invalid_value", "照片信息格式有误")
        return {"caption": str(value.get("caption") or "")[:200], "taken_at": _moment(value.get("taken_at"))}
    raise ReviewError("unsupported_field", f"不支持修改字段 {name}")


def _moment(value) -> datetime | None:
    """Parse an aware ISO-8601 time (None for nothing)."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ReviewError("invalid_value", "时间格式有误") from exc
    if moment.tzinfo is None:
        raise ReviewError("invalid_value", "时间缺少时区")
    return moment


def _apply(finding: Finding, name: str, value) -> None:
    """Set one (already cleaned) field on the finding."""
    if name == "persons":
        _set_persons(finding, value)
    elif name in ("item_id", "item_code"):
        item = db.session.get(ChecklistItem, value) if value is not None else None
        finding.item_id, finding.item = value, item  # both, so the synced data kept by bump_fields is current
        if name == "item_code" and item is not None:
            finding.category = item.category
    elif name.startswith("photo:"):
        ref = _photo_ref(finding, name)
        if value is None:
            if ref is not None:
                finding.photos.remove(ref)
        elif ref is None:
            finding.photos.append(FindingPhoto(sha256=name.split(":", 1)[1], caption=value["caption"],
                                               taken_at=value["taken_at"], position=len(finding.photos)))
        else:
            ref.caption, ref.taken_at = value["caption"], value["taken_at"]
    else:
        setattr(finding, name, value)


def decide(finding: Finding, action: str, *, actor, note: str = "", expected_version: int | None = None) -> Review:
    """Confirm (确认), return with a question (需补充) or reject with a reason (不予采纳)."""
    if action not in DECISION_STATUS:
        raise ReviewError("unknown_decision", "未知的审核操作")
    check_version(finding, expected_version)
    note = _clean_note(note)
    if finding.status not in DECIDABLE:
        raise ReviewError("not_decidable", f"该问题当前为“{finding.status_label}”，不能再作此审核")
    if action == "return" and not note:
        raise ReviewError("note_required", "退回补充时请写明需要暗访组补充的内容")
    if action == "reject" and not note:
        raise ReviewError("note_required", "不予采纳时请写明理由")
    if action == "confirm" and finding.in_conflict:
        raise ReviewError("in_conflict", "该问题存在同步冲突，请先处理冲突再确认")
    status = DECISION_STATUS[action]
    before = {"status": finding.status, "review_note": finding.review_note}
    finding.status, finding.review_note = status, note
    finding.reviewed_by_id, finding.reviewed_at = actor.id, utcnow()
    bump_fields(finding, ("status", "review_note"))
    review = Review(finding_id=finding.id, reviewer_id=actor.id, decision=status, note=note)
    db.session.add(review)
    record(actor, f"finding.{status}", "finding", finding.id, f"审核：{FINDING_STATUSES[status]}"
           + (f"（{note}）" if note else ""), before=before, after={"status": status, "review_note": note})
    emit_finding_change(finding, "review", {"status": status, "status_label": FINDING_STATUSES[status],
                                            "note": note, "version": finding.version})
    logger.info("finding %s %s by %s", finding.id, status, actor.username)
    return review


def reopen(finding: Finding, *, actor, note: str = "", expected_version: int | None = None) -> Review:
    """Put a confirmed or rejected finding back on the review desk (重新审核)."""
    check_version(finding, expected_version)
    if finding.status not in REOPENABLE:
        raise ReviewError("not_reopenable", "只有已确认或不予采纳的问题可以重新审核")
    note = _clean_note(note)
    before = {"status": finding.status, "review_note": finding.review_note}
    finding.status, finding.review_note = "submitted", note
    finding.reviewed_by_id, finding.reviewed_at = None, None
    bump_fields(finding, ("status", "review_note"))
    review = Review(finding_id=finding.id, reviewer_id=actor.id, decision="reopened", note=note)
    db.session.add(review)
    record(actor, "finding.reopened", "finding", finding.id, "重新审核" + (f"（{note}）" if note else ""),
           before=before, after={"status": "submitted", "review_note": note})
    emit_finding_change(finding, "review", {"status": "submitted", "status_label": FINDING_STATUSES["submitted"],
                                            "note": note, "version": finding.version})
    return review


def edit_finding(finding: Finding, data: dict, *, actor, expected_version: int | None = None) -> dict:
    """Correct wording, category, item, place, severity or persons; return the fields changed (after)."""
    check_version(finding, expected_version)
    if finding.status == "merged":
        raise ReviewError("merged", "已合并的问题不能再修改")
    before, after = {}, {}
    for name in EDITABLE:
        if name not in data:
            continue
        value = _clean(finding, name, data[name])
        old = field_value(finding, name)
        if value == old:
            continue
        if name in (finding.conflicts or {}):
            raise ReviewError("in_conflict", "该字段存在同步冲突，请先在“同步冲突”中处理")
        _apply(finding, name, value)
        before[name], after[name] = old, field_value(finding, name)
    if not after:
        return {}
    bump_fields(finding, after)
    record(actor, "finding.edited", "finding", finding.id, "审核人修改：" + "、".join(map(field_label, after)),
           before=before, after=after)
    emit_finding_change(finding, "edited", {"fields": after, "version": finding.version})
    return after


def resolve_conflict(finding: Finding, name: str, choice: str, *, actor, value=None,
                     expected_version: int | None = None) -> None:
    """Settle one conflicting field: keep the server's value, take the phone's, or use a merged value."""
    check_version(finding, expected_version)
    conflict = (finding.conflicts or {}).get(name)
    if conflict is None:
        raise ReviewError("no_conflict", "该字段没有待处理的冲突")
    if name not in RESOLVABLE and not name.startswith("photo:"):
        raise ReviewError("unsupported_field", f"不支持处理字段 {name} 的冲突")
    old = field_value(finding, name)
    if choice == "phone":
        _apply(finding, name, _clean(finding, name, conflict.get("phone")))
    elif choice == "merge" and name in ("description", "location"):
        _apply(finding, name, _clean(finding, name, value))
    elif choice != "server":  # the server's value is the one in place: nothing to set
        raise ReviewError("invalid_choice", "请选择保留哪一方的内容")
    remaining = {k: v for k, v in finding.conflicts.items() if k != name}
    finding.conflicts, finding.in_conflict = remaining, bool(remaining)
    bump_fields(finding, (name,))
    resolved = field_value(finding, name)
    record(actor, "finding.conflict_resolved", "finding", finding.id,
           f"处理同步冲突：{field_label(name)}（{CHOICE_LABELS[choice]}）",
           before={name: old, "conflict": conflict}, after={name: resolved, "choice": choice})
    emit_finding_change(finding, "conflict_resolved", {"field": name, "value": resolved, "choice": choice,
                                                       "version": finding.version})


def _brief(finding: Finding) -> str:
    """Name a finding for people in the audit log: its unit and the start of its description."""
    text = finding.description if len(finding.description) <= 24 else finding.description[:24] + "…"
    return f"{finding.unit.name if finding.unit else '未关联单位'}“{text}”"


def merge_findings(duplicate: Finding, keep: Finding, *, actor, note: str = "",
                   expected_version: int | None = None) -> dict:
    """Merge a duplicate into the finding kept: its photos and new persons join the kept one, it links there."""
    check_version(duplicate, expected_version)
    if duplicate.id == keep.id:
        raise ReviewError("same_finding", "不能与自身合并")
    if "merged" in (duplicate.status, keep.status):
        raise ReviewError("merged", "已合并的问题不能再合并")
    if duplicate.campaign_id != keep.campaign_id or duplicate.unit_id != keep.unit_id:
        raise ReviewError("different_unit", "只能合并同一专项行动中同一单位的问题")
    have = {p.sha256 for p in keep.photos}
    photos_added = []
    for photo in duplicate.photos:
        if photo.sha256 not in have:
            keep.photos.append(FindingPhoto(sha256=photo.sha256, caption=photo.caption, taken_at=photo.taken_at,
                                            position=len(keep.photos)))
            have.add(photo.sha256)
            photos_added.append(photo.sha256)
    names = {p.name for p in keep.persons}
    persons_before = persons_plain(keep)
    new_persons = [p for p in persons_plain(duplicate) if p["name"] not in names]
    if new_persons:
        _set_persons(keep, persons_before + new_persons)
    note = _clean_note(note) or "与其他暗访组记录的问题重复，已合并"
    before = {"status": duplicate.status, "review_note": duplicate.review_note,
              "conflicts": duplicate.conflicts or {}}
    duplicate.status, duplicate.review_note, duplicate.merged_into_id = "merged", note, keep.id
    duplicate.conflicts, duplicate.in_conflict = {}, False
    duplicate.reviewed_by_id, duplicate.reviewed_at = actor.id, utcnow()
    bump_fields(duplicate, ("status", "review_note"))
    db.session.add(Review(finding_id=duplicate.id, reviewer_id=actor.id, decision="merged", note=note))
    record(actor, "finding.merged", "finding", duplicate.id, f"合并到问题：{_brief(keep)}",
           before=before, after={"status": "merged", "merged_into": str(keep.id), "review_note": note})
    emit_finding_change(duplicate, "review", {"status": "merged", "status_label": FINDING_STATUSES["merged"],
                                              "note": note, "merged_into": str(keep.id),
                                              "version": duplicate.version})
    added = {"photos": photos_added, "persons": new_persons}
    if photos_added or new_persons:
        changed = (["photos"] if photos_added else []) + (["persons"] if new_persons else [])
        bump_fields(keep, changed)
        record(actor, "finding.merged_in", "finding", keep.id, f"并入重复问题：{_brief(duplicate)}",
               before={"persons": persons_before} if new_persons else {},
               after={"persons": persons_plain(keep), "photos_added": photos_added, "merged_from": str(duplicate.id)})
        fields = {"persons": persons_plain(keep)} if new_persons else {}
        emit_finding_change(keep, "edited", {"fields": fields, "photos_added": photos_added,
                                             "merged_from": str(duplicate.id), "version": keep.version})
    db.session.flush()
    return added
