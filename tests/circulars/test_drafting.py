"""Drafting: grouping by category then unit, the numbering levels, renumbering edited text."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from inspection.circulars.drafting import (DraftContext, FindingFact, PersonFact, body_blocks, chinese_numeral,
                                           draft_sections, ordered_findings, problems_text, text_to_blocks)


def fact(id, unit, category, hour, minute=0, text="工作人员不在岗", persons=()):
    return FindingFact(id=id, unit=unit, category=category, location="办公室", description=text,
                       occurred_at=datetime(2026, 11, 20, hour, minute, tzinfo=UTC),
                       persons=[PersonFact(n, p, lvl, lvl) for n, p, lvl in persons])


FACTS = [
    fact("a", "县公安局", "在岗在位", 2, text="民警甲脱岗"),
    fact("b", "县教体局", "考勤管理", 1, 30, text="签到册人数不全", persons=(("王某", "科员", "staff"),)),
    fact("c", "县教体局", "在岗在位", 1, text="干部乙不在岗"),
    fact("d", "县教体局", "在岗在位", 3, text="干部丙不在岗"),
    fact("e", "县信访局", "信访接待", 4, text="接待窗口无人"),  # a category outside the default nine
]
CTX = DraftContext(start=date(2026, 11, 1), end=date(2026, 11, 30), team_count=2,
                   units_checked=["县教体局", "县公安局", "县信访局", "县交通局"])


def test_findings_ordered_by_category_then_unit_then_time():
    order = [f.id for f in ordered_findings(FACTS)]
    # 考勤管理 before 在岗在位 (checklist order); 教体局 (visited 9:00 CST) before 公安局; unknown category last
    assert order == ["b", "c", "d", "a", "e"]


def test_problems_grouped_with_numbered_levels():
    lines = problems_text(FACTS).splitlines()
    assert lines[0] == "（一）考勤管理方面"
    assert lines[1] == "1.县教体局：11月20日9:30，暗访组在办公室发现签到册人数不全。涉及王某（科员）。"
    assert lines[2] == "（二）在岗在位方面"
    assert lines[3] == "1.县教体局：共发现2个问题。"
    assert lines[4].startswith("（1）11月20日9:00") and "干部乙不在岗" in lines[4]
    assert lines[5].startswith("（2）11月20日11:00") and "干部丙不在岗" in lines[5]
    assert lines[6].startswith("2.县公安局：11月20日10:00")
    assert lines[7] == "（三）信访接待方面"


def test_text_to_blocks_renumbers_after_reordering():
    edited = "（二）第二类\n3. 条目甲\n（5）子条目\n（1）另一个子条目\n1. 条目乙\n（一）第一类\n7．条目丙\n普通段落 3.5万元"
    blocks = text_to_blocks(edited)
    assert [(b.kind, b.text) for b in blocks] == [
        ("h2", "（一）第二类"), ("h3", "1.条目甲"), ("h4", "（1）子条目"), ("h4", "（2）另一个子条目"),
        ("h3", "2.条目乙"), ("h2", "（二）第一类"), ("h3", "1.条目丙"), ("p", "普通段落 3.5万元"),
    ]


def test_numbers_and_decimals_are_not_taken_for_items():
    blocks = text_to_blocks("2026年11月，检查组……\n3.5万元的会议费超标\n12、问题十二")
    assert [b.kind for b in blocks] == ["p", "p", "h3"]
    assert blocks[2].text == "1.问题十二"


def test_run_in_numbered_paragraphs_are_body_text_and_bare_headings_are_kaiti():
    long = "（四）涉及科级干部的问题，由县纪委监委视情节轻重，分别予以提醒谈话、批评教育或通报批评。"
    blocks = text_to_blocks("（一）立行立改。各单位要立即整改。\n（二）按时报告\n（三）举一反三。\n" + long)
    assert [(b.kind, b.text[:5]) for b in blocks] == [("p", "（一）立行"), ("h2", "（二）按时"), ("h2", "（三）举一"),
                                                      ("p", "（四）涉及")]
    # the run-in paragraph's heading phrase is its lead, set in 楷体; one long sentence has none
    assert [(b.lead, b.lead_kind) for b in blocks if b.kind == "p"] == [("（一）立行立改。", "h2"), ("", "h2")]


def test_the_run_in_lead_is_the_phrase_to_the_first_full_stop_and_is_renumbered():
    blocks = text_to_blocks("（三）立行立改。各单位要立即整改。\n（五）按时报告！于15日内报送。\n"
                            "（一）情况。\n（二）。各单位要整改到位。\n"
                            "（七）各被通报单位要高度重视认真对照通报问题逐条剖析原因。立即整改到位。")
    assert [(b.kind, b.lead) for b in blocks] == [
        ("p", "（一）立行立改。"), ("p", "（二）按时报告！"), ("h2", ""), ("p", ""), ("p", "")]
    assert all(b.text.startswith(b.lead) for b in blocks)


def test_body_numbers_level_one_headings_and_skips_the_opening():
    blocks = body_blocks([("", "开头段"), ("基本情况", "统计段"), ("工作要求", "（一）立行立改")])
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "开头段"), ("h1", "一、基本情况"), ("p", "统计段"), ("h1", "二、工作要求"), ("h2", "（一）立行立改")]


def test_draft_sections_cover_basic_facts_with_counts_and_shares():
    sections = {s.key: s for s in draft_sections(FACTS, CTX)}
    assert list(sections) == ["opening", "basic", "problems", "handling", "requirements"]
    assert "2026年11月1日至11月30日" in sections["opening"].text and "2个暗访组" in sections["opening"].text
    basic = sections["basic"].text
    assert "共暗访检查4个单位，发现问题5个，涉及3个单位" in basic
    assert "县教体局3个" in basic and "在岗在位问题3个、占60%" in basic
    assert "县交通局此次未发现明显问题" in basic
    handling = sections["handling"].text.splitlines()
    assert handling[1].startswith("（一）") and handling[-1].startswith(f"（{chinese_numeral(len(handling) - 1)}）")


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_the_opening_sentence_names_who_sent_the_teams():
    opening = draft_sections(FACTS, CTX)[0].text
    assert "2026年11月1日至11月30日，县纪委监委组成2个暗访组，采取“四不两直”方式" in opening
    other = DraftContext(start=None, end=None, team_count=0, units_checked=["县教体局"], issuer="县委督查室")
    assert "近期，县委督查室采取“四不两直”方式" in draft_sections([], other)[0].text


def test_no_item_nests_a_second_colon():
    """GB/T 15834: no colon inside a colon's scope; the item's "1.单位：" is the only one on its line."""
    for line in problems_text(FACTS).splitlines():
        assert line.count("：") <= 1, line


def test_a_single_finding_prints_no_share_of_100_percent():
    one = [fact("a", "县公安局", "在岗在位", 2, text="民警甲脱岗", persons=(("甲", "民警", "staff"),))]
    basic = {s.key: s for s in draft_sections(one, CTX)}["basic"].text
    assert "在岗在位问题1个。" in basic and "一般干部1人。" in basic and "100%" not in basic
