"""Statistics API: GET /api/v1/stats, the statistics page's numbers as JSON for dashboards elsewhere."""
from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from ..auth.access import roles_required
from ..errors import ApiError
from ..followup.results import results_payload, stats_results
from ..outcomes.numbers import outcomes_payload
from ..rectification.numbers import figures_payload
from .filters import FindingFilter
from .paragraph import statistics_paragraph
from .queries import Statistics, statistics, visible_campaign
from .schemas import StatsSchema
from .views import STATS_ROLES

bp = Blueprint("stats_api", __name__, url_prefix="/api/v1")


def payload(stats: Statistics, paragraph: str) -> dict:
    """Arrange the statistics for StatsSchema."""
    flt = stats.filter
    scope = {"campaign_id": flt.campaign_id, "campaign_title": stats.campaign_title, "date_from": flt.date_from,
             "date_to": flt.date_to, "unit_id": flt.unit_id, "team_id": flt.team_id, "category": flt.category,
             "description": stats.scope_text}
    return {"scope": scope, "total": stats.total, "units_visited": stats.units_visited,
            "units_with_problems": stats.units_with_problems,
            "units_with_problems_percent": stats.units_with_problems_tenths / 10, "teams": stats.teams,
            "persons_total": stats.persons_total, "by_unit": stats.by_unit, "by_category": stats.by_category,
            "by_item": stats.by_item, "by_cadre_level": stats.by_cadre_level, "by_team": stats.by_team,
            "trend": stats.trend, "paragraph": paragraph,
            "rectification": figures_payload(stats.rectification) if stats.rectification else None,
            "outcomes": outcomes_payload(stats.outcomes) if stats.outcomes else None}


@bp.get("/stats")
@roles_required(*STATS_ROLES, api=True, hidden=True)
def stats():
    """Return counts and shares of confirmed findings for ?campaign=, from=, to=, unit=, team=, category=."""
    flt = FindingFilter.from_args(request.args)
    try:
        campaign = visible_campaign(flt, current_user)
    except LookupError:
        raise ApiError(404, "not_found", "专项行动或暗访组不存在") from None
    figures = statistics(flt, current_user, campaign=campaign)
    data = payload(figures, statistics_paragraph(figures))
    followup = stats_results(campaign, current_user)
    data["followup"] = results_payload(followup) if followup is not None else None
    return StatsSchema().dump(data)
