"""PDF builders (reportlab, GB/T 9704-2012): plain data in, PDF bytes out; no database access.

    build_circular(doc, font_dir=None, font_paths=None) -> bytes
    build_visit_report(report, font_dir=None, font_paths=None) -> bytes
    check_glyphs(doc) raises MissingGlyphError(char, where) for a character no font can draw;
    glyph_message(exc) explains one to people
    LayoutError(where, reason): a document past MAX_PAGES pages, or a part that cannot fit on a page
    font_options(app.config) -> {"font_dir": ..., "font_paths": ...} to pass to the builders
"""
from .circular import build_circular
from .fonts import ROLE_ENV, FontConfigError, MissingGlyphError, font_options
from .glyphs import check_glyphs, glyph_message
from .images import PhotoError
from .layout import MAX_PAGES, LayoutError
from .report import build_visit_report

__all__ = [
    "build_circular",
    "build_visit_report",
    "check_glyphs",
    "font_options",
    "glyph_message",
    "FontConfigError",
    "LayoutError",
    "MAX_PAGES",
    "MissingGlyphError",
    "PhotoError",
    "ROLE_ENV",
]
