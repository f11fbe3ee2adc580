"""回头看 planning pages through the test client: the form, the plan page, assignment, 交叉 and secrecy."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.campaigns.models import Campaign, Target
from inspection.circulars.models import Circular
from inspection.extensions import db
from inspection.followup.models import FollowupPlan, FollowupProblem

from .fixtures import issued_circular, make_followup, make_team

FORM = {"title": "2027年第一批整改落实情况回头看", "start_date": "2027-01-04", "end_date": "2027-01-29",
        "scope": "all"}


@pytest.fixture
def circular(app, world):
    return issued_circular(app, world)


@pytest.fixture
def followup(world, circular):
    campaign = make_followup(world, [circular], status="draft")  # team 回头看第一组: inspector2
    make_team(campaign, [world.users["inspector1"]], name="回头看第二组")
    db.session.commit()
    return campaign


def _form(world, circular, **extra):
    return {**FORM, "checklist_id": str(world.checklist.id), "circular_ids": [str(circular.id)], **extra}


def test_new_followup_from_an_issued_circular(client, auth, world, circular):
    auth.login("coordinator")
    html = client.get(f"/followup/new?circular_id={circular.id}").get_data(as_text=True)
    assert circular.doc_number in html and f'value="{circular.id}" checked' in html
    response = client.post("/followup/new", data=_form(world, circular, scope="closed", include_checklist="y"))
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.kind == "followup"))
    plan = db.session.get(FollowupPlan, campaign.id)
    assert response.headers["Location"].endswith(f"/followup/{campaign.id}/plan")
    assert plan.scope == "closed" and plan.include_checklist and plan.circulars == [circular]


def test_crossing_is_a_choice_on_the_form_on_by_default(client, auth, world, circular):
    auth.login("coordinator")
    html = client.get("/followup/new").get_data(as_text=True)
    assert "实行交叉回访（原检查人员不得回访其检查过的单位）" in html
    assert '<input checked id="cross" name="cross" type="checkbox" value="y">' in html
    client.post("/followup/new", data=_form(world, circular, cross="y"))
    client.post("/followup/new", data=_form(world, circular, title="不交叉的回头看"))  # box left unticked
    plans = {c.title: db.session.get(FollowupPlan, c.id).cross
             for c in db.session.scalars(select(Campaign).where(Campaign.kind == "followup"))}
    assert plans == {FORM["title"]: True, "不交叉的回头看": False}


def test_without_crossing_a_former_inspectors_team_may_take_the_unit(client, auth, world, followup):
    db.session.get(FollowupPlan, followup.id).cross = False
    db.session.commit()
    auth.login("coordinator")
    html = client.get(f"/followup/{followup.id}/plan").get_data(as_text=True)
    assert "原检查人员在组，不可派" not in html and "自动分配" in html and "自动交叉分配" not in html
    assert "交叉回访</dt><dd>不实行" in html
    former = followup.teams[1]  # inspector1 inspected unit 0 in the source campaign
    response = client.post(f"/followup/{followup.id}/plan/assign",
                           data={"unit_id": str(world.units[0].id), "team_id": str(former.id)})
    assert response.status_code == 303
    target = db.session.scalar(select(Target).where(Target.campaign_id == followup.id))
    assert (target.unit_id, target.team_id) == (world.units[0].id, former.id)


def test_an_unissued_circular_is_refused_on_the_form(client, auth, world, circular):
    draft = Circular(organ_id=circular.organ_id, title="关于第四批明察暗访情况的通报", status="draft")
    db.session.add(draft)
    db.session.commit()
    auth.login("coordinator")
    assert "关于第四批明察暗访情况的通报" not in client.get("/followup/new").get_data(as_text=True)  # not offered
    response = client.post("/followup/new", data=_form(world, circular, circular_ids=[str(draft.id)]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "《关于第四批明察暗访情况的通报》尚未印发，不能据此开展回头看" in html
    response = client.post("/followup/new", data=_form(world, circular, circular_ids=[]))
    assert response.status_code == 422 and "请至少选择一份已印发的通报" in response.get_data(as_text=True)
    assert db.session.scalar(select(Campaign).where(Campaign.kind == "followup")) is None


def test_links_lead_to_the_new_followup_form(client, auth, world, circular, followup):
    auth.login("coordinator")
    html = client.get("/campaigns/").get_data(as_text=True)
    assert "/followup/new" in html and "回头看</span>" in html
    html = client.get(f"/campaigns/{followup.id}").get_data(as_text=True)
    assert "回头看</span>" in html and f"/followup/{followup.id}/plan" in html
    assert f"/followup/new?circular_id={circular.id}" in client.get(f"/circulars/{circular.id}").get_data(as_text=True)
    assert "回头看</span>" not in client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
    auth.logout()
    auth.login("reviewer")  # reviewers read circulars but do not plan campaigns
    assert "/followup/new" not in client.get(f"/circulars/{circular.id}").get_data(as_text=True)


def test_plan_page_lists_candidates_and_marks_teams_that_break_crossing(client, auth, world, followup):
    auth.login("coordinator")
    html = client.get(f"/followup/{followup.id}/plan").get_data(as_text=True)
    assert world.units[0].name in html and world.units[1].name in html and world.units[2].name not in html
    assert "回头看第二组（原检查人员在组，不可派）" in html and "自动交叉分配" in html
    assert f"/campaigns/{followup.id}" in html


def test_assigning_a_crossing_team_is_refused_with_the_message(client, auth, world, followup):
    auth.login("coordinator")
    bad, good = followup.teams[1], followup.teams[0]
    response = client.post(f"/followup/{followup.id}/plan/assign",
                           data={"unit_id": str(world.units[0].id), "team_id": str(bad.id)}, follow_redirects=True)
    assert f"交叉回访：回头看第二组曾检查过{world.units[0].name}（成员inspector1），请改派其他暗访组" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(Target).where(Target.campaign_id == followup.id)) is None
    response = client.post(f"/followup/{followup.id}/plan/assign",
                           data={"unit_id": str(world.units[0].id), "team_id": str(good.id)})
    assert response.status_code == 303
    target = db.session.scalar(select(Target).where(Target.campaign_id == followup.id))
    assert target.unit_id == world.units[0].id and target.team_id == good.id
    assert db.session.scalar(select(FollowupProblem).where(FollowupProblem.target_id == target.id)) is not None


def test_crossing_holds_on_the_generic_target_and_team_forms(client, auth, world, followup):
    auth.login("coordinator")
    bad, good = followup.teams[1], followup.teams[0]
    response = client.post(f"/campaigns/{followup.id}/targets/new",
                           data={"unit_id": str(world.units[0].id), "team_id": str(bad.id)})
    assert response.status_code == 422 and "交叉回访" in response.get_data(as_text=True)
    client.post(f"/followup/{followup.id}/plan/assign", data={"unit_id": str(world.units[0].id),
                                                              "team_id": str(good.id)})
    assert client.post(f"/campaigns/{followup.id}/teams/{bad.id}/delete").status_code == 302  # frees inspector1
    response = client.post(f"/campaigns/{followup.id}/teams/{good.id}/edit",
                           data={"name": good.name, "leader_id": str(world.users["inspector2"].id),
                                 "member_ids": [str(world.users["inspector2"].id), str(world.users["inspector3"].id),
                                                str(world.users["inspector1"].id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "交叉回访：inspector1曾检查过本组负责回访的" in html


def test_auto_assign_button(client, auth, world, followup):
    auth.login("coordinator")
    response = client.post(f"/followup/{followup.id}/plan/auto", follow_redirects=True)
    assert "自动交叉分配：2个单位已分配" in response.get_data(as_text=True)
    teams = {t.unit_id: t.team.name for t in db.session.scalars(select(Target).where(Target.campaign_id == followup.id))}
    assert teams == {world.units[0].id: "回头看第一组", world.units[1].id: "回头看第一组"}


def test_an_ordinary_campaign_has_no_plan_page(client, auth, world):
    auth.login("coordinator")
    assert client.get(f"/followup/{world.campaign.id}/plan").status_code == 404
    assert client.post(f"/followup/{world.campaign.id}/plan/auto").status_code == 404


@pytest.mark.parametrize("username", ["reviewer", "viewer", "inspector1", "inspector2", "liaison1"])
def test_planning_pages_do_not_exist_for_others(client, auth, world, circular, followup, username):
    auth.login(username)
    for path in ("/followup/new", f"/followup/{followup.id}/plan"):
        assert client.get(path).status_code == 404, path
    response = client.post(f"/followup/{followup.id}/plan/assign",
                           data={"unit_id": str(world.units[0].id), "team_id": str(followup.teams[0].id)})
    assert response.status_code == 404
    assert client.post(f"/followup/{followup.id}/plan/auto").status_code == 404
    assert client.post("/followup/new", data=_form(world, circular)).status_code == 404
    assert db.session.scalar(select(Target).where(Target.campaign_id == followup.id)) is None
    assert db.session.scalar(select(Campaign).where(Campaign.kind == "followup", Campaign.id != followup.id)) is None


def test_a_liaison_learns_nothing_of_the_followup(client, auth, world, followup):
    client.post(f"/followup/{followup.id}/plan/auto")  # anonymous: nothing happens
    auth.login("liaison1")
    for path in ("/campaigns/", f"/campaigns/{followup.id}", f"/followup/{followup.id}/plan"):
        response = client.get(path)
        assert response.status_code == 404 and followup.title not in response.get_data(as_text=True), path
    assert db.session.scalar(select(Target).where(Target.campaign_id == followup.id)) is None
