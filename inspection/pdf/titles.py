"""Titles in 2号 小标宋, broken between words into a deliberate shape.

GB/T 9704-2012 7.3.1: a title that runs over keeps its words whole, stays symmetric, and is set as a
梯形 or 菱形. Lines are at most MAX_SHARE of the block; two lines make a 正梯形 (the first shorter),
three or more a 正梯形 or a 菱形 (the middle longest), each line about SHAPE_STEP characters off its
neighbour. A cut inside a word (segment.py) is taken only when no other break fits.
"""
from __future__ import annotations

import math

from .fonts import FontSet
from .layout import BLOCK_W, TITLE_SIZE, centred
from .segment import inside_word_cuts
from .typeset import NO_LINE_END, NO_LINE_START, Line, Style, Token, break_lines, tokenize

TITLE = Style("xiaobiaosong", TITLE_SIZE, BLOCK_W, justify=False)
MAX_SHARE = 0.9  # no title line longer than this share of the block (unless a word, or a title of more than
# ENUMERATE_LINES such lines, leaves no choice)
SHAPE_STEP = 2.0  # characters between neighbouring lines of a shape
EXTRA_LINES = 1  # a shape may take this many lines more than the width needs
ENUMERATE_LINES = 4  # up to this many lines every breaking is tried; longer titles use dynamic programming
FLAT_WITHIN = 1.0  # characters: neighbouring lines closer than this in width read as a rectangle
# Costs, in squared characters of distance from a line's target width.
WORD_CUT = 400.0  # a break inside a word
QUOTE_CUT = 120.0  # a break inside a quotation
PLAIN_BREAK = 6.0  # a break at no particularly good place
FLAT = 30.0  # two neighbouring lines within FLAT_WITHIN of each other (a rectangle, not a shape)
WRONG_WAY = 30.0  # a neighbour longer or shorter than the shape wants
INVERTED = 25.0  # an inverted trapezoid (倒梯形): a 梯形 still, but not the one a clerk sets first
MORE_LINES = 40.0  # each line more than the width needs
# Good places to end a title line (after these) and to start one (before these).
GOOD_END = ("的", "于", "关于", "”", "、", "年", "批", "和", "及", "对")
GOOD_START = ("情况", "工作", "的通报", "通报", "问题", "明察暗访", "关于")
# Relative widths of the lines of each shape (targets are spread SHAPE_STEP characters apart).
SHAPES = {
    "正梯形": lambda n: list(range(n)),
    "菱形": lambda n: [min(i, n - 1 - i) for i in range(n)],
    "倒梯形": lambda n: list(range(n - 1, -1, -1)),
}


def balanced_title(text: str, fonts: FontSet, where: str, style: Style = TITLE) -> list[Line]:
    """Return the title as centred lines in a 梯形 or 菱形, broken between words."""
    tokens = tokenize(text, style, fonts, where)
    widths = [t.width for t in tokens]
    measures = [style.width * MAX_SHARE, style.width]
    if sum(widths) > ENUMERATE_LINES * measures[0]:
        measures.pop(0)  # a title this long (a form's 200 characters) needs the full width to fit on page 1
    for measure in measures:
        breaks = _choose(tokens, widths, measure, style.size)
        if breaks is not None:
            break
    else:  # a single word wider than the block: break greedily
        greedy = Style(style.role, style.size, style.width, justify=False)
        return [centred(line, style.width) for line in break_lines(text, greedy, fonts, where)]
    lines, start = [], 0
    for end in list(breaks) + [len(tokens)]:
        lines.append(centred(Line(tokens[start:end], 0.0, 0.0, style.size), style.width))
        start = end
    return lines


def break_costs(tokens: list[Token]) -> list[float]:
    """Return the cost of breaking before each token (index 0 unused; inf where CJK rules forbid it)."""
    text = "".join(t.text for t in tokens)
    cuts = inside_word_cuts(text)
    costs = [math.inf]
    offset = len(tokens[0].text) if tokens else 0
    for position in range(1, len(tokens)):
        before, after = tokens[position - 1].text, tokens[position].text
        head, tail = text[:offset], text[offset:]
        if after[0] in NO_LINE_START or before[-1] in NO_LINE_END or after.isspace():
            cost = math.inf
        else:
            cost = 0.0 if head.endswith(GOOD_END) or tail.startswith(GOOD_START) else PLAIN_BREAK
            if offset in cuts:
                cost += WORD_CUT
            if head.count("“") > head.count("”"):
                cost += QUOTE_CUT
        costs.append(cost)
        offset += len(after)
    return costs


def _choose(tokens: list[Token], widths: list[float], measure: float, size: float) -> tuple[int, ...] | None:
    """Return the cheapest break positions with every line within measure, or None if none fit."""
    total = sum(widths)
    if total <= measure + 0.5:
        return ()
    fewest = max(2, math.ceil(total / measure - 1e-6))
    costs = break_costs(tokens)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    best: tuple[float, tuple[int, ...]] | None = None
    for count in range(fewest, min(fewest + EXTRA_LINES, len(tokens)) + 1):
        shapes = [name for name in SHAPES if count >= 3 or name != "菱形"]
        targets = {name: _targets(total, SHAPES[name](count), size) for name in shapes}
        if count <= ENUMERATE_LINES:
            candidates = _partitions(prefix, costs, count, measure)
        else:  # long titles: the best split per shape by dynamic programming
            candidates = [found[1] for name in shapes
                          if (found := _fit(widths, costs, count, targets[name], measure, size)) is not None]
        for breaks in candidates:
            bounds = [0, *breaks, len(tokens)]
            lines = [prefix[b] - prefix[a] for a, b in zip(bounds, bounds[1:])]
            cut = sum(costs[b] for b in breaks) + MORE_LINES * (count - fewest)
            for name in shapes:
                deviation = sum(((w - t) / size) ** 2 for w, t in zip(lines, targets[name]))
                cost = cut + deviation + _shape_cost(lines, name, size)
                if best is None or cost < best[0]:
                    best = (cost, breaks)
    return None if best is None else best[1]


def _partitions(prefix: list[float], costs: list[float], count: int, measure: float) -> list[tuple[int, ...]]:
    """Return every way to break the tokens into count lines no wider than measure."""
    n = len(prefix) - 1
    found: list[tuple[int, ...]] = []

    def extend(start: int, left: int, breaks: tuple[int, ...]) -> None:
        """Add the breakings of tokens[start:] on `left` lines to found."""
        if left == 1:
            if prefix[n] - prefix[start] <= measure + 0.5:
                found.append(breaks)
            return
        for end in range(start + 1, n):
            if prefix[end] - prefix[start] > measure + 0.5:
                break
            if costs[end] < math.inf and prefix[n] - prefix[end] <= (left - 1) * (measure + 0.5):
                extend(end, left - 1, breaks + (end,))

    extend(0, count, ())
    return found


def _targets(total: float, steps: list[int], size: float) -> list[float]:
    """Return each line's target width for a shape whose lines differ by SHAPE_STEP characters per step."""
    step = SHAPE_STEP * size
    base = (total - step * sum(steps)) / len(steps)
    return [base + step * s for s in steps]


def _fit(widths: list[float], costs: list[float], count: int, targets: list[float], measure: float,
         size: float) -> tuple[float, tuple[int, ...]] | None:
    """Return (cost, breaks) of the best split into count lines near their targets (dynamic programming)."""
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    # best[line][end]: cheapest way to set tokens[:end] on lines 0..line, line ending at end
    best: list[dict[int, tuple[float, int]]] = [{} for _ in range(count)]
    for end in range(1, n + 1):
        width = prefix[end]
        if width > measure + 0.5:
            break
        best[0][end] = (((width - targets[0]) / size) ** 2, 0)
    for line in range(1, count):
        for start, (so_far, _prev) in best[line - 1].items():
            if start >= n or costs[start] == math.inf:
                continue
            for end in range(start + 1, n + 1):
                width = prefix[end] - prefix[start]
                if width > measure + 0.5:
                    break
                if line == count - 1 and end != n:
                    continue
                cost = so_far + costs[start] + ((width - targets[line]) / size) ** 2
                if end not in best[line] or cost < best[line][end][0]:
                    best[line][end] = (cost, start)
    if n not in best[count - 1]:
        return None
    cost, breaks, end = best[count - 1][n][0], [], n
    for line in range(count - 1, 0, -1):
        end = best[line][end][1]
        breaks.insert(0, end)
    return cost, tuple(breaks)


def _shape_cost(lines: list[float], name: str, size: float) -> float:
    """Return the penalty for line widths that do not make the named shape (flat pairs, wrong-way steps)."""
    steps = SHAPES[name](len(lines))
    cost = INVERTED if name == "倒梯形" else 0.0
    for (a, b), (sa, sb) in zip(zip(lines, lines[1:]), zip(steps, steps[1:])):
        if abs(b - a) < FLAT_WITHIN * size:
            cost += FLAT
        elif (b - a) * (sb - sa) < 0:
            cost += WRONG_WAY
    return cost
