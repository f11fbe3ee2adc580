"""Photos belong to the team that took them: naming a hash is not holding the photo."""
from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.visits.reports import visit_report
from inspection.extensions import db
from inspection.photos.possession import standing_links
from inspection.visits.models import Visit

from ..records import finding_record, jpeg, push, visit_record

VARIANTS = ("original", "display", "thumb")


def put(client, headers, data):
    return client.put(f"/api/v1/photos/{hashlib.sha256(data).hexdigest()}", data=data,
                      content_type="image/jpeg", headers=headers)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def fetch(client, headers, sha) -> list[int]:
    """GET every variant of a photo; return the status codes."""
    codes = []
    for variant in VARIANTS:
        response = client.get(f"/photos/{sha}/{variant}", headers=headers)
        codes.append(response.status_code)
        response.close()  # a sent file stays open until the response is closed
    return codes


def uploads_by(username_id: int, sha: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).where(AuditEvent.action == "photo.upload",
                                                         AuditEvent.entity_id == sha,
                                                         AuditEvent.actor_id == username_id))


@pytest.fixture
def heads(world, token_for):
    return {"a": token_for("inspector1"), "b": token_for("inspector2")}


def team_a_photo(client, world, heads):
    """Team A records a finding with a photo and uploads it; return (photo bytes, hash, finding id)."""
    data, sha = jpeg(7, size=(400, 300))
    vid, fid = uuid.uuid4(), uuid.uuid4()
    push(client, heads["a"], [visit_record(world.targets[0], visit_id=vid),
                              finding_record(vid, finding_id=fid, photos=[{"sha256": sha, "caption": "签到册"}])])
    assert put(client, heads["a"], data).status_code == 201
    return data, sha, fid


def team_b_claims(client, world, heads, sha, *, vid=None, fid=None):
    """Team B records a finding of its own naming the photo's hash; return (visit id, finding id, answer)."""
    vid, fid = vid or uuid.uuid4(), fid or uuid.uuid4()
    answer = results(push(client, heads["b"], [
        visit_record(world.targets[2], visit_id=vid),
        finding_record(vid, finding_id=fid, photos=[{"sha256": sha, "caption": "借用"}])]))[1]
    return vid, fid, answer


def test_another_team_naming_a_photo_sees_it_missing_and_cannot_fetch_it(client, world, heads):
    _, sha, fid_a = team_a_photo(client, world, heads)
    vid, fid, answer = team_b_claims(client, world, heads, sha)
    assert answer["status"] == "created" and answer["missing_photos"] == [sha]  # not "the server has it"
    assert fetch(client, heads["b"], sha) == [404, 404, 404]
    assert fetch(client, heads["a"], sha) == [200, 200, 200]
    again = results(push(client, heads["b"], [finding_record(vid, finding_id=fid, base_version=1,
                                                             photos=[{"sha256": sha, "caption": "借用"}])]))
    assert again[0]["missing_photos"] == [sha]  # its own finding naming the hash does not make it theirs
    assert fetch(client, heads["b"], sha) == [404, 404, 404]
    report = visit_report(db.session.get(Visit, vid), actor=world.users["inspector2"],
                          photo_dir=client.application.config["PHOTO_DIR"])
    assert report.photos == []  # nor does printing the visit report
    assert standing_links([fid, fid_a]) == {(fid_a, sha)}  # not received as evidence of team B's finding


def test_naming_a_photo_before_its_team_uploads_it_does_not_claim_it_either(client, world, heads):
    data, sha = jpeg(8, size=(400, 300))
    _, _, answer = team_b_claims(client, world, heads, sha)
    assert answer["missing_photos"] == [sha]
    vid = uuid.uuid4()
    push(client, heads["a"], [visit_record(world.targets[0], visit_id=vid),
                              finding_record(vid, photos=[{"sha256": sha, "caption": ""}])])
    assert put(client, heads["a"], data).status_code == 201
    assert fetch(client, heads["b"], sha) == [404, 404, 404]
    assert fetch(client, heads["a"], sha) == [200, 200, 200]


def test_uploading_the_bytes_proves_possession_and_the_claim_then_stands(client, world, heads):
    data, sha, _ = team_a_photo(client, world, heads)
    vid, fid, answer = team_b_claims(client, world, heads, sha)
    assert answer["missing_photos"] == [sha]
    again = put(client, heads["b"], data)  # the phone that has the bytes sends them
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert uploads_by(world.users["inspector2"].id, sha) == 1  # the proof is recorded
    assert put(client, heads["b"], data).status_code == 200
    assert uploads_by(world.users["inspector2"].id, sha) == 1  # once
    assert fetch(client, heads["b"], sha) == [200, 200, 200]
    resent = results(push(client, heads["b"], [finding_record(vid, finding_id=fid, base_version=1,
                                                              photos=[{"sha256": sha, "caption": "借用"}])]))
    assert resent[0]["status"] == "unchanged" and resent[0]["missing_photos"] == []
    assert standing_links([fid]) == {(fid, sha)}
    report = visit_report(db.session.get(Visit, vid), actor=world.users["inspector2"],
                          photo_dir=client.application.config["PHOTO_DIR"])
    assert [p.sha256 for p in report.photos] == [sha]


def test_a_teammate_editing_a_finding_keeps_its_photo(client, world, heads, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    h3 = token_for("inspector3")
    _, sha, fid = team_a_photo(client, world, heads)
    edit = finding_record(uuid.uuid4(), finding_id=fid, base_version=1, description="补充：两人均无请假手续",
                          photos=[{"sha256": sha, "caption": "签到册"}])
    del edit["data"]["visit_id"]
    answer = results(push(client, h3, [edit]))[0]
    assert answer["status"] == "updated" and answer["missing_photos"] == []
    assert fetch(client, h3, sha) == [200, 200, 200]
    vid = db.session.scalar(select(Visit.id))
    own = results(push(client, h3, [finding_record(vid, photos=[{"sha256": sha, "caption": "同一签到册"}])]))[0]
    assert own["status"] == "created" and own["missing_photos"] == []  # already the team's photo
    assert uploads_by(world.users["inspector3"].id, sha) == 0
