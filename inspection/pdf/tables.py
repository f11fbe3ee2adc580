"""Column widths of a ruled table, chosen from what its cells hold.

Each column starts as wide as its header's longest word and its longest unbreakable run (a date, a
time), then room is handed out STEP points at a time to the column where it saves the most lines:
rows that get shorter count most, cells that wrap less count a little (a 地点 wrapping every two
characters reads badly even where another cell sets the row's height). Line counts are estimated from
natural widths, which is close enough to choose widths; the cells are then broken for real.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .fonts import FontSet
from .typeset import Style, glued, tokenize

STEP = 12.0  # points of width handed out at a time (a character of 12 pt)
LOOKAHEAD = 4  # steps looked ahead for a column whose next saving is a few steps away
CELL_WEIGHT = 0.35  # a wrapped cell's line counts this much against a row's line
HEADER_ROLE, CELL_ROLE = "heiti", "fangsong"


@dataclass
class Measured:
    """A table's cells measured once: natural widths per column and row, and each column's narrowest width."""

    need: list[list[float]]
    floor: list[float]
    pad: float


def _natural(text: str, role: str, size: float, fonts: FontSet, where: str) -> tuple[float, float]:
    """Return (natural width, widest run that may not be broken: a word, 11月19日) of a cell's text."""
    tokens = tokenize(text or " ", Style(role, size, 1e9, justify=False), fonts, where)
    widest = run = tokens[0].width
    for before, after in zip(tokens, tokens[1:]):
        run = run + after.width if glued(before, after) or (before.chars > 1 and after.chars > 1) else after.width
        widest = max(widest, run)
    return sum(t.width for t in tokens), max(widest, size)


def measure_table(columns: list[str], rows: list[list[str]], size: float, pad: float, fonts: FontSet,
                  where: str) -> Measured:
    """Measure every cell of a table (MissingGlyphError names the cell's table if a character has no font)."""
    need, floor = [], []
    for c, header in enumerate(columns):
        head_width, head_word = _natural(header, HEADER_ROLE, size, fonts, where)
        widest = min(head_width, 4 * size)  # a header up to four characters stays on one line
        column = []
        for row in rows:
            width, word = _natural(str(row[c]) if c < len(row) else "", CELL_ROLE, size, fonts, where)
            column.append(width)
            widest = max(widest, word)
        need.append(column)
        floor.append(max(widest, head_word, size) + 2 * pad + 1)
    return Measured(need, floor, pad)


def estimated_lines(measured: Measured, widths: list[float]) -> float:
    """Return about how many lines the rows take with these widths, wrapped cells counted as in the choice."""
    rows = len(measured.need[0]) if measured.need else 0
    total = 0.0
    for r in range(rows):
        cells = [_lines(column[r], w, measured.pad) for column, w in zip(measured.need, widths)]
        total += max(cells) + CELL_WEIGHT * sum(n - 1 for n in cells)
    return total


def column_widths(measured: Measured, total: float) -> list[float]:
    """Return column widths in points that add up to total."""
    need, floor, pad = measured.need, measured.floor, measured.pad
    count = len(floor)
    rows = len(need[0]) if need else 0
    if sum(floor) >= total:
        return [total * f / sum(floor) for f in floor]
    widths = list(floor)
    lines = [[_lines(n, widths[c], pad) for n in need[c]] for c in range(count)]
    slack = total - sum(widths)
    while slack >= STEP:
        reach = min(LOOKAHEAD, int(slack // STEP))
        tops = [_top_two([lines[c][r] for c in range(count)]) for r in range(rows)]
        best = None  # (saving per point, column, steps)
        for c in range(count):
            for steps, saving in enumerate(_savings(lines[c], need[c], c, widths[c], reach, pad, tops), start=1):
                if saving > 0 and (best is None or saving / steps > best[0]):
                    best = (saving / steps, c, steps)
        if best is None:
            break
        _, c, steps = best
        widths[c] += steps * STEP
        slack -= steps * STEP
        lines[c] = [_lines(n, widths[c], pad) for n in need[c]]
    wrapping = [c for c in range(count) if any(n > 1 for n in lines[c])] or list(range(count))
    share = sum(widths[c] for c in wrapping)
    return [w + (slack * w / share if c in wrapping else 0.0) for c, w in enumerate(widths)]


def _lines(natural: float, width: float, pad: float) -> int:
    """Estimate how many lines a cell of this natural width takes in a column this wide."""
    room = max(width - 2 * pad, 1.0)
    return max(1, math.ceil(natural / room - 1e-6))


def _top_two(values: list[int]) -> tuple[int, int, int]:
    """Return (largest, its index, second largest) of a row's line counts."""
    best, index, second = -1, -1, -1
    for i, v in enumerate(values):
        if v > best:
            best, index, second = v, i, best
        elif v > second:
            second = v
    return best, index, second


def _savings(lines: list[int], need: list[float], c: int, width: float, reach: int, pad: float,
             tops: list[tuple[int, int, int]]) -> list[float]:
    """Return the (weighted) lines saved if column c grows by 1..reach steps."""
    savings = [0.0] * reach
    rooms = [max(width + k * STEP - 2 * pad, 1.0) for k in range(1, reach + 1)]
    for r, old in enumerate(lines):
        if old == 1:
            continue  # a cell on one line cannot get shorter
        best, index, second = tops[r]
        others = second if index == c else best
        natural = need[r]
        for k, room in enumerate(rooms):
            new = max(1, math.ceil(natural / room - 1e-6))
            savings[k] += (max(old, others) - max(new, others)) + CELL_WEIGHT * (old - new)
    return savings
