"""Two pushes at the same moment (a retry racing a slow first attempt) never store anything twice."""
from __future__ import annotations

import random
import threading
import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from inspection.extensions import db
from inspection.findings.models import Finding, InvolvedPerson
from inspection.sync import services
from inspection.sync.context import ApplyContext
from inspection.sync.models import RecordVersion, SyncBatch
from inspection.visits.models import Visit

from ..records import finding_record, push, statuses, visit_record


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def in_threads(app, payloads, headers):
    """POST each payload from its own thread and client, all released at once; return the responses."""
    barrier = threading.Barrier(len(payloads))
    responses, errors = [None] * len(payloads), []

    def worker(index):
        try:
            client = app.test_client()
            barrier.wait()
            responses[index] = client.post("/api/v1/sync", json=payloads[index], headers=headers)
        except BaseException as exc:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return responses


def records_for(world, size=30):
    vid = uuid.uuid4()
    return [visit_record(world.targets[0], visit_id=vid)] + [finding_record(vid) for _ in range(size)]


def test_the_same_batch_pushed_twice_at_once_is_applied_once(app, world, h1):
    for round_ in range(3):
        payload = {"device_id": "phone-1", "batch_id": str(uuid.uuid4()), "records": records_for(world)}
        first, second = in_threads(app, [payload, payload], h1)
        assert first.status_code == second.status_code == 200, (first.get_json(), second.get_json())
        assert first.get_json()["results"] == second.get_json()["results"]
        assert set(statuses(first)) == {"created"}
        assert count(SyncBatch) == round_ + 1
        assert count(Visit) == round_ + 1 and count(Finding) == 30 * (round_ + 1)
        assert count(InvolvedPerson) == 30 * (round_ + 1)


def both_look_first(monkeypatch) -> None:
    """Make two concurrent requests both read the database before either writes (where the DB allows)."""
    real, both_looked = ApplyContext.prefetch, threading.Barrier(2)

    def prefetch_then_wait(self, records):
        real(self, records)
        try:
            both_looked.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # SQLite: the other request waits for our write lock, so it cannot look yet

    monkeypatch.setattr(ApplyContext, "prefetch", prefetch_then_wait)


def test_the_same_records_in_two_batches_at_once_are_stored_once(app, world, h1, monkeypatch, caplog):
    records = records_for(world, size=20)
    both_look_first(monkeypatch)
    payloads = [{"device_id": device, "batch_id": str(uuid.uuid4()), "records": records}
                for device in ("tab-1", "tab-2")]
    first, second = in_threads(app, payloads, h1)
    pairs = sorted(zip(statuses(first), statuses(second)))
    assert all(sorted(pair) == ["created", "unchanged"] for pair in pairs), pairs
    assert count(Visit) == 1 and count(Finding) == 20 and count(InvolvedPerson) == 20
    if db.engine.dialect.name == "postgresql":  # both inserted; the loser fell back to record by record
        assert "met a concurrent write" in caplog.text


def test_a_write_collision_falls_back_to_one_savepoint_per_record(client, world, h1, monkeypatch):
    vid, existing = uuid.uuid4(), uuid.uuid4()
    push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=existing)])
    real = ApplyContext.prefetch

    def blind(self, records):  # as if another request had inserted the finding after we looked
        real(self, records)
        for record in records:
            if record["type"] == "finding":
                self._findings[record["id"]] = None

    monkeypatch.setattr(ApplyContext, "prefetch", blind)
    response = push(client, h1, [finding_record(vid), finding_record(vid, finding_id=existing),
                                 finding_record(vid, severity="catastrophic")])
    assert statuses(response) == ["created", "unchanged", "invalid"]
    assert count(Finding) == 2


def test_twenty_batches_with_the_same_new_records_all_answer_and_store_each_record_once(app, world, h1):
    vid = uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid)] + [finding_record(vid) for _ in range(8)]
    payloads = [{"device_id": f"tab-{i}", "batch_id": str(uuid.uuid4()),
                 "records": random.Random(i).sample(records, len(records))}  # phones send in any order
                for i in range(20)]
    responses = in_threads(app, payloads, h1)
    failed = [(r.status_code, r.get_json()) for r in responses if r.status_code != 200]
    assert not failed, (len(failed), failed[:1])
    answers: dict[str, list[str]] = {}
    for response in responses:
        for result in response.get_json()["results"]:
            answers.setdefault(result["id"], []).append(result["status"])
    assert {ident: sorted(s) for ident, s in answers.items()} == {
        r["id"]: ["created"] + ["unchanged"] * 19 for r in records}
    assert count(Visit) == 1 and count(Finding) == 8 and count(InvolvedPerson) == 8
    assert set(db.session.scalars(select(Finding.status))) == {"submitted"}  # every finding linked to the visit
    assert set(db.session.scalars(select(Finding.version))) == {1}
    assert db.session.scalar(select(Visit.version)) == 1
    assert db.session.execute(select(RecordVersion.entity_type, func.count()).group_by(
        RecordVersion.entity_type)).all() == [("visit", 1)]


class _Deadlock(Exception):
    """Stands in for psycopg's DeadlockDetected (what SQLAlchemy wraps as OperationalError)."""

    sqlstate = "40P01"


def test_a_deadlocked_attempt_is_retried_and_one_that_keeps_failing_marks_the_batch_failed(
        client, world, h1, monkeypatch):
    real, calls = services.apply_records, []

    def deadlock(times):
        def apply(*args, **kwargs):
            calls.append(kwargs["isolated"])
            if len(calls) <= times:
                raise OperationalError("INSERT INTO findings ...", {}, _Deadlock())
            return real(*args, **kwargs)
        return apply

    monkeypatch.setattr(services, "RETRY_PAUSE", 0)
    monkeypatch.setattr(services, "apply_records", deadlock(1))
    vid = uuid.uuid4()
    assert statuses(push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid)])) == [
        "created", "created"]
    assert calls == [False, True]  # tried again, record by record

    calls.clear()
    monkeypatch.setattr(services, "apply_records", deadlock(services.MAX_ATTEMPTS))
    batch_id = uuid.uuid4()
    response = push(client, h1, [finding_record(vid)], batch_id=batch_id)
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "server_error"
    assert len(calls) == services.MAX_ATTEMPTS  # bounded
    db.session.rollback()
    assert db.session.scalar(select(SyncBatch.status).where(SyncBatch.batch_id == batch_id)) == "failed"
    assert count(Finding) == 1


def test_a_finding_pushed_while_its_visit_is_being_applied_elsewhere_is_linked(app, world, h1, monkeypatch):
    both_look_first(monkeypatch)
    vid = uuid.uuid4()
    payloads = [{"device_id": "phone", "batch_id": str(uuid.uuid4()), "records": [visit_record(world.targets[0],
                                                                                          visit_id=vid)]},
                {"device_id": "tablet", "batch_id": str(uuid.uuid4()), "records": [finding_record(vid)]}]
    responses = in_threads(app, payloads, h1)
    assert [statuses(r) for r in responses] == [["created"], ["created"]]
    db.session.rollback()
    assert db.session.execute(select(Finding.status, Finding.visit_id)).all() == [("submitted", vid)]
