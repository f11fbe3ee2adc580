"""The demo county's circulars (called by `flask demo`): an issuing organ, a circular issued for the closed
campaign with numbered copies some units have signed for, and a draft for the active campaign."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from .models import Circular, IssuingOrgan
from .organs import create_organ
from .issuing import RenderSettings, issue, receive
from .services import create_circular, set_recipients, update_circular

DEMO_ORGAN = {
    "name": "中共示例县纪委办公室",
    "mark_text": "中共示例县纪律检查委员会办公室",
    "number_prefix": "示纪办通",
    "signature": "中共示例县纪委办公室",
    "printer": "中共示例县纪委办公室",
    "active": True,
}


def demo_organ(actor) -> IssuingOrgan:
    """Return the demo county's issuing organ, creating it once."""
    organ = db.session.scalar(select(IssuingOrgan).where(IssuingOrgan.number_prefix == DEMO_ORGAN["number_prefix"]))
    return organ or create_organ(DEMO_ORGAN, actor=actor)


def create_demo_circular(campaign, actor) -> Circular:
    """Draft the campaign's circular from its confirmed findings, addressed to the units it visited."""
    existing = db.session.scalar(select(Circular).where(Circular.campaign_id == campaign.id))
    if existing is not None:
        return existing
    circular = create_circular(demo_organ(actor), actor=actor, campaign=campaign,
                               title=f"关于{campaign.title}情况的通报")
    update_circular(circular, {"recipients_line": "各乡镇党委，县直各单位", "cc": "县委办公室，县人大常委会办公室，"
                               "县政府办公室，县政协办公室", "table_annex": True}, actor=actor)
    set_recipients(circular, [target.unit for target in campaign.targets], actor=actor)
    return circular


def issue_demo_circular(campaign, actor, *, settings: RenderSettings, doc_date: date,
                        liaisons: dict, signed: int) -> Circular:
    """Draft, address and issue the campaign's circular, then sign for the first `signed` recipients' copies."""
    circular = create_demo_circular(campaign, actor)
    update_circular(circular, {"doc_date": doc_date, "print_date": doc_date}, actor=actor)
    issue(circular, actor=actor, settings=settings)
    for copy in sorted(circular.copies, key=lambda c: c.copy_number)[:signed]:
        receive(copy, actor=liaisons[copy.unit_id])
    return circular
