"""The statistics page (HTML): tables, SVG charts and the statistics paragraph, read-only.

Admins, coordinators, reviewers and viewers see it; a viewer sees closed campaigns and campaigns with
an issued circular only (see stats/scope.py). The same figures download as a workbook (statistics.xlsx). Figures link to the findings behind them for those who may open the review
desk (admins and reviewers); for everyone else they are plain numbers.
"""
from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, REVIEWER, VIEWER
from ..campaigns.models import Campaign, Team
from ..checklists.services import category_choices
from ..core.actor import current_actor
from ..core.dates import CST
from ..core.responses import set_attachment
from ..extensions import db
from ..followup.results import stats_results
from ..outcomes.numbers import outcome_sheets
from ..units.services import official_units
from . import charts, ledger
from .filters import FindingFilter
from .paragraph import statistics_paragraph
from .queries import statistics, visible_campaign
from .scope import statistics_campaigns_query
from .shares import format_tenths
from .xlsx import write_workbook

bp = Blueprint("stats", __name__, url_prefix="/stats")

STATS_ROLES = (ADMIN, COORDINATOR, REVIEWER, VIEWER)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_ROLES = (ADMIN, REVIEWER)  # who may open the list of findings behind a figure


def linker(user):
    """Return a function turning a figure's filter arguments into a link to its findings, or None."""
    if user.role not in LIST_ROLES:
        return lambda link: None
    return lambda link: url_for("review.queue", **link) if link else None


def filter_choices(user) -> dict:
    """Return the campaigns (only those the user may see), teams, units and categories for the filter form."""
    campaigns = list(db.session.scalars(statistics_campaigns_query(user)
                                        .order_by(Campaign.start_date.desc(), Campaign.id.desc())))
    ids = [c.id for c in campaigns] or [-1]
    teams = list(db.session.scalars(select(Team).options(joinedload(Team.campaign))
                                    .where(Team.campaign_id.in_(ids)).order_by(Team.campaign_id, Team.id)))
    units = official_units()
    return {"campaigns": campaigns, "teams": teams, "units": units, "categories": category_choices()}


@bp.route("/")
@roles_required(*STATS_ROLES, hidden=True)
def index():
    """Show the statistics of confirmed findings for a campaign, a period or all time."""
    try:
        flt = FindingFilter.from_args(request.args)
    except ValidationError:
        flash("筛选条件有误，已显示全部统计", "error")
        flt = FindingFilter()
    try:
        campaign = visible_campaign(flt, current_user)
    except LookupError:
        hidden_404()
    stats = statistics(flt, current_user, campaign=campaign)
    href = linker(current_user)
    bars = {name: charts.bar_chart(rows, caption=caption, unit=unit)
            for name, rows, caption, unit in (
                ("unit", stats.by_unit, "按单位统计", "个"), ("category", stats.by_category, "按问题类别统计", "个"),
                ("item", stats.by_item, "按检查事项统计", "个"), ("level", stats.by_cadre_level, "按干部层级统计", "人"),
                ("team", stats.by_team, "按暗访组统计", "个"))}
    trend = charts.trend_chart(stats.trend)
    return render_template("stats/index.html", stats=stats, paragraph=statistics_paragraph(stats), bars=bars,
                           trend=trend, href=href, pct=format_tenths, flt=flt, args=flt.to_args(),
                           choices=filter_choices(current_user), followup=stats_results(campaign, current_user))


@bp.route("/statistics.xlsx")
@roles_required(*STATS_ROLES, hidden=True)
def export_xlsx():
    """Download the statistics page's figures for the same filter as an XLSX workbook (one sheet)."""
    try:
        flt = FindingFilter.from_args(request.args)
    except ValidationError:
        abort(400)
    try:
        campaign = visible_campaign(flt, current_user)
    except LookupError:
        hidden_404()
    stats = statistics(flt, current_user, campaign=campaign)
    buffer = io.BytesIO()
    sheet = ledger.statistics_sheet(stats, statistics_paragraph(stats), stats.scope_text)
    write_workbook(buffer, [sheet, *outcome_sheets(stats.outcomes, stats.scope_text)], title=f"问题统计（{stats.scope_text}）")
    record(current_actor(), "stats.exported", "statistics", "", f"导出问题统计（{stats.scope_text}）",
           after={"format": "xlsx", "filters": flt.snapshot()})
    db.session.commit()
    response = Response(buffer.getvalue(), mimetype=XLSX_MIME)
    set_attachment(response, f"问题统计-{datetime.now(CST):%Y%m%d-%H%M}.xlsx", "statistics.xlsx")
    return response
