"""Visit records from phones: created at the team's targets, answers merged item by item."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.sync.models import RecordVersion
from inspection.visits.models import Visit

from ..records import apply, status_of, visit_record

ANSWERS = [{"item_code": "A01", "result": "fail", "note": "签到册缺3人"},
           {"item_code": "A02", "result": "pass", "note": ""}]


@pytest.fixture
def made(world):
    user = world.users["inspector1"]
    vid = uuid.uuid4()
    assert status_of(apply(user, [visit_record(world.targets[0], visit_id=vid)])) == ["created"]
    return user, vid


def answers_of(vid) -> dict:
    visit = db.session.get(Visit, vid)
    return {a.item.code: (a.result, a.note) for a in visit.answers}


def test_created_visit_takes_its_place_from_the_target_and_keeps_version_one(world, made):
    _, vid = made
    visit = db.session.get(Visit, vid)
    assert (visit.campaign_id, visit.unit_id, visit.team_id, visit.checklist_id) == (
        world.campaign.id, world.units[0].id, world.teams[0].id, world.checklist.id)
    assert visit.started_at.isoformat() == "2026-11-20T01:30:00+00:00" and visit.lat == 34.75
    assert answers_of(vid) == {"A01": ("fail", "签到册缺3人"), "A02": ("pass", "")}
    kept = db.session.scalar(select(RecordVersion).where(RecordVersion.entity_id == vid))
    assert kept.version == 1 and kept.data["answers"][0]["item_code"] == "A01"


def test_answers_to_different_items_from_two_devices_merge(world, made):
    user, vid = made
    target = world.targets[0]
    a = apply(user, [visit_record(target, visit_id=vid, base_version=1, answers=[
        ANSWERS[0], {"item_code": "A02", "result": "fail", "note": "2人脱岗"}])], device="A")
    b = apply(user, [visit_record(target, visit_id=vid, base_version=1, answers=[
        *ANSWERS, {"item_code": "A04", "result": "na", "note": "无公车"}])], device="B")
    assert status_of(a) == status_of(b) == ["updated"]
    assert answers_of(vid) == {"A01": ("fail", "签到册缺3人"), "A02": ("fail", "2人脱岗"), "A04": ("na", "无公车")}
    assert db.session.get(Visit, vid).version == 3


def test_same_answer_changed_on_two_devices_is_a_conflict(world, made):
    user, vid = made
    target = world.targets[0]
    apply(user, [visit_record(target, visit_id=vid, base_version=1,
                              answers=[{"item_code": "A01", "result": "pass", "note": "已补签"}, ANSWERS[1]])])
    result = apply(user, [visit_record(target, visit_id=vid, base_version=1, notes="补充说明",
                                       answers=[{"item_code": "A01", "result": "fail", "note": "缺4人"},
                                                ANSWERS[1]])], device="B")[0]
    assert result["status"] == "conflict"
    visit = db.session.get(Visit, vid)
    assert answers_of(vid)["A01"] == ("pass", "已补签") and visit.notes == "补充说明"
    assert visit.conflicts["answer:A01"]["phone"] == {"result": "fail", "note": "缺4人"}
    assert visit.conflicts["answer:A01"]["device"] == "B"


def test_removed_answer_is_removed_and_resend_is_unchanged(world, made):
    user, vid = made
    record = visit_record(world.targets[0], visit_id=vid, base_version=1, answers=[ANSWERS[0]])
    assert status_of(apply(user, [record])) == ["updated"]
    assert answers_of(vid) == {"A01": ("fail", "签到册缺3人")}
    record["base_version"] = 2
    assert status_of(apply(user, [record])) == ["unchanged"]


def test_target_cannot_change_and_unknown_items_are_refused(world, made):
    user, vid = made
    moved = apply(user, [visit_record(world.targets[1], visit_id=vid, base_version=1)])[0]
    assert moved["status"] == "invalid" and "target_id" in moved["errors"]
    unknown = apply(user, [visit_record(world.targets[0], visit_id=vid, base_version=1,
                                        answers=[{"item_code": "Z9", "result": "fail"}])])[0]
    assert unknown["status"] == "invalid" and "answers" in unknown["errors"]
    assert answers_of(vid) == {"A01": ("fail", "签到册缺3人"), "A02": ("pass", "")}


def test_visits_of_a_closed_campaign_can_no_longer_be_edited(world, made):
    user, vid = made
    world.campaign.status = "closed"
    db.session.commit()
    result = apply(user, [visit_record(world.targets[0], visit_id=vid, base_version=1, notes="结束后修改")])[0]
    assert result["status"] == "forbidden"
    assert db.session.get(Visit, vid).notes == "从侧门进入，未出示证件"
