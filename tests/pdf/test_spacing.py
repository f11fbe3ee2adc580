"""Spacing a reader checks on the page: the blank line under the title, and digit runs set solid."""
from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from inspection.pdf import build_circular
from inspection.pdf.document import Block
from inspection.pdf.fonts import fontset

from . import pdftools as pt
from .pdftools import MM, needs_poppler
from .samples import circular

pytestmark = needs_poppler

EM_TOP = 0.88  # pdftotext's word box starts at the em top; the baseline is 0.88 em below it


def baseline(word: pt.Word) -> float:
    """Return a word's baseline from its pdftotext box (the box is one em tall)."""
    return word.y0 + EM_TOP * (word.y1 - word.y0)


@pytest.mark.parametrize("title", ["关于2026年第三批“三查三治”纪律作风明察暗访情况的通报",
                                   "关于暗访情况的通报",
                                   "关于对全县各乡镇、县直各部门和单位2026年第三批“三查三治”纪律作风专项整治明察暗访中发现问题的情况通报"])
def test_one_full_blank_line_between_the_title_and_the_recipients(tmp_path, title):
    path = pt.write(tmp_path, build_circular(circular(title=title)))
    words = [w for w in pt.words(path) if w.page == 1]
    recipients = next(w for w in words if w.text.startswith("各乡镇党委"))
    title_words = [w for w in words if w.y1 - w.y0 > 20 and 100 * MM < w.y0 < recipients.y0]  # 2号 lines
    assert "".join(w.text for w in title_words) == title
    gap = baseline(recipients) - baseline(title_words[-1])
    assert gap >= 20.45 * MM - 0.1, f"{gap / MM:.2f} mm baseline to baseline"
    assert gap < 3 * 225 * MM / 22  # one blank line, not two


def test_justified_lines_do_not_spread_a_time_or_a_number(tmp_path):
    # the Latin word does not fit on the first line, so that line is stretched by about four characters
    text = "字" * 20 + " 9:45 " + "字" * 2 + "Evidence" + "字" * 30
    path = pt.write(tmp_path, build_circular(circular(body=[Block("p", text)])))
    time = next(w for w in pt.words(path) if w.text == "9:45")
    latin = fontset().primary("latin").name
    natural = stringWidth("9:45", latin, 16)
    assert abs((time.x1 - time.x0) - natural) < 0.5, (time.x1 - time.x0, natural)
    first = next(w for w in pt.words(path) if abs(w.y1 - time.y1) < 3 and w.x0 < time.x0)
    assert first.x0 < 40 * MM  # the line really is the stretched first line of the paragraph
