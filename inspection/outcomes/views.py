"""处理意见 pages (HTML): per circular (its confirmed findings by unit, each person's outcomes, forms) and per
finding (reached from the review desk), and an outcome's edit page.

Admins and reviewers record, edit and delete (pages.ACTORS); coordinators and viewers read (a viewer: issued
circulars only); anyone else gets 404. A refusal by the service is shown on the page with the typed text
kept, and nothing changes.
"""
from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import hidden_404, roles_required
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..extensions import db
from ..findings.models import CADRE_LEVELS, Finding, InvolvedPerson
from . import pages, services
from .blueprint import bp
from .forms import LADDER_CHOICES, DeleteForm, EditForm, InterviewForm, OutcomeForm
from .models import MEASURES
from .numbers import outcome_sentence
from .services import OutcomeError


def _context(**extra) -> dict:
    """Return what every 处理意见 page needs: the choices, today, whether the user may record."""
    return {"ladder": list(LADDER_CHOICES.items()), "levels": CADRE_LEVELS, "measures": MEASURES, "today": today_cst(),
            "can_record": pages.can_record(current_user), "kept": {}, "error": None, **extra}


def render_circular(circular, *, status: int = 200, **extra):
    """Render a circular's 处理意见 page: each unit, its findings, persons and outcomes, the forms."""
    units = pages.circular_units(circular)
    figures = pages.figures_of([entry for unit in units for entry in unit.findings])
    return render_template("outcomes/circular.html", circular=circular, units=units, figures=figures,
                           sentence=outcome_sentence(figures), **_context(**extra)), status


def render_finding(finding, *, status: int = 200, **extra):
    """Render one finding's 处理意见 page."""
    return render_template("outcomes/finding.html", finding=finding, entry=pages.single_finding(finding),
                           **_context(**extra)), status


@bp.route("/circulars/<int:circular_id>")
@roles_required(*pages.READERS, hidden=True)
def circular_page(circular_id: int):
    """Show the circular's confirmed findings by unit with each person's 处理意见."""
    circular = pages.visible_circular(current_user, circular_id)
    if circular is None:
        hidden_404()
    return render_circular(circular)


@bp.route("/findings/<uuid:finding_id>")
@roles_required(*pages.READERS, hidden=True)
def finding_page(finding_id: uuid.UUID):
    """Show one finding's persons with their 处理意见 (and the forms for those who record)."""
    finding = pages.visible_finding(current_user, finding_id)
    if finding is None:
        hidden_404()
    return render_finding(finding)


def _back(finding, circular_id: int | None):
    """Return where a form goes back to: its circular's page (at the finding) or the finding's page."""
    circular = pages.visible_circular(current_user, circular_id) if circular_id else None
    if circular is not None:
        return circular, url_for("outcomes.circular_page", circular_id=circular.id, _anchor=f"f-{finding.id}")
    return None, url_for("outcomes.finding_page", finding_id=finding.id)


def _refuse(finding, circular, message: str, kept: dict):
    """Show the page again with the refusal and the typed text (nothing was changed)."""
    db.session.rollback()
    if circular is not None:
        return render_circular(circular, status=400, error=message, kept=kept)
    return render_finding(db.session.get(Finding, finding.id), status=400, error=message, kept=kept)


def _record(finding, form, key: str, person=None):
    """Validate the form, record the outcome, commit once, and go back (or show the refusal)."""
    circular, back = _back(finding, form.circular_id.data)
    kept = {"key": key, **{name: value for name, value in request.form.items() if name != "csrf_token"}}
    if not form.validate():
        return _refuse(finding, circular, next(iter(form.errors.values()))[0], kept)
    try:
        services.record_outcome(finding, form.data_for_service(), actor=current_actor(), person=person)
    except OutcomeError as exc:
        return _refuse(finding, circular, exc.message, kept)
    db.session.commit()
    flash("处理意见已录入", "success")
    return redirect(back, code=303)


@bp.route("/findings/<uuid:finding_id>/persons", methods=["POST"])
@roles_required(*pages.ACTORS, hidden=True)
def add_for_person(finding_id: uuid.UUID):
    """Record an outcome for one involved person of a confirmed finding."""
    finding = pages.visible_finding(current_user, finding_id)
    if finding is None:
        hidden_404()
    form = OutcomeForm()
    person = db.session.get(InvolvedPerson, form.person_id.data) if form.person_id.data else None
    if form.person_id.data and (person is None or person.finding_id != finding.id):
        hidden_404()
    return _record(finding, form, f"p{form.person_id.data}", person)


@bp.route("/findings/<uuid:finding_id>/interview", methods=["POST"])
@roles_required(*pages.ACTORS, hidden=True)
def add_interview(finding_id: uuid.UUID):
    """Record a 约谈 of the finding's unit's leader, filed on this finding."""
    finding = pages.visible_finding(current_user, finding_id)
    if finding is None:
        hidden_404()
    return _record(finding, InterviewForm(), f"u{finding.unit_id}")


@bp.route("/circulars/<int:circular_id>/units/<int:unit_id>/interview", methods=["POST"])
@roles_required(*pages.ACTORS, hidden=True)
def add_unit_interview(circular_id: int, unit_id: int):
    """Record a 约谈 of a unit's leader from the circular's page (filed on the unit's first finding in it)."""
    circular = pages.visible_circular(current_user, circular_id)
    finding = pages.unit_finding(circular, unit_id) if circular is not None else None
    if finding is None:
        hidden_404()
    return _record(finding, InterviewForm(), f"u{unit_id}")


def _outcome_or_404(outcome_id: int):
    """Return the outcome the user may change, or answer 404."""
    outcome = pages.visible_outcome(current_user, outcome_id)
    if outcome is None:
        hidden_404()
    return outcome


def _after_change(outcome_finding_id, circular_id: int | None) -> str:
    """Return the page to go back to after an edit or a deletion."""
    circular = pages.visible_circular(current_user, circular_id) if circular_id else None
    if circular is not None:
        return url_for("outcomes.circular_page", circular_id=circular.id, _anchor=f"f-{outcome_finding_id}")
    return url_for("outcomes.finding_page", finding_id=outcome_finding_id)


@bp.route("/<int:outcome_id>/edit", methods=["GET", "POST"])
@roles_required(*pages.ACTORS, hidden=True)
def edit(outcome_id: int):
    """Show and save an outcome's edit form, on the version the user saw."""
    outcome = _outcome_or_404(outcome_id)
    circular_id = request.args.get("circular", type=int)
    form = EditForm(obj=outcome)
    if request.method == "GET":
        form.version.data = outcome.version
        return render_template("outcomes/edit.html", outcome=outcome, form=form, circular_id=circular_id,
                               **_context())
    error = None if form.validate() else next(iter(form.errors.values()))[0]
    if error is None:
        try:
            services.edit_outcome(outcome, form.data_for_service(), actor=current_actor(), version=form.version.data)
        except OutcomeError as exc:
            error = exc.message
    if error is not None:
        db.session.rollback()
        outcome = _outcome_or_404(outcome_id)
        return render_template("outcomes/edit.html", outcome=outcome, form=form, circular_id=circular_id,
                               **_context(error=error)), 400
    db.session.commit()
    flash("处理意见已修改", "success")
    return redirect(_after_change(outcome.finding_id, circular_id), code=303)


@bp.route("/<int:outcome_id>/delete", methods=["POST"])
@roles_required(*pages.ACTORS, hidden=True)
def delete(outcome_id: int):
    """Delete an outcome recorded in error, on the version the user saw."""
    outcome = _outcome_or_404(outcome_id)
    form, finding_id = DeleteForm(), outcome.finding_id
    back = _after_change(finding_id, request.args.get("circular", type=int))
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back, code=303)
    try:
        services.delete_outcome(outcome, actor=current_actor(), version=form.version.data)
    except OutcomeError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back, code=303)
    db.session.commit()
    flash("处理意见已删除", "success")
    return redirect(back, code=303)
