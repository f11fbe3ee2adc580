"""Write a laid-out line into a page's content stream as one text object, without reportlab's text object.

reportlab's PDFTextObject formats every number through a pure-Python fp_str (its C accelerator is a separate
package) and measures every run again to move a cursor nothing here reads: a fifth of a 200-finding build.
A Line already knows its fonts, runs and spacing, so this writes the same operators directly:

    BT 1 0 0 1 x y Tm <fill colour> <scale> Tz  <subset font> <size> Tf <space> Tc (<glyphs>) Tj … ET

on one line, as reportlab does (stamping.py finds the 份号 placeholder's line by its "BT " and "(…) Tj").
Font subsets are assigned by reportlab's own TTFont.splitString, so subsetting and embedding are unchanged.
"""
from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfgen.canvas import Canvas

from .typeset import Line

_FILL: dict[int, tuple[object, str]] = {}  # id(colour) → (colour, operators); the colour kept so its id stays its own


def number(value: float) -> str:
    """Format a coordinate or spacing for a content stream (at most 4 decimals, no trailing zeros)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def fill_code(canvas: Canvas, color) -> str:
    """Return the operators reportlab writes to set a fill colour inside a text object (cached per colour)."""
    hit = _FILL.get(id(color))
    if hit is not None and hit[0] is color:
        return hit[1]
    probe = canvas.beginText(0, 0)
    start = len(probe._code)
    probe.setFillColor(color)
    code = " ".join(probe._code[start:])
    if len(_FILL) > 64:  # colours are module constants; a caller making new ones must not grow this
        _FILL.clear()
    _FILL[id(color)] = (color, code)
    return code


def draw_line(canvas: Canvas, line: Line, x: float, y: float, color, scale: float) -> None:
    """Append one line of text at (x, y) (PDF coordinates, baseline) to the canvas's current page."""
    doc = canvas._doc
    parts = [f"BT 1 0 0 1 {number(x)} {number(y)} Tm", fill_code(canvas, color), f"{number(scale)} Tz"]
    size = number(line.size)
    current = None
    for font_name, run, space in line.segments():
        font = pdfmetrics.getFont(font_name)
        parts.append(f"{number(space)} Tc")
        for subset, glyphs in font.splitString(run, doc):
            if (font_name, subset) != current:
                parts.append(f"{font.getSubsetInternalName(subset, doc)} {size} Tf")
                current = (font_name, subset)
            parts.append(f"({escapePDF(glyphs)}) Tj")
    parts.append("ET")
    canvas._code.append(" ".join(parts))
