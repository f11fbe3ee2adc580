"""Review decisions and corrections (HTML form posts): authorise, read the form, call a service, commit."""
from __future__ import annotations

import uuid

from flask import flash, redirect, request, url_for

from ..auth.access import roles_required
from ..core.actor import current_actor
from ..extensions import db
from ..findings.models import FINDING_STATUSES, Finding
from . import queries, services
from .blueprint import REVIEW_ROLES, bp, load_finding, request_filter
from .conflicts import VisitConflictError, settle_conflict
from .pages import render_finding
from .services import ReviewError

MAX_PERSONS = 30
DONE = {"confirm": "已确认该问题", "return": "已退回暗访组补充", "reject": "已不予采纳该问题"}


def _version() -> int | None:
    """Return the version the reviewer saw, from the form."""
    return request.form.get("version", type=int)


def _refuse(finding, flt, exc: ReviewError):
    """Roll back and show the finding again with the reason and the reviewer's input kept."""
    db.session.rollback()
    finding = load_finding(finding.id)
    return render_finding(finding, flt, error=exc.message, status=409 if exc.code == "stale" else 422,
                          form=request.form.to_dict())


def _back(finding, flt):
    return redirect(url_for("review.finding", finding_id=finding.id, **flt.to_args()), code=303)


@bp.route("/findings/<uuid:finding_id>/decide", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def decide(finding_id: uuid.UUID):
    """Confirm, return or reject a finding, then go on to the next one (or back to the list it came from)."""
    flt = request_filter()
    finding = load_finding(finding_id, for_update=True)
    action = request.form.get("action", "")
    try:
        services.decide(finding, action, actor=current_actor(), note=request.form.get("note", ""),
                        expected_version=_version())
    except ReviewError as exc:
        return _refuse(finding, flt, exc)
    db.session.commit()
    flash(DONE[action], "success")
    _, nxt = queries.neighbours(flt, finding)
    if nxt is None or request.form.get("back") == "queue":  # decided from the list: stay on the list
        return redirect(url_for("review.queue", **flt.to_args()), code=303)
    return redirect(url_for("review.finding", finding_id=nxt.id, **flt.to_args()), code=303)


@bp.route("/findings/<uuid:finding_id>/reopen", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def reopen(finding_id: uuid.UUID):
    """Put a decided finding back on the desk."""
    flt = request_filter()
    finding = load_finding(finding_id, for_update=True)
    try:
        services.reopen(finding, actor=current_actor(), note=request.form.get("note", ""),
                        expected_version=_version())
    except ReviewError as exc:
        return _refuse(finding, flt, exc)
    db.session.commit()
    flash("已重新置为待审核", "success")
    return _back(finding, flt)


def persons_from_form(form) -> list[dict]:
    """Read the persons table of the edit form (rows person-N-*), skipping blank and deleted rows."""
    persons = []
    for n in range(MAX_PERSONS):
        name = form.get(f"person-{n}-name", "").strip()
        if not name or form.get(f"person-{n}-delete"):
            continue
        persons.append({"name": name, "post": form.get(f"person-{n}-post", "").strip(),
                        "cadre_level": form.get(f"person-{n}-level", "")})
    return persons


@bp.route("/findings/<uuid:finding_id>/edit", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def edit(finding_id: uuid.UUID):
    """Correct the finding's wording, category, item, place, severity or persons."""
    flt = request_filter()
    finding = load_finding(finding_id, for_update=True)
    data = {name: request.form.get(name, "") for name in services.TEXT_FIELDS if name in request.form}
    if "item_id" in request.form:
        data["item_id"] = request.form.get("item_id") or None
    if request.form.get("persons_present"):
        data["persons"] = persons_from_form(request.form)
    try:
        changed = services.edit_finding(finding, data, actor=current_actor(), expected_version=_version())
    except (ReviewError, ValueError) as exc:
        return _refuse(finding, flt, exc if isinstance(exc, ReviewError) else
                       ReviewError("invalid_value", "提交的内容有误"))
    db.session.commit()
    flash("已保存修改" if changed else "内容没有变化", "success" if changed else "info")
    return _back(finding, flt)


@bp.route("/findings/<uuid:finding_id>/resolve", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def resolve(finding_id: uuid.UUID):
    """Settle one sync conflict: keep the server's value, take the phone's, or merge the two."""
    flt = request_filter()
    finding = load_finding(finding_id, for_update=True)
    try:
        services.resolve_conflict(finding, request.form.get("field", ""), request.form.get("choice", ""),
                                  actor=current_actor(), value=request.form.get("value"),
                                  expected_version=_version())
    except ReviewError as exc:
        return _refuse(finding, flt, exc)
    db.session.commit()
    flash("冲突已处理" + ("，所有冲突均已解决" if not finding.in_conflict else ""), "success")
    return _back(finding, flt)


@bp.route("/findings/<uuid:finding_id>/visit-conflict", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def settle_visit_conflict(finding_id: uuid.UUID):
    """Settle one conflict on the finding's visit (a checklist answer or a visit field) shown on its page."""
    flt = request_filter()
    finding = load_finding(finding_id)
    if finding.visit is None:
        return _refuse(finding, flt, ReviewError("no_visit", "该问题没有关联的到访记录"))
    try:
        settle_conflict(finding.visit, request.form.get("key", ""), request.form.get("choice", ""),
                        actor=current_actor())
    except VisitConflictError as exc:
        return _refuse(finding, flt, ReviewError("visit_conflict", str(exc)))
    db.session.commit()
    flash("到访记录的冲突已处理", "success")
    return _back(finding, flt)


@bp.route("/findings/<uuid:finding_id>/merge", methods=["POST"])
@roles_required(*REVIEW_ROLES, hidden=True)
def merge(finding_id: uuid.UUID):
    """Merge this finding, a duplicate, into the one the reviewer chose to keep."""
    flt = request_filter()
    duplicate = load_finding(finding_id, for_update=True)
    try:
        keep_id = uuid.UUID(request.form.get("keep", ""))
    except ValueError:
        return _refuse(duplicate, flt, ReviewError("no_target", "请选择要保留的问题"))
    keep = db.session.get(Finding, keep_id)
    if keep is None:
        return _refuse(duplicate, flt, ReviewError("no_target", "请选择要保留的问题"))
    try:
        services.merge_findings(duplicate, keep, actor=current_actor(), note=request.form.get("note", ""),
                                expected_version=_version())
    except ReviewError as exc:
        return _refuse(duplicate, flt, exc)
    db.session.commit()
    flash(f"已合并，状态为“{FINDING_STATUSES['merged']}”；照片和涉及人员已并入保留的问题", "success")
    return redirect(url_for("review.finding", finding_id=keep.id, **flt.to_args()), code=303)
