"""整改情况通报 pages (admin, reviewer; 404 for everyone else): the follow-up campaigns to draft it from.

The draft itself is a circular of source "followup": once created, the circular pages edit, regenerate and
issue it like any other (report_circular.py registers its drafter).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField

from ..auth.access import hidden_404, roles_required
from ..campaigns.models import Campaign
from ..campaigns.visibility import can_see_campaign, campaigns_query
from ..circulars.access import EDITORS
from ..circulars.organs import active_organs
from ..circulars.services import CircularError
from ..core.actor import current_actor
from ..core.forms import BaseForm
from ..extensions import db
from .blueprint import bp
from .report_circular import create_report_circular, report_overview


class ReportCircularForm(BaseForm):
    """Draft a 整改情况通报: the issuing organ (the title is edited on the circular's page)."""

    organ_id = SelectField("发文机关", coerce=int)


def _organ_form():
    """Build the form with the active issuing organs to choose from."""
    organs = active_organs()
    form = ReportCircularForm()
    form.organ_id.choices = [(o.id, o.name) for o in organs]
    return form, organs


@bp.route("/report-circulars")
@roles_required(*EDITORS, hidden=True)
def report_circulars():
    """List the follow-up campaigns with their rechecks and drafts, each with a button to draft the 通报."""
    campaigns = db.session.scalars(campaigns_query(current_user).where(Campaign.kind == "followup")
                                   .order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
    form, organs = _organ_form()
    return render_template("followup/report_circulars.html", rows=report_overview(campaigns), form=form,
                           organs=organs)


@bp.route("/<int:campaign_id>/report-circular", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def draft_report_circular(campaign_id: int):
    """Draft the follow-up campaign's 整改情况通报 and open it in the circular editor."""
    campaign = db.session.get(Campaign, campaign_id)
    if not can_see_campaign(current_user, campaign) or not campaign.is_followup:
        hidden_404()
    form, organs = _organ_form()
    if not organs:
        flash("尚未设置发文机关，请先添加发文机关", "error")
        return redirect(url_for("circulars.new_organ"), code=303)
    if not form.validate_on_submit():
        flash("请选择发文机关", "error")
        return redirect(url_for("followup.report_circulars"), code=303)
    organ = next(o for o in organs if o.id == form.organ_id.data)
    try:
        circular = create_report_circular(campaign, organ, actor=current_actor())
    except CircularError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("followup.report_circulars"), code=303)
    db.session.commit()
    flash("整改情况通报草稿已生成，请逐段审阅修改", "success")
    return redirect(url_for("circulars.detail", circular_id=circular.id), code=303)
