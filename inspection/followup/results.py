"""回头看 results: rechecked problems, verdicts, and 纸上整改 / 反弹 by unit and by category.

One rule for every count: an item counts once, by the latest confirmed recheck of it in scope (one follow-up
campaign, or all of them). Its verdict gives the flag the review put on it (未整改 → 纸上整改, 反弹 → 反弹;
已整改 on a closed item → 巩固), so these numbers agree with the items' flags as the review set them.
Shares are rounded half-up to one decimal each on its own (stats/shares.py).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..campaigns.models import Campaign
from ..extensions import db
from ..rectification.models import FLAGS, RectificationItem
from ..stats.scope import statistics_filter
from ..stats.shares import format_tenths, share_tenths
from ..units.models import Unit
from .models import RECHECK_STATUSES, VERDICTS, FollowupProblem, Recheck

DEFECTS = ("paper", "relapse")
VERDICT_FLAG = {"not_rectified": "paper", "relapsed": "relapse"}


@dataclass
class DefectRow:
    """纸上整改 and 反弹 items of one unit or one category."""

    key: int | str
    name: str
    paper: int = 0
    relapse: int = 0

    @property
    def total(self) -> int:
        return self.paper + self.relapse


@dataclass
class FollowupResults:
    """The counts of one follow-up campaign (campaign_id set) or of every follow-up campaign."""

    campaign_id: int | None
    title: str
    problems: int = 0  # problems frozen into the targets' lists
    rechecked: int = 0  # problems with at least one recheck on the server
    by_status: dict = field(default_factory=dict)  # recheck status -> rechecks
    confirmed: int = 0  # items with a confirmed recheck (each counted once)
    verdicts: dict = field(default_factory=dict)  # verdict -> items, by their latest confirmed recheck
    reopened: int = 0  # items the review reopened (待整改 again)
    consolidated: int = 0
    by_unit: list = field(default_factory=list)
    by_category: list = field(default_factory=list)

    @property
    def paper(self) -> int:
        return self.verdicts.get("not_rectified", 0)

    @property
    def relapse(self) -> int:
        return self.verdicts.get("relapsed", 0)

    @property
    def defect_tenths(self) -> int:
        """纸上整改 and 反弹 together as a share of the items confirmed, in tenths of a percent."""
        return share_tenths(self.paper + self.relapse, self.confirmed)

    @property
    def defect_share(self) -> str:
        return format_tenths(self.defect_tenths)


def _scope(query, campaign_id: int | None, user, column):
    """Limit a query to one follow-up campaign (or all) and to what the user may count."""
    query = query.join(Campaign, Campaign.id == column).where(Campaign.kind == "followup")
    if campaign_id is not None:
        query = query.where(column == campaign_id)
    visible = statistics_filter(user, column) if user is not None else None
    return query.where(visible) if visible is not None else query


def _latest_confirmed(campaign_id: int | None, user) -> list:
    """Return (verdict, decision, item id, unit id, unit name, category) of each item's latest confirmed recheck."""
    query = (select(Recheck.verdict, Recheck.decision, RectificationItem.id, Unit.id, Unit.name,
                    RectificationItem.category, Unit.sort_order, Recheck.reviewed_at, Recheck.id)
             .join(FollowupProblem, FollowupProblem.id == Recheck.problem_id)
             .join(RectificationItem, RectificationItem.id == FollowupProblem.item_id)
             .join(Unit, Unit.id == RectificationItem.unit_id)
             .where(Recheck.status == "confirmed"))
    latest: dict[int, tuple] = {}
    for row in db.session.execute(_scope(query, campaign_id, user, Recheck.campaign_id)):
        kept = latest.get(row[2])
        if kept is None or (row[7], str(row[8])) > (kept[7], str(kept[8])):
            latest[row[2]] = tuple(row)
    return list(latest.values())


def _defect_rows(rows, index: int, name_index: int, order) -> list[DefectRow]:
    """Count 纸上整改 and 反弹 items per unit (or category), ordered by `order`; rows without either are left out."""
    found: dict = {}
    for row in rows:
        flag = VERDICT_FLAG.get(row[0])
        if flag is None:
            continue
        entry = found.setdefault(row[index], DefectRow(row[index], row[name_index]))
        setattr(entry, flag, getattr(entry, flag) + 1)
    return sorted(found.values(), key=order)


def followup_results(*, campaign_id: int | None = None, user=None) -> FollowupResults:
    """Count one follow-up campaign's results (or every one's), limited to what `user` may count when given."""
    title = "全部回头看"
    if campaign_id is not None:
        title = db.session.scalar(select(Campaign.title).where(Campaign.id == campaign_id)) or ""
    results = FollowupResults(campaign_id=campaign_id, title=title)
    results.problems = db.session.scalar(_scope(select(func.count(FollowupProblem.id)), campaign_id, user,
                                                FollowupProblem.campaign_id)) or 0
    results.rechecked = db.session.scalar(_scope(select(func.count(func.distinct(Recheck.problem_id))),
                                                 campaign_id, user, Recheck.campaign_id)) or 0
    statuses = dict(db.session.execute(_scope(select(Recheck.status, func.count()), campaign_id, user,
                                              Recheck.campaign_id).group_by(Recheck.status)).all())
    results.by_status = {code: statuses.get(code, 0) for code in RECHECK_STATUSES}
    rows = _latest_confirmed(campaign_id, user)
    verdicts = Counter(row[0] for row in rows)
    results.confirmed = len(rows)
    results.verdicts = {code: verdicts.get(code, 0) for code in VERDICTS}
    decisions = Counter(row[1] for row in rows)
    results.reopened, results.consolidated = decisions.get("reopened", 0), decisions.get("consolidated", 0)
    sort_order = {row[3]: (row[6], row[3]) for row in rows}
    results.by_unit = _defect_rows(rows, 3, 4, lambda r: sort_order[r.key])
    results.by_category = _defect_rows(rows, 5, 5, lambda r: (-r.total, r.name))
    return results


def _rows_payload(rows: list[DefectRow], key: str) -> list[dict]:
    """Arrange defect rows as plain dicts."""
    return [{key: row.key, "name": row.name, "paper": row.paper, "relapse": row.relapse, "total": row.total}
            for row in rows]


def results_payload(results: FollowupResults) -> dict:
    """Return the results as a plain dict (the API's `followup` key, the results page, the 整改情况通报)."""
    return {
        "campaign_id": results.campaign_id,
        "title": results.title,
        "problems": results.problems,
        "rechecked": results.rechecked,
        "by_status": dict(results.by_status),
        "confirmed": results.confirmed,
        "verdicts": dict(results.verdicts),
        "verdict_labels": dict(VERDICTS),
        "paper": results.paper,
        "relapse": results.relapse,
        "defect_percent": results.defect_tenths / 10,
        "defect_share": results.defect_share,
        "reopened": results.reopened,
        "consolidated": results.consolidated,
        "flag_labels": {code: FLAGS[code] for code in (*DEFECTS, "consolidated")},
        "by_unit": _rows_payload(results.by_unit, "unit_id"),
        "by_category": _rows_payload(results.by_category, "category"),
    }


def stats_results(campaign, user) -> FollowupResults | None:
    """Return the statistics page's 回头看 figures: every follow-up (no campaign chosen) or the chosen follow-up."""
    if campaign is None:
        return followup_results(user=user)
    return followup_results(campaign_id=campaign.id, user=user) if campaign.is_followup else None
