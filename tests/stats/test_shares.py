"""Shares: each rounded half-up to one decimal on its own, so a calculator agrees; totals fall as they are."""
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from inspection.stats.shares import format_tenths, share_tenths, shares


def half_up(count: int, total: int) -> int:
    """Round count/total to tenths of a percent the way a person with a calculator does."""
    return int((Decimal(count) * 1000 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_every_share_is_its_own_half_up_rounding():
    rng = random.Random(20261201)
    for _ in range(2000):
        counts = [rng.randint(0, 60) for _ in range(rng.randint(1, 12))]
        total = sum(counts)
        expected = [half_up(c, total) for c in counts] if total else [0] * len(counts)
        assert shares(counts) == expected, counts


@pytest.mark.parametrize("count,total,tenths", [
    (12, 26, 462),  # 46.15…%: 46.2%, as a calculator rounds it (largest remainder printed 46.1%)
    (1, 3, 333),  # 33.3%, never 33.4%
    (2, 3, 667),
    (1, 8, 125),  # exactly 12.5%
    (1, 16, 63),  # 6.25% rounds half up to 6.3% (binary floats would round 0.0625 × 1000 wrongly at times)
    (1, 80, 13),  # 1.25%
    (3, 29, 103),  # the same 3/29 is 10.3% in every table
    (1, 1, 1000),
    (0, 5, 0),
    (0, 0, 0),
])
def test_known_shares(count, total, tenths):
    assert share_tenths(count, total) == tenths


def test_totals_are_what_they_are():
    assert shares([1, 1, 1]) == [333, 333, 333]  # 99.9% in all
    assert shares([2, 1, 1, 1, 1, 1]) == [286, 143, 143, 143, 143, 143]  # 100.1% in all
    assert shares([12, 14]) == [462, 538]


def test_the_same_count_of_the_same_total_is_the_same_share_in_any_table():
    by_unit = shares([3, 9, 17])  # 29 in all
    by_category = shares([3, 3, 3, 20])  # 29 in all, a different split
    assert by_unit[0] == by_category[0] == 103


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        shares([1, -1])
    with pytest.raises(ValueError):
        share_tenths(-1, 3)


@pytest.mark.parametrize("tenths,text", [(400, "40%"), (333, "33.3%"), (5, "0.5%"), (1000, "100%"), (0, "0%")])
def test_format(tenths, text):
    assert format_tenths(tenths) == text
