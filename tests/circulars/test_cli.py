"""`flask circulars list` and `flask circulars pdf ID -o FILE`."""
from __future__ import annotations

import hashlib

from inspection.circulars import issuing
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, settings_for


def test_list_and_pdf(app, world, runner, tmp_path):
    confirmed_findings(world)
    draft = make_draft(world, title="草稿通报")
    issued = make_draft(world, draft.organ, title="已印发通报")
    issuing.issue(issued, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()

    result = runner.invoke(args=["circulars", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == [f"{draft.id}\t-\t草稿通报\tdraft", f"{issued.id}\t{issued.doc_number}\t已印发通报\tissued"]

    out = tmp_path / "issued.pdf"
    result = runner.invoke(args=["circulars", "pdf", str(issued.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == issued.pdf_sha256

    preview = tmp_path / "draft.pdf"
    result = runner.invoke(args=["circulars", "pdf", str(draft.id), "-o", str(preview)])
    assert result.exit_code == 0, result.output
    assert preview.read_bytes().startswith(b"%PDF") and "draft preview" in result.output

    result = runner.invoke(args=["circulars", "pdf", "9999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "no circular" in result.output


def test_pdf_reports_a_missing_glyph(app, world, runner, tmp_path):
    confirmed_findings(world)
    draft = make_draft(world)
    draft.sections[1].body += "\n涉及人员\ue000某"
    db.session.commit()
    result = runner.invoke(args=["circulars", "pdf", str(draft.id), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "U+E000" in result.output
    assert not (tmp_path / "x.pdf").exists()
