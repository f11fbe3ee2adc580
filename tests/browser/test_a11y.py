"""axe-core in headless Chromium on the desktop pages people work on all day: no serious or critical violations."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign
from inspection.extensions import db

from ..circulars.helpers import FINDINGS
from ..factories import make_finding, make_visit
from .conftest import LiveServer
from .pages import desk_page

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory):
    """A server with confirmed findings (for the statistics) and two awaiting review (for the queue)."""
    live = LiveServer(tmp_path_factory.mktemp("a11y-server"))
    live.seed()
    with live.app.app_context():
        campaign = db.session.get(Campaign, live.world_ids["campaign"])
        inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
        for index, _, category, text, persons in FINDINGS:
            make_finding(make_visit(campaign.targets[index], inspector), inspector, category=category,
                         description=text, persons=persons, status="confirmed")
        waiting = [make_finding(make_visit(campaign.targets[0], inspector), inspector, description=f"第{n}条待审问题")
                   for n in (1, 2)]
        db.session.commit()
        live.waiting_id = waiting[0].id
    live.start()
    yield live
    live.kill()


def serious_violations(page) -> str:
    """Run axe-core on the page; return a readable report of its serious and critical violations ('' if none)."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                     + "; ".join(n["html"][:160] for n in v["nodes"][:5]) for v in bad)


@pytest.mark.parametrize("path", ["/review/", "/stats/", "finding"])
def test_desktop_page_has_no_serious_axe_violations(browser, a11y_server, path):
    page = desk_page(browser, a11y_server, "reviewer")
    try:
        if path == "finding":
            path = f"/review/findings/{a11y_server.waiting_id}"
        page.goto(path)
        assert serious_violations(page) == ""
    finally:
        page.context.close()
