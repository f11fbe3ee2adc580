"""The circular's red, signature block (sealed and unsealed), 附注, 附件说明 and 抄送, measured on the PDF."""
from __future__ import annotations

import re
import zlib

import pytest

from inspection.pdf import build_circular

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import circular, photo, photo_annex, table_annex

MM = pt.MM
LEFT = 28 * MM
RIGHT = LEFT + 156 * MM
CHAR = 156 * MM / 28  # one character of the 28-character grid
PITCH = 225 * MM / 22
LONG_NAME = "中共示例县纪律检查委员会办公室"  # 15 characters: centred on the date it would pass the right margin
DATE = "2026年11月8日"


def _streams(pdf: bytes) -> str:
    """Return every (deflated) content stream of a PDF as text."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompressobj().decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def _word(path, text: str):
    """Return the first pdftotext word equal to `text`."""
    return next(w for w in pt.words(path) if w.text == text)


def _signed(path, signature: str):
    """Return the signature and date words: the date, and the signature on the line above it."""
    date = _word(path, DATE)
    name = max((w for w in pt.words(path) if w.text == signature and w.page == date.page and w.y0 < date.y0),
               key=lambda w: w.y0)
    return name, date


def test_red_is_cmyk_0_100_100_0():
    streams = _streams(build_circular(circular()))
    assert re.search(r"(?m)^0 1 1 0 k$", streams), "organ mark and star fill"
    assert re.search(r"(?m)^0 1 1 0 K$", streams), "red line stroke"
    assert not re.search(r"0 \.8 \.8 0 [kK]", streams)  # 0/80/80/0 printed orange


@needs_poppler
def test_long_sealed_name_keeps_two_characters_from_the_edge_with_the_date_centred_under_it(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(body=[], signature=LONG_NAME)))
    name, date = _signed(path, LONG_NAME)
    assert name.x1 == pytest.approx(RIGHT - 2 * CHAR, abs=1.5)  # it ran to 0.6 characters from the edge
    assert (date.x0 + date.x1) / 2 == pytest.approx((name.x0 + name.x1) / 2, abs=1.0)


@needs_poppler
def test_short_sealed_name_is_centred_on_the_date_four_characters_in(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(body=[], signature="县纪委办公室")))
    name, date = _signed(path, "县纪委办公室")
    assert date.x1 == pytest.approx(RIGHT - 4 * CHAR, abs=1.5)
    assert (date.x0 + date.x1) / 2 == pytest.approx((name.x0 + name.x1) / 2, abs=1.0)


@needs_poppler
def test_unsealed_copy_uses_the_unsealed_layout(tmp_path):
    sealed = pt.write(tmp_path, build_circular(circular(signature=LONG_NAME)), "sealed.pdf")
    unsealed = pt.write(tmp_path, build_circular(circular(signature=LONG_NAME, sealed=False)), "unsealed.pdf")
    last = {}
    for key, path in (("sealed", sealed), ("unsealed", unsealed)):
        name, date = _signed(path, LONG_NAME)
        body = [w for w in pt.words(path) if w.page == name.page and w.y1 < name.y0 - 5]
        last[key] = (name, date, name.y0 - max(w.y0 for w in body))
    name, date, gap = last["unsealed"]
    assert name.x1 == pytest.approx(RIGHT - 2 * CHAR, abs=1.5)  # 右空二字
    assert date.x0 == pytest.approx(name.x0 + 2 * CHAR, abs=1.5)  # 首字比署名首字右移二字
    assert date.y0 - name.y0 == pytest.approx(PITCH, abs=1.0)
    assert gap == pytest.approx(2 * PITCH, abs=1.0)  # one blank line under the text, not the seal's two
    assert last["sealed"][2] == pytest.approx(3 * PITCH, abs=1.0)


@needs_poppler
def test_unsealed_date_longer_than_the_name_keeps_two_characters_from_the_edge(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(body=[], signature="县纪委办公室", sealed=False)))
    name, date = _signed(path, "县纪委办公室")
    assert date.x1 == pytest.approx(RIGHT - 2 * CHAR, abs=1.5)
    assert date.x0 == pytest.approx(name.x0 + 2 * CHAR, abs=1.5)


@needs_poppler
def test_annotation_in_parentheses_two_characters_in_under_the_date(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(body=[], annotation="此件公开发布")))
    note, date = _word(path, "（此件公开发布）"), _word(path, DATE)
    assert note.x0 == pytest.approx(LEFT + 2 * CHAR, abs=1.5)
    assert note.y0 - date.y0 == pytest.approx(PITCH, abs=1.0)
    assert "此件公开发布" in pt.text(path)


@needs_poppler
def test_attachment_note_has_no_space_after_the_number(tmp_path):
    annexes = [table_annex(3), photo_annex([photo(tmp_path, "a.jpg")])]
    text = pt.text(pt.write(tmp_path, build_circular(circular(attachments=annexes))), first=1, last=2)
    assert re.search(r"附件：1\.问题清单", text)
    assert re.search(r"(?m)^\s*2\.暗访照片", text)


@needs_poppler
def test_cc_ends_with_a_full_stop_and_never_splits_a_unit(tmp_path):
    units = ["县委办公室", "县人大常委会办公室", "县政府办公室", "县政协办公室", "县委组织部", "县委宣传部",
             "县委政法委员会", "县人民法院", "县人民检察院", "县公安局", "县财政局", "县人力资源和社会保障局"]
    path = pt.write(tmp_path, build_circular(circular(cc="，".join(units))))
    last_page = pt.pages(path)[-1]
    start = last_page.index("抄送：")
    block = last_page[start:last_page.index("。", start) + 1]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(lines) >= 3
    assert all(line[-1] in "，。" for line in lines), lines
    assert lines[-1].endswith("县人力资源和社会保障局。")
    assert "".join(lines) == "抄送：" + "，".join(units) + "。"
