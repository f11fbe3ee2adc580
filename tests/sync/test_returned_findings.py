"""需补充 for every phone of the team: bootstrap lists the team's returned findings, and a phone answers
with a reply (补充说明) kept apart from the description, which never reaches the circular."""
from __future__ import annotations

import uuid

from inspection.circulars.assemble import findings_table
from inspection.circulars.services import create_circular
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.review.services import decide, resolve_conflict

from ..circulars.helpers import make_organ
from ..records import finding_record, jpeg, push, statuses, visit_record

QUESTION = "请补充请假条照片，并写明张某离岗的时间"
REPLY = "经核实，张某9:20离岗，无请假条，已拍照"


def _returned(client, world, headers, target, *, photo: bytes | None = None) -> uuid.UUID:
    """Push a visit and a finding (with a photo when given) for a target, and have the reviewer return it."""
    vid, fid = uuid.uuid4(), uuid.uuid4()
    photos = []
    if photo is not None:
        data, sha = photo
        photos = [{"sha256": sha, "caption": "签到册", "taken_at": None}]
    assert statuses(push(client, headers, [visit_record(target, visit_id=vid),
                                           finding_record(vid, finding_id=fid, photos=photos)])) == ["created"] * 2
    if photo is not None:
        assert client.put(f"/api/v1/photos/{photo[1]}", data=photo[0], headers={
            **headers, "Content-Type": "image/jpeg"}).status_code == 201
    decide(db.session.get(Finding, fid), "return", actor=world.users["reviewer"], note=QUESTION)
    db.session.commit()
    return fid


def _bootstrap(client, headers) -> list[dict]:
    """The returned findings a phone downloads at sign-in."""
    response = client.get("/api/v1/bootstrap", headers=headers)
    assert response.status_code == 200
    return response.get_json()["returned_findings"]


def test_bootstrap_gives_a_teammates_phone_the_returned_finding_with_question_data_and_thumbnails(
        client, world, h1, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    fid = _returned(client, world, h1, world.targets[0], photo=jpeg(5))
    [item] = _bootstrap(client, token_for("inspector3"))  # a phone that never held the record
    finding = db.session.get(Finding, fid)
    assert item["id"] == str(fid) and item["version"] == finding.version == 2
    assert item["review_note"] == QUESTION and item["team_id"] == world.teams[0].id
    assert item["data"]["description"] == "9:40 办公室2名工作人员不在岗，无请假手续"
    assert item["data"]["reply"] is None and item["data"]["item_code"] == "A02"
    assert item["data"]["persons"] == [{"name": "张某", "post": "科员", "cadre_level": "staff"}]
    sha = jpeg(5)[1]
    assert [p["sha256"] for p in item["data"]["photos"]] == [sha]
    assert item["thumbnails"] == {sha: f"/photos/{sha}/thumb"}
    with client.get(item["thumbnails"][sha], headers=token_for("inspector3")) as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"


def test_another_teams_returned_finding_never_appears(client, world, h1, h2):
    ours = _returned(client, world, h1, world.targets[0])
    theirs = _returned(client, world, h2, world.targets[2], photo=jpeg(7))
    mine = _bootstrap(client, h1)
    assert [f["id"] for f in mine] == [str(ours)]
    text = client.get("/api/v1/bootstrap", headers=h1).get_data(as_text=True)
    assert str(theirs) not in text and jpeg(7)[1] not in text
    assert [f["id"] for f in _bootstrap(client, h2)] == [str(theirs)]


def test_only_open_returned_findings_are_listed(client, world, h1):
    fid = _returned(client, world, h1, world.targets[0])
    decide(db.session.get(Finding, fid), "confirm", actor=world.users["reviewer"])
    db.session.commit()
    assert _bootstrap(client, h1) == []


def test_a_reply_is_kept_apart_and_moves_the_finding_back_to_the_desk(client, world, h1, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    fid = _returned(client, world, h1, world.targets[0])
    h3 = token_for("inspector3")
    [item] = _bootstrap(client, h3)
    record = {"type": "finding", "id": item["id"], "base_version": item["version"], "data": {"reply": REPLY}}
    batch = uuid.uuid4()
    first = push(client, h3, [record], batch_id=batch, device="phone-3")
    assert statuses(first) == ["updated"]
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert finding.status == "submitted" and finding.reply == REPLY
    assert finding.reply_by_id == world.users["inspector3"].id and finding.reply_at is not None
    assert finding.description == "9:40 办公室2名工作人员不在岗，无请假手续"  # the description is untouched
    assert finding.review_note == QUESTION  # the question stays beside the answer
    assert finding.field_versions["reply"] == finding.version == first.get_json()["results"][0]["version"]
    assert _bootstrap(client, h3) == []  # answered: no longer waiting on any phone
    # a resend of the batch, and the same reply in a new batch, change nothing
    again = push(client, h3, [record], batch_id=batch, device="phone-3")
    assert again.get_json()["results"] == first.get_json()["results"]
    assert statuses(push(client, h3, [{**record, "base_version": finding.version}], device="phone-3")) == [
        "unchanged"]
    db.session.expire_all()
    assert db.session.get(Finding, fid).version == finding.version


def test_two_phones_answering_differently_leave_a_conflict_the_reviewer_settles(client, world, h1, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    fid = _returned(client, world, h1, world.targets[0])
    h3 = token_for("inspector3")
    assert statuses(push(client, h1, [{"type": "finding", "id": str(fid), "base_version": 2,
                                       "data": {"reply": REPLY}}])) == ["updated"]
    other = push(client, h3, [{"type": "finding", "id": str(fid), "base_version": 2,
                               "data": {"reply": "张某当天外出开会"}}], device="phone-3")
    assert statuses(other) == ["conflict"]
    assert other.get_json()["results"][0]["conflicts"] == {"reply": {"server": REPLY, "phone": "张某当天外出开会"}}
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert finding.reply == REPLY and finding.in_conflict
    resolve_conflict(finding, "reply", "phone", actor=world.users["reviewer"], expected_version=finding.version)
    db.session.commit()
    assert finding.reply == "张某当天外出开会" and not finding.in_conflict


def test_a_reply_is_checked_like_other_text(client, world, h1):
    fid = _returned(client, world, h1, world.targets[0])
    bad = push(client, h1, [{"type": "finding", "id": str(fid), "base_version": 2, "data": {"reply": "补充\x07说明"}}])
    assert statuses(bad) == ["invalid"] and "reply" in bad.get_json()["results"][0]["errors"]
    long = push(client, h1, [{"type": "finding", "id": str(fid), "base_version": 2, "data": {"reply": "长" * 5001}}])
    assert long.get_json()["results"][0]["codes"] == {"reply": ["too_long"]}
    db.session.expire_all()
    assert db.session.get(Finding, fid).status == "returned"


def test_the_review_desk_shows_the_reply_beside_the_question(client, world, h1, auth):
    fid = _returned(client, world, h1, world.targets[0])
    assert statuses(push(client, h1, [{"type": "finding", "id": str(fid), "base_version": 2,
                                       "data": {"reply": REPLY}}])) == ["updated"]
    auth.login("reviewer")
    page = client.get(f"/review/findings/{fid}").get_data(as_text=True)
    shown = page[page.index('id="reply"'):]
    shown = shown[:shown.index("</dl>")]
    assert "补充说明" in shown and REPLY in shown and QUESTION in shown
    assert world.users["inspector1"].name in shown  # who answered


def test_the_circular_drafter_never_reads_the_reply(client, world, h1):
    fid = _returned(client, world, h1, world.targets[0])
    assert statuses(push(client, h1, [{"type": "finding", "id": str(fid), "base_version": 2,
                                       "data": {"reply": REPLY}}])) == ["updated"]
    finding = db.session.get(Finding, fid)
    decide(finding, "confirm", actor=world.users["reviewer"])
    circular = create_circular(make_organ(), actor=world.users["reviewer"], title="关于明察暗访情况的通报",
                               campaign=world.campaign)
    db.session.commit()
    body = "\n".join(s.body + s.generated for s in circular.sections)
    assert "工作人员不在岗" in body  # the finding is there, by its description
    assert "张某9:20离岗" not in body and "补充" not in body
    assert not any("张某9:20离岗" in cell for row in findings_table([finding]).rows for cell in row)


def test_the_contract_documents_the_reply_and_returned_findings(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["FindingData"]["properties"]["reply"]["maxLength"] == 5000
    listed = schemas["Bootstrap"]["properties"]["returned_findings"]["items"]
    assert listed == {"$ref": "#/components/schemas/ReturnedFinding"}
    returned = schemas["ReturnedFinding"]["properties"]
    assert {"id", "version", "data", "review_note", "thumbnails"} <= set(returned)
    assert returned["data"]["allOf"] == [{"$ref": "#/components/schemas/FindingData"}]
