"""The statistics queries: counts of confirmed findings, returned as plain data.

The statistics page, the statistics paragraph, the JSON API and the ledger's statistics sheet all call
`statistics()` and nothing else, so their numbers cannot disagree. Every count is a GROUP BY over the
findings table (indexes in stats/indexes.py); labels are joined on the small grouped result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, select

from ..campaigns.models import Campaign, Team
from ..checklists.models import ChecklistItem
from ..core.dates import date_cn, today_cst
from ..extensions import db
from ..findings.models import CADRE_LEVELS, CATEGORIES, Finding, InvolvedPerson
from ..units.models import Unit
from ..units.services import official_order
from ..rectification.deadlines import ColourRule
from ..rectification.numbers import RectificationFigures, Scope, figures
from ..outcomes.numbers import OutcomeFigures, outcome_figures
from ..visits.models import Visit
from .filters import FindingFilter, finding_conditions, visit_conditions
from .scope import statistics_campaigns_query, statistics_filter
from .shares import share_tenths, shares

CONFIRMED = "confirmed"
NO_UNIT = "未关联单位"
NO_ITEM = "未对应检查事项"
NO_TEAM = "未关联暗访组"


@dataclass
class Share:
    """One row of a breakdown: a count and its share in tenths of a percent (rounded half-up on its own)."""

    key: object
    label: str
    count: int
    tenths: int = 0
    full_label: str = ""
    link: dict | None = None  # filter arguments selecting the findings behind the figure

    @property
    def percent(self) -> float:
        return self.tenths / 10


@dataclass
class TrendPoint:
    """One campaign's figures, for the trend across campaigns."""

    campaign_id: int
    title: str
    start_date: date
    end_date: date
    findings: int
    units_visited: int
    units_with_problems: int
    link: dict | None = None


@dataclass
class Statistics:
    """Everything the statistics page shows, as plain data."""

    filter: FindingFilter
    campaign_title: str = ""
    period: tuple[date, date] | None = None
    total: int = 0
    units_visited: int = 0
    units_with_problems: int = 0
    teams: int = 0
    persons_total: int = 0
    by_unit: list[Share] = field(default_factory=list)
    by_category: list[Share] = field(default_factory=list)
    by_item: list[Share] = field(default_factory=list)
    by_cadre_level: list[Share] = field(default_factory=list)
    by_team: list[Share] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    rectification: RectificationFigures | None = None  # 整改 of the circulars in scope
    outcomes: OutcomeFigures | None = None  # 处理意见 of the confirmed findings in scope

    @property
    def scope_text(self) -> str:
        """Describe what the numbers cover: the campaign (or all campaigns) and the period."""
        text = self.campaign_title or "全部专项行动"
        start, end = self.filter.date_from, self.filter.date_to
        if start or end:
            text += f"（{date_cn(start) if start else '开始'}至{date_cn(end) if end else '今'}）"
        return text

    @property
    def units_with_problems_tenths(self) -> int:
        """Share of visited units that had problems, in tenths of a percent (0 when none visited)."""
        if not self.units_visited:
            return 0
        return share_tenths(self.units_with_problems, self.units_visited)


def visible_campaign(flt: FindingFilter, user) -> Campaign | None:
    """Return the filter's campaign; raise LookupError if it, or the filter's team, is not the user's to see."""
    if flt.team_id is not None:
        team_campaign = db.session.scalar(select(Team.campaign_id).where(Team.id == flt.team_id))
        if team_campaign is None or not db.session.scalar(
                statistics_campaigns_query(user).where(Campaign.id == team_campaign).with_only_columns(Campaign.id)):
            raise LookupError("team")
    if flt.campaign_id is None:
        return None
    campaign = db.session.scalar(statistics_campaigns_query(user).where(Campaign.id == flt.campaign_id))
    if campaign is None:
        raise LookupError("campaign")
    return campaign


def confirmed_conditions(flt: FindingFilter, user) -> list:
    """Return the WHERE clauses for the confirmed findings in the filter's scope that the user may count."""
    conds = [Finding.status == CONFIRMED, *finding_conditions(flt, status=False)]
    visible = statistics_filter(user, Finding.campaign_id)
    if visible is not None:
        conds.append(visible)
    return conds


def _visit_scope(flt: FindingFilter, user, *, campaign: bool = True) -> list:
    conds = visit_conditions(flt, campaign=campaign)
    visible = statistics_filter(user, Visit.campaign_id)
    if visible is not None:
        conds.append(visible)
    return conds


def _finish(rows: list[Share], flt: FindingFilter, arg: str | None, *, by_count: bool = True) -> list[Share]:
    """Order rows (largest count first unless told otherwise), add shares and links."""
    if by_count:
        rows.sort(key=lambda r: -r.count)  # stable: ties keep the official order given
    base = {**flt.to_args(), "status": CONFIRMED}
    for row, tenths in zip(rows, shares([r.count for r in rows])):
        row.tenths = tenths
        if arg is not None and row.key is not None:
            row.link = {**base, arg: row.key}
    return rows


def by_unit(flt: FindingFilter, user) -> list[Share]:
    """Count confirmed findings per unit (ties in the units' official order, findings without a unit last)."""
    counts = (select(Finding.unit_id, func.count().label("n")).where(*confirmed_conditions(flt, user))
              .group_by(Finding.unit_id).subquery())
    query = select(counts.c.unit_id, counts.c.n, Unit.name, Unit.short_name).outerjoin(
        Unit, Unit.id == counts.c.unit_id).order_by(Unit.id.is_(None), *official_order(), counts.c.unit_id)
    rows = [Share(key=uid, label=(short or name) if uid else NO_UNIT, full_label=name or NO_UNIT, count=n)
            for uid, n, name, short in db.session.execute(query)]
    return _finish(rows, flt, "unit")


def by_category(flt: FindingFilter, user) -> list[Share]:
    """Count confirmed findings per problem category (ties in the checklist's official order)."""
    query = select(Finding.category, func.count()).where(*confirmed_conditions(flt, user)).group_by(
        Finding.category)
    order = {name: i for i, name in enumerate(CATEGORIES)}
    rows = sorted((Share(key=c, label=c, full_label=c, count=n) for c, n in db.session.execute(query)),
                  key=lambda r: (order.get(r.key, len(order)), r.key))
    return _finish(rows, flt, "category")


def by_item(flt: FindingFilter, user) -> list[Share]:
    """Count confirmed findings per checklist item."""
    counts = (select(Finding.item_id, func.count().label("n")).where(*confirmed_conditions(flt, user))
              .group_by(Finding.item_id).subquery())
    query = select(counts.c.item_id, counts.c.n, ChecklistItem.code, ChecklistItem.text).outerjoin(
        ChecklistItem, ChecklistItem.id == counts.c.item_id).order_by(ChecklistItem.code, counts.c.item_id)
    rows = [Share(key=iid, label=code or NO_ITEM, full_label=f"{code} {text}" if iid else NO_ITEM, count=n)
            for iid, n, code, text in db.session.execute(query)]
    return _finish(rows, flt, "item")


def by_cadre_level(flt: FindingFilter, user) -> list[Share]:
    """Count the persons involved in confirmed findings per cadre level, in rank order (县级 first)."""
    query = (select(InvolvedPerson.cadre_level, func.count())
             .join(Finding, Finding.id == InvolvedPerson.finding_id)
             .where(*confirmed_conditions(flt, user)).group_by(InvolvedPerson.cadre_level))
    order = {level: i for i, level in enumerate(CADRE_LEVELS)}
    rows = sorted((Share(key=lvl, label=CADRE_LEVELS.get(lvl, lvl), full_label=CADRE_LEVELS.get(lvl, lvl),
                         count=n) for lvl, n in db.session.execute(query)),
                  key=lambda r: (order.get(r.key, len(order)), r.key))
    return _finish(rows, flt, "cadre_level", by_count=False)


def by_team(flt: FindingFilter, user) -> list[Share]:
    """Count confirmed findings per team (named with its campaign when several campaigns are counted)."""
    counts = (select(Finding.team_id, func.count().label("n")).where(*confirmed_conditions(flt, user))
              .group_by(Finding.team_id).subquery())
    query = (select(counts.c.team_id, counts.c.n, Team.name, Campaign.title)
             .outerjoin(Team, Team.id == counts.c.team_id).outerjoin(Campaign, Campaign.id == Team.campaign_id)
             .order_by(counts.c.team_id))
    rows = []
    for tid, n, name, title in db.session.execute(query):
        full = f"{name}（{title}）" if tid else NO_TEAM
        label = (name if flt.campaign_id else full) if tid else NO_TEAM
        rows.append(Share(key=tid, label=label, full_label=full, count=n))
    return _finish(rows, flt, "team")


def visit_counts(flt: FindingFilter, user) -> tuple[int, int]:
    """Return (units visited, teams that visited) in the filter's scope."""
    query = select(func.count(distinct(Visit.unit_id)), func.count(distinct(Visit.team_id))).where(
        *_visit_scope(flt, user))
    units, teams = db.session.execute(query).one()
    return units, teams


def trend(flt: FindingFilter, user) -> list[TrendPoint]:
    """Return each visible campaign's figures (the campaign filter is ignored: the trend spans campaigns)."""
    open_flt = flt.with_(campaign_id=None)
    found = dict((cid, (n, u)) for cid, n, u in db.session.execute(
        select(Finding.campaign_id, func.count(), func.count(distinct(Finding.unit_id)))
        .where(*confirmed_conditions(open_flt, user)).group_by(Finding.campaign_id)))
    visited = dict(db.session.execute(
        select(Visit.campaign_id, func.count(distinct(Visit.unit_id)))
        .where(*_visit_scope(open_flt, user, campaign=False)).group_by(Visit.campaign_id)).all())
    ids = {cid for cid in (*found, *visited) if cid is not None}
    if not ids:
        return []
    campaigns = db.session.execute(select(Campaign.id, Campaign.title, Campaign.start_date, Campaign.end_date)
                                   .where(Campaign.id.in_(ids)).order_by(Campaign.start_date, Campaign.id))
    points = []
    for cid, title, start, end in campaigns:
        n, units = found.get(cid, (0, 0))
        link = {**open_flt.to_args(), "campaign": cid, "status": CONFIRMED} if n else None
        points.append(TrendPoint(cid, title, start, end, n, visited.get(cid, 0), units, link))
    return points


def statistics(flt: FindingFilter, user, *, campaign: Campaign | None = None,
               with_trend: bool = True) -> Statistics:
    """Compute every figure of the statistics page for the filter, as the user may see it."""
    stats = Statistics(filter=flt)
    if campaign is not None:
        stats.campaign_title = campaign.title
    if flt.date_from or flt.date_to:
        stats.period = (flt.date_from, flt.date_to)
    elif campaign is not None:
        stats.period = (campaign.start_date, campaign.end_date)
    stats.by_unit = by_unit(flt, user)
    stats.by_category = by_category(flt, user)
    stats.by_item = by_item(flt, user)
    stats.by_cadre_level = by_cadre_level(flt, user)
    stats.by_team = by_team(flt, user)
    stats.total = sum(r.count for r in stats.by_unit)
    stats.units_with_problems = sum(1 for r in stats.by_unit if r.key is not None)
    stats.persons_total = sum(r.count for r in stats.by_cadre_level)
    stats.units_visited, stats.teams = visit_counts(flt, user)
    if with_trend:
        stats.trend = trend(flt, user)
    stats.rectification = rectification_figures(flt)
    stats.outcomes = outcome_figures(flt, user)
    return stats


def rectification_figures(flt: FindingFilter) -> RectificationFigures:
    """Work out the 整改 figures of the circulars in the filter's campaign, unit and category, as of today."""
    scope = Scope(campaign_id=flt.campaign_id, unit_id=flt.unit_id, category=flt.category)
    return figures(scope, ColourRule(today=today_cst()))
