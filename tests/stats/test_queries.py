"""The statistics queries count confirmed findings only, order them, and respect who may see what."""
from datetime import date

import pytest

from inspection.stats.filters import FindingFilter
from inspection.stats.queries import statistics, visible_campaign

from .data import build_county, closed_campaign


@pytest.fixture
def county(world):
    return build_county(world)


def rows(shares):
    return [(r.label, r.count, r.tenths) for r in shares]


def test_counts_by_unit_category_level_team(world, county):
    s = statistics(FindingFilter(campaign_id=world.campaign.id), world.users["reviewer"], campaign=world.campaign)
    assert s.total == 8 and s.units_with_problems == 5 and s.units_visited == 6 and s.teams == 2
    # larger counts first; ties in unit order (公安局, 交通局, 信访局 were created in that order)
    assert rows(s.by_unit) == [("教体局", 3, 375), ("住建局", 2, 250), ("公安局", 1, 125), ("交通局", 1, 125),
                               ("信访局", 1, 125)]
    # ties in the official category order: 公务用车 before 财经纪律
    assert rows(s.by_category) == [("在岗在位", 4, 500), ("考勤管理", 2, 250), ("公务用车", 1, 125),
                                   ("财经纪律", 1, 125)]
    # cadre levels in rank order; 1/9, 2/9, 5/9, 1/9, each rounded half-up on its own (99.9% in all)
    assert rows(s.by_cadre_level) == [("县级干部", 1, 111), ("正科级干部", 2, 222), ("一般干部", 5, 556),
                                      ("其他人员", 1, 111)]
    assert s.persons_total == 9
    assert rows(s.by_team) == [("第一暗访组", 5, 625), ("第二暗访组", 3, 375)]
    assert [r.label for r in s.by_item] == ["未对应检查事项"] and s.by_item[0].count == 8
    assert s.units_with_problems_tenths == 833
    assert s.campaign_title == world.campaign.title and s.period == (date(2026, 11, 1), date(2026, 11, 30))


def test_links_select_the_findings_behind_each_figure(world, county):
    s = statistics(FindingFilter(campaign_id=world.campaign.id), world.users["reviewer"])
    unit = s.by_unit[0]
    assert unit.link == {"campaign": world.campaign.id, "status": "confirmed", "unit": unit.key}
    assert s.by_category[0].link["category"] == "在岗在位"
    assert s.by_cadre_level[0].link["cadre_level"] == "county"


def test_filters_narrow_every_count(world, county):
    reviewer = world.users["reviewer"]
    s = statistics(FindingFilter(category="在岗在位"), reviewer)
    assert s.total == 4 and [r.count for r in s.by_category] == [4]
    s = statistics(FindingFilter(unit_id=county["units"]["教体局"].id), reviewer)
    assert s.total == 3 and s.units_visited == 1
    s = statistics(FindingFilter(date_from=date(2026, 11, 21)), reviewer)
    assert s.total == 0 and s.units_visited == 0 and s.by_unit == []
    s = statistics(FindingFilter(date_to=date(2026, 11, 20)), reviewer)  # 09:30 CST on the 20th counts
    assert s.total == 8
    s = statistics(FindingFilter(team_id=world.teams[1].id), reviewer)
    assert s.total == 3 and [r.label for r in s.by_team] == [f"第二暗访组（{world.campaign.title}）"]


def test_trend_spans_campaigns_in_date_order(world, county):
    closed = closed_campaign(world)
    s = statistics(FindingFilter(campaign_id=world.campaign.id), world.users["reviewer"])
    assert [(p.title, p.findings, p.units_visited, p.units_with_problems) for p in s.trend] == [
        (closed.title, 2, 1, 1), (world.campaign.title, 8, 6, 5)]
    assert s.total == 8  # the trend ignores the campaign filter, the figures do not


def test_a_viewer_counts_closed_campaigns_only(world, county):
    viewer = world.users["viewer"]
    assert statistics(FindingFilter(), viewer).total == 0
    closed = closed_campaign(world)
    s = statistics(FindingFilter(), viewer)
    assert s.total == 2 and s.units_visited == 1 and [p.campaign_id for p in s.trend] == [closed.id]
    with pytest.raises(LookupError):
        visible_campaign(FindingFilter(campaign_id=world.campaign.id), viewer)
    with pytest.raises(LookupError):
        visible_campaign(FindingFilter(team_id=world.teams[0].id), viewer)
    assert visible_campaign(FindingFilter(campaign_id=closed.id), viewer) == closed
    assert visible_campaign(FindingFilter(campaign_id=world.campaign.id), world.users["coordinator"]) == world.campaign


def test_others_count_nothing(world, county):
    for username in ("liaison1", "inspector1"):
        assert statistics(FindingFilter(), world.users[username]).total == 0
