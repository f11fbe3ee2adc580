"""The review desk (HTML): the queue of findings and a finding's full record.

Decisions and corrections are in review/actions.py, the ledger (台账) in review/ledger_views.py; all
three share the blueprint in review/blueprint.py. Only reviewers and admins come here; anyone else gets 404.
"""
from __future__ import annotations

import uuid

from flask import render_template, request

from ..auth.access import roles_required
from ..findings.models import CADRE_LEVELS
from ..stats.filters import STATUS_CHOICES
from . import queries
from .blueprint import REVIEW_ROLES, bp, load_finding, request_filter
from .pages import render_finding


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


@bp.route("/findings/<uuid:finding_id>")
@roles_required(*REVIEW_ROLES, hidden=True)
def finding(finding_id: uuid.UUID):
    """Show one finding in full: visit, checklist answer, text, persons, photos, conflicts, history."""
    return render_finding(load_finding(finding_id), request_filter())
