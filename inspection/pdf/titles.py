"""Titles in 2号 小标宋, broken into balanced lines (no line much longer than another, no split words)."""
from __future__ import annotations

import math
from functools import lru_cache

from .fonts import FontSet
from .layout import BLOCK_W, TITLE_SIZE, centred
from .typeset import NO_LINE_END, NO_LINE_START, Line, Style, Token, break_lines, tokenize

TITLE = Style("xiaobiaosong", TITLE_SIZE, BLOCK_W, justify=False)
MAX_EXTRA_LINES = 3  # balanced breaks are looked for on at most this many lines more than the width needs
# Good places to end a title line (after these) and to start one (before these).
GOOD_END = ("的", "于", "关于", "”", "、", "年", "批", "和", "及", "对")
GOOD_START = ("情况", "工作", "的通报", "通报", "问题", "明察暗访", "关于")
# Words of these titles that should not be cut in two.
WORDS = ("纪律作风", "工作纪律", "作风建设", "专项整治", "专项行动", "明察暗访", "监督检查", "整改落实", "情况", "通报",
         "问题", "单位", "部门", "期间", "乡镇", "县直", "机关", "干部", "春节", "中秋", "国庆", "元旦", "端午", "清明",
         "八项规定", "精神", "违规", "公务", "用车", "接待", "三查三治", "四风")


def balanced_title(text: str, fonts: FontSet, where: str, style: Style = TITLE) -> list[Line]:
    """Return the title as centred lines of near-equal width."""
    tokens = tokenize(text, style, fonts, where)
    widths = [t.width for t in tokens]
    total = sum(widths)
    count = max(1, math.ceil(total / style.width - 1e-6))
    for count in range(count, min(count + MAX_EXTRA_LINES, len(tokens)) + 1):
        breaks = _best_breaks(tokens, widths, count, style.width)
        if breaks is not None:
            break
    else:  # no balanced breaks (a word wider than the line, or every break forbidden): break greedily
        greedy = Style(style.role, style.size, style.width, justify=False)
        return [centred(line) for line in break_lines(text, greedy, fonts, where)]
    lines, start = [], 0
    for end in list(breaks) + [len(tokens)]:
        lines.append(centred(Line(tokens[start:end], 0.0, 0.0, style.size)))
        start = end
    return lines


def _penalty(tokens: list[Token], position: int, text: str, offsets: list[int]) -> float:
    """Return the cost of breaking before tokens[position] (inf where CJK rules forbid it)."""
    before, after = tokens[position - 1].text, tokens[position].text
    if after[0] in NO_LINE_START or before[-1] in NO_LINE_END:
        return math.inf
    if before[-1].isdigit() and after[0].isdigit():
        return math.inf
    cut = offsets[position]
    head, tail = text[:cut], text[cut:]
    cost = 20.0
    if head.endswith(GOOD_END) or tail.startswith(GOOD_START):
        cost = 0.0
    if head.count("“") > head.count("”"):
        cost += 80  # inside a quotation
    for word in WORDS:
        start = text.find(word)
        while start >= 0:
            if start < cut < start + len(word):
                cost += 80
            start = text.find(word, start + 1)
    return cost


def _best_breaks(tokens: list[Token], widths: list[float], count: int, measure: float) -> tuple[int, ...] | None:
    """Choose count-1 break positions minimising imbalance and bad breaks; None if none fit."""
    n = len(tokens)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    target = prefix[-1] / count
    text = "".join(t.text for t in tokens)
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token.text))

    def imbalance(width: float) -> float:
        """Return the cost of a line's distance from the average width (in characters, squared)."""
        return ((width - target) / TITLE_SIZE) ** 2 * 10

    @lru_cache(maxsize=None)
    def solve(start: int, lines_left: int) -> tuple[float, tuple[int, ...]]:
        """Return the cheapest breaks for tokens[start:] on lines_left lines."""
        if lines_left == 1:
            width = prefix[n] - prefix[start]
            if width > measure + 0.5:
                return math.inf, ()
            return imbalance(width), ()
        best: tuple[float, tuple[int, ...]] = (math.inf, ())
        for end in range(start + 1, n):
            width = prefix[end] - prefix[start]
            if width > measure + 0.5:
                break
            cost = imbalance(width) + _penalty(tokens, end, text, offsets)
            if cost >= best[0]:
                continue
            rest, breaks = solve(end, lines_left - 1)
            if cost + rest < best[0]:
                best = (cost + rest, (end,) + breaks)
        return best

    if count == 1:
        return () if prefix[n] <= measure + 0.5 else None
    cost, breaks = solve(0, count)
    return breaks if cost < math.inf else None
