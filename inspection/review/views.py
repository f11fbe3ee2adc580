"""The review desk (HTML): the queue of findings and a finding's full record.

Decisions and corrections are in review/actions.py, the ledger (台账) in review/ledger_views.py; all
three share this blueprint. Only reviewers and admins come here; anyone else gets 404.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint, flash, render_template, request
from marshmallow import ValidationError
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, REVIEWER
from ..core.templating import format_datetime
from ..checklists.models import ChecklistItem
from ..extensions import db
from ..findings.models import CADRE_LEVELS, SEVERITIES, Finding
from ..stats.filters import STATUS_CHOICES, FindingFilter
from . import queries
from .services import CHOICE_LABELS, DECIDABLE, REOPENABLE, field_label

bp = Blueprint("review", __name__, url_prefix="/review")

REVIEW_ROLES = (ADMIN, REVIEWER)


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


def request_filter(default_status: str | None = "awaiting") -> FindingFilter:
    """Read the queue filter from the query string; bad values are reported and ignored."""
    try:
        return FindingFilter.from_args(request.args, status=default_status)
    except ValidationError:
        flash("筛选条件有误，已恢复默认条件", "error")
        return FindingFilter(status=default_status)


def load_finding(finding_id: uuid.UUID, *, for_update: bool = False) -> Finding:
    """Return the finding or a 404 (locked for update on PostgreSQL when about to change it)."""
    query = select(Finding).where(Finding.id == finding_id)
    if for_update:
        query = query.with_for_update()
    finding = db.session.scalar(query)
    if finding is None:
        hidden_404()
    return finding


@bp.route("/")
@roles_required(*REVIEW_ROLES, hidden=True)
def queue():
    """List findings awaiting review (or any filter), oldest first, for keyboard work."""
    flt = request_filter()
    page = request.args.get("page", 1, type=int) or 1
    findings, total = queries.queue_page(flt, page)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render_template("review/queue.html", findings=findings, total=total, page=page, pages=pages,
                           flt=flt, args=flt.to_args(), options=queries.filter_options(),
                           statuses=STATUS_CHOICES, levels=CADRE_LEVELS, progress=queries.photo_progress)


def render_finding(finding: Finding, flt: FindingFilter, *, error: str | None = None, status: int = 200,
                   form: dict | None = None):
    """Render a finding's page with everything the team recorded, its history and the decision forms."""
    prev, nxt = queries.neighbours(flt, finding)
    page = render_template(
        "review/finding.html", f=finding, flt=flt, args=flt.to_args(), prev=prev, next=nxt, error=error,
        form=form or {}, answer=queries.visit_answer(finding), photos=queries.photo_rows(finding),
        visit_conflicts=queries.visit_conflicts(finding),
        progress=queries.photo_progress(finding), history=queries.history(finding),
        reviews=queries.reviews(finding), candidates=queries.duplicate_candidates(finding),
        merged_from=queries.merged_from(finding), items=queries.checklist_items(finding),
        categories=queries.category_choices(), levels=CADRE_LEVELS, severities=SEVERITIES,
        field_label=field_label, show_value=show_value, decidable=finding.status in DECIDABLE,
        reopenable=finding.status in REOPENABLE)
    return page, status


@bp.route("/findings/<uuid:finding_id>")
@roles_required(*REVIEW_ROLES, hidden=True)
def finding(finding_id: uuid.UUID):
    """Show one finding in full: visit, checklist answer, text, persons, photos, conflicts, history."""
    return render_finding(load_finding(finding_id), request_filter())


from . import actions, ledger_views  # noqa: E402,F401  (their routes join this blueprint)
