"""回头看 results: verdict counts, 纸上整改 / 反弹 by unit and category, shares, the stats page and API agreeing."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.followup import review
from inspection.followup.results import followup_results, results_payload
from inspection.rectification.models import RectificationItem

from .fixtures import add_target, issued_circular, make_followup, make_recheck, set_status

TODAY = date(2026, 12, 1)


def _confirm(recheck, world):
    review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)


@pytest.fixture
def reviewed(app, world):
    """Unit 0: item 1 closed → 反弹 (reopened), item 2 open → 未整改; unit 1: item 1 closed → 已整改, item 2 无法核实.

    Also a rejected, a waiting and a pending_visit recheck, which count as rechecked but not as confirmed.
    """
    circular = issued_circular(app, world)
    campaign = make_followup(world, [circular])
    a, b = add_target(campaign, world.units[0]), add_target(campaign, world.units[1])
    set_status(a.problems[0].item, "closed")
    set_status(b.problems[0].item, "closed")
    confirmed = [make_recheck(a.problems[0], verdict="relapsed"), make_recheck(a.problems[1], verdict="not_rectified"),
                 make_recheck(b.problems[0], verdict="rectified"), make_recheck(b.problems[1], verdict="unverifiable")]
    for recheck in confirmed:
        _confirm(recheck, world)
    rejected = make_recheck(b.problems[1], verdict="not_rectified")
    review.reject_recheck(rejected, note="照片不清", actor=world.users["reviewer"])
    make_recheck(b.problems[0], verdict="relapsed")  # waiting for review
    make_recheck(a.problems[1], verdict="relapsed", status="pending_visit")
    db.session.commit()
    return world, circular, campaign, a, b


def test_one_campaign_counts_each_item_once_by_its_confirmed_recheck(reviewed):
    world, _, campaign, a, b = reviewed
    results = followup_results(campaign_id=campaign.id)
    assert (results.problems, results.rechecked, results.confirmed) == (4, 4, 4)
    assert results.by_status == {"pending_visit": 1, "submitted": 1, "confirmed": 4, "rejected": 1}
    assert results.verdicts == {"rectified": 1, "not_rectified": 1, "relapsed": 1, "unverifiable": 1}
    assert (results.paper, results.relapse, results.reopened, results.consolidated) == (1, 1, 1, 1)
    assert results.defect_share == "50%"
    assert [(r.name, r.paper, r.relapse, r.total) for r in results.by_unit] == [("示例县教育和体育局", 1, 1, 2)]
    first, second = a.problems[0].item.category, a.problems[1].item.category
    assert first != second  # 在岗在位 and 考勤管理 in the sample circular
    assert {r.name: (r.paper, r.relapse) for r in results.by_category} == {first: (0, 1), second: (1, 0)}


def test_the_counts_agree_with_the_flags_the_review_set(reviewed):
    _, _, campaign, *_ = reviewed
    results = followup_results(campaign_id=campaign.id)
    flags = dict(db.session.execute(select(RectificationItem.flag, func.count()).group_by(RectificationItem.flag)).all())
    assert (flags.get("paper", 0), flags.get("relapse", 0), flags.get("consolidated", 0)) == \
        (results.paper, results.relapse, results.consolidated)


def test_a_later_confirmed_recheck_of_the_same_item_replaces_the_earlier(reviewed):
    world, circular, _, a, _ = reviewed
    later = make_followup(world, [circular], title="第二批回头看")
    again = add_target(later, world.units[0], items=[a.problems[1].item])
    _confirm(make_recheck(again.problems[0], verdict="relapsed"), world)
    db.session.commit()
    overall = followup_results()
    assert (overall.paper, overall.relapse) == (0, 2)  # the 纸上整改 item relapsed on the second visit
    assert overall.problems == 5 and overall.confirmed == 4
    assert followup_results(campaign_id=later.id).relapse == 1


def test_shares_are_rounded_half_up_each_on_its_own(app, world):
    circular = issued_circular(app, world, units=[world.units[0], world.units[1]])
    campaign = make_followup(world, [circular])
    a, b = add_target(campaign, world.units[0]), add_target(campaign, world.units[1])
    for problem, verdict in ((a.problems[0], "relapsed"), (a.problems[1], "rectified"), (b.problems[0], "rectified")):
        _confirm(make_recheck(problem, verdict=verdict), world)
    db.session.commit()
    payload = results_payload(followup_results(campaign_id=campaign.id))
    assert (payload["defect_share"], payload["defect_percent"]) == ("33.3%", 33.3)
    json.dumps(payload)  # a plain dict


def test_no_rechecks_count_zero(app, world):
    results = followup_results()
    assert (results.problems, results.confirmed, results.defect_share, results.by_unit) == (0, 0, "0%", [])


def test_the_stats_page_and_api_show_the_same_numbers(auth, client, reviewed):
    _, _, campaign, *_ = reviewed
    auth.login("reviewer")
    page = client.get("/stats/").get_data(as_text=True)
    assert 'id="followup-paper">1<' in page and 'id="followup-relapse">1<' in page
    assert "纸上整改和反弹（按单位）" in page
    body = client.get("/api/v1/stats").get_json()
    expected = results_payload(followup_results())
    assert body["followup"] == json.loads(json.dumps(expected))
    scoped = client.get("/api/v1/stats", query_string={"campaign": campaign.id}).get_json()
    assert scoped["followup"]["campaign_id"] == campaign.id and scoped["followup"]["relapse"] == 1


def test_an_ordinary_campaign_has_no_followup_figures(auth, client, reviewed):
    world, *_ = reviewed
    auth.login("reviewer")
    body = client.get("/api/v1/stats", query_string={"campaign": world.campaign.id}).get_json()
    assert body["followup"] is None


def test_a_viewer_does_not_count_an_active_follow_up(auth, client, reviewed):
    _, _, campaign, *_ = reviewed
    auth.login("viewer")
    body = client.get("/api/v1/stats").get_json()
    assert body["followup"]["rechecked"] == 0 and body["followup"]["by_unit"] == []
    assert 'id="followup-paper"' not in client.get("/stats/").get_data(as_text=True)
    campaign.status = "closed"
    db.session.commit()
    assert client.get("/api/v1/stats").get_json()["followup"]["relapse"] == 1
