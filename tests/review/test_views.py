"""The review desk through the HTTP client: queue, finding page, decisions, edits, conflicts, merging."""
from __future__ import annotations

import hashlib
import io
import re
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from inspection.extensions import db
from inspection.findings.models import Finding, FindingPhoto
from inspection.photos.services import ingest_photo
from inspection.sync.models import ChangeEvent

from ..factories import make_finding, make_visit


@pytest.fixture
def desk(world):
    """Three findings awaiting review (oldest first), one confirmed."""
    visit = make_visit(world.targets[0], world.users["inspector1"])
    first = make_finding(visit, world.users["inspector1"], description="第一条：签到册他人代签", category="考勤管理")
    second = make_finding(visit, world.users["inspector1"], description="第二条：科员不在岗",
                          persons=(("王某", "副局长", "deputy_section_chief"),))
    third = make_finding(make_visit(world.targets[2], world.users["inspector2"]), world.users["inspector2"],
                         description="第三条：公车私用", category="公务用车")
    done = make_finding(visit, world.users["inspector1"], description="已确认的问题", status="confirmed")
    db.session.commit()
    return first, second, third, done


def test_queue_lists_findings_awaiting_review_oldest_first(auth, client, desk):
    auth.login("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    positions = [page.index(text) for text in ("第一条", "第二条", "第三条")]
    assert positions == sorted(positions)
    assert "已确认的问题" not in page
    assert 'data-keys="queue"' in page and "js/review-keys.js" in page
    assert "共 3 条" in page


def test_queue_filters(auth, client, desk, world):
    auth.login("reviewer")
    page = client.get("/review/?status=confirmed").get_data(as_text=True)
    assert "已确认的问题" in page and "第一条" not in page
    page = client.get("/review/?cadre_level=deputy_section_chief").get_data(as_text=True)
    assert "第二条" in page and "第一条" not in page
    page = client.get("/review/?q=公车").get_data(as_text=True)
    assert "第三条" in page and "第二条" not in page
    page = client.get(f"/review/?team={world.teams[1].id}").get_data(as_text=True)
    assert "第三条" in page and "第一条" not in page
    page = client.get("/review/?category=考勤管理&status=all").get_data(as_text=True)
    assert "第一条" in page and "第二条" not in page
    response = client.get("/review/?from=not-a-date")
    assert response.status_code == 200 and "筛选条件有误" in response.get_data(as_text=True)


def test_only_reviewers_and_admins_reach_the_desk(app, client, auth, desk):
    for username in ("viewer", "liaison1", "inspector1", "coordinator"):
        auth.login(username)
        assert client.get("/review/").status_code == 404, username
        assert client.get(f"/review/findings/{desk[0].id}").status_code == 404, username
        assert client.post(f"/review/findings/{desk[0].id}/decide", data={"action": "confirm"}).status_code == 404
        auth.logout()
    assert db.session.get(Finding, desk[0].id).status == "submitted"
    auth.login("admin")
    assert client.get("/review/").status_code == 200


def test_finding_page_shows_the_record_and_neighbours(auth, client, desk):
    first, second, third, _ = desk
    auth.login("reviewer")
    page = client.get(f"/review/findings/{second.id}?status=awaiting").get_data(as_text=True)
    assert "第二条：科员不在岗" in page and "王某" in page and "副科级干部" in page
    assert f'data-next="/review/findings/{third.id}?status=awaiting"' in page
    assert f'data-prev="/review/findings/{first.id}?status=awaiting"' in page
    assert "暗访组最初提交的内容" in page


def test_original_persons_are_shown_in_either_stored_shape(auth, client, desk):
    desk[0].original = {"persons": [{"name": "甲某", "post": "科员", "cadre_level": "staff"}, ["乙某", "股长", "section_chief"]]}
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/review/findings/{desk[0].id}").get_data(as_text=True)
    assert "甲某（科员，一般干部）；乙某（股长，正科级干部）" in page
    assert client.get(f"/review/findings/{uuid.uuid4()}").status_code == 404


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 09:31:05"
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 30.0, 0.0), 3: "E", 4: (113.0, 15.0, 36.0)})
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_viewer_shows_thumbnail_display_hash_exif_and_missing(app, auth, client, desk, world):
    data = _jpeg_with_exif()
    sha = hashlib.sha256(data).hexdigest()
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=world.users["inspector1"],
                 max_bytes=10_000_000, max_pixels=50_000_000)
    missing = hashlib.sha256(b"not yet").hexdigest()
    desk[0].photos.extend([FindingPhoto(sha256=sha, caption="签到册", position=0),
                           FindingPhoto(sha256=missing, position=1)])
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/review/findings/{desk[0].id}").get_data(as_text=True)
    assert f"/photos/{sha}/thumb" in page and f"/photos/{sha}/display" in page and f"/photos/{sha}/original" in page
    assert sha in page and missing in page and "尚未上传" in page
    assert "2026-11-20 09:31" in page  # EXIF time, China Standard Time
    assert "34.50000, 113.26000" in page
    assert "照片 1/2" in page
    with client.get(f"/photos/{sha}/thumb") as response:
        assert response.status_code == 200


def test_confirm_moves_on_to_the_next_finding_and_reaches_the_phone(auth, client, desk, world):
    first, second, _, _ = desk
    auth.login("reviewer")
    response = client.post(f"/review/findings/{first.id}/decide?status=awaiting",
                           data={"action": "confirm", "version": "1", "note": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/findings/{second.id}?status=awaiting"
    db.session.expire_all()
    assert db.session.get(Finding, first.id).status == "confirmed"
    event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.entity_id == str(first.id)))
    assert event.kind == "review" and event.user_id == world.users["inspector1"].id


def test_changes_reach_the_phone_through_the_pull_api(app, auth, client, desk, token_for):
    first = desk[0]
    auth.login("reviewer")
    client.post(f"/review/findings/{first.id}/decide", data={"action": "return", "version": "1",
                                                             "note": "请补充请假条照片"})
    auth.logout()
    response = client.get("/api/v1/changes?since=0", headers=token_for("inspector1"))
    assert response.status_code == 200
    mine = [c for c in response.get_json()["changes"] if c["entity_id"] == str(first.id) and c["kind"] == "review"]
    assert mine and mine[0]["payload"]["status"] == "returned"
    assert mine[0]["payload"]["note"] == "请补充请假条照片"


def test_return_without_a_question_is_refused_and_kept_on_the_page(auth, client, desk):
    auth.login("reviewer")
    response = client.post(f"/review/findings/{desk[0].id}/decide", data={"action": "return", "version": "1",
                                                                          "note": ""})
    assert response.status_code == 422
    assert "请写明需要暗访组补充的内容" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Finding, desk[0].id).status == "submitted"


def test_a_stale_decision_is_refused(auth, client, desk):
    auth.login("reviewer")
    response = client.post(f"/review/findings/{desk[0].id}/decide", data={"action": "reject", "version": "7",
                                                                          "note": "不属实"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Finding, desk[0].id).status == "submitted"


def test_confirming_from_the_list_stays_on_the_list(auth, client, desk):
    auth.login("reviewer")
    response = client.post(f"/review/findings/{desk[0].id}/decide?status=awaiting&page=1",
                           data={"action": "confirm", "version": "1", "back": "queue"})
    assert response.status_code == 303 and response.headers["Location"] == "/review/?status=awaiting"


def test_last_decision_returns_to_the_queue(auth, client, desk):
    auth.login("reviewer")
    response = client.post(f"/review/findings/{desk[2].id}/decide", data={"action": "reject", "version": "1",
                                                                          "note": "重复记录"})
    assert response.status_code == 303 and response.headers["Location"] == "/review/?status=awaiting"


def test_edit_form_changes_text_and_persons(auth, client, desk):
    second = desk[1]
    auth.login("reviewer")
    response = client.post(f"/review/findings/{second.id}/edit", data={
        "version": "1", "persons_present": "1", "description": "9时30分，副局长王某不在岗", "category": "在岗在位",
        "location": "三楼", "severity": "moderate", "item_id": "",
        "person-0-name": "王某", "person-0-post": "副局长", "person-0-level": "section_chief",
        "person-1-name": "刘某", "person-1-post": "科员", "person-1-level": "staff"})
    assert response.status_code == 303
    db.session.expire_all()
    finding = db.session.get(Finding, second.id)
    assert finding.description == "9时30分，副局长王某不在岗" and finding.severity == "moderate"
    assert [(p.name, p.cadre_level) for p in finding.persons] == [("王某", "section_chief"), ("刘某", "staff")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "审核人修改" in page and "第二条：科员不在岗" in page  # history and the team's original text


def test_conflict_is_resolved_side_by_side(auth, client, desk):
    first = desk[0]
    first.conflicts = {"description": {"server": first.description, "phone": "手机上的新描述", "device": "手机A",
                                       "user_id": 1, "at": "2026-11-20T03:00:00+00:00"}}
    first.in_conflict = True
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/review/findings/{first.id}").get_data(as_text=True)
    assert "同步冲突" in page and "手机上的新描述" in page and "服务器内容" in page
    assert re.search(r'<button type="submit" class="primary"\s+disabled', page)  # confirm waits for resolution
    response = client.post(f"/review/findings/{first.id}/resolve", data={
        "version": "1", "field": "description", "choice": "phone"})
    assert response.status_code == 303
    db.session.expire_all()
    finding = db.session.get(Finding, first.id)
    assert finding.description == "手机上的新描述" and not finding.in_conflict


def test_merge_from_the_finding_page(auth, client, desk):
    first, second = desk[0], desk[1]
    auth.login("reviewer")
    page = client.get(f"/review/findings/{first.id}").get_data(as_text=True)
    assert f'value="{second.id}"' in page  # offered as a duplicate candidate (same campaign and unit)
    response = client.post(f"/review/findings/{first.id}/merge", data={"version": "1", "keep": str(second.id)})
    assert response.status_code == 303 and str(second.id) in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Finding, first.id).status == "merged"
    kept_page = client.get(f"/review/findings/{second.id}").get_data(as_text=True)
    assert "已并入本问题的重复记录" in kept_page
    bad = client.post(f"/review/findings/{second.id}/merge", data={"version": "1", "keep": "nonsense"})
    assert bad.status_code == 422


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_decisions_need_the_csrf_token(self, client, desk):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "reviewer", "password": "pass-1234", "csrf_token": token})
        response = client.post(f"/review/findings/{desk[0].id}/decide", data={"action": "confirm", "version": "1"})
        assert response.status_code == 400
        db.session.expire_all()
        assert db.session.get(Finding, desk[0].id).status == "submitted"
        page = client.get(f"/review/findings/{desk[0].id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(f"/review/findings/{desk[0].id}/decide",
                               data={"action": "confirm", "version": "1", "csrf_token": token})
        assert response.status_code == 303
