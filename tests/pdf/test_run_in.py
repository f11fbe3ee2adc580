"""Run-in headings: "（一）立行立改。" in 楷体 and the rest of its paragraph in 仿宋, on one grid line.

A paragraph is (role, text) runs; line breaking, the 28-character grid, justification that leaves number
runs alone, compressed closing marks and the per-character fallback for rare characters all work across
the runs. Fonts are read from the PDF with poppler (pdftohtml -xml names the face of every text run).
"""
from __future__ import annotations

from inspection.pdf import build_circular
from inspection.pdf.annex import block_paragraphs
from inspection.pdf.document import Block
from inspection.pdf.fonts import fontset
from inspection.pdf.glyphs import check_glyphs, circular_texts
from inspection.pdf.layout import BLOCK_W
from inspection.pdf.typeset import Style, break_lines

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import PLAIN, body_blocks, circular

KAITI, FANGSONG = "Inspection-kaiti-", "Inspection-fangsong-"
LEAD = "（一）立行立改。"
RUN_IN = Block("p", LEAD + "各被通报单位要高度重视，认真对照通报问题，逐条剖析原因，于12月10日前将整改情况报送县纪委监委。",
               lead=LEAD)
BODY = Style("fangsong", 16, BLOCK_W, grid_chars=28, first_indent=2 * BLOCK_W / 28)


def _fonts_of(lines) -> list[tuple[str, str]]:
    """Return (character, font name) for every character of laid-out lines."""
    return [(char, token.font) for line in lines for token in line.tokens for char in token.text]


def test_a_run_in_block_is_one_paragraph_of_a_kaiti_run_and_a_fangsong_run():
    (paragraph,) = block_paragraphs(RUN_IN)
    assert paragraph == [("kaiti", LEAD), ("fangsong", RUN_IN.text[len(LEAD):])]
    assert block_paragraphs(Block("p", "没有段首标题的段落。")) == ["没有段首标题的段落。"]
    level_one = Block("p", "一、基本情况。此次共检查单位26个。", lead="一、基本情况。", lead_kind="h1")
    assert block_paragraphs(level_one)[0][0] == ("heiti", "一、基本情况。")


def test_runs_break_on_the_grid_like_one_string_and_keep_their_faces():
    fonts = fontset()
    runs = block_paragraphs(RUN_IN)[0]
    lines = break_lines(runs, BODY, fonts, "正文")
    plain = break_lines(RUN_IN.text, BODY, fonts, "正文")
    assert [line.text for line in lines] == [line.text for line in plain]  # same breaks, same 28-character grid
    assert len(lines[0].text) == 26 and lines[0].indent == 2 * BLOCK_W / 28
    assert abs(lines[0].width() + lines[0].indent - BLOCK_W) < 0.01  # justified to the full measure
    chars = _fonts_of(lines)
    assert {font for _, font in chars[:len(LEAD)]} == {fonts.primary("kaiti").name}
    body_faces = {font for char, font in chars[len(LEAD):] if not char.isdigit()}
    assert body_faces == {fonts.primary("fangsong").name}
    assert "12" in [t.text for line in lines for t in line.tokens]  # the number run is one token: no space inside


def test_rare_characters_fall_back_per_character_inside_either_run():
    fonts = fontset()
    runs = [("kaiti", "（二）䶮𠮷报告。"), ("fangsong", "王堃、䶮𠮷要按时报告。")]
    faces = [font for _, font in _fonts_of(break_lines(runs, BODY, fonts, "正文"))]
    kaiti, fangsong = fonts.primary("kaiti").name, fonts.primary("fangsong").name
    # the fallback chains are the runs' own: 䶮 and 𠮷 come from the Hanazono faces in either run, 堃 (which
    # FandolFang lacks) from the 宋体 fallback of 仿宋, and each run goes back to its face around them
    assert faces[3].startswith("rare-a") and faces[4].startswith("rare-b")
    assert faces[2] == faces[5] == kaiti
    assert faces[8] == fangsong and faces[9].startswith("song")
    assert faces[11].startswith("rare-a") and faces[12].startswith("rare-b") and faces[13] == fangsong


def test_glyph_check_reads_the_lead_in_its_own_role():
    doc = circular(body=[RUN_IN])
    check_glyphs(doc)  # passes: every character has a face
    texts = [(text, role) for text, role, where in circular_texts(doc) if where == "正文第1段"]
    assert texts == [(LEAD, "kaiti"), (RUN_IN.text[len(LEAD):], "fangsong")]


@needs_poppler
def test_the_heading_phrase_prints_in_kaiti_and_the_rest_in_fangsong_on_one_baseline(tmp_path):
    blocks = body_blocks()[:3] + [RUN_IN, Block("p", PLAIN + PLAIN)]
    path = pt.write(tmp_path, build_circular(circular(body=blocks)))
    assert any(KAITI in row["name"] for row in pt.fonts(path))  # pdffonts lists the 楷体 face
    spans = pt.spans(path)
    start = next(i for i, s in enumerate(spans) if s.text.startswith("（一）"))
    lead, rest = spans[start], spans[start + 1]
    assert lead.text == LEAD and KAITI in lead.font
    assert rest.text.startswith("各被通报单位") and FANGSONG in rest.font
    assert abs(lead.top - rest.top) < 0.5 and lead.size == rest.size == 16
    assert abs(rest.left - (lead.left + lead.width)) < 1.0  # the body run follows on without a gap
    line = [s for s in spans if s.page == lead.page and abs(s.top - lead.top) < 0.5]
    assert len("".join(s.text for s in line)) == 26  # 28 characters with the two-character indent
    assert all(KAITI not in s.font for s in spans[start + 1:] if s.text.strip() and s.page == lead.page
               and s.top < lead.top + 60)  # nothing after the phrase is 楷体
    assert LEAD + "各被通报单位要高度重视" in "".join(pt.text(path).split())  # it extracts as one line, in order
