"""One bad record never sinks its batch: it is answered `invalid` with a code per field, the others apply."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from inspection.extensions import db
from inspection.findings.models import Finding, InvolvedPerson
from inspection.sync import finding_records, visit_records
from inspection.sync.models import SyncBatch
from inspection.visits.models import Visit

from ..records import finding_record, push, statuses, visit_record


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def answers(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


SOON = (datetime.now(UTC) + timedelta(hours=20)).isoformat()
TOO_LATE = (datetime.now(UTC) + timedelta(days=2)).isoformat()

BAD_VISITS = [
    ({"started_at": "0001-01-01T00:00:00+05:00"}, ["started_at"], "date_out_of_range"),
    ({"ended_at": "9999-12-31T23:59:59-14:00"}, ["ended_at"], "date_out_of_range"),
    ({"started_at": "1999-12-31T23:00:00+00:00"}, ["started_at"], "date_out_of_range"),
    ({"ended_at": "2101-01-01T00:00:00+08:00"}, ["ended_at"], "date_out_of_range"),
    ({"started_at": TOO_LATE, "ended_at": None}, ["started_at"], "date_out_of_range"),
    ({"notes": "侧门\ud800进入"}, ["notes"], "invalid_unicode"),
    ({"notes": "侧门\x00进入"}, ["notes"], "control_character"),
    ({"notes": "侧门\x1b[31m进入"}, ["notes"], "control_character"),
    ({"answers": [{"item_code": "A01", "result": "fail", "note": "签到\x1e册"}]}, ["answers", "0", "note"],
     "control_character"),
    ({"started_at": "2026-11-20T09:30:00"}, ["started_at"], "naive_datetime"),
]


def _at(tree, path):
    for key in path:
        tree = tree[key]
    return tree


@pytest.mark.parametrize(("data", "path", "code"), BAD_VISITS)
def test_a_bad_visit_is_invalid_with_a_code_and_the_good_one_is_created(client, world, h1, data, path, code):
    good, bad = visit_record(world.targets[0]), visit_record(world.targets[1], **data)
    batch_id = uuid.uuid4()
    results = answers(push(client, h1, [bad, good], batch_id=batch_id))
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert _at(results[0]["codes"], path) == [code]
    message = _at(results[0]["errors"], path)[0]
    assert isinstance(message, str) and message and "\x00" not in message and "\ud800" not in message
    assert results[1]["codes"] == {} and results[1]["errors"] == {}
    assert count(Visit) == 1 and db.session.get(Visit, uuid.UUID(good["id"])) is not None
    assert answers(push(client, h1, [bad, good], batch_id=batch_id)) == results  # a resend: the same answers
    assert count(Visit) == 1 and db.session.scalar(select(SyncBatch.status)) == "applied"


def test_a_time_less_than_a_day_ahead_is_taken(client, world, h1):
    """A phone clock running a little fast is not an error."""
    assert statuses(push(client, h1, [visit_record(world.targets[0], started_at=SOON, ended_at=None)])) == ["created"]


BAD_FINDINGS = [
    ({"persons": [{"name": "张\x1e三", "post": "科员", "cadre_level": "staff"}]}, ["persons", "0", "name"],
     "control_character"),
    ({"persons": [{"name": "张三", "post": "科\ud83d员", "cadre_level": "staff"}]}, ["persons", "0", "post"],
     "invalid_unicode"),
    ({"description": "不在岗\x00"}, ["description"], "control_character"),
    ({"location": "三楼\x7f"}, ["location"], "control_character"),
    ({"item_code": "A0\x002"}, ["item_code"], "control_character"),
    ({"occurred_at": "0001-01-01T00:00:00+14:00"}, ["occurred_at"], "date_out_of_range"),
    ({"photos": [{"sha256": "a" * 64, "caption": "", "taken_at": "9999-12-31T23:59:59-14:00"}]},
     ["photos", "0", "taken_at"], "date_out_of_range"),
]


@pytest.mark.parametrize(("data", "path", "code"), BAD_FINDINGS)
def test_a_bad_finding_is_invalid_with_a_code_and_the_good_ones_are_created(client, world, h1, data, path, code):
    vid = uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid), finding_record(vid, **data), finding_record(vid)]
    results = answers(push(client, h1, records))
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert _at(results[1]["codes"], path) == [code]
    assert count(Finding) == 1 and count(InvolvedPerson) == 1
    assert db.session.scalar(select(InvolvedPerson.name)) == "张某"


def test_line_ends_are_normalised_not_refused(client, world, h1):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid, notes="第一行\r\n第二行\r第三行\t完"),
               finding_record(vid, finding_id=fid, description="描述\r\n续")]
    assert statuses(push(client, h1, records)) == ["created", "created"]
    assert db.session.get(Visit, vid).notes == "第一行\n第二行\n第三行\t完"
    assert db.session.get(Finding, fid).description == "描述\n续"


def test_an_unknown_key_holding_bad_text_is_answered_and_stored_escaped(client, world, h1):
    bad = visit_record(world.targets[0])
    bad["data"]["x\x00\ud800"] = 1
    results = answers(push(client, h1, [bad, visit_record(world.targets[1])]))
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert results[0]["codes"] == {"x\\u0000\\ud800": ["unknown_field"]}
    assert db.session.scalar(select(SyncBatch.results)) == results


def test_a_bad_device_id_refuses_the_envelope_not_500(client, world, h1):
    response = push(client, h1, [visit_record(world.targets[0])], device="phone\x00")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"
    assert count(SyncBatch) == 0


# -- defence in depth: an unexpected error in one record ---------------------------------------------
def _break(monkeypatch, module, name, failing_id):
    """Make `module.name` raise for the record with `failing_id` (as a bug would), and work for the others."""
    real = getattr(module, name)

    def broken(ctx, record):
        if str(record["id"]) == failing_id:
            raise RuntimeError("simulated bug: /var/lib/secret-path")
        return real(ctx, record)

    monkeypatch.setattr(module, name, broken)


@pytest.mark.parametrize("kind", ["finding", "visit"])
def test_an_unexpected_error_in_one_record_answers_it_server_error_and_keeps_the_rest(
        client, world, h1, monkeypatch, caplog, kind):
    """A new finding is only queued (no savepoint); a visit runs in its savepoint: both roll back alone."""
    vid, other = uuid.uuid4(), uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid), finding_record(vid), finding_record(vid),
               visit_record(world.targets[1], visit_id=other), finding_record(other), finding_record(vid)]
    failing = records[2] if kind == "finding" else records[3]
    if kind == "finding":
        _break(monkeypatch, finding_records, "apply_finding", failing["id"])
    else:
        _break(monkeypatch, visit_records, "apply_visit", failing["id"])
    batch_id = uuid.uuid4()
    with caplog.at_level(logging.ERROR, logger="inspection.sync.applier"):
        response = push(client, h1, records, batch_id=batch_id)
    results = answers(response)
    expected = ["created"] * 6
    expected[records.index(failing)] = "invalid"
    assert [r["status"] for r in results] == expected
    broken = results[records.index(failing)]
    assert broken["codes"] == {"_record": ["server_error"]} and "secret-path" not in response.get_data(as_text=True)
    assert any(str(batch_id) in r.getMessage() and r.exc_info for r in caplog.records)
    model = Finding if kind == "finding" else Visit
    assert count(model, model.id == uuid.UUID(failing["id"])) == 0
    assert count(Visit) == (2 if kind == "finding" else 1)
    assert count(Finding) == (3 if kind == "finding" else 4)  # (the broken visit's finding waits for it)
    assert answers(push(client, h1, records, batch_id=batch_id)) == results  # resend: the same answers
    assert count(Finding) == (3 if kind == "finding" else 4)
    monkeypatch.undo()
    again = answers(push(client, h1, [failing]))  # sent again in a new batch, once the bug is fixed
    assert again[0]["status"] == "created"


def test_a_value_the_database_refuses_among_bulk_rows_is_isolated(client, world, h1, monkeypatch):
    """A queued row the database will not take fails the bulk insert; the batch is applied record by record."""
    vid = uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid)] + [finding_record(vid) for _ in range(3)]
    failing = records[2]["id"]
    real = finding_records._create

    def corrupt(ctx, finding_id, raw):
        outcome = real(ctx, finding_id, raw)
        if str(finding_id) == failing:
            ctx.finding_rows[-1]["created_at"] = "not a time"  # a bug that slipped past validation
        return outcome

    monkeypatch.setattr(finding_records, "_create", corrupt)
    results = answers(push(client, h1, records))
    assert [r["status"] for r in results] == ["created", "created", "invalid", "created"]
    assert results[2]["codes"] == {"_record": ["server_error"]}
    assert count(Visit) == 1 and count(Finding) == 2


def test_nul_slipping_past_validation_fails_only_its_record_on_postgresql(client, world, h1, monkeypatch):
    """psycopg refuses NUL in a string: only the record holding it is answered server_error."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores NUL")
    vid = uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid), finding_record(vid), finding_record(vid)]
    real = finding_records._create

    def corrupt(ctx, finding_id, raw):
        outcome = real(ctx, finding_id, raw)
        if str(finding_id) == records[1]["id"]:
            ctx.finding_rows[-1]["description"] = "不在岗\x00"
        return outcome

    monkeypatch.setattr(finding_records, "_create", corrupt)
    results = answers(push(client, h1, records))
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert count(Finding) == 1


# -- flask sync reapply ------------------------------------------------------------------------------
def test_reapply_all_failed_applies_a_batch_that_failed_on_a_bad_record(client, runner, world, h1):
    """A batch stored before this fix, marked failed because of its bad records, now applies: good created."""
    good, bad = visit_record(world.targets[0]), visit_record(world.targets[1], started_at="0001-01-01T00:00:00+05:00")
    nul = finding_record(uuid.UUID(good["id"]), persons=[{"name": "张\x00三", "post": "", "cadre_level": "staff"}])
    batch_id = uuid.uuid4()
    payload = json.dumps({"device_id": "phone-1", "batch_id": str(batch_id), "records": [bad, good, nul]})
    db.session.add(SyncBatch(batch_id=batch_id, user_id=world.users["inspector1"].id, device_id="phone-1",
                             payload=payload, status="failed", error="OverflowError: date value out of range",
                             attempts=3, received_at=datetime.now(UTC)))
    db.session.commit()
    result = runner.invoke(args=["sync", "reapply", "--all-failed"])
    assert result.exit_code == 0, result.output
    assert f"{batch_id}: applied (created 1, invalid 2)" in result.output
    assert "1 of 1 batch(es) applied" in result.output
    assert count(Visit) == 1 and count(Finding) == 0
    batch = db.session.scalar(select(SyncBatch))
    assert batch.status == "applied" and [r["status"] for r in batch.results] == ["invalid", "created", "invalid"]
    assert batch.results[2]["codes"] == {"persons": {"0": {"name": ["control_character"]}}}
    resend = client.post("/api/v1/sync", data=payload, content_type="application/json", headers=h1)
    assert answers(resend) == batch.results
