"""Gather the facts the 整改情况通报 is drafted from: the queries behind report_drafting.py.

Which rechecks count: confirmed ones of the follow-up campaign, each item once by its latest confirmed recheck
(review time, then id: the rule of the results page, followup/results.py, so the counts agree).
Which outcomes count: those recorded for the problems named for 纸上整改 or 反弹, decided on or after the
follow-up campaign's first day (earlier ones handled the original finding, and its circular said so).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, select

from ..campaigns.models import Campaign, Target
from ..circulars.models import Circular
from ..core.dates import to_cst, today_cst
from ..extensions import db
from ..outcomes.models import Outcome
from ..rectification.deadlines import ColourRule
from ..rectification.models import RectificationItem as Item
from ..rectification.numbers import RectificationFigures, Scope, figures
from ..units.models import Unit
from ..units.services import official_key, official_order
from ..visits.models import Visit
from .models import FollowupPlan, FollowupProblem, Recheck
from .report_drafting import NAMED, OutcomeFact, RecheckFact, ReportFacts, SourceCircular, UnitFact


class CircularsScope(Scope):
    """The 整改 figures' scope over several circulars at once (the follow-up's sources)."""

    def __init__(self, circular_ids: list[int]):
        super().__init__()
        self.circular_ids = list(circular_ids)

    def where(self, query):
        """Narrow a query over items to the source circulars."""
        return query.where(Item.circular_id.in_(self.circular_ids))


def source_circulars(plan: FollowupPlan | None) -> list[Circular]:
    """Return the plan's issued source circulars, in the plan's order."""
    return [c for c in (plan.circulars if plan else []) if c.is_issued]


def source_figures(circular_ids: list[int], today: date) -> RectificationFigures:
    """Work out the 整改 figures of the source circulars as the statistics feature does."""
    return figures(CircularsScope(circular_ids), ColourRule(today=today))


def _visits_span(campaign: Campaign) -> tuple[date | None, date | None, int]:
    """Return the first and last day (China time) of the campaign's visits, and how many teams went."""
    first, last, teams = db.session.execute(
        select(func.min(Visit.started_at), func.max(Visit.started_at), func.count(distinct(Visit.team_id)))
        .where(Visit.campaign_id == campaign.id)).one()
    if first is None:
        return campaign.start_date, campaign.end_date, len(campaign.teams)
    return to_cst(first).date(), to_cst(last).date(), int(teams or 0)


def confirmed_rechecks(campaign_id: int) -> list[Recheck]:
    """Return the campaign's confirmed rechecks, the latest confirmed one per item (results.py's rule)."""
    rows = db.session.scalars(select(Recheck).where(Recheck.campaign_id == campaign_id,
                                                    Recheck.status == "confirmed")).all()

    def order(recheck: Recheck) -> tuple:
        """Sort by review time, then id, as the results page does."""
        return (recheck.reviewed_at.timestamp() if recheck.reviewed_at else 0.0, str(recheck.id))

    latest: dict = {}
    for recheck in sorted(rows, key=order):
        item_id = recheck.problem.item_id if recheck.problem is not None else None
        latest[item_id or recheck.finding_id] = recheck
    return list(latest.values())


def _item_of(recheck: Recheck, items_by_finding: dict) -> Item | None:
    """Return the rectification item a recheck is about."""
    if recheck.problem is not None and recheck.problem.item is not None:
        return recheck.problem.item
    return items_by_finding.get(recheck.finding_id)


def recheck_fact(recheck: Recheck, item: Item | None) -> RecheckFact:
    """Reduce a confirmed recheck (and its item) to what the drafter prints."""
    when = recheck.visit.started_at if recheck.visit is not None else recheck.created_at
    unit = recheck.unit or (item.unit if item else None)
    return RecheckFact(unit=unit.name if unit else "（未知单位）", verdict=recheck.verdict,
                       checked_on=to_cst(when).date() if when else None, note=recheck.note or "",
                       problem=item.problem if item else (recheck.finding.description if recheck.finding else ""),
                       doc_number=item.circular.doc_number if item else "", claimed=item.measures if item else "",
                       decision=recheck.decision or "", due_date=item.due_date if item else None,
                       unit_rank=official_key(unit))


def _outcomes(campaign: Campaign, finding_ids: set) -> list[OutcomeFact]:
    """Return the outcomes recorded for the named problems since the follow-up began."""
    if not finding_ids:
        return []
    rows = db.session.scalars(select(Outcome).where(Outcome.finding_id.in_(finding_ids),
                                                    Outcome.decided_on >= campaign.start_date)
                              .order_by(Outcome.decided_on, Outcome.id)).all()
    facts = []
    for outcome in rows:
        unit = outcome.finding.unit if outcome.finding else None
        facts.append(OutcomeFact(unit=unit.name if unit else "", person=outcome.person_name, post=outcome.post,
                                 measure=outcome.measure, measure_label=outcome.measure_label, body=outcome.body,
                                 decided_on=outcome.decided_on, unit_rank=official_key(unit)))
    return facts


def gather(campaign: Campaign, *, today: date | None = None, issuer: str = "县纪委监委") -> ReportFacts:
    """Gather every fact of a follow-up campaign's 整改情况通报."""
    plan = db.session.get(FollowupPlan, campaign.id)
    sources = source_circulars(plan)
    source_ids = [c.id for c in sources]
    start, end, teams = _visits_span(campaign)
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(
        select(Target.unit_id).where(Target.campaign_id == campaign.id))).order_by(*official_order())))
    items = list(db.session.scalars(select(Item).where(Item.circular_id.in_(source_ids)))) if source_ids else []
    items_by_finding = {item.finding_id: item for item in items}
    rechecks = confirmed_rechecks(campaign.id)
    recheck_facts = [recheck_fact(r, _item_of(r, items_by_finding)) for r in rechecks]
    unit_facts = []
    for unit in units:
        own = [i for i in items if i.unit_id == unit.id]
        unit_facts.append(UnitFact(name=unit.name, items=len(own), closed=sum(1 for i in own if i.status == "closed"),
                                   verdicts=[r.verdict for r in rechecks if r.unit_id == unit.id],
                                   unit_rank=official_key(unit)))
    named = {r.finding_id for r in rechecks if r.verdict in dict(NAMED)}
    problems = db.session.scalar(select(func.count(FollowupProblem.id))
                                 .where(FollowupProblem.campaign_id == campaign.id)) or 0
    return ReportFacts(sources=[SourceCircular(c.doc_number, c.title) for c in sources], start=start, end=end,
                       team_count=teams, cross=bool(plan.cross) if plan else False,
                       units_checked=[u.name for u in units], problems_checked=int(problems),
                       figures=source_figures(source_ids, today or today_cst()), rechecks=recheck_facts,
                       units=unit_facts, outcomes=_outcomes(campaign, named), issuer=issuer)


def unreviewed_counts(campaign_id: int) -> dict[str, int]:
    """Count the campaign's rechecks not yet reviewed, by status (submitted = 待审核, pending_visit)."""
    rows = db.session.execute(select(Recheck.status, func.count(Recheck.id))
                              .where(Recheck.campaign_id == campaign_id,
                                     Recheck.status.in_(("submitted", "pending_visit")))
                              .group_by(Recheck.status)).all()
    return {status: int(count) for status, count in rows}
