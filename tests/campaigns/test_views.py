"""Campaign pages through the test client: secrecy, forms, status changes, teams and targets."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from inspection.campaigns.models import Campaign, Target, Team
from inspection.extensions import db

from ..factories import make_finding, make_visit


@pytest.mark.parametrize("username", ["reviewer", "viewer", "inspector1", "liaison1"])
def test_campaign_pages_do_not_exist_for_others(client, auth, world, username):
    auth.login(username)
    for path in ("/campaigns/", f"/campaigns/{world.campaign.id}", f"/campaigns/{world.draft_campaign.id}",
                 f"/campaigns/{world.campaign.id}/targets/new"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/campaigns/{world.campaign.id}/status",
                       data={"action": "close", "confirm": "yes"}).status_code == 404
    assert db.session.get(Campaign, world.campaign.id).status == "active"


def test_list_and_detail_show_progress_and_the_secrecy_note(client, auth, world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    make_finding(visit, world.users["inspector1"])
    make_finding(visit, world.users["inspector1"], status="confirmed")
    db.session.commit()
    auth.login("coordinator")
    html = client.get("/campaigns/").get_data(as_text=True)
    assert world.campaign.title in html and world.draft_campaign.title in html and "保密提示" in html
    assert "1 / 3" in html
    html = client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
    assert "保密提示" in html and "已到访 1 / 3 个单位，发现问题 2 个" in html
    assert "2026-11-20 09:00 至 2026-11-20 17:00" in html  # planned window shown in CST
    assert html.count("未到访") == 2
    html = client.get("/campaigns/?status=draft").get_data(as_text=True)
    assert world.draft_campaign.title in html and world.campaign.title not in html


def test_create_campaign_and_keep_values_on_error(client, auth, world):
    auth.login("coordinator")
    response = client.post("/campaigns/new", data={"title": "2027年春节前明察暗访", "start_date": "2027-02-01",
                                                   "end_date": "2027-01-20", "checklist_id": str(world.checklist.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "结束日期不能早于开始日期" in html
    assert 'value="2027年春节前明察暗访"' in html and 'value="2027-02-01"' in html
    response = client.post("/campaigns/new", data={"title": "", "start_date": "明天", "end_date": ""})
    html = response.get_data(as_text=True)
    assert "请填写标题" in html and "日期格式不正确" in html and "请选择检查清单版本" in html
    response = client.post("/campaigns/new", data={"title": "2027年春节前明察暗访", "start_date": "2027-01-20",
                                                   "end_date": "2027-02-01", "checklist_id": str(world.checklist.id)})
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == "2027年春节前明察暗访"))
    assert campaign.status == "draft"


def test_status_changes_need_confirmation(client, auth, world):
    auth.login("coordinator")
    campaign_id = world.campaign.id
    html = client.get(f"/campaigns/{campaign_id}/status").get_data(as_text=True)
    assert "结束专项行动" in html and "只有系统管理员可以撤销" in html
    client.post(f"/campaigns/{campaign_id}/status", data={"action": "close"})
    assert db.session.get(Campaign, campaign_id).status == "active"
    client.post(f"/campaigns/{campaign_id}/status", data={"action": "close", "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).status == "closed"
    html = client.get(f"/campaigns/{campaign_id}/status?action=reopen").get_data(as_text=True)
    assert "只有系统管理员可以重新开启" in html
    client.post(f"/campaigns/{campaign_id}/status", data={"action": "reopen", "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).status == "closed"
    response = client.get(f"/campaigns/{campaign_id}/targets/new")
    assert response.status_code == 302
    auth.logout()
    auth.login("admin")
    client.post(f"/campaigns/{campaign_id}/status", data={"action": "reopen", "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).status == "active"


def test_activating_an_empty_draft_explains_why_not(client, auth, world):
    auth.login("coordinator")
    client.post("/campaigns/new", data={"title": "空批次", "start_date": "2027-03-01", "end_date": "2027-03-31",
                                        "checklist_id": str(world.checklist.id)})
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == "空批次"))
    html = client.get(f"/campaigns/{campaign.id}/status?action=activate").get_data(as_text=True)
    assert "还没有暗访组" in html and "还没有检查目标" in html and "确认启动" not in html
    response = client.post(f"/campaigns/{campaign.id}/status", data={"action": "activate", "confirm": "yes"},
                           follow_redirects=True)
    assert "还不能启动" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "draft"


def test_team_form(client, auth, world):
    auth.login("coordinator")
    campaign = world.campaign
    html = client.get(f"/campaigns/{campaign.id}/teams/new").get_data(as_text=True)
    assert "第一暗访组" in html  # inspector1 shown as taken by team A
    response = client.post(f"/campaigns/{campaign.id}/teams/new", data={
        "name": "第三暗访组", "leader_id": str(world.users["inspector3"].id),
        "member_ids": [str(world.users["inspector1"].id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "只能加入一个暗访组" in html and 'value="第三暗访组"' in html
    response = client.post(f"/campaigns/{campaign.id}/teams/new", data={
        "name": "第三暗访组", "leader_id": str(world.users["inspector3"].id), "member_ids": []})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "第三暗访组"))
    assert [m.username for m in team.members] == ["inspector3"]
    response = client.post(f"/campaigns/{campaign.id}/teams/{world.teams[0].id}/delete", follow_redirects=True)
    assert "请先改派或删除这些目标" in response.get_data(as_text=True)


def test_team_of_another_campaign_is_404(client, auth, world):
    auth.login("admin")
    other = world.draft_campaign.teams[0]
    assert client.get(f"/campaigns/{world.campaign.id}/teams/{other.id}/edit").status_code == 404
    target = world.targets[0]
    assert client.get(f"/campaigns/{world.draft_campaign.id}/targets/{target.id}/edit").status_code == 404


def test_target_window_is_entered_in_cst_and_stored_in_utc(client, auth, world):
    auth.login("coordinator")
    campaign = world.campaign
    data = {"unit_id": str(world.units[3].id), "team_id": str(world.teams[1].id),
            "planned_start": "2026-11-25T08:30", "planned_end": "2026-11-25T12:00", "note": "上午"}
    response = client.post(f"/campaigns/{campaign.id}/targets/new", data=data)
    assert response.status_code == 302
    target = db.session.scalar(select(Target).where(Target.campaign_id == campaign.id,
                                                    Target.unit_id == world.units[3].id))
    assert target.planned_start == datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    assert target.planned_end == datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    html = client.get(f"/campaigns/{campaign.id}/targets/{target.id}/edit").get_data(as_text=True)
    assert 'value="2026-11-25T08:30"' in html


def test_target_form_errors(client, auth, world):
    auth.login("coordinator")
    campaign = world.campaign
    response = client.post(f"/campaigns/{campaign.id}/targets/new", data={
        "unit_id": str(world.units[3].id), "team_id": str(world.teams[0].id),
        "planned_start": "2026-12-05T09:00", "planned_end": "2026-12-05T11:00", "note": "保留备注"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "计划时间应在专项行动期间" in html and "保留备注" in html
    assert 'value="2026-12-05T09:00"' in html
    response = client.post(f"/campaigns/{campaign.id}/targets/new", data={
        "unit_id": "", "team_id": "", "planned_start": "不是时间"})
    html = response.get_data(as_text=True)
    assert "请选择被检查单位" in html and "请选择暗访组" in html and "时间格式不正确" in html
    # units already targeted are not offered
    html = client.get(f"/campaigns/{campaign.id}/targets/new").get_data(as_text=True)
    assert world.units[0].name not in html and world.units[3].name in html


def test_a_campaign_active_past_its_end_prompts_the_coordinator_to_close_it(client, auth, world):
    from datetime import date, timedelta

    from inspection.core.dates import today_cst

    campaign = world.campaign
    campaign.start_date, campaign.end_date = date(2026, 1, 1), today_cst() - timedelta(days=1)
    db.session.commit()
    auth.login("coordinator")
    detail = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "期间已于" in detail and "结束专项行动" in detail
    assert "已过结束日期" in client.get("/campaigns/").get_data(as_text=True)
    campaign.end_date = today_cst()
    db.session.commit()
    assert "期间已于" not in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "已过结束日期" not in client.get("/campaigns/").get_data(as_text=True)
