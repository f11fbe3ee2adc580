"""One filter for findings, shared by the review queue, the ledger, the statistics page and the stats API.

The same `FindingFilter` turns into the same SQL conditions everywhere, which is what makes the numbers on
the page, in the paragraph, in the API and in the XLSX agree.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from datetime import date, timedelta

from marshmallow import EXCLUDE, fields, validate
from sqlalchemy import exists, or_, select

from ..core.schemas import Schema
from ..core.dates import cst_midnight
from ..findings.models import CADRE_LEVELS, FINDING_STATUSES, Finding, InvolvedPerson
from ..visits.models import Visit

# Status choices a filter accepts beyond the real statuses: "awaiting" is the review desk's to-do list.
VIRTUAL_STATUSES = {
    "awaiting": "待处理（待审核或有冲突）",
    "conflict": "有同步冲突",
    "all": "全部",
}
STATUS_CHOICES = {**VIRTUAL_STATUSES, **FINDING_STATUSES}

# URL argument name for each filter attribute (short names keep links readable).
ARG_NAMES = {
    "campaign_id": "campaign",
    "team_id": "team",
    "unit_id": "unit",
    "item_id": "item",
    "category": "category",
    "cadre_level": "cadre_level",
    "status": "status",
    "date_from": "from",
    "date_to": "to",
    "q": "q",
}


class FilterSchema(Schema):
    """Validate filter arguments from a query string (empty values count as absent)."""

    class Meta:
        unknown = EXCLUDE

    campaign_id = fields.Integer(data_key="campaign", validate=validate.Range(min=1))
    team_id = fields.Integer(data_key="team", validate=validate.Range(min=1))
    unit_id = fields.Integer(data_key="unit", validate=validate.Range(min=1))
    item_id = fields.Integer(data_key="item", validate=validate.Range(min=1))
    category = fields.String(validate=validate.Length(max=40))
    cadre_level = fields.String(validate=validate.OneOf(list(CADRE_LEVELS)))
    status = fields.String(validate=validate.OneOf(list(STATUS_CHOICES)))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    q = fields.String(validate=validate.Length(max=100))


@dataclass(frozen=True)
class FindingFilter:
    """Which findings to look at; None means "any"."""

    campaign_id: int | None = None
    team_id: int | None = None
    unit_id: int | None = None
    item_id: int | None = None
    category: str | None = None
    cadre_level: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args, **defaults) -> "FindingFilter":
        """Build a filter from query-string arguments; raise marshmallow.ValidationError on bad values."""
        raw = {key: value.strip() for key, value in args.items() if isinstance(value, str) and value.strip()}
        data = {**defaults, **FilterSchema().load(raw)}
        return cls(**data)

    def with_(self, **changes) -> "FindingFilter":
        """Return a copy with some attributes changed."""
        return replace(self, **changes)

    def to_args(self) -> dict:
        """Return the query-string arguments that rebuild this filter (for links and exports)."""
        args = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            if value is None or value == "":
                continue
            args[ARG_NAMES[name]] = value.isoformat() if isinstance(value, date) else value
        return args

    def snapshot(self) -> dict:
        """Return the filter's set fields as plain values under their own names (for the audit log)."""
        return {name: value.isoformat() if isinstance(value, date) else value
                for name in FIELD_NAMES if (value := getattr(self, name)) not in (None, "")}

    def is_empty(self) -> bool:
        """Tell whether nothing but perhaps the status is filtered."""
        return not any(getattr(self, name) for name in FIELD_NAMES if name != "status")


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(FindingFilter))


def status_condition(status: str | None):
    """Return the WHERE clause for a status choice (None and "all" select every status)."""
    if status in (None, "", "all"):
        return None
    if status == "awaiting":
        return or_(Finding.status == "submitted", Finding.in_conflict.is_(True))
    if status == "conflict":
        return Finding.in_conflict.is_(True)
    return Finding.status == status


def finding_conditions(flt: FindingFilter, *, status: bool = True) -> list:
    """Return the WHERE clauses selecting the filter's findings (`status=False` ignores the status)."""
    conds = []
    if flt.campaign_id is not None:
        conds.append(Finding.campaign_id == flt.campaign_id)
    if flt.team_id is not None:
        conds.append(Finding.team_id == flt.team_id)
    if flt.unit_id is not None:
        conds.append(Finding.unit_id == flt.unit_id)
    if flt.item_id is not None:
        conds.append(Finding.item_id == flt.item_id)
    if flt.category:
        conds.append(Finding.category == flt.category)
    if flt.cadre_level:
        conds.append(exists().where(InvolvedPerson.finding_id == Finding.id,
                                    InvolvedPerson.cadre_level == flt.cadre_level))
    if flt.date_from is not None:
        conds.append(Finding.occurred_at >= cst_midnight(flt.date_from))
    if flt.date_to is not None:
        conds.append(Finding.occurred_at < cst_midnight(flt.date_to + timedelta(days=1)))
    if flt.q:
        like = flt.q
        named = select(InvolvedPerson.finding_id).where(InvolvedPerson.name.contains(like, autoescape=True))
        conds.append(or_(Finding.description.contains(like, autoescape=True),
                         Finding.location.contains(like, autoescape=True),
                         Finding.id.in_(named)))
    if status:
        clause = status_condition(flt.status)
        if clause is not None:
            conds.append(clause)
    return conds


def visit_conditions(flt: FindingFilter, *, campaign: bool = True) -> list:
    """Return the WHERE clauses selecting the visits in the filter's scope (campaign, team, unit, period)."""
    conds = []
    if campaign and flt.campaign_id is not None:
        conds.append(Visit.campaign_id == flt.campaign_id)
    if flt.team_id is not None:
        conds.append(Visit.team_id == flt.team_id)
    if flt.unit_id is not None:
        conds.append(Visit.unit_id == flt.unit_id)
    if flt.date_from is not None:
        conds.append(Visit.started_at >= cst_midnight(flt.date_from))
    if flt.date_to is not None:
        conds.append(Visit.started_at < cst_midnight(flt.date_to + timedelta(days=1)))
    return conds
