"""The statistics paragraph of 基本情况: the one place the drafter asks for counts and percentages.

The circular counts exactly the findings it includes (a reviewer may leave some out), so the figures are
tallied here from the drafter's facts, then written by the statistics feature's own paragraph builder,
with its wording, ordering and the same shares (stats/shares.py).
"""
from __future__ import annotations

from collections import Counter

from ..findings.models import CADRE_LEVELS, CATEGORIES
from ..stats.filters import FindingFilter
from ..stats.paragraph import statistics_paragraph as write_paragraph
from ..stats.queries import Share, Statistics
from ..stats.shares import shares


def _shares(rows: list[Share], *, by_count: bool = True) -> list[Share]:
    """Order rows largest first (stable, so ties keep the given order) and add their shares."""
    if by_count:
        rows.sort(key=lambda r: -r.count)
    for row, tenths in zip(rows, shares([r.count for r in rows])):
        row.tenths = tenths
    return rows


def tally(facts, ctx) -> Statistics:
    """Count findings (in drafted order) by unit, category and cadre level, as the statistics page does."""
    ordered = list(facts)
    units = Counter(f.unit for f in ordered)
    categories = Counter(f.category for f in ordered)
    levels = Counter(p.cadre_level for f in ordered for p in f.persons)
    category_order = [c for c in CATEGORIES if c in categories] + sorted(set(categories) - set(CATEGORIES))
    stats = Statistics(filter=FindingFilter(status="confirmed"), period=None, total=len(ordered),
                       units_visited=len(ctx.units_checked), units_with_problems=len(units),
                       teams=ctx.team_count, persons_total=sum(levels.values()))
    stats.by_unit = _shares([Share(key=u, label=u, full_label=u, count=n) for u, n in units.items()])
    stats.by_category = _shares([Share(key=c, label=c, full_label=c, count=categories[c])
                                 for c in category_order])
    stats.by_cadre_level = _shares([Share(key=code, label=label, full_label=label, count=levels[code])
                                    for code, label in CADRE_LEVELS.items() if levels.get(code)], by_count=False)
    return stats


def statistics_paragraph(facts, ctx) -> str:
    """Write the counts: units checked, findings by unit, by category and by cadre level, with shares."""
    return write_paragraph(tally(facts, ctx))
