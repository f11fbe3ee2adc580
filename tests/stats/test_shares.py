"""Largest-remainder shares: within a tenth of exact, equal counts alike, 100.0% unless a tie forbids it."""
import random

import pytest

from inspection.stats.shares import format_tenths, largest_remainder


def test_shares_add_up_for_many_random_counts():
    rng = random.Random(20261128)
    for _ in range(2000):
        counts = [rng.randint(0, 50) for _ in range(rng.randint(1, 12))]
        shares = largest_remainder(counts)
        if sum(counts):
            for count, share in zip(counts, shares):  # never more than one tenth away from the exact share
                assert abs(share - count * 1000 / sum(counts)) < 1, (counts, shares)
                assert all(s == share for c, s in zip(counts, shares) if c == count), (counts, shares)
            off = abs(1000 - sum(shares))
            if off:  # only a group of equal counts that cannot be split can keep the total off 100.0%
                ties = max(counts.count(c) for c in counts if c and (c * 1000) % sum(counts))
                assert 2 * off <= ties, (counts, shares)
        else:
            assert shares == [0] * len(counts)


@pytest.mark.parametrize("counts,expected", [
    ([1, 1, 1], [333, 333, 333]),  # equal counts, equal shares: 99.9% rather than 33.4% beside 33.3%
    ([2, 1, 1, 1, 1, 1], [285, 143, 143, 143, 143, 143]),  # the five-way tie takes the five missing tenths
    ([3, 1, 1, 1], [500, 167, 167, 167]),  # two tenths missing, a tie of three: 100.1% is nearer than 99.8%
    ([2, 1], [667, 333]),
    ([1, 2, 5, 1], [111, 222, 556, 111]),
    ([3, 2, 1, 1, 1], [375, 250, 125, 125, 125]),
    ([7], [1000]),
    ([0, 4], [0, 1000]),
])
def test_known_splits(counts, expected):
    assert largest_remainder(counts) == expected


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        largest_remainder([1, -1])


@pytest.mark.parametrize("tenths,text", [(400, "40%"), (333, "33.3%"), (5, "0.5%"), (1000, "100%"), (0, "0%")])
def test_format(tenths, text):
    assert format_tenths(tenths) == text
