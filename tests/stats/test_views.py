"""The statistics page: tables, charts, paragraph; links for reviewers; read-only and limited for viewers."""
import re

import pytest

from .data import build_county, closed_campaign


@pytest.fixture
def county(world):
    return build_county(world)


def test_reviewer_sees_tables_charts_paragraph_and_links(client, auth, world, county):
    auth.login("reviewer")
    page = client.get(f"/stats/?campaign={world.campaign.id}").get_data(as_text=True)
    assert "<svg" in page and "按单位" in page and "按干部层级" in page and "各批次趋势" in page
    assert "发现问题8个，涉及5个单位。其中教体局3个，住建局2个，公安局、交通局、信访局各1个。" in page
    assert "37.5%" in page and "55.6%" in page
    assert f'href="/review/?campaign={world.campaign.id}&amp;status=confirmed&amp;unit=' in page


def test_every_linked_figure_opens_a_list_of_that_many_findings(client, auth, world, county):
    auth.login("reviewer")
    page = client.get(f"/stats/?campaign={world.campaign.id}").get_data(as_text=True)
    links = re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', page)
    assert len(links) >= 12
    for href, count in links:
        href = href.replace("&amp;", "&")
        if "cadre_level=" in href:
            continue  # cadre levels count persons; their link lists the findings that involve them
        listing = client.get(href).get_data(as_text=True)
        assert f"共 {count} 条" in listing, href


def test_viewer_reads_without_links_or_active_campaigns(client, auth, world, county):
    closed = closed_campaign(world)
    auth.login("viewer")
    response = client.get("/stats/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/review/" not in page
    assert re.findall(r'method="post" action="([^"]+)"', page) == ["/logout"]  # nothing to change here
    assert world.campaign.title not in page and closed.title in page  # nothing of the active campaign
    assert "共发现问题2个" in page or "发现问题2个" in page
    assert client.get(f"/stats/?campaign={world.campaign.id}").status_code == 404
    assert client.get(f"/stats/?campaign={closed.id}").status_code == 200


def test_coordinator_sees_numbers_without_links(client, auth, world, county):
    auth.login("coordinator")
    page = client.get("/stats/").get_data(as_text=True)
    assert "发现问题8个" in page and "/review/" not in page


def test_liaisons_and_inspectors_are_refused(client, auth, county):
    for username in ("liaison1", "inspector1"):
        auth.login(username)
        assert client.get("/stats/").status_code == 404
        auth.logout()


def test_viewer_home_is_the_statistics_page(client, auth, world):
    auth.login("viewer")
    assert client.get("/home").headers["Location"].endswith("/stats/")


def test_page_states_the_rounding_rule_it_uses(client, auth, world, county):
    auth.login("reviewer")
    html = client.get("/stats/").get_data(as_text=True)
    assert "各项占比分别四舍五入保留一位小数" in html and "最大余数" not in html
