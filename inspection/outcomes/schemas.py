"""Output schemas of the 处理意见 figures in /api/v1/stats (the same numbers as the statistics page and the XLSX)."""
from marshmallow import fields

from ..core.schemas import Schema


class OutcomeRowSchema(Schema):
    """One measure or cadre level: persons, person-times and its share in percent (one decimal, half-up)."""

    key = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    persons = fields.Integer(dump_only=True)
    person_times = fields.Integer(dump_only=True)
    percent = fields.Float(dump_only=True)


class OutcomeTableRowSchema(Schema):
    """One cadre level of the measure × cadre-level table: person-times per measure key, and in all."""

    cadre_level = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    person_times = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    total = fields.Integer(dump_only=True)


class OutcomeStatsSchema(Schema):
    """处理意见 of the confirmed findings in scope: persons handled, person-times, breakdowns, the sentence."""

    persons = fields.Integer(dump_only=True)
    person_times = fields.Integer(dump_only=True)
    by_measure = fields.List(fields.Nested(OutcomeRowSchema), dump_only=True)
    by_cadre_level = fields.List(fields.Nested(OutcomeRowSchema), dump_only=True)
    table = fields.List(fields.Nested(OutcomeTableRowSchema), dump_only=True)
    sentence = fields.String(dump_only=True)
