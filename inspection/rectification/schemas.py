"""Output schemas of the 整改 figures in /api/v1/stats (the same numbers as the statistics page and the XLSX)."""
from marshmallow import fields

from ..core.schemas import Schema


class RectificationRowSchema(Schema):
    """One unit or category: items, closed, overdue and the rectification rate in percent (one decimal)."""

    name = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True)
    closed = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True)
    rate_percent = fields.Float(dump_only=True)


class RectificationStatsSchema(Schema):
    """整改 figures on a day: items of issued circulars, closed (销号), overdue, rate, median days to 销号."""

    as_of = fields.Date(dump_only=True)
    total = fields.Integer(dump_only=True)
    closed = fields.Integer(dump_only=True)
    submitted = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True)
    overdue_units = fields.Integer(dump_only=True)
    units = fields.Integer(dump_only=True)
    rate_percent = fields.Float(dump_only=True)
    median_days_to_close = fields.Float(dump_only=True, allow_none=True)
    by_unit = fields.List(fields.Nested(RectificationRowSchema), dump_only=True)
    by_category = fields.List(fields.Nested(RectificationRowSchema), dump_only=True)
    sentence = fields.String(dump_only=True)
