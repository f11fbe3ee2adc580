"""The direct text writer: one BT … ET line per laid-out line, reportlab's subsets, compact numbers."""
from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from inspection.pdf.fonts import fontset
from inspection.pdf.layout import BLACK, BLOCK_W, RED
from inspection.pdf.pdftext import draw_line, number
from inspection.pdf.typeset import Style, break_lines


def test_numbers_are_compact_and_never_minus_zero():
    assert [number(v) for v in (0.0, -0.00001, 16.0, 442.2047, -0.25, 100, 1e-5)] == [
        "0", "0", "16", "442.2047", "-0.25", "100", "0"]


def test_a_line_of_two_runs_is_one_text_object_with_each_runs_font_and_spacing():
    fonts = fontset()
    style = Style("fangsong", 16, BLOCK_W, grid_chars=28)
    (line,) = break_lines([("kaiti", "（一）立行立改。"), ("fangsong", "于12月报送。")], style, fonts, "正文")
    canvas = Canvas(io.BytesIO(), pageCompression=0)
    draw_line(canvas, line, 79.37, 700.5, RED, 90)
    draw_line(canvas, line, 79.37, 670.5, BLACK, 100)
    first, second = canvas._code[-2:]
    assert first.startswith("BT 1 0 0 1 79.37 700.5 Tm 0 1 1 0 k 90 Tz") and first.endswith("ET")
    assert "\n" not in first and second.startswith("BT 1 0 0 1 79.37 670.5 Tm 0 0 0 1 k 100 Tz")
    assert first.count(" Tf") >= 3  # 楷体, 仿宋 and the Latin face for 12
    assert first.count(" Tc") == len(line.segments())
    canvas.showPage()
    pdf = canvas.getpdfdata()
    assert b"Inspection-kaiti-" in pdf and b"Inspection-fangsong-" in pdf  # the subsets were registered with the document
