"""The recheck desk: lists and filters, the side-by-side page, 确认 / 不予采纳, bulk confirm, access, the liaison's view."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from inspection.core.dates import today_cst
from inspection.extensions import db
from inspection.followup.models import Recheck
from inspection.rectification.deadlines import add_period
from inspection.rectification.models import RectificationItem

from .fixtures import add_target, issued_circular, make_followup, make_recheck, set_status


@pytest.fixture
def desk(app, world):
    """A follow-up of unit 0 and unit 1: unit 0's first item closed and rechecked 反弹, its second 未整改 (open)."""
    circular = issued_circular(app, world)
    campaign = make_followup(world, [circular])
    first, second = add_target(campaign, world.units[0]), add_target(campaign, world.units[1])
    closed = set_status(first.problems[0].item, "closed", measures="已重新制定签到制度")
    relapsed = make_recheck(first.problems[0], verdict="relapsed", note="签到册仍有他人代签")
    open_one = make_recheck(first.problems[1], verdict="not_rectified")
    other = make_recheck(second.problems[0], verdict="rectified")
    db.session.commit()
    return {"world": world, "campaign": campaign, "item": closed, "relapsed": relapsed, "open": open_one,
            "other": other, "circular": circular}


def _page(client, recheck) -> str:
    response = client.get(f"/followup/rechecks/{recheck.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_recheck_page_shows_the_unit_report_beside_the_team_recheck(auth, client, desk):
    auth.login("reviewer")
    body = _page(client, desk["relapsed"])
    left, right = body.split('id="unit-report"')[1].split('id="team-recheck"')
    assert "已重新制定签到制度" in left and "整改佐证.pdf" in left and "已销号" in left
    assert desk["item"].problem in left
    assert "签到册仍有他人代签" in right and "反弹" in right and "回头看第一组" in right
    due = add_period(today_cst(), 15, "natural")
    assert f"确认后该事项将重新交办，标记为反弹，新的完成时限为{due.year}年{due.month}月{due.day}日" in body
    assert 'name="csrf_token"' in body and 'name="item_version"' in body


def test_a_reopening_confirmation_while_the_followup_is_active_warns_the_unit_would_learn_of_it(auth, client, desk):
    auth.login("reviewer")
    assert 'id="still-active"' in _page(client, desk["relapsed"])  # closed item: confirming reopens it
    assert 'id="still-active"' in _page(client, desk["open"])  # open item: flagged 纸上整改, which the unit sees
    assert 'id="still-active"' not in _page(client, desk["other"])  # 已整改 on an open item: nothing changes
    desk["campaign"].status = "closed"
    db.session.commit()
    assert 'id="still-active"' not in _page(client, desk["relapsed"])


def test_confirming_reopens_the_item_and_the_liaison_sees_the_flag_and_new_due_date(auth, client, desk):
    recheck, item = desk["relapsed"], desk["item"]
    auth.login("reviewer")
    response = client.post(f"/followup/rechecks/{recheck.id}/confirm",
                           data={"note": "现场核实", "version": recheck.version, "item_version": item.version})
    assert response.status_code == 303
    db.session.expire_all()
    item = db.session.get(RectificationItem, item.id)
    due = add_period(today_cst(), 15, "natural")
    assert (item.status, item.flag, item.due_date) == ("pending", "relapse", due)
    assert db.session.get(Recheck, recheck.id).decision == "reopened"
    assert "已重新交办" in _page(client, recheck)
    auth.logout()
    auth.login("liaison1")
    inbox = client.get("/rectification/mine").get_data(as_text=True)
    assert 'data-flag="relapse"' in inbox and f"{due.year}年{due.month}月{due.day}日" in inbox
    page = client.get(f"/rectification/mine/{item.id}").get_data(as_text=True)
    assert "回头看复核认定该问题反弹，已重新交办" in page and f"{due.year}年{due.month}月{due.day}日" in page


def test_rejecting_needs_a_reason_and_changes_nothing(auth, client, desk):
    recheck, item = desk["relapsed"], desk["item"]
    auth.login("reviewer")
    response = client.post(f"/followup/rechecks/{recheck.id}/reject", data={"note": "", "version": recheck.version})
    assert response.status_code == 422 and "不予采纳须填写理由" in response.get_data(as_text=True)
    response = client.post(f"/followup/rechecks/{recheck.id}/reject",
                           data={"note": "照片与该单位无关", "version": recheck.version})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Recheck, recheck.id).status == "rejected"
    assert db.session.get(RectificationItem, item.id).status == "closed"


def test_a_stale_page_is_refused_with_the_text_kept(auth, client, desk):
    recheck, item = desk["relapsed"], desk["item"]
    seen = item.version
    db.session.execute(text("UPDATE rectification_items SET version = version + 1 WHERE id = :id"), {"id": item.id})
    db.session.commit()
    auth.login("reviewer")
    response = client.post(f"/followup/rechecks/{recheck.id}/confirm",
                           data={"note": "我的意见", "version": recheck.version, "item_version": seen})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "刚刚已被他人处理" in body and "我的意见" in body
    db.session.expire_all()
    assert db.session.get(Recheck, recheck.id).status == "submitted"


def test_a_pending_visit_recheck_has_no_forms_and_is_refused(auth, client, desk):
    problem = desk["open"].problem
    waiting = make_recheck(problem, verdict="relapsed", status="pending_visit")
    db.session.commit()
    auth.login("reviewer")
    body = _page(client, waiting)
    assert "暂不能审核" in body and "/confirm" not in body
    response = client.post(f"/followup/rechecks/{waiting.id}/confirm", data={"version": waiting.version})
    assert response.status_code == 409 and "到访记录尚未同步" in response.get_data(as_text=True)


def test_the_list_filters_by_verdict_status_and_unit(auth, client, desk):
    auth.login("reviewer")
    url = f"/followup/{desk['campaign'].id}/rechecks"

    def listed(**args) -> set[str]:
        body = client.get(url, query_string=args).get_data(as_text=True)
        return set(re.findall(r'data-recheck="([0-9a-f-]{36})"', body))

    ids = {k: str(desk[k].id) for k in ("relapsed", "open", "other")}
    assert listed() == set(ids.values())
    assert listed(verdict="relapsed") == {ids["relapsed"]}
    assert listed(unit=desk["world"].units[1].id) == {ids["other"]}
    desk["other"].status = "confirmed"
    db.session.commit()
    assert listed(status="submitted") == {ids["relapsed"], ids["open"]}
    assert listed(verdict="nonsense") == set(ids.values())


def test_bulk_confirm_asks_first_then_confirms_each(auth, client, desk):
    auth.login("reviewer")
    url = f"/followup/{desk['campaign'].id}/rechecks/confirm"
    chosen = [desk["relapsed"], desk["open"]]
    data = {"ids": [str(r.id) for r in chosen], "note": "批量确认", **{f"v{r.id}": r.version for r in chosen}}
    response = client.post(url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "确认以下2条复核" in body and "其中1个已销号事项将重新交办" in body
    assert db.session.scalar(select(Recheck.status).where(Recheck.id == desk["relapsed"].id)) == "submitted"
    response = client.post(url, data={**data, "confirmed": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert {db.session.get(Recheck, r.id).status for r in chosen} == {"confirmed"}
    assert db.session.get(RectificationItem, desk["item"].id).status == "pending"
    assert db.session.get(Recheck, desk["other"].id).status == "submitted"


def test_bulk_confirm_with_nothing_ticked_says_so(auth, client, desk):
    auth.login("reviewer")
    response = client.post(f"/followup/{desk['campaign'].id}/rechecks/confirm", data={"note": ""},
                           follow_redirects=True)
    assert "请先勾选要确认的复核" in response.get_data(as_text=True)


def test_the_coordinator_reads_but_may_not_decide(auth, client, desk):
    auth.login("coordinator")
    body = _page(client, desk["relapsed"])
    assert "单位报告" in body and 'name="item_version"' not in body
    response = client.post(f"/followup/rechecks/{desk['relapsed'].id}/confirm", data={})
    assert response.status_code == 404
    assert client.get(f"/followup/{desk['campaign'].id}/rechecks").status_code == 200


@pytest.mark.parametrize("username", ("viewer", "liaison1", "inspector2"))
def test_others_get_404_everywhere(auth, client, desk, username):
    auth.login(username)
    campaign_id, recheck_id = desk["campaign"].id, desk["relapsed"].id
    for url in ("/followup/rechecks", f"/followup/{campaign_id}/rechecks", f"/followup/rechecks/{recheck_id}",
                f"/followup/{campaign_id}/results"):
        assert client.get(url).status_code == 404, url


def test_an_ordinary_campaign_has_no_recheck_list(auth, client, desk):
    auth.login("reviewer")
    assert client.get(f"/followup/{desk['world'].campaign.id}/rechecks").status_code == 404


def test_the_desk_index_counts_and_links_each_follow_up(auth, client, desk):
    auth.login("reviewer")
    body = client.get("/followup/rechecks").get_data(as_text=True)
    assert desk["campaign"].title in body and f"/followup/{desk['campaign'].id}/rechecks?status=submitted" in body
    assert "/followup/rechecks" in client.get("/review/").get_data(as_text=True)


def test_the_results_page_counts_confirmed_defects(auth, client, desk):
    auth.login("reviewer")
    recheck = desk["relapsed"]
    client.post(f"/followup/rechecks/{recheck.id}/confirm",
                data={"version": recheck.version, "item_version": desk["item"].version})
    body = client.get(f"/followup/{desk['campaign'].id}/results").get_data(as_text=True)
    assert '<b data-count="reopened">1</b>' in body and '<b data-verdict="relapsed">1</b>' in body
    assert '<b data-count="defect-share">100%</b>' in body
    assert "教体局" in body or "示例县教育和体育局" in body
    assert "/followup/report-circulars#campaign-" in body  # the reviewer drafts the 整改情况通报 from here
    auth.logout()
    auth.login("coordinator")  # reads the results, drafts no circular
    body = client.get(f"/followup/{desk['campaign'].id}/results").get_data(as_text=True)
    assert "复核结果" in body and "起草整改情况通报" not in body


def test_a_conflict_is_shown_and_settled_on_the_page_before_confirming(auth, client, desk):
    recheck = desk["relapsed"]
    recheck.conflicts = {"verdict": {"server": "relapsed", "phone": "rectified", "device": "1",
                                     "user_id": recheck.created_by_id, "at": "2027-01-11T02:00:00+00:00"}}
    recheck.in_conflict = True
    db.session.commit()
    auth.login("reviewer")
    body = _page(client, recheck)
    assert "同步冲突" in body and "另一部手机“已整改”" in body and 'name="item_version"' not in body
    response = client.post(f"/followup/rechecks/{recheck.id}/confirm",
                           data={"version": recheck.version, "item_version": desk["item"].version})
    assert response.status_code == 422 and "请先在本页处理冲突" in response.get_data(as_text=True)
    response = client.post(f"/followup/rechecks/{recheck.id}/conflict",
                           data={"key": "verdict", "choice": "server", "version": recheck.version})
    assert response.status_code == 303
    db.session.expire_all()
    settled = db.session.get(Recheck, recheck.id)
    assert (settled.in_conflict, settled.verdict) == (False, "relapsed")
    assert 'name="item_version"' in _page(client, settled)
