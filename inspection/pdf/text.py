"""Clean text on its way into a PDF: stored rows may hold characters no font draws and no reader wants.

Input is checked at the boundary (sync and forms), but rows stored before that check, or text from any
other path, must not make a document fail. Builders pass every string of a document through `printable`:
control characters (but tab, newline and carriage return), lone surrogates, invisible format characters
(zero-width spaces and joiners, bidirectional overrides, the BOM, soft hyphens) and non-characters are
dropped; the Unicode line and paragraph separators become newlines. Anything else a font lacks still
raises MissingGlyphError, which names the character and where it is.
"""
from __future__ import annotations

import unicodedata
from dataclasses import fields, is_dataclass, replace

KEEP = frozenset("\t\n\r")
DROP_CATEGORIES = frozenset(("Cc", "Cs", "Cf"))
NEWLINE_CATEGORIES = frozenset(("Zl", "Zp"))
NOT_TEXT_FIELDS = frozenset(("path", "sha256"))  # file names and digests pass as they are


def _is_noncharacter(code: int) -> bool:
    """Tell whether a code point is a Unicode non-character (U+FDD0–FDEF, U+xxFFFE/xxFFFF)."""
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def printable(text: str) -> str:
    """Return text without the characters a printed document must not carry (see the module docstring)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in KEEP:
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in DROP_CATEGORIES or (category == "Cn" and _is_noncharacter(ord(char))):
            continue
        out.append("\n" if category in NEWLINE_CATEGORIES else char)
    return "".join(out)


def cleaned(value):
    """Return a copy of a document (dataclasses, lists, tuples) with every text passed through `printable`."""
    if isinstance(value, str):
        return printable(value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: cleaned(getattr(value, f.name)) for f in fields(value)
                   if f.init and f.name not in NOT_TEXT_FIELDS}
        return replace(value, **changes)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(cleaned(item) for item in value)
    return value
