"""The liaison inbox: only their unit's copy of issued circulars; download, 签收; everything else is 404."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.circulars import issuing, services
from inspection.circulars.models import CircularCopy
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, settings_for


@pytest.fixture
def issued(app, world):
    confirmed_findings(world)
    circular = make_draft(world)
    services.set_recipients(circular, [world.units[0], world.units[1]], actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    return circular


def copy_for(circular, unit):
    return next(c for c in circular.copies if c.unit_id == unit.id)


def test_liaison_sees_downloads_and_signs_for_only_their_copy(world, client, auth, issued):
    own, other = copy_for(issued, world.units[0]), copy_for(issued, world.units[1])
    draft = make_draft(world, issued.organ, title="另一份尚未印发的通报")
    db.session.commit()
    auth.login("liaison1")
    home = client.get("/home")
    assert home.headers["Location"].endswith("/inbox")
    page = client.get("/inbox").get_data(as_text=True)
    assert issued.title in page and issued.doc_number in page and own.copy_number in page
    assert "另一份尚未印发的通报" not in page

    response = client.get(f"/inbox/{own.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == own.pdf_sha256
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "circular.copy_downloaded"))
    assert event.actor_id == world.users["liaison1"].id and event.after["copy_number"] == own.copy_number

    for path in (f"/inbox/{other.id}.pdf", f"/circulars/copies/{other.id}.pdf", f"/circulars/copies/{own.id}.pdf",
                 f"/circulars/{issued.id}", f"/circulars/{issued.id}.pdf", f"/circulars/{draft.id}",
                 "/inbox/999999.pdf"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/inbox/{other.id}/receive").status_code == 404
    db.session.expire_all()
    assert db.session.get(CircularCopy, other.id).download_count == 0
    assert db.session.get(CircularCopy, other.id).received_at is None

    assert client.post(f"/inbox/{own.id}/receive").status_code == 302
    db.session.expire_all()
    signed = db.session.get(CircularCopy, own.id)
    assert signed.received_at is not None and signed.received_by_id == world.users["liaison1"].id
    assert "已签收" in client.get("/inbox").get_data(as_text=True)


def test_coordinator_sees_who_has_not_signed(world, client, auth, issued):
    issuing.receive(copy_for(issued, world.units[0]), actor=world.users["liaison1"])
    db.session.commit()
    auth.login("coordinator")
    page = client.get(f"/circulars/{issued.id}").get_data(as_text=True)
    unsigned_line = next(line for line in page.splitlines() if "尚未签收：" in line)
    assert world.units[1].name in unsigned_line and world.units[0].name not in unsigned_line
    assert "已签收 1 / 2" in page
    listing = client.get("/circulars/").get_data(as_text=True)
    assert "1 / 2" in listing


def test_commission_downloads_a_copy_and_viewer_reads_the_issued_archive(world, client, auth, issued):
    auth.login("coordinator")
    copy = copy_for(issued, world.units[1])
    response = client.get(f"/circulars/copies/{copy.id}.pdf")
    assert response.status_code == 200 and hashlib.sha256(response.data).hexdigest() == copy.pdf_sha256
    auth.logout()
    auth.login("viewer")
    assert issued.title in client.get("/circulars/").get_data(as_text=True)
    page = client.get(f"/circulars/{issued.id}").get_data(as_text=True)
    assert "分发与签收" not in page and "制作更正版本" not in page
    archive = client.get(f"/circulars/{issued.id}.pdf")
    assert archive.status_code == 200 and hashlib.sha256(archive.data).hexdigest() == issued.pdf_sha256
    assert client.get(f"/circulars/copies/{copy.id}.pdf").status_code == 404
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["circular.copy_downloaded", "circular.downloaded"]


def test_issue_through_the_page(world, client, auth):
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    auth.login("reviewer")
    preview = client.get(f"/circulars/{circular.id}.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    page = client.post(f"/circulars/{circular.id}/issue", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert circular.doc_number and f"已印发：{circular.doc_number}" in page
    assert client.post(f"/circulars/{circular.id}/issue", follow_redirects=True).status_code == 200
    db.session.expire_all()
    assert circular.number == 1


def test_missing_glyph_stops_issuing_with_the_character_named(world, client, auth):
    confirmed_findings(world)
    circular = make_draft(world)
    circular.items[0].finding.persons[0].name = "王\U000f0001"  # a private-use character no font draws
    services.regenerate(circular, actor=world.users["reviewer"])
    db.session.commit()
    auth.login("reviewer")
    page = client.post(f"/circulars/{circular.id}/issue", follow_redirects=True).get_data(as_text=True)
    assert "未能印发" in page and "U+F0001" in page and "位置" in page
    preview = client.get(f"/circulars/{circular.id}.pdf", follow_redirects=True).get_data(as_text=True)
    assert "无法生成预览" in preview and "U+F0001" in preview
    db.session.expire_all()
    assert circular.status == "draft" and circular.number is None
    assert issuing.peek_next_number(circular.organ_id, issuing.today_cst().year) == 1
