"""Make the demo county's order and times tell its story: units in a county's official order, records
dated when they would have happened rather than when the demo was loaded.

- 排序号: 各乡镇 first, then 县直各单位 in a sequence a county office would print (政府办, 法院, 公安 …),
  then public institutions.
- A visit is received from the phone when it ends; its findings are submitted (提交时间) a few minutes after
  the visit ends, the same day; a photo arrives with its finding.
- An issued circular is issued on its 成文日期 (morning, China Standard Time); each signed-for copy is
  signed for one to three days later, never before the circular's date. The audit
  events of issuing and signing carry the same times.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from ..audit.models import AuditEvent
from ..circulars.models import Circular
from ..core.dates import CST
from ..extensions import db
from ..findings.models import Finding, FindingPhoto
from ..photos.models import Photo
from ..units.models import Unit
from ..visits.models import Visit

# 县直各单位 in the order the demo county prints them (short names); units not listed follow, by id.
OFFICIAL_SEQUENCE = ("县政府办", "县法院", "公安局", "教体局", "工信局", "住建局", "交通局", "卫健委",
                     "自然资源局", "市场监管局", "综合执法局", "信访局")
KIND_BASE = {"township": 10, "department": 100, "institution": 500}
SUBMIT_DELAY = timedelta(minutes=12)  # the leader sends the visit's findings after leaving


def order_demo_units(units: dict[str, Unit]) -> None:
    """Give the demo units their 排序号: townships first, then departments in OFFICIAL_SEQUENCE, then institutions."""
    rank = {short: i for i, short in enumerate(OFFICIAL_SEQUENCE)}
    for kind, base in KIND_BASE.items():
        members = [u for u in units.values() if u.kind == kind]
        members.sort(key=lambda u: (rank.get(u.short_name, len(rank)), u.id or 0))
        for i, unit in enumerate(members):
            unit.sort_order = base + 10 * i
    db.session.flush()


def _at_cst(day, hour: int, minute: int = 0) -> datetime:
    """Return a China Standard Time moment on a day, as aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=CST).astimezone(UTC)


def settle_demo_times() -> None:
    """Date every demo visit, finding, photo, issue and sign-for when it would have happened."""
    for visit in db.session.scalars(select(Visit)):
        received = visit.ended_at or visit.started_at
        if received is not None:
            visit.created_at = visit.updated_at = received
    for finding in db.session.scalars(select(Finding)):
        visit = db.session.get(Visit, finding.visit_id) if finding.visit_id else None
        sent = ((visit.ended_at if visit and visit.ended_at else finding.occurred_at) or finding.created_at)
        finding.created_at = sent + SUBMIT_DELAY
        finding.updated_at = max(finding.created_at, finding.reviewed_at or finding.created_at)
        for link in db.session.scalars(select(FindingPhoto).where(FindingPhoto.finding_id == finding.id)):
            photo = db.session.get(Photo, link.sha256)
            if photo is not None and photo.created_at > finding.created_at:
                photo.created_at = finding.created_at
    for circular in db.session.scalars(select(Circular).where(Circular.status == "issued")):
        _settle_circular(circular)
    db.session.flush()


def _settle_circular(circular: Circular) -> None:
    """Issue the circular on its date and have its copies signed for in the following days."""
    day = circular.doc_date or circular.issued_at.astimezone(CST).date()
    circular.issued_at = _at_cst(day, 9, 30)
    _move_events("circular.issued", "circular", circular.id, circular.issued_at)
    signed = sorted((c for c in circular.copies if c.received_at is not None), key=lambda c: c.copy_number)
    for i, copy in enumerate(signed):
        copy.received_at = _at_cst(day + timedelta(days=1 + i % 3), 9 + i % 7, 5 * (i % 12))
        _move_events("circular.received", "circular_copy", copy.id, copy.received_at)


def _move_events(action: str, entity_type: str, entity_id, at: datetime) -> None:
    """Date the audit events of one action on one entity."""
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                             AuditEvent.entity_type == entity_type,
                                                             AuditEvent.entity_id == str(entity_id))):
        event.at = at

