"""The audit log pages (admin only): filtered, paginated list and one event's diff."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN
from ..extensions import db
from . import queries
from .forms import AuditFilterForm
from .labels import ACTION_LABELS, ENTITY_LABELS
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")

PER_PAGE = 50


def _choices(column, labels: dict) -> dict[str, str]:
    """Return filter choices: every known code plus those already in the log."""
    codes = sorted(set(labels) | set(queries.known_values(column)))
    return {"": "全部", **{code: f"{labels.get(code, code)}（{code}）" for code in codes}}


@bp.route("/")
@roles_required(ADMIN)
def index():
    """List audit events, newest first, with filters."""
    form = AuditFilterForm(request.args)
    form.action.choices = _choices(AuditEvent.action, ACTION_LABELS)
    form.entity_type.choices = _choices(AuditEvent.entity_type, ENTITY_LABELS)
    valid = form.validate()
    filters = queries.AuditFilters(
        actor=form.actor.data or "", action=form.action.data or "", entity_type=form.entity_type.data or "",
        entity_id=form.entity_id.data or "", text=form.q.data or "",
        date_from=form.date_from.data if valid else None, date_to=form.date_to.data if valid else None)
    page = db.paginate(queries.events_query(filters), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", form=form, page=page, args=args, q=queries,
                           system_actor=queries.SYSTEM_ACTOR)


@bp.route("/<int:event_id>")
@roles_required(ADMIN)
def detail(event_id: int):
    """Show one audit event with its full before and after."""
    event = db.session.get(AuditEvent, event_id)
    if event is None:
        hidden_404()
    return render_template("audit/detail.html", event=event, q=queries,
                           rows=queries.diff_rows(event.before, event.after, event.entity_type))
