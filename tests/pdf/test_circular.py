"""The circular as a reader sees it: embedded fonts, text in order, renders, furniture on every page."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from inspection.pdf import build_circular
from inspection.pdf.document import Block

from . import pdftools as pt
from .pdftools import MM, needs_poppler
from .samples import PLAIN, body_blocks, circular, photo, photo_annex, table_annex

pytestmark = needs_poppler


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A complete circular with a table annex and a photo annex of five photos."""
    tmp = tmp_path_factory.mktemp("circular")
    photos = [photo(tmp, f"p{i}.jpg", colour=(40 * i, 120, 200)) for i in range(5)]
    doc = circular(attachments=[table_annex(45), photo_annex(photos)])
    return doc, pt.write(tmp, build_circular(doc))


def squeeze(text: str) -> str:
    """Drop whitespace so that text broken over lines compares equal."""
    return re.sub(r"\s+", "", text)


def reading_text(path, doc) -> str:
    """Return the document's text without page furniture (numbers, trace line)."""
    kept = []
    for line in pt.text(path).splitlines():
        if re.fullmatch(r"\s*—\s*\d+\s*—\s*", line) or (doc.trace_line and line.strip() == doc.trace_line):
            continue
        kept.append(line)
    return squeeze("".join(kept))


def test_every_font_is_embedded_truetype(sample):
    _, path = sample
    rows = pt.fonts(path)
    assert rows
    for row in rows:
        assert row["emb"] == "yes", row["line"]
        assert row["type"] == "TrueType", row["line"]
        assert "Helvetica" not in row["name"]


def test_text_extracts_in_drafted_order(sample):
    doc, path = sample
    text = reading_text(path, doc)
    expected = [doc.copy_number, doc.security, doc.urgency, doc.organ_mark, doc.doc_number, doc.title,
                doc.recipients] + [b.text for b in doc.body] + [
        "附件：1.问题清单", "2.暗访照片", doc.signature, "2026年11月8日", "附件1", "问题清单", "序号",
        "附件2", "暗访照片", "照片1", "第5张照片所示问题", "抄送：" + doc.cc, "2026年11月9日印发"]
    position = 0
    for item in expected:
        found = text.find(squeeze(item), position)
        assert found >= 0, f"{item!r} missing or out of order after position {position}"
        position = found + 1


def test_renders_every_page_with_red_mark(sample, tmp_path):
    _, path = sample
    files = pt.render(path, tmp_path, dpi=40)
    assert len(files) == pt.page_count(path)
    first = Image.open(files[0]).convert("RGB")
    scale = 40 / 72
    mark = next(w for w in pt.words(path) if w.page == 1 and w.text == "中共示例县纪律检查委员会办公室")
    box = first.crop((int(mark.x0 * scale), int(mark.y0 * scale), int(mark.x1 * scale), int(mark.y1 * scale)))
    data = box.tobytes()
    reds = [p for p in zip(data[0::3], data[1::3], data[2::3]) if p[0] > 180 and p[1] < 120 and p[2] < 120]
    assert len(reds) > 50, "the issuing-organ mark is printed red"


def test_each_page_carries_trace_line_and_drafts_a_warning(sample, tmp_path):
    doc, path = sample
    for page in pt.pages(path):
        assert doc.trace_line in page
        assert "草稿" not in page
    draft = pt.write(tmp_path, build_circular(circular(draft=True, trace_line=None)), "draft.pdf")
    pages = pt.pages(draft)
    assert len(pages) >= 2
    for page in pages:
        assert "草稿 未经审核 不得外传" in page
        assert doc.trace_line not in page


def test_table_header_repeats_and_photos_go_two_to_a_page(sample):
    doc, path = sample
    words = pt.words(path)
    label_page = {w.text: w.page for w in words if w.text in ("附件1", "附件2")}
    table_pages = range(label_page["附件1"], label_page["附件2"])
    assert len(table_pages) >= 2
    for page in table_pages:
        assert any(w.page == page and w.text == "序号" for w in words)
    rows = [w for w in words
            if re.fullmatch(r"\d+", w.text) and w.page in table_pages and w.x0 < 40 * MM and w.y0 < 262 * MM]
    assert [int(w.text) for w in rows] == list(range(1, 46))
    images = pt.images_per_page(path)
    photo_pages = sorted(images)
    assert photo_pages[0] == label_page["附件2"]
    assert [images[p] for p in photo_pages] == [2, 2, 1]


def test_photos_are_downscaled_for_print(sample):
    _, path = sample
    size = path.stat().st_size
    assert size < 3_000_000
    out = __import__("subprocess").run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout
    for line in out.splitlines()[2:]:
        parts = line.split()
        width, height, encoding, x_ppi = int(parts[3]), int(parts[4]), parts[8], int(parts[12])
        assert width < 1600 and height < 1200
        assert encoding == "jpeg", "print copies are embedded as JPEG, not decoded to raw pixels"
        assert 240 <= x_ppi <= 300, line  # 签到册 handwriting stays legible: 250–300 dpi


def test_dates_use_arabic_numerals_without_padding(sample):
    doc, path = sample
    text = pt.text(path)
    assert "2026年11月8日" in text and "2026年11月08日" not in text


@pytest.mark.parametrize("lines_of_body, expect_numbered_last", [(0, True), (1, True), (2, False)])
def test_banji_page_placement(tmp_path, lines_of_body, expect_numbered_last):
    """版记 goes on an even page: after an odd page a numbered page is added; a full even page gets a blank page."""
    # pages of body: 0 → ends on page 1 (odd); 1 → ends on page 2 with room; 2 → fills page 2 to the bottom
    body = {0: [Block("p", PLAIN)],
            1: [Block("p", PLAIN * 10)],
            2: [Block("p", PLAIN * 19)]}[lines_of_body]
    doc = circular(body=body)
    path = pt.write(tmp_path, build_circular(doc))
    count = pt.page_count(path)
    assert count % 2 == 0
    pages = pt.pages(path)
    assert "印发" in pages[-1] and all("印发" not in p for p in pages[:-1])
    numbered = bool(re.search(r"—\s*%d\s*—" % count, pages[-1]))
    assert numbered == expect_numbered_last
    if not expect_numbered_last:
        blank = pages[-2]
        assert squeeze(blank.replace(doc.trace_line, "")) == ""
    signature_page = next(i for i, p in enumerate(pages) if "2026年11月8日" in p)
    assert squeeze(pages[signature_page].split(doc.signature)[0]) != "", "the signature never stands alone"


def test_signature_keeps_company_with_body_text(tmp_path):
    # a body exactly filling page 1 and page 2 would leave the signature alone on page 3
    for repeats in range(9, 15):
        doc = circular(body=[Block("p", PLAIN * repeats)], attachments=[])
        path = pt.write(tmp_path, build_circular(doc), f"r{repeats}.pdf")
        pages = pt.pages(path)
        page = next(p for p in pages if doc.signature in p and "2026年11月8日" in p)
        before = squeeze(page.split(doc.signature)[0])
        assert any(ch in before for ch in PLAIN), f"signature alone on its page with {repeats} repeats"


def test_body_never_starts_a_line_with_closing_punctuation(tmp_path):
    text = "".join(PLAIN[i % len(PLAIN)] + ("，" if i % 7 == 6 else "") + ("。" if i % 11 == 10 else "")
                   for i in range(400))
    doc = circular(body=[Block("p", text)])
    path = pt.write(tmp_path, build_circular(doc))
    words = [w for w in pt.words(path) if 37 * MM - 2 < w.y0 < 262 * MM]
    starts = [pt.lines([w for w in words if w.page == page])[1:] for page in {w.page for w in words}]
    for page_rows in starts:
        for row in page_rows:
            assert row[0].text[0] not in "，。、：；？！）》”", row[0].text


def test_unnumbered_body_blocks_and_missing_attachments(tmp_path):
    doc = circular(body=body_blocks()[:2], attachments=[], copy_number=None, security=None, urgency=None, cc=None)
    path = pt.write(tmp_path, build_circular(doc))
    text = pt.text(path)
    assert "附件" not in text and "抄送" not in text
    assert "2026年11月9日印发" in text


def test_last_photo_page_makes_room_for_banji(tmp_path):
    """Photos ending on an even page shrink to leave room for 版记 rather than adding a blank page."""
    photos = [photo(tmp_path, f"r{i}.jpg") for i in range(6)]
    for count in (4, 6):  # one of the two ends the photo annex on an even page
        doc = circular(attachments=[table_annex(5), photo_annex(photos[:count])])
        path = pt.write(tmp_path, build_circular(doc), f"room{count}.pdf")
        pages = pt.pages(path)
        if f"照片{count}" in pages[-1] or len(pages) % 2 == 1 or f"照片{count}" not in pages[-2]:
            break
    assert len(pages) % 2 == 0
    assert "印发" in pages[-1] and f"照片{count}" in pages[-1]
    assert re.search(r"—\s*%d\s*—" % len(pages), pages[-1])
    words = [w for w in pt.words(path) if w.page == len(pages)]
    caption = max((w for w in words if w.text.startswith("问题：")), key=lambda w: w.y1)
    cc = next(w for w in words if w.text.startswith("抄送"))
    assert caption.y1 < cc.y0 - 5 * MM


def test_copy_number_is_six_digits(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(copy_number="12")))
    first = pt.pages(path)[0]
    assert first.split()[0] == "000012"
