"""Campaign pages (admin, coordinator; hidden from everyone else): campaigns, status, teams and targets."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.models import User
from ..auth.roles import ADMIN, COORDINATOR
from ..checklists.models import Checklist
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..extensions import db
from ..units.models import Unit
from ..units.services import official_units
from . import services, targets, teams
from .forms import CampaignForm, TargetForm, TeamForm
from .models import CAMPAIGN_STATUSES, Campaign, Target, Team
from .visibility import campaigns_query, can_see_campaign

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

PLANNERS = (ADMIN, COORDINATOR)


def _campaign(campaign_id: int) -> Campaign:
    """Load a campaign the user may see, or answer 404."""
    campaign = db.session.get(Campaign, campaign_id)
    if not can_see_campaign(current_user, campaign):
        hidden_404()
    return campaign


def _team(campaign: Campaign, team_id: int) -> Team:
    """Load a team of this campaign, or answer 404."""
    team = db.session.get(Team, team_id)
    if team is None or team.campaign_id != campaign.id:
        hidden_404()
    return team


def _target(campaign: Campaign, target_id: int) -> Target:
    """Load a target of this campaign, or answer 404."""
    target = db.session.get(Target, target_id)
    if target is None or target.campaign_id != campaign.id:
        hidden_404()
    return target


def _fail(form, exc: services.CampaignError) -> None:
    """Attach a service error to its form field, or flash it."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "error")


def _detail(campaign: Campaign):
    """Go back to the campaign's page."""
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.route("/")
@roles_required(*PLANNERS, hidden=True)
def index():
    """List the campaigns, newest first, with counts."""
    status = request.args.get("status", "")
    query = campaigns_query(current_user)
    if status in CAMPAIGN_STATUSES:
        query = query.where(Campaign.status == status)
    campaigns = db.session.scalars(query.order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
    return render_template("campaigns/index.html", campaigns=campaigns, status=status, statuses=CAMPAIGN_STATUSES,
                           counts=services.summary_counts([c.id for c in campaigns]), today=today_cst())


def _campaign_form(campaign: Campaign | None):
    """Show and save the campaign form (create when `campaign` is None)."""
    form = CampaignForm(obj=campaign)
    form.set_checklists(db.session.scalars(select(Checklist)).all())
    if campaign is None and request.method == "GET":
        current = next((c for c in db.session.scalars(select(Checklist).where(Checklist.is_current))), None)
        form.checklist_id.data = current.id if current else None
    if form.validate_on_submit():
        fields = dict(title=form.title.data, description=form.description.data or "",
                      start_date=form.start_date.data, end_date=form.end_date.data,
                      checklist=db.session.get(Checklist, form.checklist_id.data), actor=current_actor())
        try:
            if campaign is None:
                campaign = services.create_campaign(**fields)
            else:
                services.update_campaign(campaign, **fields)
        except services.CampaignError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(f"已保存专项行动“{campaign.title}”", "success")
            return _detail(campaign)
    return render_template("campaigns/form.html", form=form, campaign=campaign), 422 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def new():
    """Create a campaign (it starts as a draft)."""
    return _campaign_form(None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def edit(campaign_id: int):
    """Edit a campaign's title, description, period and (while a draft) checklist version."""
    campaign = _campaign(campaign_id)
    if campaign.status == "closed":
        flash("专项行动已结束，不能再修改", "error")
        return _detail(campaign)
    return _campaign_form(campaign)


@bp.route("/<int:campaign_id>")
@roles_required(*PLANNERS, hidden=True)
def detail(campaign_id: int):
    """Show a campaign: teams, targets with progress (visited, findings), and its status actions."""
    campaign = _campaign(campaign_id)
    progress = services.progress(campaign)
    return render_template("campaigns/detail.html", campaign=campaign, progress=progress,
                           visited=sum(1 for p in progress.values() if p.visited),
                           findings=sum(p.findings for p in progress.values()),
                           problems=services.activation_problems(campaign) if campaign.status == "draft" else [],
                           today=today_cst(), can=lambda action: services.can_transition(campaign, action, actor=current_actor()))


@bp.route("/<int:campaign_id>/status", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def status(campaign_id: int):
    """Confirm and apply a status change: activate a draft, close an active campaign, reopen (admin)."""
    campaign = _campaign(campaign_id)
    default = {"draft": "activate", "active": "close", "closed": "reopen"}[campaign.status]
    action = request.values.get("action", default)
    if action not in services.TRANSITIONS:
        hidden_404()
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash("请勾选确认后再提交", "error")
        else:
            try:
                services.transition(campaign, action, actor=current_actor())
            except services.CampaignError as exc:
                flash(exc.message, "error")
            else:
                db.session.commit()
                flash(f"专项行动“{campaign.title}”已{services.TRANSITIONS[action][3]}", "success")
                return _detail(campaign)
    refusal = services.transition_refusal(campaign, action, actor=current_actor())
    problems = services.activation_problems(campaign) if action == "activate" and not refusal else []
    return render_template("campaigns/status.html", campaign=campaign, action=action, problems=problems,
                           verb=services.TRANSITIONS[action][3], refusal=refusal)


def _team_form(campaign: Campaign, team: Team | None):
    """Show and save the team form (create when `team` is None)."""
    if campaign.status == "closed":
        flash("专项行动已结束，不能再修改暗访组", "error")
        return _detail(campaign)
    form = TeamForm(obj=team)
    people = teams.inspectors()
    if team is not None:
        people = list(dict.fromkeys(people + list(team.members) + ([team.leader] if team.leader else [])))
        if request.method == "GET":
            form.member_ids.data = [m.id for m in team.members]
    form.set_people(people)
    if form.validate_on_submit():
        by_id = {p.id: p for p in people}
        leader = by_id.get(form.leader_id.data) if form.leader_id.data else None
        members = [by_id[i] if i in by_id else db.session.get(User, i) for i in form.member_ids.data or []]
        fields = dict(name=form.name.data, leader=leader, members=[m for m in members if m is not None],
                      actor=current_actor())
        try:
            if team is None:
                team = teams.create_team(campaign, **fields)
            else:
                teams.update_team(team, **fields)
        except services.CampaignError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(f"已保存暗访组“{team.name}”", "success")
            return _detail(campaign)
    return render_template("campaigns/team_form.html", form=form, campaign=campaign, team=team,
                           people=people, taken=teams.taken_by(campaign, team)), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/teams/new", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def new_team(campaign_id: int):
    """Add a team to a campaign."""
    return _team_form(_campaign(campaign_id), None)


@bp.route("/<int:campaign_id>/teams/<int:team_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def edit_team(campaign_id: int, team_id: int):
    """Edit a team's name, leader and members."""
    campaign = _campaign(campaign_id)
    return _team_form(campaign, _team(campaign, team_id))


@bp.route("/<int:campaign_id>/teams/<int:team_id>/delete", methods=["POST"])
@roles_required(*PLANNERS, hidden=True)
def delete_team(campaign_id: int, team_id: int):
    """Delete a team without targets or visits."""
    campaign = _campaign(campaign_id)
    team = _team(campaign, team_id)
    try:
        teams.delete_team(team, actor=current_actor())
    except services.CampaignError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"已删除暗访组“{team.name}”", "success")
    return _detail(campaign)


def _target_form(campaign: Campaign, target: Target | None):
    """Show and save the target form (create when `target` is None)."""
    if campaign.status == "closed":
        flash("专项行动已结束，不能再修改检查目标", "error")
        return _detail(campaign)
    form = TargetForm(obj=target)
    taken = {t.unit_id for t in campaign.targets if target is None or t.id != target.id}
    units = [u for u in official_units()
             if u.id not in taken and (u.active or (target is not None and u.id == target.unit_id))]
    form.set_options(units, campaign.teams)
    if form.validate_on_submit():
        fields = dict(unit=db.session.get(Unit, form.unit_id.data), team=db.session.get(Team, form.team_id.data),
                      planned_start=form.planned_start.data, planned_end=form.planned_end.data,
                      note=form.note.data or "", actor=current_actor())
        try:
            if target is None:
                target = targets.create_target(campaign, **fields)
            else:
                targets.update_target(target, **fields)
        except services.CampaignError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(f"已保存检查目标“{target.unit.name}”", "success")
            return _detail(campaign)
    return render_template("campaigns/target_form.html", form=form, campaign=campaign,
                           target=target), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/targets/new", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def new_target(campaign_id: int):
    """Add a target unit to a campaign."""
    return _target_form(_campaign(campaign_id), None)


@bp.route("/<int:campaign_id>/targets/<int:target_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS, hidden=True)
def edit_target(campaign_id: int, target_id: int):
    """Edit a target's unit, team, planned window or note."""
    campaign = _campaign(campaign_id)
    return _target_form(campaign, _target(campaign, target_id))


@bp.route("/<int:campaign_id>/targets/<int:target_id>/delete", methods=["POST"])
@roles_required(*PLANNERS, hidden=True)
def delete_target(campaign_id: int, target_id: int):
    """Delete a target without visits."""
    campaign = _campaign(campaign_id)
    target = _target(campaign, target_id)
    try:
        targets.delete_target(target, actor=current_actor())
    except services.CampaignError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"已删除检查目标“{target.unit.name}”", "success")
    return _detail(campaign)
