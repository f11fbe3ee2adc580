"""Titles break only between words, within 90 % of the block, in a 梯形 or 菱形 (GB/T 9704-2012 7.3.1)."""
from __future__ import annotations

from pathlib import Path

import pytest

from inspection.pdf import build_circular
from inspection.pdf.document import Attachment, Block
from inspection.pdf.fonts import fontset
from inspection.pdf.layout import BLOCK_W, TITLE_SIZE
from inspection.pdf.segment import inside_word_cuts
from inspection.pdf.titles import MAX_SHARE, balanced_title

from . import pdftools as pt
from .pdftools import MM
from .samples import circular

DATA = Path(__file__).parent / "data" / "circular_titles.txt"


def real_titles() -> list[tuple[str, frozenset[int]]]:
    """Return (title, offsets where it may break) from the data file (a space marks a place to break)."""
    result = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            units = line.split(" ")
            offsets = frozenset(sum(len(u) for u in units[:i]) for i in range(1, len(units)))
            result.append(("".join(units), offsets))
    return result


TITLES = real_titles()


def breaks(lines) -> list[int]:
    """Return the character offsets at which the lines break the title."""
    offsets, at = [], 0
    for line in lines[:-1]:
        at += len(line.text)
        offsets.append(at)
    return offsets


def test_the_list_holds_fifty_real_titles():
    assert len(TITLES) == 50
    assert all(title.startswith("关于") and title.endswith("通报") for title, _ in TITLES)


@pytest.mark.parametrize("title, allowed", TITLES, ids=[t for t, _ in TITLES])
def test_a_real_title_breaks_only_between_words_within_ninety_percent(title, allowed):
    lines = balanced_title(title, fontset(), "标题")
    assert "".join(line.text for line in lines) == title
    cut = [f"{title[:b][-2:]}|{title[b:][:2]}" for b in breaks(lines) if b not in allowed]
    assert cut == [], f"{' / '.join(line.text for line in lines)} cuts a word at {cut}"
    assert max(line.width() for line in lines) <= BLOCK_W * MAX_SHARE + 0.5


def test_the_words_named_in_the_issue_stay_whole():
    title = "关于上班时间网购炒股玩游戏等问题专项整治明察暗访情况的通报"
    cuts = inside_word_cuts(title)
    for word in ("时间", "网购", "专项整治", "明察暗访"):
        start = title.index(word)
        assert set(range(start + 1, start + len(word))) <= cuts, word


def shape(widths: list[float]) -> str:
    """Name the shape of a title's line widths (in points)."""
    steps = [b - a for a, b in zip(widths, widths[1:])]
    if len(widths) == 1:
        return "一行"
    if all(s >= TITLE_SIZE for s in steps):
        return "正梯形"
    if all(s <= -TITLE_SIZE for s in steps):
        return "倒梯形"
    rising = [s >= TITLE_SIZE for s in steps]
    if len(widths) >= 3 and rising[0] and steps[-1] <= -TITLE_SIZE:
        return "菱形"
    return "矩形"


def test_titles_take_a_deliberate_shape_not_a_rectangle():
    fonts = fontset()
    shapes = [shape([line.width() for line in balanced_title(title, fonts, "标题")]) for title, _ in TITLES]
    multi = [s for s in shapes if s != "一行"]
    assert shapes.count("矩形") <= 1  # only the title that fills three full lines has no room for a shape
    assert sum(s in ("正梯形", "菱形") for s in multi) >= 0.85 * len(multi)
    two_line = [shape([line.width() for line in balanced_title(t, fonts, "标题")]) for t, _ in TITLES[:5]]
    assert two_line.count("正梯形") >= 4


@pytest.mark.parametrize("first", range(0, 50, 5))
def test_attachment_titles_in_the_pdf_break_between_words(tmp_path, first):
    """The titles set as attachment titles (five to a circular), read back with pdftotext -bbox."""
    chosen = TITLES[first:first + 5]
    annexes = [Attachment(title, "text", blocks=[Block("p", "详见正文。")]) for title, _ in chosen]
    path = pt.write(tmp_path, build_circular(circular(attachments=annexes)))
    words = pt.words(path)
    big = [w for w in words if w.y1 - w.y0 > 20]  # 2号 title lines (22 pt)
    for title, allowed in chosen:
        page = next(p for p in sorted({w.page for w in big}) if "".join(w.text for w in big if w.page == p) == title)
        rows = pt.lines([w for w in big if w.page == page])
        texts = ["".join(w.text for w in row) for row in rows]
        offsets = [sum(len(t) for t in texts[:i]) for i in range(1, len(texts))]
        assert all(b in allowed for b in offsets), texts
        for row in rows:  # centred, and no wider than 90 % of the block
            assert row[-1].x1 - row[0].x0 <= 156 * MM * MAX_SHARE + 1
            assert abs((row[0].x0 + row[-1].x1) / 2 - (28 + 78) * MM) <= 1 * MM
