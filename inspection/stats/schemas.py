"""Output schemas of the statistics API (the same figures as the statistics page)."""
from marshmallow import fields

from ..core.schemas import Schema
from ..followup.schemas import FollowupStatsSchema
from ..outcomes.schemas import OutcomeStatsSchema
from ..rectification.schemas import RectificationStatsSchema


class ShareSchema(Schema):
    """One row of a breakdown: key, names, count and share in percent (one decimal, rounded half-up on its own)."""

    key = fields.Raw(dump_only=True)
    label = fields.String(dump_only=True)
    name = fields.String(attribute="full_label", dump_only=True)
    count = fields.Integer(dump_only=True)
    percent = fields.Float(dump_only=True)


class TrendPointSchema(Schema):
    """One campaign's figures in the trend across campaigns."""

    campaign_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    start_date = fields.Date(dump_only=True)
    end_date = fields.Date(dump_only=True)
    findings = fields.Integer(dump_only=True)
    units_visited = fields.Integer(dump_only=True)
    units_with_problems = fields.Integer(dump_only=True)


class ScopeSchema(Schema):
    """What the numbers cover."""

    campaign_id = fields.Integer(dump_only=True, allow_none=True)
    campaign_title = fields.String(dump_only=True)
    date_from = fields.Date(data_key="from", dump_only=True, allow_none=True)
    date_to = fields.Date(data_key="to", dump_only=True, allow_none=True)
    unit_id = fields.Integer(data_key="unit", dump_only=True, allow_none=True)
    team_id = fields.Integer(data_key="team", dump_only=True, allow_none=True)
    category = fields.String(dump_only=True, allow_none=True)
    description = fields.String(dump_only=True)


class StatsSchema(Schema):
    """Counts of confirmed findings and their shares, as on the statistics page."""

    scope = fields.Nested(ScopeSchema, dump_only=True)
    total_findings = fields.Integer(attribute="total", dump_only=True)
    units_visited = fields.Integer(dump_only=True)
    units_with_problems = fields.Integer(dump_only=True)
    units_with_problems_percent = fields.Float(dump_only=True)
    teams = fields.Integer(dump_only=True)
    persons_total = fields.Integer(dump_only=True)
    by_unit = fields.List(fields.Nested(ShareSchema), dump_only=True)
    by_category = fields.List(fields.Nested(ShareSchema), dump_only=True)
    by_item = fields.List(fields.Nested(ShareSchema), dump_only=True)
    by_cadre_level = fields.List(fields.Nested(ShareSchema), dump_only=True)
    by_team = fields.List(fields.Nested(ShareSchema), dump_only=True)
    trend = fields.List(fields.Nested(TrendPointSchema), dump_only=True)
    rectification = fields.Nested(RectificationStatsSchema, dump_only=True, allow_none=True)
    followup = fields.Nested(FollowupStatsSchema, dump_only=True, allow_none=True)  # 回头看: 纸上整改 / 反弹
    outcomes = fields.Nested(OutcomeStatsSchema, dump_only=True, allow_none=True)
    paragraph = fields.String(dump_only=True)
