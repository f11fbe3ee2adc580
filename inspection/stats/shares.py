"""Percentages that add up and treat equal counts alike: largest remainder, in tenths of a percent.

Each count's exact share is count × 1000 / total tenths of a percent. Every count first gets the whole
number of tenths below its exact share; the tenths still missing to reach 1000 (100.0%) go one each to
the counts with the largest remainders. Equal counts have equal remainders and are served together: a
group of equal counts gets its extra tenth each when that brings the total nearer to 100.0% than leaving
it, otherwise the tenths go on to the next group. So equal counts always show equal shares (a reader of
a circular would query "1人、占33.4%" beside "1人、占33.3%"), every share is within one tenth of its
exact value, and the total is 100.0% unless a tie makes that impossible, when it is off by at most half
the number of tied counts (three thirds: 33.3% each, 99.9% in all; 3:1:1:1 gives 50%, 16.7% × 3).
"""
from __future__ import annotations

WHOLE = 1000  # tenths of a percent in 100%


def largest_remainder(counts: list[int], whole: int = WHOLE) -> list[int]:
    """Split `whole` among `counts` in proportion, as integers, equal counts alike (all zero if no counts)."""
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    floors: list[int] = []
    groups: dict[tuple[int, int], list[int]] = {}  # (remainder, count) → indexes of equal counts
    for index, count in enumerate(counts):
        quotient, remainder = divmod(count * whole, total)
        floors.append(quotient)
        if remainder:
            groups.setdefault((remainder, count), []).append(index)
    missing = whole - sum(floors)
    for key in sorted(groups, reverse=True):
        members = groups[key]
        if len(members) < 2 * missing:  # serving the whole tie brings the total nearer to 100.0%
            for index in members:
                floors[index] += 1
            missing -= len(members)
    return floors


def format_tenths(tenths: int) -> str:
    """Write a share given in tenths of a percent as report text: 40%, 33.3%."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"
