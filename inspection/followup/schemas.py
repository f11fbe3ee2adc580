"""Output schema of the 回头看 figures in /api/v1/stats (`followup`: the same numbers as the results pages)."""
from marshmallow import fields

from ..core.schemas import Schema


class DefectRowSchema(Schema):
    """One unit or category: items confirmed 纸上整改, 反弹, and both."""

    unit_id = fields.Integer(dump_only=True)
    category = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    paper = fields.Integer(dump_only=True)
    relapse = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)


class FollowupStatsSchema(Schema):
    """回头看 results: problems rechecked, verdicts of confirmed rechecks, 纸上整改 / 反弹 by unit and category."""

    campaign_id = fields.Integer(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True)
    problems = fields.Integer(dump_only=True)
    rechecked = fields.Integer(dump_only=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    confirmed = fields.Integer(dump_only=True)
    verdicts = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    verdict_labels = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    paper = fields.Integer(dump_only=True)
    relapse = fields.Integer(dump_only=True)
    defect_percent = fields.Float(dump_only=True)
    defect_share = fields.String(dump_only=True)
    reopened = fields.Integer(dump_only=True)
    consolidated = fields.Integer(dump_only=True)
    flag_labels = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    by_unit = fields.List(fields.Nested(DefectRowSchema), dump_only=True)
    by_category = fields.List(fields.Nested(DefectRowSchema), dump_only=True)
