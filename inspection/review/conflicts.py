"""Visit conflicts a reviewer settles: keep the server's value of a visit part, or take the phone's.

A finding's own conflicts are settled in review/services.py (`resolve_conflict`); a visit's conflicting
parts (a checklist answer, a visit field) are shown on its findings' pages and settled here, writing the
phone's value the way sync writes it (sync/visit_records.py), so the visit's version is counted too.
"""
from __future__ import annotations

from sqlalchemy import select

from ..audit.services import record
from ..checklists.models import ChecklistItem
from ..extensions import db
from ..sync.merge import flatten
from ..sync.versions import visit_data
from ..sync.visit_records import write_changes
from ..visits.models import Visit, part_label


class VisitConflictError(ValueError):
    """A visit conflict cannot be settled as asked (already settled, or an unknown choice)."""


def settle_conflict(visit: Visit, key: str, choice: str, *, actor) -> None:
    """Settle one conflicting part of a visit: keep the server's value, or take the phone's."""
    entry = (visit.conflicts or {}).get(key)
    if entry is None:
        raise VisitConflictError("该内容没有待处理的冲突（可能已被他人处理）")
    if choice not in ("server", "phone"):
        raise VisitConflictError("请选择保留哪一方的内容")
    items = {code: (item_id, category) for code, item_id, category in db.session.execute(
        select(ChecklistItem.code, ChecklistItem.id, ChecklistItem.category)
        .where(ChecklistItem.checklist_id == visit.checklist_id))}
    codes = {item_id: code for code, (item_id, _) in items.items()}
    current = visit_data(visit, codes)
    visit.conflicts = {k: v for k, v in visit.conflicts.items() if k != key}
    after = {"choice": choice}
    if choice == "phone" and flatten(current).get(key) != entry.get("phone"):
        write_changes(visit, current, {key: entry.get("phone")}, items)
        after[key] = entry.get("phone")
    record(actor, "visit.conflict_resolved", "visit", visit.id,
           f"处理到访记录的同步冲突：{part_label(key)}（{'采用手机内容' if choice == 'phone' else '保留服务器内容'}）",
           before={key: entry.get("server"), "conflict": entry}, after=after)
    db.session.flush()
