"""Every audit row a request writes carries that request's client address (one Actor per request)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.circulars import issuing, services as circular_services
from inspection.extensions import db

from ..circulars.helpers import confirmed_findings, make_draft, settings_for
from ..factories import PASSWORD, make_finding, make_visit
from ..records import finding_record, jpeg, push, visit_record

IP = "203.0.113.7"


@pytest.fixture
def app_config(app_config):
    """Rate limits out of the way; a name locks after three wrong passwords."""
    return {**app_config, "LOGIN_RATE_LIMIT_IP": "10000 per minute", "LOGIN_RATE_LIMIT_NAME": "10000 per minute",
            "LOGIN_MAX_FAILURES": 5, "LOGIN_ACCOUNT_MAX_FAILURES": 3}


@pytest.fixture
def remote(client):
    """The test client, every request coming from IP."""
    client.environ_base["REMOTE_ADDR"] = IP
    return client


def _rows_written(during) -> list[AuditEvent]:
    """Run `during` and return the audit rows it wrote."""
    before = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    during()
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)))


def _assert_ip(rows: list[AuditEvent], *actions: str) -> None:
    """The rows include `actions` and every one of them carries IP."""
    assert set(actions) <= {row.action for row in rows}, [row.action for row in rows]
    assert [(row.action, row.ip) for row in rows] == [(row.action, IP) for row in rows]


def test_a_review_decision_carries_the_ip(remote, auth, world):
    finding = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    db.session.commit()
    auth.login("reviewer")
    rows = _rows_written(lambda: remote.post(f"/review/findings/{finding.id}/decide",
                                             data={"action": "confirm", "version": "1", "note": ""}))
    _assert_ip(rows, "finding.confirmed")


def test_a_ledger_export_carries_the_ip(remote, auth, world):
    auth.login("reviewer")
    rows = _rows_written(lambda: remote.get("/review/ledger.csv").get_data())
    _assert_ip(rows, "ledger.exported")


def test_circular_downloads_carry_the_ip(app, remote, auth, world):
    confirmed_findings(world)
    circular = make_draft(world)
    circular_services.set_recipients(circular, [world.units[0]], actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    copy = circular.copies[0]
    auth.login("liaison1")
    rows = _rows_written(lambda: remote.get(f"/inbox/{copy.id}.pdf"))
    _assert_ip(rows, "circular.copy_downloaded")
    auth.logout()
    auth.login("reviewer")
    rows = _rows_written(lambda: remote.get(f"/circulars/copies/{copy.id}.pdf"))
    _assert_ip(rows, "circular.copy_downloaded")


def test_sign_ins_carry_the_ip(app, remote, world):
    rows = _rows_written(lambda: remote.post("/api/v1/auth/token", json={
        "username": "inspector1", "password": PASSWORD, "device_name": "测试手机"}))
    _assert_ip(rows, "token.issue")
    failures = app.config["LOGIN_ACCOUNT_MAX_FAILURES"]

    def guess():
        for _ in range(failures):
            remote.post("/api/v1/auth/token", json={"username": "viewer", "password": "wrong-password-1",
                                                     "device_name": "测试手机"})

    rows = _rows_written(guess)
    _assert_ip(rows, "user.locked")
    assert [row.actor_id for row in rows] == [None]  # a sign-in attempt is nobody's act


def test_unit_edits_carry_the_ip(remote, auth, world):
    auth.login("admin")
    unit = world.units[3]
    rows = _rows_written(lambda: remote.post(f"/units/{unit.id}/edit", data={
        "name": unit.name, "short_name": "交通", "kind": unit.kind}))
    _assert_ip(rows, "unit.update")
    rows = _rows_written(lambda: remote.post(f"/units/{unit.id}/active", data={"active": "0"}))
    _assert_ip(rows, "unit.deactivate")


def test_account_changes_carry_the_ip(remote, auth, world):
    auth.login("admin")
    rows = _rows_written(lambda: remote.post(f"/users/{world.users['viewer'].id}/active", data={"active": "0"}))
    assert rows
    _assert_ip(rows)


def test_a_sync_push_and_a_photo_upload_carry_the_ip(remote, world, token_for):
    headers = token_for("inspector1")
    visit = visit_record(world.targets[0])
    records = [visit, finding_record(visit["id"])]
    rows = _rows_written(lambda: push(remote, headers, records))
    _assert_ip(rows, "sync.create")
    data, sha = jpeg()
    rows = _rows_written(lambda: remote.put(f"/api/v1/photos/{sha}", data=data,
                                            headers={**headers, "Content-Type": "image/jpeg"}))
    _assert_ip(rows, "photo.upload")
