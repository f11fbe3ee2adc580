"""Percentages that add up: the largest-remainder (Hamilton) method, in tenths of a percent.

Each count's exact share is count × 1000 / total tenths of a percent. Every count first gets the whole
number of tenths below its exact share; the tenths still missing to reach 1000 (100.0%) go one each to
the counts with the largest remainders. Equal remainders are broken by position in the list, which the
callers order by count (largest first) and then by the official order of the rows, so the result is
deterministic and always sums to exactly 100.0% (unless every count is zero).

The price of adding up is that two equal counts can differ by 0.1 (three equal thirds give 33.4%,
33.3%, 33.3%); reports that add up were preferred to shares that look alike.
"""
from __future__ import annotations

WHOLE = 1000  # tenths of a percent in 100%


def largest_remainder(counts: list[int], whole: int = WHOLE) -> list[int]:
    """Split `whole` among `counts` in proportion, as integers summing to `whole` (all zero if no counts)."""
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    floors, remainders = [], []
    for index, count in enumerate(counts):
        quotient, remainder = divmod(count * whole, total)
        floors.append(quotient)
        remainders.append((-remainder, index))
    missing = whole - sum(floors)
    for _, index in sorted(remainders)[:missing]:
        floors[index] += 1
    return floors


def format_tenths(tenths: int) -> str:
    """Write a share given in tenths of a percent as report text: 40%, 33.3%."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"
