"""Read-side queries of the review desk: the queue, a finding's neighbours, its history and look-alikes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..audit.models import AuditEvent
from ..campaigns.models import Campaign, Team
from ..checklists.models import ChecklistItem
from ..checklists.services import category_choices
from ..extensions import db
from ..findings.models import Finding, FindingPhoto
from ..photos.models import Photo
from ..stats.filters import FindingFilter, finding_conditions
from ..units.services import official_units
from ..core.dates import format_datetime
from ..visits.models import ANSWER_RESULTS, ChecklistAnswer, part_label
from .models import Review

PAGE_SIZE = 50


def _ordered(query):
    """Order findings the way the desk works through them: oldest submission first."""
    return query.order_by(Finding.created_at, Finding.id)


def queue_page(flt: FindingFilter, page: int = 1) -> tuple[list[Finding], int]:
    """Return one page of the findings matching the filter, and how many match in all."""
    conds = finding_conditions(flt)
    total = db.session.scalar(select(func.count()).select_from(Finding).where(*conds))
    query = _ordered(select(Finding).where(*conds)).options(
        joinedload(Finding.unit), joinedload(Finding.team), joinedload(Finding.campaign),
        selectinload(Finding.persons), selectinload(Finding.photos).selectinload(FindingPhoto.photo),
    ).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    return list(db.session.scalars(query).unique()), total or 0


def neighbours(flt: FindingFilter, finding: Finding) -> tuple[Finding | None, Finding | None]:
    """Return the previous and next findings in the filtered queue, around this one."""
    conds = finding_conditions(flt)
    at, fid = finding.created_at, finding.id
    after = or_(Finding.created_at > at, and_(Finding.created_at == at, Finding.id > fid))
    before = or_(Finding.created_at < at, and_(Finding.created_at == at, Finding.id < fid))
    nxt = db.session.scalar(_ordered(select(Finding).where(*conds, after)).limit(1))
    prev = db.session.scalar(select(Finding).where(*conds, before)
                             .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(1))
    return prev, nxt


def photo_progress(finding: Finding) -> tuple[int, int]:
    """Return (photos received, photos expected) for a finding."""
    expected = len(finding.photos)
    received = sum(1 for p in finding.photos if p.photo is not None)
    return received, expected


def visit_answer(finding: Finding) -> ChecklistAnswer | None:
    """Return the team's checklist answer for the finding's item during its visit, if any."""
    if finding.visit_id is None or finding.item_id is None:
        return None
    return db.session.scalar(select(ChecklistAnswer).where(ChecklistAnswer.visit_id == finding.visit_id,
                                                           ChecklistAnswer.item_id == finding.item_id))


def visit_conflicts(finding: Finding) -> list[dict]:
    """Describe the open sync conflicts on the finding's visit (two phones wrote the same part differently)."""
    visit = finding.visit
    if visit is None or not visit.conflicts:
        return []
    items = {item.code: item.text for item in db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.checklist_id == visit.checklist_id))}
    rows = []
    for key, entry in sorted(visit.conflicts.items()):
        label = part_label(key, items.get(key.split(":", 1)[-1], ""))
        rows.append({"key": key, "label": label, "server": _visit_value(key, entry.get("server")),
                     "phone": _visit_value(key, entry.get("phone")), "device": entry.get("device") or "未知",
                     "at": _visit_value("at", entry["at"]) if entry.get("at") else ""})
    return rows


def _visit_value(key: str, value) -> str:
    """Write a visit field's synced value for reading: an answer as 结论：说明, times in Beijing time."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dict):  # a checklist answer
        result = ANSWER_RESULTS.get(value.get("result"), value.get("result") or "")
        return f"{result}：{value['note']}" if value.get("note") else result
    if key in ("started_at", "ended_at", "at") and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def history(finding: Finding) -> list[AuditEvent]:
    """Return every audit event about the finding, oldest first."""
    return list(db.session.scalars(select(AuditEvent).options(joinedload(AuditEvent.actor)).where(
        AuditEvent.entity_type == "finding", AuditEvent.entity_id == str(finding.id)).order_by(AuditEvent.at,
                                                                                                AuditEvent.id)))


def reviews(finding: Finding) -> list[Review]:
    """Return the review decisions on the finding, oldest first."""
    return list(db.session.scalars(select(Review).options(joinedload(Review.reviewer))
                                   .where(Review.finding_id == finding.id).order_by(Review.at, Review.id)))


def duplicate_candidates(finding: Finding, limit: int = 20) -> list[Finding]:
    """Return findings at the same unit in the same campaign that this one might duplicate."""
    if finding.unit_id is None:
        return []
    query = (select(Finding).options(joinedload(Finding.team))
             .where(Finding.id != finding.id, Finding.campaign_id == finding.campaign_id,
                    Finding.unit_id == finding.unit_id, Finding.status != "merged")
             .order_by(Finding.category != finding.category, Finding.occurred_at, Finding.id).limit(limit))
    return list(db.session.scalars(query))


def merged_from(finding: Finding) -> list[Finding]:
    """Return the duplicates that were merged into this finding."""
    return list(db.session.scalars(select(Finding).where(Finding.merged_into_id == finding.id)
                                   .order_by(Finding.created_at)))


def photo_rows(finding: Finding) -> list[tuple[FindingPhoto, Photo | None]]:
    """Return each photo reference with the stored photo (None while it has not arrived)."""
    return [(ref, ref.photo) for ref in finding.photos]


def checklist_items(finding: Finding) -> list[ChecklistItem]:
    """Return the items of the checklist the finding's campaign used."""
    if finding.campaign is None:
        return []
    return list(db.session.scalars(select(ChecklistItem).where(
        ChecklistItem.checklist_id == finding.campaign.checklist_id).order_by(ChecklistItem.position)))


def filter_options(campaigns_query=None) -> dict:
    """Return the choices of the filter form: campaigns, teams, units, categories, checklist items."""
    campaigns_query = campaigns_query if campaigns_query is not None else select(Campaign)
    campaigns = list(db.session.scalars(campaigns_query.order_by(Campaign.start_date.desc(), Campaign.id.desc())))
    ids = [c.id for c in campaigns]
    teams = list(db.session.scalars(select(Team).options(joinedload(Team.campaign))
                                    .where(Team.campaign_id.in_(ids or [-1])).order_by(Team.campaign_id, Team.id)))
    units = official_units()
    items = list(db.session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id.in_(
        select(Campaign.checklist_id).where(Campaign.id.in_(ids or [-1])))).order_by(ChecklistItem.checklist_id,
                                                                                      ChecklistItem.position)))
    return {"campaigns": campaigns, "teams": teams, "units": units, "categories": category_choices(),
            "items": items}
