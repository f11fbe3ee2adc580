"""The built PDF reads as drafted: title, every unit and finding in the drafted order, the annexes."""
from __future__ import annotations

import re

from inspection.circulars import issuing, services
from inspection.circulars.assemble import PHOTO_ANNEX_TITLE, TABLE_ANNEX_TITLE, drafted_order
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, pdf_text, settings_for


def squeeze(text: str) -> str:
    """Drop all whitespace, so words wrapped across lines still match."""
    return re.sub(r"\s+", "", text)


def test_draft_pdf_lists_every_unit_and_finding_in_drafted_order(app, world, tmp_path):
    confirmed_findings(world, photos_app=app)
    circular = make_draft(world)
    services.update_circular(circular, {"table_annex": True}, actor=world.users["reviewer"])
    db.session.commit()
    text = squeeze(pdf_text(issuing.build_pdf(circular, settings_for(app)), tmp_path))
    assert squeeze(circular.title) in text
    body_end = text.index(PHOTO_ANNEX_TITLE)  # the annexes repeat the findings: check the body's order alone
    body = text[:body_end]
    problems = body[body.index("二、发现的主要问题"):]
    positions = []
    for finding in drafted_order(circular):
        assert squeeze(finding.unit.name) in problems, finding.unit.name
        assert squeeze(finding.description) in problems, finding.description
        positions.append(problems.index(squeeze(finding.description)))
    assert positions == sorted(positions), "findings must appear in the drafted order"
    for heading in ("一、基本情况", "二、发现的主要问题", "三、处理意见", "四、工作要求"):
        assert heading in body
    assert PHOTO_ANNEX_TITLE in text and TABLE_ANNEX_TITLE in text
    photo_annex = text[text.index("附件1"):text.index("附件2")]
    with_photos = [f for f in drafted_order(circular) if f.photos]
    assert len(with_photos) == 2
    for finding in with_photos:  # each photo's caption names its unit and problem
        assert finding.unit.name in photo_annex and squeeze(finding.description)[:10] in photo_annex


def test_reordered_sections_print_in_the_new_order(app, world, tmp_path):
    confirmed_findings(world)
    circular = make_draft(world)
    requirements = next(s for s in circular.sections if s.key == "requirements")
    for _ in range(3):
        services.move_section(requirements, -1, actor=world.users["reviewer"])
    db.session.commit()
    text = squeeze(pdf_text(issuing.build_pdf(circular, settings_for(app)), tmp_path))
    assert text.index("一、工作要求") < text.index("二、基本情况") < text.index("三、发现的主要问题")


def test_photo_captions_print_the_findings_problem_and_the_photos_own_caption_as_shuoming(app, world, tmp_path):
    confirmed_findings(world, photos_app=app)
    circular = make_draft(world)
    finding = next(f for f in drafted_order(circular) if f.photos)
    finding.photos[0].caption = "现场拍摄的签到册"  # what the photo shows, as a demo or a team would caption it
    db.session.commit()
    text = squeeze(pdf_text(issuing.build_pdf(circular, settings_for(app)), tmp_path))
    annex = text[text.rindex(PHOTO_ANNEX_TITLE):]  # the annex itself, not the 附件 note
    assert "问题：" + squeeze(finding.description)[:10] in annex
    assert "说明：现场拍摄的签到册" in annex and "问题：现场拍摄的签到册" not in annex


def test_issued_copies_use_the_unsealed_signature_layout(app, world):
    """Electronic copies carry no seal: 署名 two characters in from the right, the date under it moved right."""
    from inspection.circulars.assemble import document_for

    from .helpers import confirmed_findings, make_draft

    confirmed_findings(world)
    circular = make_draft(world)
    doc = document_for(circular, photo_dir=app.config["PHOTO_DIR"])
    assert doc.sealed is False


def test_the_annotation_set_on_the_circular_prints_under_the_date(app, world, tmp_path):
    from inspection.circulars import services
    from inspection.circulars.issuing import build_pdf

    from .helpers import confirmed_findings, make_draft, pdf_text, settings_for

    confirmed_findings(world)
    circular = make_draft(world)
    services.update_circular(circular, {"annotation": "此件公开发布"}, actor=world.users["reviewer"])
    text = pdf_text(build_pdf(circular, settings_for(app)), tmp_path)
    assert "（此件公开发布）" in text


def test_the_requirements_run_in_headings_print_their_phrase_in_kaiti(app, world, tmp_path):
    """（一）立行立改。 is 楷体 and the rest of its paragraph 仿宋, on the same line (GB/T 9704 practice)."""
    from tests.pdf import pdftools as pt

    confirmed_findings(world)
    circular = make_draft(world)
    path = pt.write(tmp_path, issuing.build_pdf(circular, settings_for(app)))
    spans = pt.spans(path)
    for phrase, follows in (("（一）立行立改。", "各被通报单位"), ("（二）按时报告。", "各被通报单位")):
        index = next(i for i, s in enumerate(spans) if s.text == phrase)
        lead = spans[index]
        rest = [s for s in spans[index + 1:] if s.page == lead.page and abs(s.top - lead.top) < 0.5]
        assert "Inspection-kaiti-" in lead.font, phrase
        assert "".join(s.text for s in rest).startswith(follows)  # on the phrase's line, right after it
        assert {s.font.split("+")[-1].split("-")[1] for s in rest} <= {"fangsong", "latin"}
