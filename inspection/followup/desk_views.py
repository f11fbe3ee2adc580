"""The recheck desk (复核审核, HTML): the follow-up campaigns, one campaign's rechecks, one recheck beside the
unit's report, 确认 / 不予采纳 (one, or 批量确认 after a confirmation page), and a campaign's results.

Admins and reviewers decide (DESK_ACTORS); coordinators read (DESK_READERS); anyone else gets 404. Every
decision goes through review.py, which refuses a recheck or item changed meanwhile; its message is shown
and nothing changes.
"""
from __future__ import annotations

import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COMMISSION, REVIEWER
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..extensions import db
from ..rectification.services import CHANGED_MEANWHILE, RectificationError
from . import desk_queries as queries
from . import review
from .blueprint import bp
from .conflicts import conflict_label, resolve_recheck_conflict
from .desk_forms import BulkConfirmForm, ConfirmForm, ConflictForm, RejectForm
from .models import RECHECK_STATUSES, VERDICTS
from .results import followup_results

DESK_READERS = COMMISSION
DESK_ACTORS = (ADMIN, REVIEWER)


def _can_act() -> bool:
    """Tell whether the signed-in user may confirm and reject."""
    return current_user.role in DESK_ACTORS


def _campaign(campaign_id: int):
    """Return the follow-up campaign or answer 404."""
    campaign = queries.followup_campaign(campaign_id)
    if campaign is None:
        hidden_404()
    return campaign


@bp.route("/rechecks")
@roles_required(*DESK_READERS, hidden=True)
def desk_index():
    """List the follow-up campaigns with their rechecks counted by status (the desk's way in)."""
    return render_template("followup/desk_index.html", rows=queries.followup_campaigns(), statuses=RECHECK_STATUSES)


@bp.route("/<int:campaign_id>/rechecks")
@roles_required(*DESK_READERS, hidden=True)
def desk_list(campaign_id: int):
    """List a follow-up campaign's rechecks, filtered by verdict, status and unit, a page at a time."""
    campaign = _campaign(campaign_id)
    flt = queries.RecheckFilter.from_args(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = queries.recheck_rows(campaign.id, flt, page)
    return render_template("followup/desk_list.html", campaign=campaign, rows=rows, total=total, flt=flt,
                           args=flt.args(), page=page, pages=max(1, -(-total // queries.PAGE_SIZE)),
                           units=queries.campaign_units(campaign.id), verdicts=VERDICTS, statuses=RECHECK_STATUSES,
                           can_act=_can_act(), today=today_cst(), form=BulkConfirmForm(formdata=None))


@bp.route("/<int:campaign_id>/rechecks/confirm", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_bulk(campaign_id: int):
    """Confirm the ticked rechecks after a page naming each and what it will do; report each refusal."""
    campaign, form = _campaign(campaign_id), BulkConfirmForm()
    back = url_for("followup.desk_list", campaign_id=campaign.id, **queries.RecheckFilter.from_args(request.args).args())
    ids = list(dict.fromkeys(request.form.getlist("ids")))
    if not form.validate() or not ids:
        flash(next(iter(form.errors.values()))[0] if form.errors else "请先勾选要确认的复核", "error")
        return redirect(back, code=303)
    rechecks, today = queries.bulk_rechecks(campaign.id, ids), today_cst()
    seen = {str(r.id): request.form.get(f"v{r.id}", type=int) for r in rechecks}
    if request.form.get("confirmed") != "1":
        previews = [(r, review.outcome_for(r.verdict, review.item_of(r), today) if review.item_of(r) else None)
                    for r in rechecks]
        reopening = sum(1 for r, outcome in previews if outcome and outcome.reopens and r.status == "submitted")
        return render_template("followup/desk_confirm.html", campaign=campaign, previews=previews, seen=seen,
                               reopening=reopening, form=form, back=back, args=request.args)
    done, refused = review.confirm_many(rechecks, note=form.note.data or "", actor=current_actor(), today=today,
                                        yellow_percent=current_app.config["RECTIFY_YELLOW_PERCENT"], seen=seen)
    db.session.commit()
    if done:
        reopened = sum(1 for outcome in done if outcome.reopens)
        flash(f"已确认{len(done)}条复核" + (f"，其中{reopened}个事项已重新交办" if reopened else ""), "success")
    missing = len(ids) - len(rechecks)
    if refused or missing:
        details = "；".join(f"{label}（{message}）" for label, message in refused)
        gone = f"{missing}条复核不存在" if missing else ""
        flash(f"{len(refused) + missing}条复核未确认：" + "；".join(x for x in (details, gone) if x), "error")
    return redirect(back, code=303)


def _render(recheck, *, status: int = 200, kept: dict | None = None):
    """Render a recheck's page: the unit's report on the left, the team's recheck on the right, the forms."""
    item, today = review.item_of(recheck), today_cst()
    outcome = review.outcome_for(recheck.verdict, item, today) if item is not None else None
    return render_template("followup/desk_recheck.html", recheck=recheck, item=item, outcome=outcome,
                           today=today, can_act=_can_act(), kept=kept or {}, verdicts=VERDICTS,
                           conflict_label=conflict_label,
                           others=queries.other_rechecks(recheck), confirm_form=ConfirmForm(formdata=None),
                           reject_form=RejectForm(formdata=None)), status


def _load(recheck_id: uuid.UUID, *, for_update: bool = False):
    """Return the recheck or answer 404."""
    recheck = queries.load_recheck(recheck_id, for_update=for_update)
    if recheck is None:
        hidden_404()
    return recheck


@bp.route("/rechecks/<uuid:recheck_id>")
@roles_required(*DESK_READERS, hidden=True)
def desk_recheck(recheck_id: uuid.UUID):
    """Show one recheck beside what the unit reported for the same problem."""
    return _render(_load(recheck_id))


def _refused(recheck_id: uuid.UUID, message: str, kept: dict):
    """Roll back, flash the reason and show the recheck as it is now, the reviewer's text kept."""
    db.session.rollback()
    flash(message, "error")
    recheck = _load(recheck_id)
    stale = recheck.status != "submitted" or message in (CHANGED_MEANWHILE, review.RECHECK_CHANGED)
    return _render(recheck, status=409 if stale else 422, kept=kept)


@bp.route("/rechecks/<uuid:recheck_id>/confirm", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_confirm(recheck_id: uuid.UUID):
    """Confirm the recheck (确认) on the versions the reviewer saw; the reopen rule applies to its item."""
    recheck, form = _load(recheck_id, for_update=True), ConfirmForm()
    if not form.validate():
        return _refused(recheck_id, next(iter(form.errors.values()))[0], {"confirm": form.note.data})
    queries.lock_item(review.item_of(recheck))
    try:
        outcome = review.confirm_recheck(recheck, note=form.note.data or "", actor=current_actor(), today=today_cst(),
                                         yellow_percent=current_app.config["RECTIFY_YELLOW_PERCENT"],
                                         expected_version=form.version.data, item_version=form.item_version.data)
    except RectificationError as exc:
        return _refused(recheck_id, exc.message, {"confirm": form.note.data})
    db.session.commit()
    flash({"reopened": "已确认，该事项已重新交办单位", "consolidated": "已确认，该事项标记为巩固"}.get(
        outcome.decision, "已确认复核"), "success")
    return redirect(url_for("followup.desk_recheck", recheck_id=recheck_id), code=303)


@bp.route("/rechecks/<uuid:recheck_id>/reject", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_reject(recheck_id: uuid.UUID):
    """Reject the recheck (不予采纳) with a reason; the item is left as it is."""
    recheck, form = _load(recheck_id, for_update=True), RejectForm()
    if not form.validate():
        return _refused(recheck_id, next(iter(form.errors.values()))[0], {"reject": form.note.data})
    try:
        review.reject_recheck(recheck, note=form.note.data or "", actor=current_actor(),
                              expected_version=form.version.data)
    except RectificationError as exc:
        return _refused(recheck_id, exc.message, {"reject": form.note.data})
    db.session.commit()
    flash("已不予采纳该复核，整改事项未作改动", "success")
    return redirect(url_for("followup.desk_recheck", recheck_id=recheck_id), code=303)


@bp.route("/rechecks/<uuid:recheck_id>/conflict", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_conflict(recheck_id: uuid.UUID):
    """Settle one sync conflict of the recheck (keep the value in place, or take the other phone's)."""
    recheck, form = _load(recheck_id, for_update=True), ConflictForm()
    try:
        if not form.validate():
            raise RectificationError(next(iter(form.errors.values()))[0])
        resolve_recheck_conflict(recheck, form.key.data, form.choice.data, actor=current_actor(),
                                 expected_version=form.version.data)
    except RectificationError as exc:
        return _refused(recheck_id, exc.message, {})
    db.session.commit()
    flash("冲突已处理" + ("，可以审核了" if not recheck.in_conflict else ""), "success")
    return redirect(url_for("followup.desk_recheck", recheck_id=recheck_id), code=303)


@bp.route("/<int:campaign_id>/results")
@roles_required(*DESK_READERS, hidden=True)
def desk_results(campaign_id: int):
    """Show a follow-up campaign's results: verdicts, reopened items, 纸上整改 and 反弹 by unit and category."""
    campaign = _campaign(campaign_id)
    return render_template("followup/desk_results.html", campaign=campaign,
                           results=followup_results(campaign_id=campaign.id), verdicts=VERDICTS,
                           statuses=RECHECK_STATUSES)
