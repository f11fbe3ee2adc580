"""The review blueprint (/review) and what its route modules share.

Routes join it from views.py (queue, a finding's page), actions.py (decisions and corrections) and
ledger_views.py (the ledger, 台账); create_app imports each of them. Only reviewers and admins come
here; anyone else gets 404.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, request
from marshmallow import ValidationError
from sqlalchemy import select

from ..auth.access import hidden_404
from ..auth.roles import ADMIN, REVIEWER
from ..extensions import db
from ..findings.models import Finding
from ..stats.filters import FindingFilter

bp = Blueprint("review", __name__, url_prefix="/review")

REVIEW_ROLES = (ADMIN, REVIEWER)


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
