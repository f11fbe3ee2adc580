"""Circular pages: list, create, the draft's page, metadata, preview PDF, issue, corrections, copies.

The section editor, the liaison inbox and issuing organs live in editor.py, inbox.py and organ_views.py,
on the same blueprint (blueprint.py).
"""
from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, REVIEWER
from ..campaigns.models import Campaign
from ..campaigns.visibility import campaigns_query
from ..core.actor import current_actor
from ..core.responses import pdf_response
from ..extensions import db
from ..findings.models import Finding
from ..units.services import official_units
from . import issuing, services
from .access import EDITORS, READERS, circulars_query
from .blueprint import bp, render_settings, visible_circular
from .forms import CircularForm, NewCircularForm
from .models import CIRCULAR_STATUSES, Circular, CircularCopy
from .organs import active_organs
from .pages import detail_context

logger = logging.getLogger(__name__)


@bp.route("/circulars/")
@roles_required(*READERS, hidden=True)
def index():
    """List the circulars the user may see, newest first."""
    status = request.args.get("status", "")
    query = circulars_query(current_user).order_by(Circular.created_at.desc(), Circular.id.desc())
    if status in CIRCULAR_STATUSES:
        query = query.where(Circular.status == status)
    circulars = db.session.scalars(query).all()
    return render_template("circulars/index.html", circulars=circulars, status=status,
                           statuses=CIRCULAR_STATUSES, can_edit=current_user.role in EDITORS)


@bp.route("/circulars/new", methods=["GET", "POST"])
@roles_required(*EDITORS, hidden=True)
def new():
    """Start a draft from a campaign or from hand-picked confirmed findings."""
    form = NewCircularForm()
    organs = active_organs()
    campaigns = db.session.scalars(campaigns_query(current_user).order_by(Campaign.start_date.desc())).all()
    form.organ_id.choices = {str(o.id): o.name for o in organs}
    form.campaign_id.choices = {"": "（请选择）", **{str(c.id): c.title for c in campaigns}}
    picked = request.form.getlist("finding_ids")
    if form.validate_on_submit():
        organ = next(o for o in organs if o.id == form.organ_id.data)
        try:
            circular = services.create_circular(organ, actor=current_actor(), title=form.title.data,
                                                campaign=form.chosen_campaign(campaigns), finding_ids=picked)
        except (services.CircularError, ValueError) as exc:
            db.session.rollback()
            flash(getattr(exc, "message", "请选择至少一个已确认的问题"), "error")
        else:
            db.session.commit()
            flash("通报草稿已生成，请逐段审阅修改", "success")
            return redirect(url_for("circulars.detail", circular_id=circular.id))
    return render_template("circulars/new.html", form=form, organs=organs, picked=set(picked),
                           findings=_pickable_findings(request.args.get("campaign", type=int)))


def _pickable_findings(campaign_id: int | None) -> list[Finding]:
    """Return confirmed findings to pick from, optionally of one campaign, newest first."""
    query = select(Finding).where(Finding.status == "confirmed").order_by(Finding.occurred_at.desc()).limit(500)
    if campaign_id:
        query = query.where(Finding.campaign_id == campaign_id)
    return db.session.scalars(query).all()


@bp.route("/circulars/<int:circular_id>")
@roles_required(*READERS, hidden=True)
def detail(circular_id: int):
    """Show a circular: its draft sections to edit, or the issued document and its copies."""
    circular = visible_circular(circular_id)
    context = detail_context(circular, current_user, photo_dir=current_app.config["PHOTO_DIR"])
    return render_template("circulars/detail.html", circular=circular, **context)


@bp.route("/circulars/<int:circular_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS, hidden=True)
def edit(circular_id: int):
    """Edit the circular's title, organ, recipients, marks, signature and dates."""
    circular = visible_circular(circular_id)
    if circular.is_issued:
        flash("已印发的通报不能修改；如需更正，请制作更正版本", "error")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    form = CircularForm(obj=circular)
    organs = active_organs()
    if circular.organ not in organs:
        organs.append(circular.organ)
    form.organ_id.choices = {str(o.id): o.name for o in organs}
    units = official_units(active_only=True)
    if form.validate_on_submit():
        chosen = {int(i) for i in request.form.getlist("unit_ids") if i.isdigit()}
        services.update_circular(circular, form.data_for_service(), actor=current_actor())
        services.set_recipients(circular, [u for u in units if u.id in chosen], actor=current_actor())
        db.session.commit()
        flash("通报信息已保存", "success")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    chosen = {r.unit_id for r in circular.recipients}
    return render_template("circulars/edit.html", circular=circular, form=form, units=units, chosen=chosen)


@bp.route("/circulars/<int:circular_id>.pdf")
@roles_required(*READERS, hidden=True)
def pdf(circular_id: int):
    """Send the draft's preview (watermarked, no number) or the issued archive copy."""
    circular = visible_circular(circular_id)
    settings = render_settings()
    if circular.is_issued:
        data = issuing.archive_pdf(circular, actor=current_actor(), settings=settings)
        db.session.commit()
        name = f"{circular.doc_number}{circular.title}.pdf"
    else:
        try:
            data = issuing.build_pdf(circular, settings)
        except services.CircularError as exc:
            flash(f"无法生成预览：{exc.message}", "error")
            return redirect(url_for("circulars.detail", circular_id=circular.id))
        name = f"草稿-{circular.title}.pdf"
    return pdf_response(data, name, download=request.args.get("download") == "1")


@bp.route("/circulars/<int:circular_id>/issue", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def issue(circular_id: int):
    """Issue the circular: number it, freeze its PDFs, make the recipients' copies."""
    circular = visible_circular(circular_id)
    try:
        issuing.issue(circular, actor=current_actor(), settings=render_settings())
    except services.CircularError as exc:
        db.session.rollback()
        flash(f"未能印发：{exc.message}", "error")
    else:
        db.session.commit()
        flash(f"已印发：{circular.doc_number}，共{len(circular.copies)}份", "success")
    return redirect(url_for("circulars.detail", circular_id=circular_id))


@bp.route("/circulars/<int:circular_id>/revise", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def revise(circular_id: int):
    """Start a corrected version of an issued circular."""
    circular = visible_circular(circular_id)
    try:
        newer = services.revise(circular, actor=current_actor())
    except services.CircularError as exc:
        flash(exc.message, "error")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    db.session.commit()
    flash("已生成更正版本草稿；原通报保持不变", "success")
    return redirect(url_for("circulars.detail", circular_id=newer.id))


@bp.route("/circulars/<int:circular_id>/delete", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def delete(circular_id: int):
    """Delete a draft."""
    circular = visible_circular(circular_id)
    try:
        services.delete_draft(circular, actor=current_actor())
    except services.CircularError as exc:
        flash(exc.message, "error")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    db.session.commit()
    flash("草稿已删除", "success")
    return redirect(url_for("circulars.index"))


@bp.route("/circulars/copies/<int:copy_id>.pdf")
@roles_required(ADMIN, COORDINATOR, REVIEWER, hidden=True)
def copy_download(copy_id: int):
    """Send one recipient unit's numbered copy (e.g. to print and deliver by hand); the download is logged."""
    copy = db.session.get(CircularCopy, copy_id)
    if copy is None:
        hidden_404()
    data = issuing.copy_pdf(copy, actor=current_actor(), settings=render_settings())
    db.session.commit()
    return pdf_response(data, f"{copy.circular.doc_number}-{copy.copy_number}-{copy.unit.name}.pdf", download=True)

