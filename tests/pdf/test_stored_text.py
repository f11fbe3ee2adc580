"""Text stored before input was checked (control characters, invisible format characters) never breaks a PDF:
the visit report and the circular (preview and issue) print it cleaned, through the real routes."""
from __future__ import annotations

from inspection.circulars import issuing, services
from inspection.extensions import db
from inspection.pdf import build_circular, build_visit_report
from inspection.pdf.document import Attachment, Block, ReportPerson, Table
from inspection.pdf.text import printable
from inspection.visits.models import ChecklistAnswer

from ..circulars.helpers import confirmed_findings, make_draft, pdf_text, settings_for
from ..factories import make_finding, make_visit
from . import samples
from .pdftools import needs_poppler, text, write

# U+001E/U+001F (the ledger's old separators), BEL, ESC, DEL, a C1 control, zero-width space and joiner, a
# bidirectional override, a BOM, a soft hyphen and a line separator, as a phone or a paste could store them.
DIRTY = "张\x1e三\x1f\x07\x1b\x7f\x85\u200b\u200d\u202e\ufeff\xad"


def _flat(value: str) -> str:
    return value.replace(" ", "").replace("\n", "")


def test_printable_drops_controls_and_invisible_format_characters():
    assert printable(DIRTY) == "张三"
    assert printable("甲\t乙\n丙\r丁　戊，“己”") == "甲\t乙\n丙\r丁　戊，“己”"
    assert printable("上行\u2028下行\u2029段") == "上行\n下行\n段"
    assert printable("\ud800孤\udfff\ufdd0\U0010ffff") == "孤"


@needs_poppler
def test_builders_print_dirty_text_cleaned(tmp_path):
    table = Table(["序号", "问题描述", "涉及人员"], [["1", f"签到册{DIRTY}代签", DIRTY]])
    doc = samples.circular(body=[Block("h1", f"一、{DIRTY}"), Block("p", f"正文{DIRTY}段落\u2028第二行")],
                           title=f"关于{DIRTY}的通报", recipients=f"各单位{DIRTY}：", cc=f"县委{DIRTY}办公室",
                           attachments=[Attachment("问题清单", "table", table=table)])
    whole = _flat(text(write(tmp_path, build_circular(doc), "c.pdf")))
    for expected in ("关于张三的通报", "一、张三", "正文张三段落", "第二行", "签到册张三代签", "县委张三办公室"):
        assert expected in whole, expected
    report = samples.visit_report([])
    report.facts.append(("备注", f"备注{DIRTY}"))
    report.answers[0].note = f"说明{DIRTY}"
    report.findings[0].persons.append(ReportPerson(DIRTY, f"科员{DIRTY}", "一般干部"))
    whole = _flat(text(write(tmp_path, build_visit_report(report), "r.pdf")))
    for expected in ("备注张三", "说明张三", "张三（科员张三，一般干部）"):
        assert expected in whole, expected


def test_visit_report_of_stored_dirty_rows_prints(app, world, client, auth, tmp_path):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    visit.notes = f"暗访备注{DIRTY}"
    visit.answers.append(ChecklistAnswer(item=world.checklist.items[1], result="fail", note=f"二楼{DIRTY}无人"))
    make_finding(visit, world.users["inspector1"], description=f"综合股{DIRTY}不在岗",
                 persons=((DIRTY, "科\x1e员", "staff"),))
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"/visits/{visit.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    whole = _flat(pdf_text(response.data, tmp_path))
    for expected in ("暗访备注张三", "二楼张三无人", "综合股张三不在岗", "张三（科员，一般干部）"):
        assert expected in whole, expected


def test_visit_report_too_long_to_print_answers_422_with_a_message(app, world, client, auth, monkeypatch):
    monkeypatch.setattr("inspection.pdf.layout.MAX_PAGES", 1)
    visit = make_visit(world.targets[0], world.users["inspector1"])
    visit.notes = "暗访备注。" * 400
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"/visits/{visit.id}/report.pdf", headers={"Accept": "application/json"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "document_too_long" and "超过1页" in error["message"] and "基本情况" in error["message"]


def test_circular_of_stored_dirty_findings_previews_and_issues(app, world, client, auth, tmp_path):
    found = confirmed_findings(world, photos_app=app)
    found[0].description = f"综合股干部{DIRTY}不在岗"
    found[0].persons[0].name = f"王{DIRTY}某"
    db.session.commit()
    circular = make_draft(world)
    circular.table_annex = True
    circular.title = f"关于{DIRTY}明察暗访情况的通报"
    circular.sections[0].body = f"各单位要{DIRTY}立行立改。\n" + circular.sections[0].body
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"/circulars/{circular.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    whole = _flat(pdf_text(response.data, tmp_path))
    for expected in ("关于张三明察暗访情况的通报", "各单位要张三立行立改", "综合股干部张三不在岗", "王张三某"):
        assert expected in whole, expected
    services.set_recipients(circular, [world.units[0], world.units[1]], actor=world.users["reviewer"])
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    assert circular.status == "issued" and circular.pdf_sha256


def test_circular_too_long_to_print_is_refused_with_a_message(app, world, client, auth, monkeypatch):
    monkeypatch.setattr("inspection.pdf.layout.MAX_PAGES", 1)
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"/circulars/{circular.id}.pdf")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "无法生成预览" in page and "超过1页" in page
