"""Settling a recheck's sync conflict at the review desk: two phones of the team sent different values.

The server's value stays in place until a reviewer chooses: keep it (server) or take the other phone's
(phone). A recheck in conflict cannot be confirmed (review.py), so a verdict in dispute never reopens an item.
Once reviewed, only the reviewed value can be kept. Flushes; the view commits.
"""
from __future__ import annotations

from ..audit.services import record
from ..rectification.services import RectificationError
from ..sync.changes import emit_recheck_change
from ..sync.versions import bump_recheck
from .models import RECHECK_FIELD_LABELS, VERDICTS, Recheck, RecheckPhoto
from .review import RECHECK_CHANGED

CHOICES = {"server": "保留现有内容", "phone": "采用另一部手机的内容"}
MAX_NOTE = 4000


def conflict_label(key: str) -> str:
    """Name a conflicting key in Chinese (a photo as 复核照片)."""
    return RECHECK_FIELD_LABELS["photos"] if key.startswith("photo:") else RECHECK_FIELD_LABELS.get(key, key)


def _take_phone(recheck: Recheck, key: str, value) -> None:
    """Apply the other phone's value of one key (verdict, note, or one photo added, changed or removed)."""
    if key == "verdict":
        if value not in VERDICTS:
            raise RectificationError("另一部手机的复核结论无效，只能保留现有内容")
        recheck.verdict = value
    elif key == "note":
        recheck.note = str(value or "")[:MAX_NOTE]
    elif key.startswith("photo:"):
        sha = key.split(":", 1)[1]
        row = next((p for p in recheck.photos if p.sha256 == sha), None)
        if value is None:
            if row is not None:
                recheck.photos.remove(row)
        elif row is None:
            recheck.photos.append(RecheckPhoto(sha256=sha, caption=str(value.get("caption") or "")[:200],
                                               position=len(recheck.photos)))
        else:
            row.caption = str(value.get("caption") or "")[:200]
    else:
        raise RectificationError(f"不支持处理“{conflict_label(key)}”的冲突")


def resolve_recheck_conflict(recheck: Recheck, key: str, choice: str, *, actor,
                             expected_version: int | None = None) -> None:
    """Settle one conflicting key of a recheck: keep the server's value or take the other phone's."""
    if expected_version is not None and expected_version != recheck.version:
        raise RectificationError(RECHECK_CHANGED)
    conflict = (recheck.conflicts or {}).get(key)
    if conflict is None:
        raise RectificationError("该项没有待处理的冲突")
    if choice not in CHOICES:
        raise RectificationError("请选择保留哪一方的内容")
    if choice == "phone" and recheck.status in ("confirmed", "rejected"):
        raise RectificationError("该复核已审核，只能保留审核时的内容")
    if choice == "phone":
        _take_phone(recheck, key, conflict.get("phone"))
    remaining = {k: v for k, v in recheck.conflicts.items() if k != key}
    recheck.conflicts, recheck.in_conflict = remaining, bool(remaining)
    bump_recheck(recheck, (key,))
    record(actor, "recheck.conflict_resolved", "recheck", recheck.id,
           f"处理复核同步冲突：{conflict_label(key)}（{CHOICES[choice]}）",
           before={"conflict": conflict}, after={"choice": choice, "verdict": recheck.verdict})
    emit_recheck_change(recheck, "conflict_resolved", {"field": key, "choice": choice, "verdict": recheck.verdict,
                                                       "note": recheck.note, "version": recheck.version})
