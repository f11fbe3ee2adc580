"""Statistics list units in their official order (排序号) where counts tie, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from inspection.extensions import db
from inspection.stats.filters import FindingFilter
from inspection.stats.paragraph import statistics_paragraph
from inspection.stats.queries import by_unit, statistics

from .data import build_county

# 公安局, 交通局 and 信访局 have one finding each; this official order is neither id, name nor short name order.
OFFICIAL = ["信访局", "公安局", "交通局"]


def _rank(world):
    units = {u.short_name: u for u in db.session.scalars(db.select(type(world.units[0])))}
    for i, short in enumerate(OFFICIAL):
        units[short].sort_order = 10 + i
    for short in ("教体局", "住建局", "卫健委"):
        units[short].sort_order = 100
    db.session.flush()


def test_tied_units_follow_the_official_order(world):
    build_county(world)
    _rank(world)
    rows = by_unit(FindingFilter(campaign_id=world.campaign.id), world.users["reviewer"])
    assert [r.label for r in rows] == ["教体局", "住建局", *OFFICIAL]


def test_paragraph_groups_tied_units_in_official_order(world):
    build_county(world)
    _rank(world)
    stats = statistics(FindingFilter(campaign_id=world.campaign.id), world.users["reviewer"], campaign=world.campaign)
    assert "、".join(OFFICIAL) + "各1个" in statistics_paragraph(stats)


def test_filter_lists_units_in_official_order(client, auth, world):
    build_county(world)
    _rank(world)
    auth.login("reviewer")
    html = client.get("/stats/").get_data(as_text=True)
    select_html = html[html.index('name="unit"'):]
    names = {u.short_name: u.name for u in world.units} | {"信访局": "示例县信访局"}
    positions = [select_html.index(names[short]) for short in OFFICIAL]
    assert positions == sorted(positions)
