"""Recheck (复核) records: created at a follow-up target, replay-safe, merged by field, refused with the field named."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.auth.services import create_user
from inspection.campaigns.models import Campaign, Target, Team
from inspection.extensions import db
from inspection.followup.models import FollowupProblem, Recheck, RecheckPhoto
from inspection.photos.models import Photo
from inspection.photos.purge import unclaimed_photos
from inspection.sqltypes import utcnow
from inspection.sync.changes import emit_recheck_change
from inspection.sync.models import ChangeEvent
from inspection.sync.versions import bump_recheck

from ..records import push, statuses, visit_record
from .followup_fixtures import make_followup_world, photo_bytes, recheck_record


@pytest.fixture
def fu(app, world):
    """The follow-up campaign (inspector3's team at units 0 and 1)."""
    return make_followup_world(app, world)


@pytest.fixture
def h3(fu, token_for):
    """inspector3, on the follow-up team, on their phone."""
    return token_for("inspector3")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _visit(client, headers, target) -> uuid.UUID:
    """Push a visit at a target; return its id."""
    vid = uuid.uuid4()
    assert statuses(push(client, headers, [visit_record(target, visit_id=vid)])) == ["created"]
    return vid


def _result(response, index: int = 0) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"][index]


def test_a_recheck_is_created_at_its_problem_with_the_visit(client, world, fu, h3):
    vid, rid = uuid.uuid4(), uuid.uuid4()
    problem = fu.problems[0][0]
    response = push(client, h3, [recheck_record(vid, problem.finding_id, recheck_id=rid, verdict="relapsed"),
                                 visit_record(fu.targets[0], visit_id=vid)])
    assert statuses(response) == ["created", "created"]
    assert _result(response) == {"id": str(rid), "type": "recheck", "status": "created", "version": 1,
                                 "missing_photos": [], "errors": {}, "codes": {}}
    recheck = db.session.get(Recheck, rid)
    assert (recheck.status, recheck.verdict, recheck.note) == ("submitted", "relapsed", "签到册仍有代签痕迹")
    assert (recheck.visit_id, recheck.problem_id, recheck.team_id) == (vid, problem.id, fu.team.id)
    assert (recheck.campaign_id, recheck.unit_id) == (fu.campaign.id, world.units[0].id)
    assert recheck.original == {"visit_id": str(vid), "finding_id": str(problem.finding_id), "verdict": "relapsed",
                                "note": "签到册仍有代签痕迹", "photos": []}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sync.create"))
    assert audit.after["rechecks"] == [str(rid)] and "复核1条" in audit.summary


def test_replaying_a_batch_answers_the_same_and_doubles_nothing(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    data, sha = photo_bytes(40)
    records = [recheck_record(vid, fu.problems[0][0].finding_id,
                              photos=[{"sha256": sha, "caption": "签到册", "taken_at": None}])]
    batch_id = uuid.uuid4()
    first = push(client, h3, records, batch_id=batch_id)
    assert _result(first)["missing_photos"] == [sha]
    counts = (count(Recheck), count(RecheckPhoto), count(AuditEvent))
    again = push(client, h3, records, batch_id=batch_id)
    assert again.get_json()["results"] == first.get_json()["results"]
    assert (count(Recheck), count(RecheckPhoto), count(AuditEvent)) == counts == (1, 1, counts[2])
    resent = push(client, h3, records)  # the same record in a new batch (a retry after a lost answer)
    assert statuses(resent) == ["unchanged"] and _result(resent)["version"] == 1
    assert (count(Recheck), count(RecheckPhoto)) == (1, 1)


def test_edits_of_different_fields_from_one_base_merge(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    rid = uuid.uuid4()
    finding_id = fu.problems[0][0].finding_id
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid)])) == ["created"]
    note = push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1, note="复核时无人代签")],
                device="phone-1")
    assert (statuses(note), _result(note)["version"]) == (["updated"], 2)
    verdict = push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1, verdict="rectified")],
                   device="phone-2")  # the second phone saw version 1 and changed only the verdict
    assert (statuses(verdict), _result(verdict)["version"]) == (["updated"], 3)
    recheck = db.session.get(Recheck, rid)
    assert (recheck.verdict, recheck.note, recheck.in_conflict) == ("rectified", "复核时无人代签", False)
    assert count(AuditEvent.__table__.select().where(AuditEvent.action == "recheck.sync_update").subquery()) == 2


def test_conflicting_edits_keep_the_servers_value_and_the_phones_beside_it(client, world, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    rid = uuid.uuid4()
    finding_id = fu.problems[0][0].finding_id
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid)])) == ["created"]
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1,
                                                     verdict="relapsed")], device="phone-1")) == ["updated"]
    clash = push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1, verdict="rectified",
                                             note="已整改到位")], device="phone-2")
    answer = _result(clash)
    assert answer["status"] == "conflict" and answer["conflicts"] == {
        "verdict": {"server": "relapsed", "phone": "rectified"}}
    recheck = db.session.get(Recheck, rid)
    assert (recheck.verdict, recheck.note, recheck.in_conflict) == ("relapsed", "已整改到位", True)
    assert recheck.conflicts["verdict"]["phone"] == "rectified" and recheck.conflicts["verdict"]["device"] == "phone-2"
    kinds = set(db.session.scalars(select(ChangeEvent.kind).where(ChangeEvent.entity_id == str(rid))))
    assert kinds == {"edited", "conflict"}


def test_a_reviewed_recheck_takes_no_phone_edit(client, world, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    rid = uuid.uuid4()
    finding_id = fu.problems[0][0].finding_id
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid)])) == ["created"]
    recheck = db.session.get(Recheck, rid)
    recheck.status = "confirmed"
    assert bump_recheck(recheck, ["status"]) == 2
    db.session.commit()
    late = push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=2, note="补充")])
    assert statuses(late) == ["conflict"] and db.session.get(Recheck, rid).note == "签到册仍有代签痕迹"


def test_a_finding_not_on_the_targets_list_is_forbidden(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    answer = _result(push(client, h3, [recheck_record(vid, fu.stray.id)]))  # unit 0's, never issued
    assert answer["status"] == "forbidden" and answer["codes"] == {"finding_id": ["finding_not_on_list"]}
    unit1 = _result(push(client, h3, [recheck_record(vid, uuid.uuid4())]))  # no such finding at all
    assert unit1["status"] == "forbidden" and list(unit1["errors"]) == ["finding_id"]
    assert count(Recheck) == 0


def test_another_teams_inspector_is_forbidden(client, fu, h3, h1):
    vid = _visit(client, h3, fu.targets[0])
    answer = _result(push(client, h1, [recheck_record(vid, fu.problems[0][0].finding_id)]))
    assert answer["status"] == "forbidden" and list(answer["errors"]) == ["visit_id"]
    early = _result(push(client, h1, [recheck_record(uuid.uuid4(), fu.problems[0][0].finding_id)]))
    assert early["status"] == "forbidden" and list(early["errors"]) == ["finding_id"]  # on none of team A's lists
    assert count(Recheck) == 0


def test_a_campaign_no_longer_active_takes_no_recheck(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    fu.campaign.status = "closed"
    db.session.commit()
    answer = _result(push(client, h3, [recheck_record(vid, fu.problems[0][0].finding_id)]))
    assert answer["status"] == "forbidden" and list(answer["errors"]) == ["visit_id"]


def test_an_unknown_verdict_is_invalid_naming_verdict(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    answer = _result(push(client, h3, [recheck_record(vid, fu.problems[0][0].finding_id, verdict="fixed")]))
    assert answer["status"] == "invalid" and answer["codes"] == {"verdict": ["not_a_choice"]}


def test_a_finding_of_another_unit_is_invalid_naming_finding_id(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    for other in (fu.foreign.id, fu.problems[1][0].finding_id):  # unit 2's; unit 1's (on the other target's list)
        answer = _result(push(client, h3, [recheck_record(vid, other)]))
        assert answer["status"] == "invalid" and answer["codes"] == {"finding_id": ["finding_of_another_unit"]}


def test_one_bad_recheck_does_not_sink_the_batch(client, fu, h3):
    vid = uuid.uuid4()
    response = push(client, h3, [visit_record(fu.targets[0], visit_id=vid),
                                 recheck_record(vid, fu.stray.id),
                                 recheck_record(vid, fu.problems[0][1].finding_id, verdict="unverifiable")])
    assert statuses(response) == ["created", "forbidden", "created"]
    assert count(Recheck) == 1


def test_a_recheck_before_its_visit_waits_then_the_visit_links_it(client, world, fu, h3):
    vid, rid = uuid.uuid4(), uuid.uuid4()
    problem = fu.problems[0][0]
    assert statuses(push(client, h3, [recheck_record(vid, problem.finding_id, recheck_id=rid)])) == ["created"]
    recheck = db.session.get(Recheck, rid)
    assert (recheck.status, recheck.visit_id, recheck.visit_ref) == ("pending_visit", None, vid)
    assert (recheck.problem_id, recheck.team_id) == (problem.id, fu.team.id)  # the user's only target listing it
    assert statuses(push(client, h3, [visit_record(fu.targets[0], visit_id=vid)])) == ["created"]
    recheck = db.session.get(Recheck, rid)
    assert (recheck.status, recheck.visit_id, recheck.problem_id) == ("submitted", vid, problem.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "recheck.linked")).entity_id == str(rid)
    linked = db.session.scalar(select(ChangeEvent).where(ChangeEvent.kind == "linked"))
    assert (linked.entity_type, linked.user_id) == ("recheck", world.users["inspector3"].id)


def test_a_waiting_recheck_can_be_edited_by_its_author(client, fu, h3):
    vid, rid = uuid.uuid4(), uuid.uuid4()
    finding_id = fu.problems[0][0].finding_id
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid)])) == ["created"]
    assert statuses(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1,
                                                     verdict="rectified")])) == ["updated"]
    moved = _result(push(client, h3, [recheck_record(vid, fu.problems[0][1].finding_id, recheck_id=rid,
                                                     base_version=2)]))
    assert moved["status"] == "invalid" and list(moved["errors"]) == ["finding_id"]


def test_missing_photos_are_answered_as_for_findings(client, world, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    data, sha = photo_bytes(41)
    rid = uuid.uuid4()
    finding_id = fu.problems[0][0].finding_id
    refs = [{"sha256": sha, "caption": "复核照片", "taken_at": "2026-11-30T10:00:00+08:00"},
            {"sha256": fu.finding_photo, "caption": "别人拍的", "taken_at": None}]  # held by inspector1, not us
    first = _result(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, photos=refs)]))
    assert first["missing_photos"] == [sha, fu.finding_photo]
    assert client.put(f"/api/v1/photos/{sha}", data=data, headers={**h3, "Content-Type": "image/jpeg"}).status_code == 201
    again = _result(push(client, h3, [recheck_record(vid, finding_id, recheck_id=rid, base_version=1, photos=refs)]))
    assert (again["status"], again["missing_photos"]) == ("unchanged", [fu.finding_photo])
    assert [p.sha256 for p in db.session.get(Recheck, rid).photos] == [sha, fu.finding_photo]


def test_a_recheck_photo_is_seen_by_the_team_and_reviewers_not_another_team(client, world, fu, h3, h2, token_for):
    mate = create_user("inspector4", "pass-1234", "inspector", display_name="inspector4")
    fu.team.members.append(mate)
    db.session.commit()
    vid = _visit(client, h3, fu.targets[0])
    data, sha = photo_bytes(42)
    push(client, h3, [recheck_record(vid, fu.problems[0][0].finding_id,
                                     photos=[{"sha256": sha, "caption": "", "taken_at": None}])])
    client.put(f"/api/v1/photos/{sha}", data=data, headers={**h3, "Content-Type": "image/jpeg"})
    with client.get(f"/photos/{sha}/thumb", headers=token_for("inspector4")) as teammate:
        assert teammate.status_code == 200
    with client.get(f"/photos/{sha}/original", headers=h2) as stranger:
        assert stranger.status_code == 404


def test_emit_recheck_change_tells_the_author_and_the_team(client, world, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    rid = uuid.uuid4()
    push(client, h3, [recheck_record(vid, fu.problems[0][0].finding_id, recheck_id=rid)])
    recheck = db.session.get(Recheck, rid)
    recheck.status, recheck.decision = "confirmed", "reopened"
    version = bump_recheck(recheck, ["status", "decision"])
    emit_recheck_change(recheck, "review", {"status": "confirmed", "decision": "reopened", "review_note": "",
                                            "version": version})
    db.session.commit()
    changes = client.get("/api/v1/changes?since=0", headers=h3).get_json()["changes"]
    review = [c for c in changes if c["kind"] == "review"]
    assert [(c["entity_type"], c["entity_id"], c["payload"]["decision"]) for c in review] == [
        ("recheck", str(rid), "reopened")]


def test_a_rechecks_photos_and_the_units_evidence_are_never_purged_as_unclaimed(client, fu, h3):
    vid = _visit(client, h3, fu.targets[0])
    data, sha = photo_bytes(43)
    assert client.put(f"/api/v1/photos/{sha}", data=data, headers={**h3, "Content-Type": "image/jpeg"}).status_code == 201
    push(client, h3, [recheck_record(vid, fu.problems[0][0].finding_id,
                                     photos=[{"sha256": sha, "caption": "", "taken_at": None}])])
    stray, stray_sha = photo_bytes(44)
    client.put(f"/api/v1/photos/{stray_sha}", data=stray, headers={**h3, "Content-Type": "image/jpeg"})
    for photo in db.session.scalars(select(Photo)):
        photo.created_at -= timedelta(days=30)
    db.session.commit()
    assert [p.sha256 for p in unclaimed_photos(utcnow())] == [stray_sha]  # not the recheck's, not the evidence


def test_a_waiting_recheck_two_of_the_users_targets_list_waits_for_its_visit_to_say_which(client, world, fu, h3):
    problem = fu.problems[0][0]
    second = Campaign(title="第二批回头看", start_date=fu.campaign.start_date, end_date=fu.campaign.end_date,
                      checklist=world.checklist, status="active", kind="followup")
    second.teams.append(Team(name="回头看二组", leader=world.users["inspector3"], members=[world.users["inspector3"]]))
    db.session.add(second)
    db.session.flush()
    other = Target(campaign=second, unit=world.units[0], team=second.teams[0])
    db.session.add(other)
    db.session.flush()
    db.session.add(FollowupProblem(campaign_id=second.id, target_id=other.id, item_id=problem.item_id,
                                   finding_id=problem.finding_id, position=1))
    db.session.commit()
    vid, rid = uuid.uuid4(), uuid.uuid4()
    assert statuses(push(client, h3, [recheck_record(vid, problem.finding_id, recheck_id=rid)])) == ["created"]
    waiting = db.session.get(Recheck, rid)
    assert (waiting.status, waiting.problem_id, waiting.team_id) == ("pending_visit", None, None)
    assert statuses(push(client, h3, [visit_record(other, visit_id=vid)])) == ["created"]
    linked = db.session.get(Recheck, rid)
    assert (linked.status, linked.campaign_id, linked.team_id) == ("submitted", second.id, second.teams[0].id)
    assert linked.problem_id != problem.id
