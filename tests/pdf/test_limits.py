"""Limits of the PDF builders: every table and paragraph with texts at the API's and forms' maximum lengths.

A table row taller than a page once looped until the process ran out of memory (22 GB), so every build
here runs in a child process with its address space capped (RLIMIT_AS) and a time limit: if a loop comes
back, the test fails instead of hanging the suite or the machine. A build either succeeds within the
page limit or stops with a LayoutError that names what did not fit.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from wtforms.validators import Length

from inspection.checklists import services as checklist_services
from inspection.circulars.assemble import TABLE_COLUMNS, TABLE_WIDTHS
from inspection.circulars.forms import CircularForm, SectionForm
from inspection.pdf import MAX_PAGES, LayoutError, build_circular, build_visit_report
from inspection.pdf.document import (Attachment, Block, PhotoEntry, ReportAnswer, ReportFinding, ReportPerson, Table,
                                     VisitReport)
from inspection.sync.schemas import AnswerSchema, FindingDataSchema, PersonSchema, PhotoRefSchema, VisitDataSchema

from . import samples
from .pdftools import needs_poppler, page_count, pages, text

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE = 3 * 1024 ** 3  # far above a normal build (~200 MB resident), far below what a loop reaches
TIMEOUT = 240  # seconds for all cases together (about 10 s of CPU on an idle machine)
SENTENCE = "经查，该局综合股干部王某某（科员）9:30不在岗，电话核实称“外出办事”，无外出审批手续；"


def _schema_max(schema, name: str) -> int:
    """Return the maximum length a sync schema accepts for a field (text or list)."""
    validators = schema().fields[name].validate
    validators = validators if isinstance(validators, (list, tuple)) else [validators]
    return next(v.max for v in validators if getattr(v, "max", None))


def _form_max(form, name: str) -> int:
    """Return the maximum length a form accepts for a field."""
    return next(v.max for v in getattr(form, name).kwargs["validators"] if isinstance(v, Length))


def filler(length: int, marker: str = "") -> str:
    """Return realistic text of exactly `length` characters, ending in `marker` (to find the end in the PDF)."""
    body = (SENTENCE * (length // len(SENTENCE) + 1))[:max(length - len(marker), 0)]
    return body + marker


LIMITS = {
    "description": _schema_max(FindingDataSchema, "description"),
    "location": _schema_max(FindingDataSchema, "location"),
    "category": _schema_max(FindingDataSchema, "category"),
    "persons": _schema_max(FindingDataSchema, "persons"),
    "photos": _schema_max(FindingDataSchema, "photos"),
    "name": _schema_max(PersonSchema, "name"),
    "post": _schema_max(PersonSchema, "post"),
    "caption": _schema_max(PhotoRefSchema, "caption"),
    "note": _schema_max(AnswerSchema, "note"),
    "answers": _schema_max(VisitDataSchema, "answers"),
    "visit_notes": _schema_max(VisitDataSchema, "notes"),
    "item_code": checklist_services.CODE_MAX,
    "item_category": checklist_services.CATEGORY_MAX,
    "item_text": checklist_services.TEXT_MAX,
    "title": _form_max(CircularForm, "title"),
    "recipients": _form_max(CircularForm, "recipients_line"),
    "cc": _form_max(CircularForm, "cc"),
    "signature": _form_max(CircularForm, "signature"),
    "printer": _form_max(CircularForm, "printer"),
    "security_period": _form_max(CircularForm, "security_period"),
    "heading": _form_max(SectionForm, "heading"),
    "body": _form_max(SectionForm, "body"),
    "unit": 100, "campaign": 200, "team": 60, "mark": 100, "prefix": 20,  # String(n) columns
}


def persons_text() -> str:
    """Return the 涉及人员 cell of a finding with the most persons, each with the longest name and post."""
    return "、".join(f"{filler(LIMITS['name'])}（{filler(LIMITS['post'])}）" for _ in range(LIMITS["persons"]))


def findings_table(rows: list[list[str]]) -> Attachment:
    """Return the 问题清单 annex as the circular assembles it."""
    return Attachment("暗访发现问题清单", "table", table=Table(list(TABLE_COLUMNS), rows, list(TABLE_WIDTHS)))


def max_row(number: int) -> list[str]:
    """Return a 问题清单 row with every cell at its longest."""
    return [str(number), filler(LIMITS["unit"]), "11月18日 9:30", filler(LIMITS["location"]),
            filler(LIMITS["category"]), filler(LIMITS["description"], "【描述完】"), persons_text()]


def photo_entries(tmp: Path, count: int) -> list[PhotoEntry]:
    """Return photos whose captions are at their longest."""
    path = samples.photo(tmp, "p.jpg", size=(800, 600))
    return [PhotoEntry(path, filler(LIMITS["unit"]), "2026年11月18日 9:30", filler(LIMITS["location"]),
                       filler(LIMITS["caption"], "【说明完】")) for _ in range(count)]


# -- the cases, each built in a child process ------------------------------------------------------
def case_annex_440(tmp: Path):
    """The reported bug: findings of about 440 characters in the 问题清单 annex (one starts where it cannot fit)."""
    rows = [[str(i), "示例县住房和城乡建设局", "11月18日 9:30", "办公室", "在岗在位", filler(440, f"【描述{i}完】"),
             "王某（科员）"] for i in range(1, 4)]
    rows.append(["4", "县教体局", "11月19日", "", "考勤管理", "签到册他人代签", "李某"])
    return build_circular, samples.circular(attachments=[findings_table(rows)])


def case_report_note_420(tmp: Path):
    """The reported bug: checklist notes of about 420 characters in the visit report."""
    report = samples.visit_report([])
    report.answers[1:1] = [ReportAnswer(f"A0{i}", "请销假管理", "请假人员是否有请假条", "不符合",
                                        filler(420, f"【说明{i}完】")) for i in range(3, 6)]
    return build_visit_report, report


def case_circular_max_fields(tmp: Path):
    """A circular whose every field, table cell and caption is at its longest (the body section apart)."""
    body = [Block("h1", filler(LIMITS["heading"])), Block("p", filler(5000, "【正文完】"))]
    doc = samples.circular(
        body=body, attachments=[findings_table([max_row(1), max_row(2)]),
                                Attachment("暗访问题照片", "photos", photos=photo_entries(tmp, 3))],
        organ_mark=filler(LIMITS["mark"]), doc_number=f"{filler(LIMITS['prefix'])}〔2026〕999号",
        title=filler(LIMITS["title"]), recipients=filler(LIMITS["recipients"]), signature=filler(LIMITS["signature"]),
        printer=filler(LIMITS["printer"]), security=f"机密★{filler(LIMITS['security_period'])}", cc=filler(300),
        trace_line=f"发{filler(LIMITS['unit'])}　份号000001")
    return build_circular, doc


def case_circular_max_body(tmp: Path):
    """One body section at the editor's maximum length."""
    return build_circular, samples.circular(body=[Block("h1", "一、基本情况"),
                                                  Block("p", filler(LIMITS["body"], "【正文完】"))])


def case_circular_max_cc(tmp: Path):
    """抄送 at the form's maximum: 版记 cannot fit on one page."""
    return build_circular, samples.circular(cc=filler(LIMITS["cc"]))


def case_circular_unbreakable_title(tmp: Path):
    """A title with no allowed break (one long Latin word): the balanced search once never ended."""
    return build_circular, samples.circular(title="A" * LIMITS["title"])


def case_circular_page_limit(tmp: Path):
    """More body than MAX_PAGES pages hold: refused, naming the paragraph."""
    body = [Block("p", filler(LIMITS["body"])) for _ in range(4)]
    return build_circular, samples.circular(body=body)


def case_report_max_fields(tmp: Path):
    """A visit report whose every fact, cell, finding and caption is at its longest (one answer)."""
    report = samples.visit_report([])
    report.facts = [("专项行动", filler(LIMITS["campaign"])), ("被检查单位", filler(LIMITS["unit"])),
                    ("暗访组", filler(LIMITS["team"])), ("备注", filler(LIMITS["visit_notes"], "【备注完】"))]
    report.answers = [ReportAnswer(filler(LIMITS["item_code"]), filler(LIMITS["item_category"]),
                                   filler(LIMITS["item_text"]), "不符合", filler(LIMITS["note"], "【说明完】"))]
    persons = [ReportPerson(filler(LIMITS["name"]), filler(LIMITS["post"]), "一般干部")] * LIMITS["persons"]
    report.findings = [ReportFinding(filler(LIMITS["category"]), filler(LIMITS["description"], "【描述完】"),
                                     item=filler(LIMITS["item_text"]), severity="严重", status="待审核",
                                     persons=persons)]
    report.photos = photo_entries(tmp, LIMITS["photos"])
    return build_visit_report, report


def case_report_page_limit(tmp: Path):
    """The most answers, each with the longest note: more than MAX_PAGES pages, refused by the table."""
    report = samples.visit_report([])
    report.answers = [ReportAnswer(f"A{i:03d}", "考勤管理", "签到册是否人数齐全", "不符合", filler(LIMITS["note"]))
                      for i in range(LIMITS["answers"])]
    return build_visit_report, report


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def run_cases(out_dir: str) -> None:
    """Build every case in turn (in the child process), writing each outcome as JSON beside its PDF."""
    root = Path(out_dir)
    for name, case in CASES.items():
        (root / "running").write_text(name)
        out = root / name
        out.mkdir()
        builder, doc = case(out)
        result = {"error": None, "where": None}
        try:
            (out / "doc.pdf").write_bytes(builder(doc))
        except LayoutError as exc:
            result.update(error=exc.message, where=exc.where)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        (out / "result.json").write_text(json.dumps(result, ensure_ascii=False))
    (root / "running").unlink()


def _limits() -> None:
    """Cap the child's address space and CPU time (runs in the child before it starts Python)."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT, TIMEOUT))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict:
    """Build every case in one child process with capped memory and time; return each case's outcome."""
    root = tmp_path_factory.mktemp("limits")
    code = f"from tests.pdf.test_limits import run_cases; run_cases({str(root)!r})"
    try:
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, preexec_fn=_limits, capture_output=True,
                              text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"building case {(root / 'running').read_text()} took over {TIMEOUT} s (a layout loop?)")
    if proc.returncode != 0:
        running = (root / "running").read_text() if (root / "running").exists() else "?"
        pytest.fail(f"case {running} died (status {proc.returncode}): {proc.stderr[-3000:]}")
    results = {}
    for name in CASES:
        results[name] = json.loads((root / name / "result.json").read_text())
        results[name]["pdf"] = root / name / "doc.pdf"
    return results


# -- the tests ---------------------------------------------------------------------------------------
def test_limits_are_read_from_the_schemas_and_forms():
    assert LIMITS["description"] == 5000 and LIMITS["note"] == 2000 and LIMITS["body"] == 100_000
    assert LIMITS["persons"] == 50 and LIMITS["name"] == 40 and LIMITS["post"] == 100 and LIMITS["title"] == 200


@needs_poppler
def test_a_table_row_taller_than_a_page_runs_on_under_a_repeated_header(outcomes):
    result = outcomes["annex_440"]
    assert result["error"] is None
    texts = pages(result["pdf"])
    table_pages = [i for i, page in enumerate(texts) if "问题描述" in page]
    assert len(table_pages) >= 3 and len(texts) <= 10
    assert all("序号" in texts[i] and "涉及人员" in texts[i] for i in table_pages)  # header on every table page
    joined = "".join(texts[i] for i in table_pages).replace("\n", "").replace(" ", "")
    ends = [joined.index(f"【描述{i}完】") for i in (1, 2, 3)] + [joined.index("签到册他人代签")]
    assert ends == sorted(ends)  # every row runs to its end, in order, and the next row follows


@needs_poppler
def test_a_long_checklist_note_runs_on_in_the_visit_report(outcomes):
    result = outcomes["report_note_420"]
    assert result["error"] is None and page_count(result["pdf"]) <= 8
    whole = text(result["pdf"]).replace("\n", "").replace(" ", "")
    ends = [whole.index(f"【说明{i}完】") for i in (3, 4, 5)] + [whole.index("发现的问题")]
    assert ends == sorted(ends)


@needs_poppler
@pytest.mark.parametrize("name, marks", [
    ("circular_max_fields", ("【描述完】", "【正文完】", "照片3")),
    ("circular_max_body", ("【正文完】",)),
    ("circular_unbreakable_title", ("AAAA",)),
    ("report_max_fields", ("【描述完】", "【备注完】", "【说明完】", "照片30")),
])
def test_every_text_at_its_longest_builds_within_the_limits(outcomes, name, marks):
    result = outcomes[name]
    assert result["error"] is None, result["error"]
    assert page_count(result["pdf"]) <= MAX_PAGES and result["peak_mb"] < 1500
    whole = text(result["pdf"]).replace("\n", "").replace(" ", "")
    for mark in marks:
        assert mark in whole, mark


@pytest.mark.parametrize("name, where, words", [
    ("circular_max_cc", "版记（抄送）", "抄送过长"),
    ("circular_page_limit", "正文第", f"超过{MAX_PAGES}页"),
    ("report_page_limit", "检查清单 表格第", f"超过{MAX_PAGES}页"),
])
def test_what_cannot_fit_is_refused_with_its_place(outcomes, name, where, words):
    result = outcomes[name]
    assert result["error"] is not None and where in result["where"] and words in result["error"]
    assert "请精简" in result["error"] and not result["pdf"].exists()


def test_photo_captions_at_their_longest_leave_the_photo_room(tmp_path):
    from inspection.pdf.annex import CAPTION_PITCH, CAPTION_SHARE, caption_lines
    from inspection.pdf.fonts import fontset
    from inspection.pdf.layout import BLOCK_H

    entry = photo_entries(tmp_path, 1)[0]
    room = int((BLOCK_H / 2 * CAPTION_SHARE) // CAPTION_PITCH)
    lines = caption_lines(entry, 1, fontset(None, None), "照片说明", max_lines=room)
    assert len(lines) == room and lines[-1].text.endswith("…")
    assert lines[0].text.startswith("照片1") and any(line.text.startswith("问题：") for line in lines)
    short = replace(entry, unit="县教体局", place="一楼", problem="签到册代签")
    assert [line.text for line in caption_lines(short, 2, fontset(None, None), "照片说明", max_lines=room)] == [
        "照片2　县教体局", "时间：2026年11月18日 9:30　地点：一楼", "问题：签到册代签"]


def test_a_smaller_page_limit_is_honoured_by_both_builders():
    doc = samples.circular(body=[Block("p", filler(3000))])
    with pytest.raises(LayoutError) as caught:
        build_circular(doc, max_pages=2)
    assert "超过2页" in caught.value.message and caught.value.where == "正文第1段"
    report = VisitReport(title="明察暗访检查记录", facts=[("备注", filler(3000))])
    with pytest.raises(LayoutError):
        build_visit_report(report, max_pages=2)
    assert build_visit_report(report, max_pages=10)[:5] == b"%PDF-"


def test_an_empty_visit_report_still_builds():
    assert build_visit_report(VisitReport(title="明察暗访检查记录", facts=[]))[:5] == b"%PDF-"
