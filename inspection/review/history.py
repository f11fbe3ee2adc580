"""A finding's 处理记录 as people read it: every line in Chinese, every change listed.

Audit events store field keys (description, persons, version, device, photo:<sha256>) in their snapshots and,
for phone edits, in their summaries ("同步修改问题：description、persons"); this module names each key in
Chinese when the history is shown, so rows written before the labels existed read the same as new ones.
A status change that came with a phone's edit (需补充 → 待审核) is listed in the line's text as well.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from ..audit.labels import ACTION_LABELS
from ..audit.labels import field_label as audit_label
from ..audit.models import AuditEvent
from ..findings.models import FINDING_FIELD_LABELS, FINDING_STATUSES

# Actions whose summary is "<prefix>：key、key…" with raw field keys (older rows; sync writes them so).
KEYED_SUMMARIES = ("finding.sync_update", "finding.sync_conflict")


@dataclass
class HistoryLine:
    """One row of the history: when, who, what (Chinese text), and the fields before and after."""

    at: datetime
    actor: str
    text: str
    before: list[tuple[str, str]] = field(default_factory=list)
    after: list[tuple[str, str]] = field(default_factory=list)


def history_label(key: str) -> str:
    """Return the Chinese name of a key a finding's audit event may hold."""
    if key.startswith("photo:"):
        return f"照片 {key[6:18]}…"
    return FINDING_FIELD_LABELS.get(key) or audit_label(key, "finding")


def _status_change(event: AuditEvent) -> str:
    """Describe a status change recorded in the event's snapshots ("状态：需补充 → 待审核"), or ""."""
    old, new = (event.before or {}).get("status"), (event.after or {}).get("status")
    if not new or old == new or event.action != "finding.sync_update":
        return ""
    return f"状态：{FINDING_STATUSES.get(old, old or '（空）')} → {FINDING_STATUSES.get(new, new)}"


def history_text(event: AuditEvent) -> str:
    """Return the line's text in Chinese: the summary, with any raw field keys named."""
    text = event.summary or ACTION_LABELS.get(event.action, event.action)
    if event.action in KEYED_SUMMARIES and "：" in text:
        prefix, keys = text.split("：", 1)
        names = [history_label(k) for k in keys.split("、") if k and k != "status"]
        text = f"{prefix}：{'、'.join(names)}" if names else prefix
    if status := _status_change(event):
        text += f"；{status}"
    return text


def history_lines(events: list[AuditEvent], show_value: Callable[[str, object], str]) -> list[HistoryLine]:
    """Turn a finding's audit events into history lines, values written by `show_value`."""
    lines = []
    for event in events:
        def side(snapshot):
            return [(history_label(k), show_value(k, v) if not isinstance(v, dict) or k.startswith("photo:")
                     else "…") for k, v in sorted((snapshot or {}).items())]
        lines.append(HistoryLine(event.at, event.actor.name if event.actor else "系统", history_text(event),
                                 side(event.before), side(event.after)))
    return lines
