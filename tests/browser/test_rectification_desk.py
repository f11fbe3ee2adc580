"""The 整改 desk in headless Chromium: a reviewer ticks two submitted items, is asked "确认将2个事项销号？", confirms,
and both are closed; the desk, an item's page and the confirmation have no serious axe violations.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Target
from inspection.extensions import db
from inspection.rectification import services
from inspection.rectification.models import RectificationItem
from inspection.units.models import Unit

from ..rectification.helpers import issue_sample
from .conftest import LiveServer
from .pages import desk_page, follow
from .test_a11y import serious_violations

FILLED = {"measures": "修订考勤制度，每日通报", "leader": "张局长", "responsible": "办公室李某", "progress": "已完成整改"}


def _world(live: LiveServer) -> SimpleNamespace:
    """The seeded world's objects, loaded in the current app context (the helpers take a world)."""
    ids = live.world_ids
    campaign = db.session.get(Campaign, ids["campaign"])
    return SimpleNamespace(campaign=campaign, targets=[db.session.get(Target, i) for i in ids["targets"]],
                           teams=sorted(campaign.teams, key=lambda t: t.id),
                           units=[db.session.get(Unit, i) for i in sorted(ids["units"])],
                           users={name: db.session.get(User, i) for name, i in ids["users"].items()})


@pytest.fixture
def desk_server(tmp_path):
    """A server with the sample circular issued and two of its items submitted by their units."""
    live = LiveServer(tmp_path)
    live.seed()
    with live.app.app_context():
        world = _world(live)
        circular = issue_sample(live.app, world)
        items = list(db.session.scalars(select(RectificationItem).where(RectificationItem.circular_id == circular.id)
                                        .order_by(RectificationItem.unit_id, RectificationItem.position)))
        chosen = [next(i for i in items if i.unit_id == world.units[0].id),
                  next(i for i in items if i.unit_id == world.units[1].id)]
        for n, item in enumerate(chosen):
            liaison = world.users["liaison1" if item.unit_id == world.units[0].id else "liaison2"]
            services.save_item(item, FILLED, actor=liaison)
            services.add_evidence(item, kind="photo", sha256=str(n) * 64, filename="签到册.jpg", size=10,
                                  actor=liaison)
            services.submit_item(item, actor=liaison)
        db.session.commit()
        live.item_ids = [i.id for i in chosen]
    live.start()
    yield live
    live.kill()


def _status(live: LiveServer, item_id: int) -> str:
    with live.app.app_context():
        return db.session.get(RectificationItem, item_id).status


def test_reviewer_closes_two_items_in_bulk_after_a_confirmation_naming_the_count(browser, desk_server):
    page = desk_page(browser, desk_server, "reviewer")
    page.goto(f"/rectification/{desk_server.item_ids[0]}")  # the item with its forms
    assert page.locator("form[action$='/accept'] textarea[name=text]").count() == 1
    assert serious_violations(page) == ""
    page.goto("/rectification/")
    assert serious_violations(page) == ""
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 2  # only the submitted items can be ticked
    for item_id in desk_server.item_ids:
        page.check(f"input[name=ids][value='{item_id}']")
    page.select_option("select[name=action]", "accept")
    page.fill(".bulk-bar textarea[name=text]", "佐证材料齐全，整改到位")
    follow(page, lambda: page.click(".bulk-bar button[type=submit]"))
    assert page.inner_text("h1") == "确认将2个事项销号？"
    assert serious_violations(page) == ""
    assert [_status(desk_server, i) for i in desk_server.item_ids] == ["submitted", "submitted"]
    follow(page, lambda: page.click("button.primary:has-text('确认销号2个事项')"))
    assert "已将2个事项销号" in page.inner_text("main")
    assert [_status(desk_server, i) for i in desk_server.item_ids] == ["closed", "closed"]
    page.context.close()
