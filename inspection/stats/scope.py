"""Whose statistics a user may see: the one place the statistics scope is decided.

The commission (admin, coordinator, reviewer) sees the numbers of every campaign. A viewer (领导) sees
the numbers, and the titles, of campaigns that hold no secret left to keep: closed campaigns, and any
campaign a circular has been issued for (the circular already names its units and its findings, so its
statistics tell a reader nothing the circular does not; a viewer who may read the circular may read
them). An active campaign without an issued circular stays hidden: its title and period tell when and
often where teams are out; a draft campaign is a plan. Liaisons and inspectors see no statistics.

The statistics page, /api/v1/stats and the statistics workbook (/stats/statistics.xlsx) all count
through statistics_filter, so they agree for every reader.
"""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from ..auth.roles import COMMISSION, VIEWER
from ..campaigns.models import Campaign
from ..circulars.models import Circular


def viewer_campaign_ids() -> Select:
    """Select the ids of the campaigns a viewer may see statistics of: closed, or with an issued circular."""
    circulated = select(Circular.campaign_id).where(Circular.status == "issued", Circular.campaign_id.is_not(None))
    return select(Campaign.id).where(or_(Campaign.status == "closed", Campaign.id.in_(circulated)))


def statistics_campaigns_query(user) -> Select:
    """Select the campaigns whose statistics and titles the user may see."""
    query = select(Campaign)
    if user.role in COMMISSION:
        return query
    if user.role == VIEWER:
        return query.where(Campaign.id.in_(viewer_campaign_ids()))
    return query.where(false())


def statistics_filter(user, campaign_id_column):
    """Return a WHERE clause limiting counted rows to campaigns the user may see statistics of (None: all)."""
    if user.role in COMMISSION:
        return None
    if user.role == VIEWER:
        return campaign_id_column.in_(viewer_campaign_ids())
    return false()
