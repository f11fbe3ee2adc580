"""Shares as official reports print them: each rounded half-up to one decimal on its own.

A share is count × 100 / total per cent, rounded to tenths of a percent with halves going up (12/26 is
46.2%, 1/3 is 33.3%, 1/8 is 12.5%, 1/16 is 6.3%). Every share is rounded by itself, so the same count of
the same total prints the same figure in every table, paragraph, sheet and API answer, and a reader
checking a figure with a calculator gets what is printed. Totals are what they are: three thirds print
33.3% each (99.9% in all), as official reports do; nothing is forced to 100%.
"""
from __future__ import annotations

WHOLE = 1000  # tenths of a percent in 100%


def share_tenths(count: int, total: int) -> int:
    """Return count's share of total in tenths of a percent, rounded half-up (0 when the total is 0)."""
    if count < 0 or total < 0:
        raise ValueError("counts must not be negative")
    if total == 0:
        return 0
    return (2 * count * WHOLE + total) // (2 * total)  # integer arithmetic: no binary-float halves


def shares(counts: list[int]) -> list[int]:
    """Return each count's share of their sum in tenths of a percent, each rounded half-up on its own."""
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    return [share_tenths(count, total) for count in counts]


def format_tenths(tenths: int) -> str:
    """Write a share given in tenths of a percent as report text: 40%, 33.3%."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"
