"""The top navigation marks exactly one link as the current page."""
from __future__ import annotations

import re

from inspection.extensions import db

from ..factories import make_finding, make_visit

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def _current(client, url):
    return CURRENT.findall(client.get(url).get_data(as_text=True))


def test_ledger_and_queue_are_marked_apart(client, auth, world):
    """The review queue and the ledger share a blueprint; only the page shown is marked."""
    auth.login("reviewer")
    assert _current(client, "/review/") == [("/review/", "审核")]
    assert _current(client, "/review/ledger") == [("/review/ledger", "台账")]


def test_a_page_under_a_nav_section_marks_that_section(client, auth, world):
    """A finding page belongs to 审核."""
    auth.login("reviewer")
    finding = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    db.session.commit()
    assert [label for _, label in _current(client, f"/review/findings/{finding.id}")] == ["审核"]


def test_a_campaign_page_marks_campaigns(client, auth, world):
    """A campaign's own page belongs to 专项行动."""
    auth.login("coordinator")
    assert [label for _, label in _current(client, f"/campaigns/{world.campaign.id}")] == ["专项行动"]
