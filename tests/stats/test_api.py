"""GET /api/v1/stats: the statistics page's numbers as JSON, with the same role rules."""
import pytest

from .data import build_county, closed_campaign


@pytest.fixture
def county(world):
    return build_county(world)


def test_reviewer_gets_counts_and_percentages(client, auth, world, county):
    auth.login("reviewer")
    response = client.get(f"/api/v1/stats?campaign={world.campaign.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total_findings"] == 8 and body["units_visited"] == 6 and body["units_with_problems"] == 5
    assert body["units_with_problems_percent"] == 83.3 and body["persons_total"] == 9
    assert [(r["label"], r["count"], r["percent"]) for r in body["by_unit"]] == [
        ("教体局", 3, 37.5), ("住建局", 2, 25.0), ("公安局", 1, 12.5), ("交通局", 1, 12.5), ("信访局", 1, 12.5)]
    assert body["by_unit"][0]["name"] == "示例县教育和体育局"
    assert [(r["key"], r["percent"]) for r in body["by_cadre_level"]] == [
        ("county", 11.1), ("section_chief", 22.2), ("staff", 55.6), ("other", 11.1)]
    assert round(sum(r["percent"] for r in body["by_category"]), 1) == 100.0
    assert body["scope"]["campaign_id"] == world.campaign.id and body["scope"]["campaign_title"] == world.campaign.title
    assert body["paragraph"].startswith("2026年11月1日至11月30日，共暗访检查6个单位，发现问题8个，涉及5个单位。")
    assert body["trend"][0]["findings"] == 8


def test_bearer_token_works_for_dashboards(client, world, county, token_for):
    response = client.get("/api/v1/stats", headers=token_for("coordinator"))
    assert response.status_code == 200 and response.get_json()["total_findings"] == 8


def test_viewer_sees_closed_campaigns_only(client, auth, world, county):
    closed = closed_campaign(world)
    auth.login("viewer")
    body = client.get("/api/v1/stats").get_json()
    assert body["total_findings"] == 2 and [t["title"] for t in body["trend"]] == [closed.title]
    assert world.campaign.title not in str(body)
    response = client.get(f"/api/v1/stats?campaign={world.campaign.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.get(f"/api/v1/stats?team={world.teams[0].id}")
    assert response.status_code == 404
    assert client.get(f"/api/v1/stats?campaign={closed.id}").get_json()["total_findings"] == 2


@pytest.mark.parametrize("username", ["liaison1", "inspector1"])
def test_liaisons_and_inspectors_get_nothing(client, auth, world, county, username):
    auth.login(username)
    response = client.get("/api/v1/stats")
    assert response.status_code == 404 and "total_findings" not in response.get_data(as_text=True)


def test_bad_arguments_and_anonymous(client, auth, world):
    assert client.get("/api/v1/stats").status_code == 401
    auth.login("reviewer")
    response = client.get("/api/v1/stats?campaign=abc&from=2026-13-01")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"campaign", "from"}
