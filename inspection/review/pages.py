"""A finding's review page: the values it shows and the page itself (views.py and actions.py render it)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from ..checklists.models import ChecklistItem
from ..checklists.services import category_choices
from ..core.dates import format_datetime
from ..extensions import db
from ..findings.models import CADRE_LEVELS, SEVERITIES, Finding
from ..stats.filters import STATUS_CHOICES, FindingFilter
from . import queries
from .history import history_lines
from .plausibility import finding_flags
from .services import CHOICE_LABELS, DECIDABLE, REOPENABLE, field_label


def show_value(name: str, value) -> str:
    """Write a field's plain value (as stored in conflicts, originals and audit events) for reading."""
    if value is None or value == "":
        return "（空）"
    if name.startswith("photo:") and isinstance(value, dict):
        return f"说明：{value.get('caption') or '（无）'}"
    if name == "item_id" and isinstance(value, int):
        item = db.session.get(ChecklistItem, value)
        return f"{item.code} {item.text}" if item else str(value)
    if name == "persons" and isinstance(value, list):
        people = [(p.get("name", ""), p.get("post", ""), p.get("cadre_level", "")) if isinstance(p, dict)
                  else tuple(p) + ("",) * (3 - len(p)) for p in value if isinstance(p, (dict, list, tuple))]
        return "；".join(f"{n}（{post + '，' if post else ''}{CADRE_LEVELS.get(lvl, lvl or '')}）"
                        for n, post, lvl in people) or "（无）"
    if name in ("photos", "photos_added") and isinstance(value, list):
        return f"{len(value)}张照片"
    if name == "choice":
        return CHOICE_LABELS.get(value, str(value))
    if isinstance(value, list):
        return "、".join(map(str, value))
    if name == "severity":
        return SEVERITIES.get(value, str(value))
    if name == "status":
        return STATUS_CHOICES.get(value, str(value))
    if name in ("occurred_at", "reviewed_at") and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def render_finding(finding: Finding, flt: FindingFilter, *, error: str | None = None, status: int = 200,
                   form: dict | None = None):
    """Render a finding's page with everything the team recorded, its history and the decision forms."""
    prev, nxt = queries.neighbours(flt, finding)
    page = render_template(
        "review/finding.html", f=finding, flt=flt, args=flt.to_args(), prev=prev, next=nxt, error=error,
        form=form or {}, answer=queries.visit_answer(finding), photos=queries.photo_rows(finding),
        visit_conflicts=queries.visit_conflicts(finding),
        progress=queries.photo_progress(finding), history=history_lines(queries.history(finding), show_value),
        reviews=queries.reviews(finding), candidates=queries.duplicate_candidates(finding),
        merged_from=queries.merged_from(finding), items=queries.checklist_items(finding),
        categories=category_choices(), levels=CADRE_LEVELS, severities=SEVERITIES,
        field_label=field_label, show_value=show_value, decidable=finding.status in DECIDABLE,
        reopenable=finding.status in REOPENABLE,
        flags=finding_flags(finding, window_minutes=current_app.config["PHOTO_TIME_WINDOW_MINUTES"],
                            max_metres=current_app.config["PHOTO_DISTANCE_METERS"]))
    return page, status
