"""POST /api/v1/sync: batches stored as received, applied record by record, idempotent by batch id."""
from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.sync.models import ChangeEvent, SyncBatch
from inspection.visits.models import ChecklistAnswer, Visit

from ..records import finding_record, push, statuses, visit_record


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_push_creates_records_and_keeps_the_batch_verbatim(client, world, h1):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    body = {"device_id": "phone-1", "batch_id": str(uuid.uuid4()),
            "records": [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)]}
    raw = json.dumps(body, ensure_ascii=False, indent=1)
    response = client.post("/api/v1/sync", data=raw.encode(), content_type="application/json", headers=h1)
    assert statuses(response) == ["created", "created"]
    answer = response.get_json()
    assert answer["batch_id"] == body["batch_id"]
    assert [r["version"] for r in answer["results"]] == [1, 1]
    batch = db.session.scalar(select(SyncBatch))
    assert batch.payload == raw and batch.status == "applied" and batch.device_id == "phone-1"
    assert batch.user_id == world.users["inspector1"].id and batch.results == answer["results"]
    visit = db.session.get(Visit, vid)
    assert (visit.campaign_id, visit.unit_id, visit.team_id) == (world.campaign.id, world.units[0].id, world.teams[0].id)
    assert {(a.item.code, a.result) for a in visit.answers} == {("A01", "fail"), ("A02", "pass")}
    finding = db.session.get(Finding, fid)
    assert finding.visit_id == vid and finding.status == "submitted" and finding.team_id == world.teams[0].id
    assert finding.item.code == "A02" and finding.category == "在岗在位"  # category comes from the item
    assert finding.occurred_at.isoformat() == "2026-11-20T01:40:00+00:00"
    assert [(p.name, p.cadre_level) for p in finding.persons] == [("张某", "staff")]
    assert finding.original["description"] == "9:40 办公室2名工作人员不在岗，无请假手续"
    assert finding.original["item_code"] == "A02" and finding.field_versions["description"] == 1
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sync.create"))
    assert (audit.actor_id, audit.entity_type, audit.entity_id) == (batch.user_id, "sync_batch", body["batch_id"])
    assert audit.after == {"visits": [str(vid)], "findings": [str(fid)], "device": "phone-1"}


def test_same_batch_twice_changes_nothing_and_answers_the_same(client, world, h1):
    vid = uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid), finding_record(vid), finding_record(vid)]
    batch_id = uuid.uuid4()
    first = push(client, h1, records, batch_id=batch_id)
    audits, findings = count(AuditEvent), count(Finding)
    second = push(client, h1, records, batch_id=batch_id)
    assert second.status_code == 200
    assert second.get_json()["results"] == first.get_json()["results"]
    assert statuses(second) == ["created", "created", "created"]
    assert (count(Finding), count(Visit), count(SyncBatch), count(AuditEvent)) == (findings, 1, 1, audits)


def test_batch_id_reused_for_other_content_or_by_another_user_is_refused(client, world, h1, h2):
    batch_id = uuid.uuid4()
    push(client, h1, [visit_record(world.targets[0])], batch_id=batch_id)
    other = push(client, h1, [visit_record(world.targets[1])], batch_id=batch_id)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "batch_id_reused"
    stolen = push(client, h2, [visit_record(world.targets[2])], batch_id=batch_id)
    assert stolen.status_code == 409 and stolen.get_json()["error"]["code"] == "batch_id_taken"
    assert count(Visit) == 1


def test_record_resent_in_a_new_batch_is_unchanged(client, world, h1):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)]
    push(client, h1, records)
    again = push(client, h1, records)
    assert statuses(again) == ["unchanged", "unchanged"]
    assert [r["version"] for r in again.get_json()["results"]] == [1, 1]
    assert count(Finding) == 1 and count(Visit) == 1
    assert db.session.get(Finding, fid).version == 1


def test_finding_before_its_visit_is_kept_and_linked_when_the_visit_arrives(client, world, h1):
    vid, fid, code_only = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    early = push(client, h1, [finding_record(vid, finding_id=fid),
                              finding_record(vid, finding_id=code_only, item_code="A01")])
    assert statuses(early) == ["created", "created"]
    waiting = db.session.get(Finding, fid)
    assert waiting.status == "pending_visit" and waiting.visit_id is None and waiting.visit_ref == vid
    assert waiting.team_id is None and waiting.item_id is None
    late = push(client, h1, [visit_record(world.targets[1], visit_id=vid)])
    assert statuses(late) == ["created"]
    db.session.expire_all()
    for ident, code, category in ((fid, "A02", "在岗在位"), (code_only, "A01", "考勤管理")):
        linked = db.session.get(Finding, ident)
        assert linked.visit_id == vid and linked.status == "submitted"
        assert (linked.unit_id, linked.team_id) == (world.units[1].id, world.teams[0].id)
        assert linked.item.code == code and linked.category == category
    kinds = set(db.session.scalars(select(ChangeEvent.kind).where(ChangeEvent.entity_id == str(fid))))
    assert kinds == {"linked"}


def test_finding_in_the_same_batch_before_its_visit_is_linked(client, world, h1):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    response = push(client, h1, [finding_record(vid, finding_id=fid), visit_record(world.targets[0], visit_id=vid)])
    assert statuses(response) == ["created", "created"]
    assert db.session.get(Finding, fid).visit_id == vid


def test_waiting_finding_is_not_linked_to_another_teams_visit(client, world, h1, h2):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    push(client, h2, [finding_record(vid, finding_id=fid)])  # team B names a visit id team A will use
    push(client, h1, [visit_record(world.targets[0], visit_id=vid)])
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert finding.visit_id is None and finding.status == "pending_visit"


def test_forbidden_targets_store_nothing_but_the_raw_batch(client, world, h1, h2, token_for):
    foreign = push(client, h2, [visit_record(world.targets[0]), visit_record(world.targets[2])])
    assert statuses(foreign) == ["forbidden", "created"]
    assert foreign.get_json()["results"][0]["errors"]["target_id"]
    draft_target = world.draft_campaign.targets[0]  # inspector1 leads that team, but the campaign is a draft
    draft = push(client, h1, [visit_record(draft_target), visit_record(world.targets[0], target_id=999999)])
    assert statuses(draft) == ["forbidden", "forbidden"]
    outsider = push(client, token_for("inspector3"), [visit_record(world.targets[0]),
                                                      finding_record(uuid.uuid4())])
    assert statuses(outsider) == ["forbidden", "forbidden"]
    assert count(Visit) == 1 and count(Finding) == 0 and count(SyncBatch) == 3


def test_findings_and_edits_across_teams_are_forbidden(client, world, h1, h2):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)])
    response = push(client, h2, [finding_record(vid),
                                 finding_record(vid, finding_id=fid, base_version=1, description="改写"),
                                 visit_record(world.targets[0], visit_id=vid, base_version=1, notes="改写")])
    assert statuses(response) == ["forbidden", "forbidden", "forbidden"]
    assert db.session.get(Finding, fid).description.startswith("9:40") and count(Finding) == 1


def test_invalid_records_are_answered_and_do_not_sink_the_others(client, world, h1):
    vid = uuid.uuid4()
    response = push(client, h1, [
        visit_record(world.targets[0], visit_id=vid),
        finding_record(vid, severity="catastrophic"),
        finding_record(vid, item_code="Z99"),
        finding_record(vid, persons=[{"name": "", "cadre_level": "emperor"}]),
        finding_record(vid, description="一名干部在办公室玩手机游戏", unexpected="x"),
        finding_record(vid, item_code=None, category="莫须有"),
        visit_record(world.targets[1], answers=[{"item_code": "Q1", "result": "fail"}]),
        visit_record(world.targets[1], ended_at="2026-11-20T08:00:00+08:00"),
        visit_record(world.targets[1], started_at="2026-11-20T09:30:00"),  # no time zone
        finding_record(vid),
        finding_record(vid, item_code=None, category="公务接待"),  # a category without an item is fine
    ])
    assert statuses(response) == ["created"] + ["invalid"] * 8 + ["created", "created"]
    errors = [r["errors"] for r in response.get_json()["results"]]
    assert "severity" in errors[1] and "item_code" in errors[2] and "unexpected" in errors[4]
    assert set(errors[3]["persons"]["0"]) == {"name", "cadre_level"} and "category" in errors[5]
    assert "answers" in errors[6] and "ended_at" in errors[7] and "started_at" in errors[8]
    assert count(Finding) == 2 and count(Visit) == 1 and count(ChecklistAnswer) == 2


def test_malformed_and_oversized_payloads_get_the_error_envelope(app, client, world, h1):
    cases = [
        (dict(data=b'{"device_id": "x", "batch_id": ', content_type="application/json"), 400, "malformed_json"),
        (dict(data=b"device_id=x", content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type"),
        (dict(json=[1, 2, 3]), 422, "validation_error"),
        (dict(json={"device_id": "x", "records": []}), 422, "validation_error"),
        (dict(json={"device_id": "x", "batch_id": "not-a-uuid", "records": "nope"}), 422, "validation_error"),
        (dict(json={"device_id": "x", "batch_id": str(uuid.uuid4()),
                    "records": [{"type": "visit", "id": str(uuid.uuid4()), "data": {}}] * 501}), 422,
         "validation_error"),
        (dict(json={"device_id": "x", "batch_id": str(uuid.uuid4()),
                    "records": [{"type": "photo", "id": "1", "data": []}]}), 422, "validation_error"),
    ]
    for kwargs, status, code in cases:
        response = client.post("/api/v1/sync", headers=h1, **kwargs)
        assert response.status_code == status, (kwargs, response.get_json())
        body = response.get_json()
        assert body["error"]["code"] == code and body["error"]["message"]
        assert "Traceback" not in response.get_data(as_text=True)
    app.config["MAX_SYNC_BYTES"] = 2048
    big = push(client, h1, [finding_record(uuid.uuid4(), description="很" * 1500)])
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "too_large"
    assert count(SyncBatch) == 0 and count(Finding) == 0


def test_revoked_token_is_refused_and_nothing_is_stored(client, world, h1, auth):
    assert push(client, h1, [visit_record(world.targets[0])]).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=h1).status_code == 204
    response = push(client, h1, [visit_record(world.targets[0])])
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"
    assert count(SyncBatch) == 1 and count(Visit) == 1


def test_only_inspectors_push_and_outsiders_learn_nothing(client, world, token_for):
    anonymous = push(client, {}, [visit_record(world.targets[0])])
    assert anonymous.status_code == 401
    for username in ("viewer", "liaison1", "reviewer"):
        response = push(client, token_for(username), [visit_record(world.targets[0])])
        assert response.status_code == 404, username
    assert count(SyncBatch) == 0


def test_sync_results_name_the_photos_still_missing(client, world, h1):
    from ..records import jpeg

    data, sha = jpeg(1)
    _, absent = jpeg(2)
    assert client.put(f"/api/v1/photos/{sha}", data=data, headers=h1).status_code == 201
    vid = uuid.uuid4()
    photos = [{"sha256": sha, "caption": "签到册"}, {"sha256": absent, "caption": "空座位"}]
    response = push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, photos=photos)])
    assert response.get_json()["results"][1]["missing_photos"] == [absent]


def test_device_revoked_by_an_admin_is_refused_and_its_outbox_goes_through_after_signing_in(
        client, world, token_for, auth):
    from inspection.auth.models import ApiToken

    old = token_for("inspector1")
    token_id = db.session.scalar(select(ApiToken.id))
    auth.login("admin")
    assert client.post(f"/account/devices/{token_id}/revoke").status_code == 302
    auth.logout()
    batch_id, records = uuid.uuid4(), [visit_record(world.targets[0])]
    refused = push(client, old, records, batch_id=batch_id)
    assert refused.status_code == 401 and count(SyncBatch) == 0
    again = token_for("inspector1", device="同一部手机")  # signed in again; the outbox kept the batch
    assert statuses(push(client, again, records, batch_id=batch_id)) == ["created"]
    assert count(Visit) == 1
