"""The statistics paragraph: 各 grouping, ordering, shares, zeros left out, no 占100% for a lone row, periods."""
from datetime import date

from inspection.stats.filters import FindingFilter
from inspection.stats.paragraph import group_equal_counts, statistics_paragraph
from inspection.stats.queries import Share, Statistics
from inspection.stats.shares import shares as split


def shares(pairs):
    rows = [Share(key=label, label=label, count=count) for label, count in pairs]
    for row, tenths in zip(rows, split([r.count for r in rows])):
        row.tenths = tenths
    return rows


def stats(units, categories, levels, *, visited=0, period=None):
    by_unit = shares(units)
    s = Statistics(filter=FindingFilter(), by_unit=by_unit, by_category=shares(categories),
                   by_cadre_level=shares(levels), units_visited=visited, period=period)
    s.total = sum(r.count for r in by_unit)
    s.units_with_problems = len([r for r in by_unit if r.count])
    s.persons_total = sum(c for _, c in levels)
    return s


def test_the_example_from_the_issue():
    s = stats([("教体局", 5), ("住建局", 3), ("公安局", 2), ("交通局", 2), ("信访局", 2)],
              [("在岗在位", 8), ("考勤管理", 4), ("公务用车", 2)],
              [("县级干部", 1), ("正科级干部", 2), ("副科级干部", 3), ("一般干部", 8), ("其他人员", 1)],
              visited=12, period=(date(2026, 11, 1), date(2026, 11, 30)))
    assert statistics_paragraph(s) == (
        "2026年11月1日至11月30日，共暗访检查12个单位，发现问题14个，涉及5个单位。"
        "其中教体局5个，住建局3个，公安局、交通局、信访局各2个。"
        "从问题类别看，在岗在位问题8个、占57.1%，考勤管理问题4个、占28.6%，公务用车问题2个、占14.3%。"
        "涉及人员15人，其中县级干部1人、占6.7%，正科级干部2人、占13.3%，副科级干部3人、占20%，"
        "一般干部8人、占53.3%，其他人员1人、占6.7%。")


def test_equal_counts_are_grouped_only_when_adjacent_and_equal():
    rows = shares([("甲", 3), ("乙", 3), ("丙", 2), ("丁", 1), ("戊", 1), ("己", 1)])
    assert group_equal_counts(rows, "个") == "甲、乙各3个，丙2个，丁、戊、己各1个"
    assert group_equal_counts(shares([("甲", 1)]), "个") == "甲1个"


def test_zero_rows_are_left_out():
    s = stats([("教体局", 2), ("住建局", 0)], [("考勤管理", 2), ("公务接待", 0)],
              [("一般干部", 2), ("县级干部", 0)])
    text = statistics_paragraph(s)
    assert "住建局" not in text and "公务接待" not in text and "县级干部" not in text
    assert "涉及1个单位" in text and "考勤管理问题2个。" in text and "一般干部2人。" in text
    assert "占100%" not in text  # a row that is the whole says nothing with its share


def test_a_single_finding_prints_no_share():
    s = stats([("教体局", 1)], [("考勤管理", 1)], [("一般干部", 1)])
    assert statistics_paragraph(s) == "共发现问题1个，涉及1个单位。其中教体局1个。从问题类别看，考勤管理问题1个。涉及人员1人，其中一般干部1人。"


def test_equal_counts_get_equal_shares_in_the_paragraph():
    s = stats([("教体局", 3)], [("考勤管理", 1), ("在岗在位", 1), ("公务用车", 1)],
              [("正科级干部", 1), ("副科级干部", 1), ("一般干部", 1)])
    text = statistics_paragraph(s)
    assert "考勤管理问题1个、占33.3%，在岗在位问题1个、占33.3%，公务用车问题1个、占33.3%" in text
    assert "正科级干部1人、占33.3%，副科级干部1人、占33.3%，一般干部1人、占33.3%" in text


def test_no_persons_no_categories_sentence_when_empty():
    s = stats([("教体局", 1)], [("考勤管理", 1)], [])
    assert "涉及人员" not in statistics_paragraph(s)


def test_nothing_found():
    assert statistics_paragraph(stats([], [], [], visited=4)) == "共暗访检查4个单位，未发现问题。"
    assert statistics_paragraph(stats([], [], [])) == "暂无已确认的问题。"


def test_without_visits_the_count_opens_with_gong():
    assert statistics_paragraph(stats([("教体局", 2)], [("考勤管理", 2)], [])).startswith("共发现问题2个，涉及1个单位。")


def test_periods():
    base = ([("教体局", 1)], [("考勤管理", 1)], [])
    cases = {
        (date(2026, 12, 20), date(2027, 1, 10)): "2026年12月20日至2027年1月10日，",
        (date(2026, 11, 5), date(2026, 11, 5)): "2026年11月5日，",
        (date(2026, 11, 5), None): "2026年11月5日以来，",
        (None, date(2026, 11, 30)): "截至2026年11月30日，",
    }
    for period, opening in cases.items():
        assert statistics_paragraph(stats(*base, period=period)).startswith(opening + "共发现问题1个")
