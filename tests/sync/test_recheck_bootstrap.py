"""Bootstrap for 回头看: campaigns say their kind, follow-up targets list their earlier problems with thumbnails
the team may fetch, and no one else gains a photo."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event

from inspection.auth.services import create_user
from inspection.campaigns.models import Target
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.followup.models import FollowupProblem

from ..conftest import PASSWORD
from ..records import push, statuses, visit_record
from .followup_fixtures import make_followup_world, recheck_record, store_photo


@pytest.fixture
def fu(app, world):
    """The follow-up campaign (inspector3's team at units 0 and 1)."""
    return make_followup_world(app, world)


def _bootstrap(client, headers) -> dict:
    response = client.get("/api/v1/bootstrap", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_followup_target_lists_its_problems_as_the_contract_says(client, world, fu, token_for):
    body = _bootstrap(client, token_for("inspector3"))
    [campaign] = body["campaigns"]
    assert (campaign["id"], campaign["kind"], campaign["followup"]) == (fu.campaign.id, "followup",
                                                                         {"include_checklist": True})
    assert campaign["checklist_id"] == world.checklist.id and body["checklists"][0]["id"] == world.checklist.id
    assert body["verdicts"] == {"rectified": "已整改", "not_rectified": "未整改", "relapsed": "反弹",
                                "unverifiable": "无法核实"}
    first, second = campaign["targets"]
    assert [r["finding_id"] for r in first["rechecks"]] == [str(p.finding_id) for p in fu.problems[0]]
    assert [r["position"] for r in second["rechecks"]] == [1]
    item = fu.items[0][0]
    thumb = f"/photos/{fu.finding_photo}/thumb"
    assert first["rechecks"][0] == {
        "finding_id": str(item.finding_id), "item_id": item.id, "position": 1,
        "description": "签到册有2人由他人代签（通报原文）", "category": "考勤管理",
        "occurred_at": "2026-11-20T01:30:00+00:00", "location": "办公室",
        "photos": [{"sha256": fu.finding_photo, "caption": "签到册", "thumbnail": thumb}],
        "rectification": {
            "status": "closed", "status_label": "已销号", "measures": "已制定考勤制度并公示", "progress": "已完成整改",
            "due_date": "2026-12-16", "closed_at": "2026-12-15T02:00:00+00:00",
            "evidence": [{"kind": "photo", "sha256": fu.evidence_photo, "filename": "公示照片.jpg",
                          "thumbnail": f"/photos/{fu.evidence_photo}/thumb"},
                         {"kind": "pdf", "sha256": "ab" * 32, "filename": "整改报告.pdf", "thumbnail": None}]},
        "recheck": None}
    assert first["rechecks"][1]["rectification"]["status"] == "pending"
    assert first["rechecks"][1]["rectification"]["closed_at"] is None


def test_each_problem_carries_the_teams_latest_recheck_for_any_phone_of_the_team(client, world, fu, token_for):
    h3 = token_for("inspector3")
    vid, first, latest = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    finding_id = fu.problems[0][1].finding_id
    photo = {"sha256": "c" * 64, "caption": "复核照片", "taken_at": "2026-11-30T10:00:00+08:00"}
    assert statuses(push(client, h3, [visit_record(fu.targets[0], visit_id=vid),
                                      recheck_record(vid, finding_id, recheck_id=first, verdict="rectified")])) == [
        "created", "created"]
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=latest, photos=[photo])])) == [
        "created"]
    [campaign] = _bootstrap(client, h3)["campaigns"]
    entries = campaign["targets"][0]["rechecks"]
    assert entries[0]["recheck"] is None
    assert entries[1]["recheck"] == {"id": str(latest), "version": 1, "visit_id": str(vid),
                                     "verdict": "not_rectified", "note": "签到册仍有代签痕迹", "status": "submitted",
                                     "photos": [{"sha256": "c" * 64, "caption": "复核照片",
                                                 "taken_at": "2026-11-30T02:00:00+00:00", "thumbnail": None}]}


def test_a_teammates_recheck_photos_come_with_their_thumbnails_once_uploaded(app, client, world, fu, token_for):
    """A phone taking over a teammate's recheck shows (and keeps) the photos the teammate already sent."""
    second = create_user("inspector9", PASSWORD, "inspector", check_strength=False)
    fu.team.members.append(second)
    db.session.commit()
    h3, vid = token_for("inspector3"), uuid.uuid4()
    sent = store_photo(app, 7, world.users["inspector3"])
    photos = [{"sha256": sent, "caption": "复核照片", "taken_at": None},
              {"sha256": "d" * 64, "caption": "尚未上传", "taken_at": None}]
    assert statuses(push(client, h3, [visit_record(fu.targets[0], visit_id=vid),
                                      recheck_record(vid, fu.problems[0][0].finding_id, photos=photos)])) == [
        "created", "created"]
    h9 = token_for("inspector9")
    [campaign] = _bootstrap(client, h9)["campaigns"]
    kept = campaign["targets"][0]["rechecks"][0]["recheck"]["photos"]
    assert [(p["sha256"], p["thumbnail"]) for p in kept] == [(sent, f"/photos/{sent}/thumb"), ("d" * 64, None)]
    outsider = create_user("inspector8", PASSWORD, "inspector", check_strength=False)
    db.session.commit()
    for headers, status in ((h9, 200), (token_for("inspector8"), 404)):
        response = client.get(f"/photos/{sent}/thumb", headers=headers)
        response.close()
        assert response.status_code == status


def test_an_ordinary_campaign_says_so_and_its_targets_have_no_rechecks(client, fu, token_for):
    body = _bootstrap(client, token_for("inspector1"))
    [campaign] = body["campaigns"]
    assert (campaign["kind"], campaign["followup"]) == ("ordinary", None)
    assert all("rechecks" not in target for target in campaign["targets"])
    text = client.get("/api/v1/bootstrap", headers=token_for("inspector1")).get_data(as_text=True)
    assert "\\u901a\\u62a5\\u539f\\u6587" not in text and "通报原文" not in text  # no item text as issued


def test_the_team_may_fetch_thumbnail_and_display_copies_only(client, fu, token_for):
    h3 = token_for("inspector3")
    for sha in (fu.finding_photo, fu.evidence_photo):
        for variant, status in (("thumb", 200), ("display", 200), ("original", 404)):
            with client.get(f"/photos/{sha}/{variant}", headers=h3) as response:
                assert response.status_code == status, (sha, variant)


def test_no_one_else_gains_a_photo(client, auth, world, fu, token_for):
    h2 = token_for("inspector2")  # another team, not on the follow-up
    for sha in (fu.finding_photo, fu.evidence_photo):
        with client.get(f"/photos/{sha}/thumb", headers=h2) as response:
            assert response.status_code == 404
    auth.login("liaison2")
    for sha in (fu.finding_photo, fu.evidence_photo):
        with client.get(f"/photos/{sha}/thumb") as response:
            assert response.status_code == 404
    auth.logout()
    fu.campaign.status = "closed"  # the follow-up is over: its team loses the thumbnails again
    db.session.commit()
    with client.get(f"/photos/{fu.finding_photo}/thumb", headers=token_for("inspector3")) as response:
        assert response.status_code == 404


def test_a_photo_whose_reference_does_not_stand_is_left_out(app, client, world, fu, token_for):
    foreign = store_photo(app, 9, world.users["inspector2"])  # team B's bytes named on team A's finding
    finding = fu.items[0][1].finding
    finding.photos.append(FindingPhoto(sha256=foreign, caption="", position=0))
    db.session.commit()
    h3 = token_for("inspector3")
    [campaign] = _bootstrap(client, h3)["campaigns"]
    assert campaign["targets"][0]["rechecks"][1]["photos"] == []
    with client.get(f"/photos/{foreign}/thumb", headers=h3) as response:
        assert response.status_code == 404


def _count_queries(client, headers) -> int:
    """Count the SQL statements one bootstrap runs."""
    statements = []

    def note(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        _bootstrap(client, headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(statements)


def test_bootstrap_queries_do_not_grow_with_targets_and_problems(app, client, world, fu, token_for):
    h3 = token_for("inspector3")
    _bootstrap(client, h3)  # the token's first use writes its last-used time
    before = _count_queries(client, h3)
    for unit in world.units[2:]:  # two more targets, each listing every item of the circular
        target = Target(campaign=fu.campaign, unit=unit, team=fu.team)
        db.session.add(target)
        db.session.flush()
        db.session.add_all(FollowupProblem(campaign_id=fu.campaign.id, target_id=target.id, item_id=item.id,
                                           finding_id=item.finding_id, position=i)
                           for i, item in enumerate(fu.items[0] + fu.items[1], start=1))
    db.session.commit()
    assert sum(len(t["rechecks"]) for t in _bootstrap(client, h3)["campaigns"][0]["targets"]) == 9
    assert _count_queries(client, h3) == before


def test_the_openapi_document_describes_the_recheck_record_and_the_bootstrap_additions(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["RecheckData"]["properties"]["verdict"]["enum"] == ["rectified", "not_rectified", "relapsed",
                                                                       "unverifiable"]
    assert set(schemas["RecheckData"]["required"]) == {"visit_id", "finding_id", "verdict"}
    assert {"$ref": "#/components/schemas/RecheckData"} in schemas["Record"]["properties"]["data"]["oneOf"]
    assert "recheck" in schemas["Record"]["properties"]["type"]["enum"]
    entry = schemas["RecheckEntry"]["properties"]
    assert {"finding_id", "item_id", "position", "description", "category", "occurred_at", "location", "photos",
            "rectification"} <= set(entry)
    target = next(s for name, s in schemas.items() if "visit_count" in s.get("properties", {}))
    assert target["properties"]["rechecks"]["items"] == {"$ref": "#/components/schemas/RecheckEntry"}
    campaign = next(s for s in schemas.values() if "followup" in s.get("properties", {}))
    assert campaign["properties"]["kind"]["enum"] == ["ordinary", "followup"]


def test_the_bootstrap_is_sent_as_compact_utf8_json(client, fu, token_for):
    response = client.get("/api/v1/bootstrap", headers=token_for("inspector3"))
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/json" and response.headers["Content-Length"] == str(len(text.encode()))
    assert "签到册有2人由他人代签（通报原文）" in text and "\\u" not in text  # Chinese as UTF-8, not escapes
    assert '": ' not in text and '", "' not in text  # no spaces after separators
