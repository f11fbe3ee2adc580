"""Issuing freezes the circular: stored PDFs with their hashes, numbered copies, logged downloads."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.circulars import issuing, services
from inspection.circulars.services import CircularError
from inspection.circulars.storage import TamperedFile
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, pdf_text, settings_for


@pytest.fixture
def issued(app, world):
    confirmed_findings(world, photos_app=app)
    circular = make_draft(world)
    services.set_recipients(circular, [world.units[0], world.units[1], world.units[2]],
                            actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    return circular


def file_sha(app, relative):
    return hashlib.sha256((settings_for(app).store_dir / relative).read_bytes()).hexdigest()


def test_each_recipient_gets_its_own_numbered_traceable_copy(app, world, issued, tmp_path):
    assert issued.status == "issued" and issued.number == 1
    assert [(c.copy_number, c.unit_id) for c in issued.copies] == [
        ("000001", world.units[0].id), ("000002", world.units[1].id), ("000003", world.units[2].id)]
    assert len({c.pdf_sha256 for c in issued.copies} | {issued.pdf_sha256}) == 4
    for copy in issued.copies:
        assert file_sha(app, copy.pdf_path) == copy.pdf_sha256
        text = pdf_text((settings_for(app).store_dir / copy.pdf_path).read_bytes(), tmp_path, copy.copy_number)
        assert copy.copy_number in text
        assert copy.unit.name in text and f"份号{copy.copy_number}" in text.replace(" ", "")
        assert issued.doc_number in text.replace(" ", "")
        others = [c.copy_number for c in issued.copies if c is not copy]
        assert not any(n in text for n in others)
    archive = pdf_text((settings_for(app).store_dir / issued.pdf_path).read_bytes(), tmp_path, "archive")
    assert issuing.ARCHIVE_TRACE in archive and "000001" not in archive
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "circular.issued"))
    assert event.after["sha256"] == issued.pdf_sha256


def test_issued_circular_is_frozen_and_corrections_are_new_versions(app, world, issued):
    reviewer = world.users["reviewer"]
    frozen = {issued.pdf_path: issued.pdf_sha256, **{c.pdf_path: c.pdf_sha256 for c in issued.copies}}
    body = issued.sections[0].body
    with pytest.raises(CircularError):
        services.save_section(issued.sections[0], heading="", body="改写", included=True, actor=reviewer)
    with pytest.raises(CircularError):
        services.update_circular(issued, {"title": "改标题"}, actor=reviewer)
    with pytest.raises(CircularError):
        issuing.issue(issued, actor=reviewer, settings=settings_for(app))
    db.session.rollback()

    corrected = services.revise(issued, actor=reviewer)
    services.save_section(corrected.sections[0], heading="", body="更正后的开头段。", included=True, actor=reviewer)
    services.update_circular(corrected, {"title": "关于更正明察暗访情况通报的通报"}, actor=reviewer)
    issuing.issue(corrected, actor=reviewer, settings=settings_for(app))
    db.session.commit()

    db.session.expire_all()
    assert corrected.version == 2 and corrected.supersedes_id == issued.id and corrected.number == 2
    assert issued.sections[0].body == body and issued.title != corrected.title
    assert {issued.pdf_path: issued.pdf_sha256, **{c.pdf_path: c.pdf_sha256 for c in issued.copies}} == frozen
    for path, sha in frozen.items():
        assert file_sha(app, path) == sha, "an issued PDF changed on disk"
    with pytest.raises(CircularError):
        services.revise(issued, actor=reviewer)  # one correction chain, not two


def test_downloads_are_logged_per_copy_and_verified(app, world, issued):
    copy = issued.copies[1]
    liaison = world.users["liaison2"]
    data = issuing.copy_pdf(copy, actor=liaison, settings=settings_for(app))
    db.session.commit()
    assert hashlib.sha256(data).hexdigest() == copy.pdf_sha256
    assert copy.download_count == 1 and copy.last_downloaded_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "circular.copy_downloaded"))
    assert event.actor_id == liaison.id and event.entity_id == str(copy.id)
    assert event.after["copy_number"] == "000002" and "000002" in event.summary
    path = settings_for(app).store_dir / copy.pdf_path
    path.write_bytes(data.replace(b"%%EOF", b"%%EOF\n% changed"))
    with pytest.raises(TamperedFile):
        issuing.copy_pdf(copy, actor=liaison, settings=settings_for(app))


def test_receipt_is_signed_once(world, issued):
    copy = issued.copies[0]
    assert issuing.receive(copy, actor=world.users["liaison1"]) is True
    first = copy.received_at
    assert issuing.receive(copy, actor=world.users["liaison1"]) is False
    assert copy.received_at == first and copy.received_by_id == world.users["liaison1"].id


def test_issue_refuses_incomplete_or_stale_drafts(app, world):
    confirmed_findings(world)
    reviewer = world.users["reviewer"]
    circular = make_draft(world)
    services.set_recipients(circular, [], actor=reviewer)
    with pytest.raises(CircularError, match="主送单位"):
        issuing.issue(circular, actor=reviewer, settings=settings_for(app))
    services.set_recipients(circular, [world.units[0]], actor=reviewer)
    circular.items[0].finding.status = "returned"
    with pytest.raises(CircularError, match="已确认"):
        issuing.issue(circular, actor=reviewer, settings=settings_for(app))
    assert circular.status == "draft" and circular.number is None


def test_issuing_lays_the_circular_out_once_and_stamps_every_copy(app, world, monkeypatch, tmp_path):
    from inspection.pdf import stamping

    builds = []
    original = stamping.build_circular
    monkeypatch.setattr(stamping, "build_circular", lambda *a, **k: builds.append(1) or original(*a, **k))
    confirmed_findings(world, photos_app=app)
    circular = make_draft(world)
    services.set_recipients(circular, list(world.units[:3]), actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    assert builds == [1]  # one layout and one render for the archive copy and the three numbered copies
    sizes = {c.pdf_size for c in circular.copies}
    assert len({c.pdf_sha256 for c in circular.copies}) == 3 and max(sizes) - min(sizes) < 200
    for copy in circular.copies:
        data = (settings_for(app).store_dir / copy.pdf_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == copy.pdf_sha256 and len(data) == copy.pdf_size
