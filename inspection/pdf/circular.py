"""The circular (通报) per GB/T 9704-2012: red header, title, body, signature, attachments, 版记."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from reportlab.lib.colors import CMYKColor

from .annex import BODY_PITCH, place_attachment, place_blocks
from .document import CircularDocument
from .fonts import FontSet, fontset
from .glyphs import check_glyphs
from .layout import (BLOCK_W, BODY_SIZE, BOTTOM, EM_TOP, LEFT, LINES, MM, PITCH, SMALL_SIZE, TITLE_SIZE, TOP,
                     Flow, Furniture, LayoutError, Page, baseline, centred, date_cn, render, right_aligned, slot_top)
from .text import cleaned
from .titles import balanced_title
from .typeset import Line, Style, break_lines, measure, single_line

ORGAN_MARK_TOP = TOP + 35 * MM  # top edge of the issuing-organ mark
ORGAN_MARK_SIZE = 36.0
SEPARATOR_GAP = 4 * MM  # red line under the document number
SEPARATOR_WIDTH = 1.5
SEAL_LINES = 2  # blank lines above the signature: the seal's top stays within a line of the text
HEAD_RED = CMYKColor(0, 1, 1, 0)  # 红头 practice: organ mark, red line and star in 0/100/100/0 (0/80/80/0 reads orange)
BANJI_THICK = 0.35 * MM
BANJI_THIN = 0.25 * MM
BANJI_PITCH = PITCH * 0.8
BODY = Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28)
HEITI = Style("heiti", BODY_SIZE, BLOCK_W, grid_chars=28)


def build_circular(doc: CircularDocument, *, font_dir: str | None = None,
                   font_paths: Mapping[str, str] | None = None, max_pages: int | None = None,
                   extra_pages=None) -> bytes:
    """Typeset a circular and return the PDF bytes (`extra_pages(fonts)`: pages drawn after it, see stamping.py).

    Raises MissingGlyphError if a character cannot be drawn, LayoutError if the document needs more than
    `max_pages` pages (default MAX_PAGES) or a part of it cannot fit on a page. Control characters are dropped first (text.py).
    """
    doc = cleaned(doc)
    fonts = fontset(font_dir, font_paths)
    check_glyphs(doc, fonts=fonts)
    pages = [Page()]
    flow = Flow(fonts, pages, max_pages=max_pages)
    header_bottom = _front_matter(flow, doc)
    flow.snap_to(header_bottom)
    place_blocks(flow, doc.body, "正文")
    _closing(flow, doc)
    reserve = banji_height(fonts, doc) + PITCH  # room the last attachment page may leave for 版记
    for number, attachment in enumerate(doc.attachments, start=1):
        last = number == len(doc.attachments)
        place_attachment(flow, attachment, number, len(doc.attachments), reserve=reserve if last else 0.0)
    _banji(flow, doc)
    if extra_pages is not None:
        pages.extend(extra_pages(fonts))  # numbered copies' stamps: their glyphs join the subsets
    furniture = Furniture(fonts, trace_line=doc.trace_line, draft=doc.draft)
    return render(pages, furniture, title=doc.title, author=doc.signature or doc.organ_mark,
                  subject=f"{doc.doc_number}　通报" if doc.doc_number else "通报")


def _front_matter(flow: Flow, doc: CircularDocument) -> float:
    """Draw 份号/密级/紧急程度, the red organ mark, document number, red line and title; return the y below."""
    fonts, page = flow.fonts, flow.page
    marks = []
    if doc.copy_number:
        copy = doc.copy_number.zfill(6) if doc.copy_number.isdigit() else doc.copy_number
        marks.append(single_line(copy, Style("latin", BODY_SIZE, BLOCK_W), fonts, "份号"))
    for text, where in ((doc.security, "密级和保密期限"), (doc.urgency, "紧急程度")):
        if text:
            marks.append(single_line(text, HEITI, fonts, where))
    for slot, line in enumerate(marks):
        page.text(line, LEFT, slot_top(slot), tag="marks")
    # a long mark (joint issuing) gets a smaller size rather than a squeeze below 70 % width
    size = min(ORGAN_MARK_SIZE, BLOCK_W * 0.96 / (max(len(doc.organ_mark), 1) * 0.7))
    mark = single_line(doc.organ_mark, Style("xiaobiaosong", size, BLOCK_W), fonts, "发文机关标志")
    natural = mark.width()
    scale = min(1.0, BLOCK_W * 0.96 / natural) if natural else 1.0
    mark.indent = (BLOCK_W - natural * scale) / 2
    page.text(mark, LEFT, ORGAN_MARK_TOP, color=HEAD_RED, scale=scale * 100, tag="organ")
    number_top = ORGAN_MARK_TOP + size + 2 * PITCH
    page.text(centred(single_line(doc.doc_number, BODY, fonts, "发文字号")), LEFT, number_top, tag="number")
    rule_y = number_top + BODY_SIZE + SEPARATOR_GAP
    star_r = 3.2 * MM
    gap = 1.2 * MM
    middle = LEFT + BLOCK_W / 2
    page.rule(LEFT, middle - star_r - gap, rule_y, SEPARATOR_WIDTH, HEAD_RED)
    page.rule(middle + star_r + gap, LEFT + BLOCK_W, rule_y, SEPARATOR_WIDTH, HEAD_RED)
    page.star(middle, rule_y + star_r * 0.1, star_r, HEAD_RED)
    title_top = rule_y + 2 * PITCH
    lines = balanced_title(doc.title, fonts, "标题")
    last_top = title_top + (len(lines) - 1) * PITCH
    # one blank line under the title: 主送's baseline at least two line pitches below the title's last baseline
    below = baseline(last_top, TITLE_SIZE) + 2 * PITCH - EM_TOP * BODY_SIZE
    if below + BODY_SIZE > BOTTOM:
        raise LayoutError("标题", "标题过长，首页放不下")
    for i, line in enumerate(lines):
        page.text(line, LEFT, title_top + i * PITCH, tag="title")
    flow.snap_to(below)
    if doc.recipients:
        flow.paragraph(doc.recipients, Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28), "主送", tag="recipients")
    return slot_top(flow.slot)


def _attachment_note(flow: Flow, doc: CircularDocument) -> list[Line]:
    """Return 附件：1. … lines (indented two characters, names aligned under each other)."""
    fonts = flow.fonts
    total = len(doc.attachments)
    lines: list[Line] = []
    for number, attachment in enumerate(doc.attachments, start=1):
        where = f"附件说明第{number}项"
        label = f"{number}." if total > 1 else ""  # 附件：1.XXXX, no space after the number
        lead = 2 * BODY_PITCH + (3 * BODY_PITCH if number > 1 else 0)
        hang = 5 * BODY_PITCH + measure(label, BODY, fonts, where) + (BODY.char_space if label else 0)
        style = Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28, first_indent=lead, indent=hang)
        lines += break_lines(("附件：" if number == 1 else "") + label + attachment.title, style, fonts, where)
    return lines


def _signature(flow: Flow, doc: CircularDocument) -> list[Line]:
    """Return the 发文机关署名 and 成文日期 lines as GB/T 9704-2012 7.3.5 lays them out.

    Sealed: the name centred over the date (right, four characters in); a name that would then pass two
    characters from the right edge is set two characters in and the date centred under it. Unsealed: the
    name two characters in from the right, the date starting two characters right of the name's first
    character, or two characters in from the right (and the name moved left with it) when it is the longer.
    A name too long for one line (joint issuing) is broken into lines, each centred on the same axis.
    """
    fonts = flow.fonts
    two = 2 * BODY_PITCH
    date_line = right_aligned(single_line(date_cn(doc.date), BODY, fonts, "成文日期"),
                              4 * BODY_PITCH if doc.sealed else two)
    if not doc.signature:
        return [date_line]
    signs = break_lines(doc.signature, Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28, justify=False),
                        fonts, "发文机关署名")
    widest = max(sign.width() for sign in signs)
    if doc.sealed:
        centre = date_line.indent + date_line.width() / 2
        if centre + widest / 2 > BLOCK_W - two:  # centred on the date the name would run into the edge
            centre = BLOCK_W - two - widest / 2
            date_line.indent = max(centre - date_line.width() / 2, 0)
    else:
        start = BLOCK_W - two - widest
        if start + two + date_line.width() > BLOCK_W - two:
            start = date_line.indent - two
        else:
            date_line.indent = start + two
        centre = max(start, 0) + widest / 2
    for sign in signs:
        sign.indent = max(min(centre - sign.width() / 2, BLOCK_W - sign.width()), 0)
    return signs + [date_line]


def _annotation(flow: Flow, doc: CircularDocument) -> list[Line]:
    """Return the 附注 (e.g. （此件公开发布）): in parentheses, two characters in, on the line under the date."""
    text = (doc.annotation or "").strip()
    if not text:
        return []
    if not text.startswith(("（", "(")):
        text = f"（{text}）"
    style = Style("fangsong", BODY_SIZE, BLOCK_W, grid_chars=28, first_indent=2 * BODY_PITCH, justify=False)
    return break_lines(text, style, flow.fonts, "附注")


def _closing(flow: Flow, doc: CircularDocument) -> None:
    """Place the attachment note (one line below the body) and signature with room for the seal above it.

    The signature and date never stand alone on a page: if they do not fit, the body's last two lines move
    to the next page with them.
    """
    note = _attachment_note(flow, doc) if doc.attachments else []
    signature = _signature(flow, doc)
    annotation = _annotation(flow, doc)
    gap = SEAL_LINES if doc.sealed else 1  # an unsealed copy: the name one blank line below the text
    needed = (1 + len(note) if note else 0) + gap + len(signature) + len(annotation)
    flow.where = "附件说明和发文机关署名"
    if needed > LINES:
        raise LayoutError(flow.where, "附件说明和署名过长，一页放不下")
    if flow.remaining() < needed:
        flow.pull_back(2)
    if note:
        flow.skip(1)
        flow.place(note, tag="note")
    flow.skip(gap)
    flow.place(signature, tag="signature")
    if annotation:
        flow.place(annotation, tag="annotation")


def _banji_rows(fonts: FontSet, doc: CircularDocument) -> list[tuple[list[Line], float]]:
    """Lay out 版记 rows (抄送; 印发机关 left and 印发日期 right), one character in from each side."""
    style = Style("fangsong", SMALL_SIZE, BLOCK_W, grid_chars=31)
    one = BLOCK_W / 31
    rows: list[tuple[list[Line], float]] = []
    if doc.cc:
        cc_style = Style("fangsong", SMALL_SIZE, BLOCK_W - 2 * one, grid_chars=29,
                         indent=measure("抄送：", style, fonts, "抄送"))
        lines = _cc_lines(doc.cc, cc_style, fonts)
        for line in lines:
            line.indent += one
        rows.append((lines, len(lines) * BANJI_PITCH))
    printer = single_line(doc.printer or doc.signature, style, fonts, "印发机关")
    printer.indent = one
    printed = single_line(f"{date_cn(doc.print_date or doc.date)}印发", style, fonts, "印发日期")
    printed.indent = BLOCK_W - one - printed.width()
    rows.append(([printer, printed], BANJI_PITCH))
    return rows


def _cc_lines(cc: str, style: Style, fonts: FontSet) -> list[Line]:
    """Return 抄送 lines ending in 。, broken after a unit's separator (，、) so no unit name is split.

    A unit name longer than a line is the one thing still broken inside.
    """
    units = [unit for unit in re.split(r"(?<=[，、,])", cc.strip().rstrip("。.；;，,、 ")) if unit] or [""]
    units[-1] += "。"
    texts: list[str] = []
    current = "抄送："
    for unit in units:
        width = style.width - (style.indent if texts else 0)
        if current != "抄送：" and current and measure(current + unit, style, fonts, "抄送") > width + 0.01:
            texts.append(current)
            current = unit
        else:
            current += unit
    texts.append(current)
    hanging = replace(style, first_indent=style.indent)
    lines: list[Line] = []
    for index, text in enumerate(texts):
        lines += break_lines(text, style if index == 0 else hanging, fonts, "抄送")
    return lines


def banji_height(fonts: FontSet, doc: CircularDocument) -> float:
    """Return the height 版记 takes at the foot of the text block."""
    return sum(height for _, height in _banji_rows(fonts, doc))


def _banji(flow: Flow, doc: CircularDocument) -> None:
    """Put 版记 (抄送, 印发机关 and 印发日期 between rules) at the foot of the last, even page."""
    rows = _banji_rows(flow.fonts, doc)
    total = sum(height for _, height in rows)
    flow.where = "版记"
    if total > BOTTOM - TOP - PITCH:
        raise LayoutError("版记（抄送）", "抄送过长，版记在一页内放不下")
    pages = flow.pages
    fits = pages[-1].bottom + PITCH <= BOTTOM - total
    if len(pages) % 2 == 1:
        flow.new_page()  # 版记 goes on the back of the last sheet
    elif not fits:
        flow.new_page(numbered=False)  # a blank page carries no number,
        flow.new_page(numbered=False)  # nor does the 版记 page after it
    page = pages[-1]
    y = BOTTOM - total
    page.rule(LEFT, LEFT + BLOCK_W, y, BANJI_THICK)
    for index, (lines, height) in enumerate(rows):
        top = y + (BANJI_PITCH - SMALL_SIZE) / 2
        last_row = index == len(rows) - 1
        for i, line in enumerate(lines):
            page.text(line, LEFT, top + (0 if last_row else i * BANJI_PITCH), tag="banji")
        y += height
        page.rule(LEFT, LEFT + BLOCK_W, y, BANJI_THICK if last_row else BANJI_THIN)
    flow.slot = LINES
