"""Read side of the recheck desk: the follow-up campaigns with their counts, one campaign's rechecks filtered,
and one recheck with everything its page shows (the unit's report on the left, the team's recheck on the right).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..campaigns.models import Campaign
from ..extensions import db
from ..findings.models import Finding
from ..rectification.models import RectificationEvent, RectificationItem
from ..units.models import Unit
from .models import RECHECK_STATUSES, VERDICTS, FollowupProblem, Recheck, RecheckPhoto

PAGE_SIZE = 100
MAX_BULK = 200


@dataclass(frozen=True)
class RecheckFilter:
    """The list's filter: verdict, status and unit (empty: any)."""

    verdict: str = ""
    status: str = ""
    unit_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "RecheckFilter":
        """Read the filter from the query string; values that mean nothing are ignored."""
        verdict, status, unit = args.get("verdict", ""), args.get("status", ""), args.get("unit", "")
        return cls(verdict=verdict if verdict in VERDICTS else "", status=status if status in RECHECK_STATUSES else "",
                   unit_id=int(unit) if unit.isdigit() else None)

    def args(self) -> dict:
        """Return the filter as query-string arguments (for links, the pager and the bulk form)."""
        values = {"verdict": self.verdict, "status": self.status, "unit": self.unit_id}
        return {k: v for k, v in values.items() if v}


def followup_campaigns() -> list[dict]:
    """Return every follow-up campaign, newest first, with its rechecks counted by status."""
    counts = {status: func.sum(case((Recheck.status == status, 1), else_=0)) for status in RECHECK_STATUSES}
    query = (select(Campaign, *counts.values(), func.count(Recheck.id))
             .outerjoin(Recheck, Recheck.campaign_id == Campaign.id).where(Campaign.kind == "followup")
             .group_by(Campaign.id).order_by(Campaign.start_date.desc(), Campaign.id.desc()))
    rows = []
    for campaign, *numbers, total in db.session.execute(query):
        rows.append({"campaign": campaign, "total": total,
                     "by_status": {status: int(n or 0) for status, n in zip(counts, numbers)}})
    return rows


def followup_campaign(campaign_id: int) -> Campaign | None:
    """Return the follow-up campaign, or None (an ordinary campaign has no rechecks to review)."""
    campaign = db.session.get(Campaign, campaign_id)
    return campaign if campaign is not None and campaign.is_followup else None


def _listed(campaign_id: int, flt: RecheckFilter):
    """Select a campaign's rechecks in the filter, in unit order then problem order."""
    query = (select(Recheck).join(FollowupProblem, FollowupProblem.id == Recheck.problem_id, isouter=True)
             .join(Unit, Unit.id == Recheck.unit_id, isouter=True).where(Recheck.campaign_id == campaign_id))
    if flt.verdict:
        query = query.where(Recheck.verdict == flt.verdict)
    if flt.status:
        query = query.where(Recheck.status == flt.status)
    if flt.unit_id:
        query = query.where(Recheck.unit_id == flt.unit_id)
    return query


def recheck_rows(campaign_id: int, flt: RecheckFilter, page: int) -> tuple[list[Recheck], int]:
    """Return one page of the campaign's rechecks in the filter, and how many there are in all."""
    query = _listed(campaign_id, flt)
    total = db.session.scalar(query.with_only_columns(func.count(Recheck.id)).order_by(None)) or 0
    query = (query.options(joinedload(Recheck.unit), joinedload(Recheck.team), joinedload(Recheck.created_by),
                           joinedload(Recheck.problem).joinedload(FollowupProblem.item)
                           .joinedload(RectificationItem.circular), selectinload(Recheck.photos))
             .order_by(Unit.sort_order, Unit.id, FollowupProblem.position, Recheck.created_at, Recheck.id)
             .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(db.session.scalars(query).unique()), total


def campaign_units(campaign_id: int) -> list[Unit]:
    """Return the units that have rechecks in the campaign, in official order (the filter's choices)."""
    ids = select(Recheck.unit_id).where(Recheck.campaign_id == campaign_id)
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.sort_order, Unit.id)))


def load_recheck(recheck_id: uuid.UUID, *, for_update: bool = False) -> Recheck | None:
    """Return the recheck with its problem, item (evidence, history), finding photos and the team's side."""
    query = select(Recheck).where(Recheck.id == recheck_id).options(
        joinedload(Recheck.unit), joinedload(Recheck.team), joinedload(Recheck.created_by),
        joinedload(Recheck.reviewed_by), joinedload(Recheck.visit), joinedload(Recheck.campaign),
        selectinload(Recheck.photos).joinedload(RecheckPhoto.photo),
        joinedload(Recheck.problem).joinedload(FollowupProblem.item).options(
            joinedload(RectificationItem.circular), selectinload(RectificationItem.evidence),
            selectinload(RectificationItem.events).joinedload(RectificationEvent.actor),
            joinedload(RectificationItem.finding).selectinload(Finding.photos)))
    if for_update:
        query = query.with_for_update(of=Recheck)
    return db.session.scalars(query).unique().one_or_none()


def lock_item(item: RectificationItem | None) -> None:
    """Lock the recheck's item row on PostgreSQL before deciding (SQLite serialises writers anyway)."""
    if item is not None:
        db.session.execute(select(RectificationItem.id).where(RectificationItem.id == item.id).with_for_update())


def bulk_rechecks(campaign_id: int, ids: list[str]) -> list[Recheck]:
    """Load the ticked rechecks of the campaign, locked for update, in list order."""
    wanted = []
    for value in ids[:MAX_BULK]:
        try:
            wanted.append(uuid.UUID(value))
        except ValueError:
            continue
    if not wanted:
        return []
    query = (_listed(campaign_id, RecheckFilter()).where(Recheck.id.in_(wanted))
             .options(joinedload(Recheck.unit), joinedload(Recheck.problem).joinedload(FollowupProblem.item)
                      .joinedload(RectificationItem.circular))
             .order_by(Unit.sort_order, Unit.id, FollowupProblem.position, Recheck.id))
    return list(db.session.scalars(query.with_for_update(of=Recheck)).unique())


def other_rechecks(recheck: Recheck) -> list[Recheck]:
    """Return the other rechecks of the same rectification item (earlier follow-ups, a second phone's)."""
    if recheck.problem is None:
        return []
    query = (select(Recheck).join(FollowupProblem, FollowupProblem.id == Recheck.problem_id)
             .where(FollowupProblem.item_id == recheck.problem.item_id, Recheck.id != recheck.id)
             .options(joinedload(Recheck.campaign)).order_by(Recheck.created_at))
    return list(db.session.scalars(query))
