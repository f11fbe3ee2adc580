"""Planning pages of a 回头看 (admin, coordinator; 404 for everyone else): new follow-up, candidates, teams.

Teams are made on the ordinary campaign pages; this page gives each candidate unit a team, one at a time or
all at once (自动交叉分配). Every rule is in planning.py and crossing.py; a refusal is flashed and nothing changes.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR
from ..campaigns.models import Campaign, Team
from ..campaigns.services import CampaignError
from ..campaigns.visibility import can_see_campaign
from ..checklists.models import Checklist
from ..circulars.models import Circular
from ..core.actor import current_actor
from ..extensions import db
from ..units.models import Unit
from . import planning
from .blueprint import bp
from .crossing import former_inspectors, plan_of, target_refusal
from .plan_forms import AssignForm, AutoAssignForm, FollowupForm

PLANNERS = (ADMIN, COORDINATOR)


def _plan(campaign_id: int):
    """Load a follow-up campaign's plan the user may see, or answer 404."""
    campaign = db.session.get(Campaign, campaign_id)
    plan = plan_of(campaign) if can_see_campaign(current_user, campaign) else None
    if plan is None:
        hidden_404()
    return plan


def _back(plan):
    """Go back to the plan page."""
    return redirect(url_for("followup.plan", campaign_id=plan.campaign_id), code=303)


def _issued_circulars() -> list[Circular]:
    """Return the issued circulars, newest first."""
    return list(db.session.scalars(select(Circular).where(Circular.status == "issued")
                                   .order_by(Circular.issued_at.desc(), Circular.id.desc())))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def new_plan():
    """Create a follow-up campaign over issued circulars (it starts as a draft)."""
    form = FollowupForm()
    form.set_checklists(db.session.scalars(select(Checklist)).all())
    form.set_circulars(_issued_circulars())
    if request.method == "GET":
        current = db.session.scalar(select(Checklist).where(Checklist.is_current).limit(1))
        form.checklist_id.data = current.id if current else None
        chosen = request.args.get("circular_id", type=int)
        form.circular_ids.data = [chosen] if chosen else []
    if form.validate_on_submit():
        try:
            campaign = planning.create_followup(
                title=form.title.data, description=form.description.data or "", start_date=form.start_date.data,
                end_date=form.end_date.data, circulars=[db.session.get(Circular, i) for i in form.circular_ids.data],
                scope=form.scope.data, include_checklist=form.include_checklist.data, cross=form.cross.data,
                checklist=db.session.get(Checklist, form.checklist_id.data), actor=current_actor())
        except CampaignError as exc:
            field = getattr(form, exc.field or "", None)
            if field is not None:
                field.errors = list(field.errors) + [exc.message]
            else:
                flash(exc.message, "error")
        else:
            db.session.commit()
            flash(f"已新建回头看“{campaign.title}”，请新增暗访组后分配检查目标", "success")
            return redirect(url_for("followup.plan", campaign_id=campaign.id))
    return render_template("followup/plan_new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/plan")
@roles_required(*PLANNERS, hidden=True)
def plan(campaign_id: int):
    """Show a follow-up's circulars, its candidate units with problem counts, and a team for each."""
    plan = _plan(campaign_id)
    candidates = planning.candidate_units(plan)
    teams = plan.campaign.teams
    refusals = {}  # (unit id, team id) → why that team may not take the unit
    if plan.cross:
        for c in candidates:
            if c.target is None:
                former = former_inspectors(plan, c.unit.id)
                refusals.update({(c.unit.id, t.id): target_refusal(t, c.unit, former) for t in teams})
    return render_template("followup/plan_detail.html", plan=plan, campaign=plan.campaign, candidates=candidates,
                           teams=teams, refusals=refusals)


@bp.route("/<int:campaign_id>/plan/assign", methods=["POST"])
@roles_required(*PLANNERS, hidden=True)
def assign(campaign_id: int):
    """Give one candidate unit to a team (refused when it breaks 交叉)."""
    plan = _plan(campaign_id)
    form = AssignForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return _back(plan)
    unit = db.session.get(Unit, int(form.unit_id.data)) if (form.unit_id.data or "").isdigit() else None
    team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    try:
        target = planning.assign_target(plan, unit, team, actor=current_actor())
    except CampaignError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"已将“{target.unit.name}”分配给“{target.team.name}”", "success")
    return _back(plan)


@bp.route("/<int:campaign_id>/plan/auto", methods=["POST"])
@roles_required(*PLANNERS, hidden=True)
def auto(campaign_id: int):
    """Spread the unassigned candidate units over the teams, 交叉 kept; name the units no team can take."""
    plan = _plan(campaign_id)
    if not AutoAssignForm().validate():
        flash("页面已过期，请刷新后重试", "error")
        return _back(plan)
    try:
        result = planning.auto_assign(plan, actor=current_actor())
    except CampaignError as exc:
        flash(exc.message, "error")
        return _back(plan)
    db.session.commit()
    flash(f"{'自动交叉分配' if plan.cross else '自动分配'}：{len(result.assigned)}个单位已分配", "success")
    if result.unassigned:
        flash("以下单位的原检查人员在每个暗访组中都有，无法交叉分配，请调整暗访组成员后再分配："
              + "、".join(u.name for u in result.unassigned), "error")
    return _back(plan)
