"""The demo county's drafted circular, created by `flask demo` through create_demo_circular."""
from __future__ import annotations

from sqlalchemy import func, select

from inspection.circulars.demo import create_demo_circular
from inspection.circulars.models import Circular, IssuingOrgan
from inspection.extensions import db

from .helpers import confirmed_findings


def test_demo_circular_is_a_draft_of_the_campaign_and_created_once(world):
    found = confirmed_findings(world)
    circular = create_demo_circular(world.campaign, world.users["reviewer"])
    assert circular.status == "draft" and circular.title == f"关于{world.campaign.title}情况的通报"
    assert circular.organ.number_prefix == "示纪办通" and circular.recipients_line == "各乡镇党委，县直各单位"
    assert len(circular.items) == len(found) and circular.table_annex
    assert create_demo_circular(world.campaign, world.users["reviewer"]) is circular
    assert db.session.scalar(select(func.count()).select_from(Circular)) == 1
    assert db.session.scalar(select(func.count()).select_from(IssuingOrgan)) == 1
