"""Geometry of the circular as pdftotext -bbox sees it (GB/T 9704-2012 measurements)."""
from __future__ import annotations

import pytest

from inspection.pdf import build_circular
from inspection.pdf.document import Block

from . import pdftools as pt
from .pdftools import MM, needs_poppler
from .samples import PLAIN, circular, photo, photo_annex, table_annex

pytestmark = needs_poppler

LEFT = 28 * MM
TOP = 37 * MM
RIGHT = (28 + 156) * MM
BOTTOM = (37 + 225) * MM
PITCH = 225 * MM / 22


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    """A circular whose body runs over several full pages of plain CJK text, with two attachments."""
    tmp = tmp_path_factory.mktemp("geometry")
    body = [Block("p", PLAIN * 6) for _ in range(8)]
    body.insert(3, Block("h1", "一、基本情况"))
    photos = [photo(tmp, f"p{i}.jpg") for i in range(3)]
    doc = circular(body=body, attachments=[table_annex(40), photo_annex(photos)])
    return pt.write(tmp, build_circular(doc))


def body_lines(path, page):
    """Return the text lines of a page inside the text block, without header, footer and page number."""
    words = [w for w in pt.words(path) if w.page == page and TOP - 2 <= w.y0 < BOTTOM]
    return pt.lines(words)


def test_full_page_has_22_lines_of_28_characters_from_the_margins(long_pdf):
    rows = body_lines(long_pdf, 2)
    assert len(rows) == 22
    assert abs(rows[0][0].y0 - TOP) <= 1 * MM
    tops = [row[0].y0 for row in rows]
    gaps = [b - a for a, b in zip(tops, tops[1:])]
    assert all(abs(gap - PITCH) < 1.5 for gap in gaps)  # 黑体 headings have a different ascent
    full = [row for row in rows if abs(row[0].x0 - LEFT) <= 1 * MM]
    assert len(full) >= 18
    for row in full:
        text = "".join(w.text for w in row)
        assert len(text) == 28, text
        assert abs(row[-1].x1 - RIGHT) <= 1 * MM
    indented = [row for row in rows if row[0].x0 > LEFT + 1 * MM]
    for row in indented:  # the first line of a paragraph is indented two characters
        assert abs(row[0].x0 - (LEFT + 2 * 156 * MM / 28)) <= 1 * MM


def test_first_page_header_and_body_edges(long_pdf):
    words = [w for w in pt.words(long_pdf) if w.page == 1]
    copy = next(w for w in words if w.text == "000012")
    assert abs(copy.x0 - LEFT) <= 1 * MM and abs(copy.y0 - TOP) <= 1 * MM
    security = next(w for w in words if w.text.startswith("秘密"))
    assert abs(security.x0 - LEFT) <= 1 * MM and abs(security.y0 - (TOP + PITCH)) <= 1 * MM
    mark = next(w for w in words if "纪律检查委员会" in w.text and w.y0 < 100 * MM)
    assert abs(mark.y0 - (TOP + 35 * MM)) <= 1.5 * MM
    assert abs((mark.x0 + mark.x1) / 2 - (LEFT + RIGHT) / 2) <= 1 * MM
    number = next(w for w in words if "〔2026〕" in w.text or w.text.startswith("示纪办通"))
    assert number.y0 > mark.y1 + 2 * PITCH - 2
    recipients = next(w for w in words if w.text.startswith("各乡镇党委"))
    assert abs(recipients.x0 - LEFT) <= 1 * MM
    body = [row for row in pt.lines([w for w in words if recipients.y0 < w.y0 < BOTTOM])]
    assert abs(body[1][0].x0 - LEFT) <= 1 * MM
    assert len("".join(w.text for w in body[1])) == 28
    # body lines stay on the page grid that starts at the text block's top edge
    for row in body:
        offset = (row[0].y0 - TOP) / PITCH
        assert abs(offset - round(offset)) < 0.1


def test_page_numbers_outside_one_character_in(long_pdf):
    count = pt.page_count(long_pdf)
    words = pt.words(long_pdf)
    seen = 0
    for page in range(1, count + 1):
        footer = [w for w in words if w.page == page and BOTTOM + 3 * MM < w.y0 < BOTTOM + 12 * MM]
        if not footer:
            continue
        seen += 1
        row = pt.lines(footer)[0]
        assert "".join(w.text for w in row) == f"—{page}—"
        # the height (dashes 7 mm below the block, on the ink) is measured in test_page_number.py
        if page % 2:
            assert abs(row[-1].x1 - (RIGHT - 14)) <= 1 * MM
        else:
            assert abs(row[0].x0 - (LEFT + 14)) <= 1 * MM
    assert seen >= count - 2


def test_attachment_pages_start_with_label_and_centred_title(long_pdf):
    words = pt.words(long_pdf)
    for label, title in (("附件1", "问题清单"), ("附件2", "暗访照片")):
        mark = next(w for w in words if w.text == label and w.y0 < TOP + PITCH)
        assert abs(mark.x0 - LEFT) <= 1 * MM and abs(mark.y0 - TOP) <= 1 * MM
        heading = next(w for w in words if w.page == mark.page and w.text == title)
        assert abs(heading.y0 - (TOP + 2 * PITCH)) <= 1 * MM
        assert abs((heading.x0 + heading.x1) / 2 - (LEFT + RIGHT) / 2) <= 1 * MM
        before = [w for w in words if w.page == mark.page - 1]
        assert before, "an attachment starts on a new page"


def test_banji_sits_on_the_text_block_bottom_of_an_even_last_page(long_pdf):
    count = pt.page_count(long_pdf)
    assert count % 2 == 0
    words = [w for w in pt.words(long_pdf) if w.page == count]
    printed = next(w for w in words if w.text.endswith("印发"))
    assert printed.text == "2026年11月9日印发"
    assert BOTTOM - 12 * MM < printed.y1 <= BOTTOM
    assert abs(printed.x1 - (RIGHT - 156 * MM / 31)) <= 1 * MM
    cc = next(w for w in words if w.text.startswith("抄送："))
    assert abs(cc.x0 - (LEFT + 156 * MM / 31)) <= 1 * MM
    assert cc.y0 < printed.y0
