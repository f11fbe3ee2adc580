"""Test data for 整改: an issued circular whose items exist, evidence files, quick state changes."""
from __future__ import annotations

import io

from sqlalchemy import select

from inspection.circulars import issuing, services as circular_services
from inspection.extensions import db
from inspection.rectification.models import RectificationItem, RectificationReport

from ..circulars.helpers import confirmed_findings, jpeg, make_draft, settings_for

__all__ = ["issue_sample", "items_of", "pdf_bytes", "jpeg", "report_of"]


def issue_sample(app, world, *, units=None, days: int = 15, kind: str = "natural"):
    """Issue the sample circular to two units (or the given ones); return it with its items made."""
    confirmed_findings(world)
    circular = make_draft(world)
    circular.rectify_days, circular.rectify_day_kind = days, kind
    circular_services.set_recipients(circular, units or [world.units[0], world.units[1]],
                                     actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    return circular


def items_of(circular, unit=None) -> list[RectificationItem]:
    """Return the circular's items (of one unit), in 序号 order."""
    query = select(RectificationItem).where(RectificationItem.circular_id == circular.id)
    if unit is not None:
        query = query.where(RectificationItem.unit_id == unit.id)
    return list(db.session.scalars(query.order_by(RectificationItem.position)))


def report_of(circular, unit) -> RectificationReport:
    """Return the unit's 整改报告 for the circular."""
    return db.session.scalar(select(RectificationReport).where(RectificationReport.circular_id == circular.id,
                                                               RectificationReport.unit_id == unit.id))


def pdf_bytes(text: str = "整改报告") -> bytes:
    """Make a small real PDF (as a scanner would send)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text.encode("ascii", "replace").decode())
    page.save()
    return out.getvalue()
