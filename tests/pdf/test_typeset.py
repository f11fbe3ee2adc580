"""Line breaking, justification and balanced titles, checked on the laid-out lines themselves."""
from __future__ import annotations

from datetime import date

from inspection.pdf.fonts import fontset
from inspection.pdf.layout import BLOCK_W, date_cn
from inspection.pdf.titles import balanced_title
from reportlab.pdfbase.pdfmetrics import stringWidth

from inspection.pdf.typeset import NO_LINE_END, NO_LINE_START, Style, break_lines, ink_right

BODY = Style("fangsong", 16, BLOCK_W, grid_chars=28)


def test_grid_spacing_puts_28_characters_on_a_line():
    assert abs(BODY.char_space - (-0.207)) < 0.01
    lines = break_lines("字" * 60, BODY, fontset(), "测试")
    assert [len(line.text) for line in lines] == [28, 28, 4]
    assert abs(lines[0].width() - BLOCK_W) < 0.5


def test_closing_mark_at_the_line_end_is_compressed_not_pulled_down():
    lines = break_lines("字" * 28 + "，后文" + "字" * 10, BODY, fontset(), "测试")
    assert lines[0].text == "字" * 28 + "，"  # kept on the full line, not carried down with a character
    assert lines[1].text.startswith("后文")
    assert abs(lines[0].width() - BLOCK_W) < 0.01
    comma = lines[0].tokens[-1]
    assert 0 < comma.squeeze <= 8.0  # at most half of its cell
    assert ink_right(comma.font, "，") * 16 + 28 * BODY.pitch - BODY.pitch <= BLOCK_W + 1  # its ink stays in
    # the line closed up by less than 1/32 em a gap: nowhere near a loose (or visibly tight) line
    assert BODY.char_space - lines[0].char_space <= 16 / 32 + 1e-9


def test_two_closing_marks_stay_together_at_the_line_end():
    lines = break_lines("字" * 26 + "看”。" + "字" * 5, BODY, fontset(), "测试")
    assert lines[0].text == "字" * 26 + "看”。"
    assert lines[1].text == "字" * 5
    assert lines[0].width() <= BLOCK_W + 0.01


def test_a_mark_that_cannot_be_compressed_enough_takes_the_previous_character_down():
    narrow = Style("fangsong", 12, 60, justify=False)  # five characters to a line
    lines = break_lines("字" * 5 + "，后" + "字" * 3, narrow, fontset(), "测试")
    assert [line.text for line in lines] == ["字" * 4, "字，后字字", "字"]
    assert all(line.width() <= 60 + 0.01 for line in lines)


def test_justification_leaves_digit_and_latin_runs_alone():
    fonts = fontset()
    lines = break_lines("字" * 20 + "9:45" + "字" * 3 + "Evidence" + "字" * 20, BODY, fonts, "测试")
    first = lines[0]
    assert first.text == "字" * 20 + "9:45" + "字" * 3  # the Latin word does not fit and goes down
    assert first.char_space > BODY.char_space  # the line is stretched ...
    runs = [run for run in first.segments() if "9" in run[1]]
    assert runs == [(fonts.primary("latin").name, "9:4", 0.0)]  # ... but not inside 9:45
    digits = next(t for t in first.tokens if t.text == "9:45")
    assert digits.width == stringWidth("9:45", digits.font, 16)


def test_closing_quote_and_full_stop_travel_together():
    lines = break_lines("字" * 27 + "“看”。" + "字" * 5, BODY, fontset(), "测试")
    for line in lines:
        assert line.text[0] not in NO_LINE_START
        assert line.text[-1] not in NO_LINE_END


def test_opening_bracket_never_ends_a_line():
    lines = break_lines("字" * 27 + "（括号）" + "字" * 5, BODY, fontset(), "测试")
    assert lines[0].text == "字" * 27
    assert lines[1].text.startswith("（")


def test_digits_are_half_width_and_kept_whole():
    fonts = fontset()
    lines = break_lines("字" * 25 + "2026年11月28日", BODY, fonts, "测试")
    assert "".join(line.text for line in lines) == "字" * 25 + "2026年11月28日"
    assert all(not line.text.startswith(("0", "6", "26")) for line in lines[1:])
    digits = next(t for line in lines for t in line.tokens if t.text == "2026")
    assert digits.font == fonts.primary("latin").name
    assert digits.width < 2.5 * 16  # four half-width digits, not four full-width cells


def test_paragraph_indents():
    style = Style("fangsong", 16, BLOCK_W, grid_chars=28, first_indent=2 * BLOCK_W / 28)
    lines = break_lines("字" * 60, style, fontset(), "测试")
    assert [len(line.text) for line in lines] == [26, 28, 6]


def test_long_title_breaks_into_balanced_lines():
    fonts = fontset()
    title = "关于2026年第三批“三查三治”纪律作风明察暗访情况的通报"
    lines = balanced_title(title, fonts, "标题")
    assert "".join(line.text for line in lines) == title
    assert len(lines) == 2
    widths = [line.width() for line in lines]
    assert max(widths) <= BLOCK_W and min(widths) / max(widths) > 0.75
    assert all(line.text[0] not in NO_LINE_START for line in lines)
    assert lines[0].text.endswith("”")  # the quotation is not split
    short = balanced_title("关于情况的通报", fonts, "标题")
    assert len(short) == 1 and abs(short[0].indent - (BLOCK_W - short[0].width()) / 2) < 0.01


def test_three_line_title():
    title = "关于对全县各乡镇、县直各部门和单位2026年第三批“三查三治”纪律作风专项整治明察暗访中发现问题的情况通报"
    lines = balanced_title(title, fontset(), "标题")
    assert len(lines) == 3
    widths = [line.width() for line in lines]
    assert min(widths) / max(widths) > 0.7


def test_dates_have_no_zero_padding():
    assert date_cn(date(2026, 1, 5)) == "2026年1月5日"
    assert date_cn(date(2026, 11, 28)) == "2026年11月28日"


def test_heading_is_kept_with_the_next_line():
    from inspection.pdf.annex import place_blocks
    from inspection.pdf.document import Block
    from inspection.pdf.layout import Flow, Page

    flow = Flow(fontset(), [Page()])
    flow.slot = 21  # one line left on the page
    place_blocks(flow, [Block("h1", "一、基本情况"), Block("p", "字" * 10)], "正文")
    assert len(flow.pages) == 2
    texts = [op[1].text for op in flow.pages[1].ops]
    assert texts == ["一、基本情况", "字" * 10]
    assert not flow.pages[0].ops


def test_a_number_that_just_misses_the_line_end_is_kept_by_compressing_the_marks_before_it():
    text = "其中，考勤管理问题7个，占38.9%；在岗在位问题6个，占33.3%；请销假管理问题5个。"
    lines = break_lines(text, BODY, fontset(), "测试")
    assert lines[0].text.endswith("占33.3%；")  # not 占 alone at the end and a loose line
    assert abs(lines[0].width() - BLOCK_W) < 0.01
    assert BODY.char_space - lines[0].char_space <= 16 / 32 + 1e-9
    assert all(t.squeeze <= 8.0 for t in lines[0].tokens)
    assert {t.text for t in lines[0].tokens if t.squeeze} <= set("，；、。")


def test_a_number_keeps_its_unit_on_its_line():
    lines = break_lines("字" * 26 + "，2名工作人员", BODY, fontset(), "测试")
    assert all(not line.text.endswith("2") for line in lines)
    assert lines[1].text.startswith("2名")
