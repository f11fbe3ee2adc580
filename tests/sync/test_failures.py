"""A server error while applying a batch loses nothing: the raw batch stays, and it is applied later."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.sync import services as sync_services
from inspection.sync.models import SyncBatch
from inspection.visits.models import Visit

from ..records import finding_record, push, statuses, visit_record


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def break_applying(monkeypatch):
    """Make applying the next push fail as a whole, after its records were applied (a bug, a lost disk).

    (An error inside one record only makes that record invalid: see test_bad_records.py.)
    """
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure: /var/lib/secret-path is read-only")

    monkeypatch.setattr(sync_services, "current_cursor", broken)


def batch_records(world):
    vid = uuid.uuid4()
    return [visit_record(world.targets[0], visit_id=vid)] + [finding_record(vid) for _ in range(5)]


def test_error_mid_batch_keeps_the_raw_batch_rolls_back_and_cli_reapplies(client, runner, world, h1, monkeypatch):
    batch_id, records = uuid.uuid4(), batch_records(world)
    break_applying(monkeypatch)
    response = push(client, h1, records, batch_id=batch_id)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "secret-path" not in response.get_data(as_text=True)
    batch = db.session.scalar(select(SyncBatch))
    assert batch.status == "failed" and batch.attempts == 1 and "RuntimeError" in batch.error
    assert str(batch_id) in batch.payload and batch.results is None
    assert count(Visit) == 0 and count(Finding) == 0  # nothing half-applied
    assert count(AuditEvent, AuditEvent.action.like("sync.%")) == 0
    monkeypatch.undo()
    result = runner.invoke(args=["sync", "reapply", str(batch_id)])
    assert result.exit_code == 0, result.output
    assert f"{batch_id}: applied (created 6)" in result.output
    assert count(Visit) == 1 and count(Finding) == 5
    db.session.expire_all()
    batch = db.session.scalar(select(SyncBatch))
    assert batch.status == "applied" and batch.attempts == 2 and batch.error == ""
    retry = push(client, h1, records, batch_id=batch_id)  # the phone's own retry gets the stored answers
    assert statuses(retry) == ["created"] * 6 and retry.get_json()["results"] == batch.results
    assert count(Finding) == 5
    again = runner.invoke(args=["sync", "reapply", str(batch_id)])
    assert "already applied" in again.output and count(Finding) == 5


def test_phone_retry_after_an_error_applies_the_stored_batch(client, world, h1, monkeypatch):
    batch_id, records = uuid.uuid4(), batch_records(world)
    break_applying(monkeypatch)
    assert push(client, h1, records, batch_id=batch_id).status_code == 500
    monkeypatch.undo()
    retry = push(client, h1, records, batch_id=batch_id)
    assert statuses(retry) == ["created"] * 6
    assert count(SyncBatch) == 1 and count(Finding) == 5


def test_reapply_all_failed_and_list(client, runner, world, h1, monkeypatch):
    for _ in range(2):
        break_applying(monkeypatch)
        assert push(client, h1, batch_records(world)).status_code == 500
        monkeypatch.undo()
    listing = runner.invoke(args=["sync", "list", "--status", "failed"])
    assert listing.output.count("\tfailed\t") == 2 and "RuntimeError" in listing.output
    result = runner.invoke(args=["sync", "reapply", "--all-failed"])
    assert result.exit_code == 0 and "2 of 2 batch(es) applied" in result.output
    assert count(Finding) == 10 and count(SyncBatch, SyncBatch.status == "applied") == 2
    assert runner.invoke(args=["sync", "reapply"]).exit_code != 0
    missing = runner.invoke(args=["sync", "reapply", str(uuid.uuid4())])
    assert missing.exit_code != 0 and "no stored batch" in missing.output
