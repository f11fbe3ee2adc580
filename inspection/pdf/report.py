"""A single visit's inspection report (检查记录) for the file: facts, checklist answers, findings, photos."""
from __future__ import annotations

from collections.abc import Mapping

from .annex import BODY_PITCH, CELL_PAD, TABLE_SIZE, block_style, place_photos, place_table
from .document import Table, VisitReport
from .fonts import FontSet, fontset
from .glyphs import check_glyphs
from .layout import BLOCK_W, BODY_SIZE, LEFT, MM, RED, Flow, Furniture, Page, centred, render
from .text import cleaned
from .titles import balanced_title
from .typeset import Style, measure, single_line

FACT = Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28)
MARK = Style("heiti", 12, BLOCK_W)  # the 内部资料 mark, where a draft's banner would be
MARK_TOP = 18 * MM  # the top of its em box, 18 mm from the page's top edge (as a draft's banner)
CATEGORY_CHARS = 5  # a category column holds 请销假管理 whole; longer names wrap after five (服务群众与/工作作风)


def build_visit_report(report: VisitReport, *, font_dir: str | None = None,
                       font_paths: Mapping[str, str] | None = None, max_pages: int | None = None) -> bytes:
    """Typeset a visit report and return the PDF bytes (MissingGlyphError, LayoutError as build_circular)."""
    report = cleaned(report)
    fonts = fontset(font_dir, font_paths)
    check_glyphs(report, fonts=fonts)
    flow = Flow(fonts, [Page()], max_pages=max_pages)
    flow.where = "标题"
    flow.place(balanced_title(report.title, fonts, "标题"), tag="title")
    flow.skip(1)
    for index, (label, value) in enumerate(report.facts, start=1):
        where = f"基本情况第{index}项"
        hang = Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28, indent=(len(label) + 1) * BODY_PITCH)
        flow.paragraph(f"{label}：{value}", hang, where)
    sections = [("检查清单", _answers), ("发现的问题", _findings), ("现场照片", _photos)]
    numerals = "一二三四五"
    number = 0
    for heading, writer in sections:
        if not writer(None, report):
            continue
        if writer is _photos and flow.slot > 0:
            flow.new_page()  # photos take half a page each: start them, with their heading, on a new page
        else:
            flow.skip(1)
        flow.paragraph(f"{numerals[number]}、{heading}", block_style("h1"), f"{heading}标题", keep_with_next=1)
        number += 1
        writer(flow, report)
    if not report.draft and report.warning:  # a record, not a draft: 内部资料 on every page, no diagonal 草稿
        mark = centred(single_line(report.warning, MARK, fonts, "内部资料标记"))
        for page in flow.pages:
            page.text(mark, LEFT, MARK_TOP, color=RED, tag="mark")
    furniture = Furniture(fonts, trace_line=report.footer, draft=report.draft, draft_text=report.warning)
    return render(flow.pages, furniture, title=report.title, author="", subject="暗访记录（内部资料）")


def _answers(flow: Flow | None, report: VisitReport) -> bool:
    """Write the checklist answers as a table (or tell whether there are any)."""
    if flow is None:
        return bool(report.answers)
    rows = [[a.code, a.category, a.text, a.result, a.note] for a in report.answers]
    table = Table(columns=["编号", "类别", "检查内容", "结果", "说明"], widths=answer_widths(rows, flow.fonts),
                  rows=rows)
    place_table(flow, table, "检查清单")
    return True


def answer_widths(rows: list[list[str]], fonts: FontSet) -> list[float]:
    """Size the answer table's columns in points: code, category and result as wide as their longest entry
    (the category up to CATEGORY_CHARS characters, so no word is split), the rest shared 5:3 by text and note."""
    style = Style("fangsong", TABLE_SIZE, BLOCK_W, justify=False)

    def fit(texts, chars_cap=None) -> float:
        widest = max((measure(t, style, fonts, "检查清单") for t in texts if t), default=TABLE_SIZE)
        if chars_cap is not None:
            widest = min(widest, chars_cap * TABLE_SIZE)
        return widest + 2 * CELL_PAD + 1.0  # 1 pt of slack against rounding

    code = fit(["编号", *(r[0] for r in rows)])
    category = fit(["类别", *(r[1] for r in rows)], CATEGORY_CHARS)
    result = fit(["结果", *(r[3] for r in rows)])
    rest = max(BLOCK_W - code - category - result, 8 * TABLE_SIZE)
    return [code, category, rest * 5 / 8, result, rest * 3 / 8]


def _findings(flow: Flow | None, report: VisitReport) -> bool:
    """Write each finding: category, checklist item, description, people involved."""
    if flow is None:
        return bool(report.findings)
    for index, finding in enumerate(report.findings, start=1):
        where = f"问题{index}"
        head = f"{index}. {finding.category}"
        if finding.item:
            head += f"（{finding.item}）"
        flow.paragraph(f"{head}：{finding.description}", block_style("p"), where)
        people = "；".join(_person(p) for p in finding.persons)
        if people:
            flow.paragraph(f"涉及人员：{people}。", block_style("p"), where)
        extra = [text for text in (f"严重程度：{finding.severity}" if finding.severity else "",
                                   f"审核状态：{finding.status}" if finding.status else "") if text]
        if extra:
            flow.paragraph("；".join(extra) + "。", block_style("p"), where)
    return True


def _person(person) -> str:
    """Return 姓名（职务，层级）."""
    details = "，".join(x for x in (person.post, person.level) if x)
    return f"{person.name}（{details}）" if details else person.name


def _photos(flow: Flow | None, report: VisitReport) -> bool:
    """Put the visit's photos two to a page, starting on a new page."""
    if flow is None:
        return bool(report.photos)
    place_photos(flow, report.photos, "现场照片")
    return True
