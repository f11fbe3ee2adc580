"""CJK line breaking on a character grid, with per-character font fallback and half-width Latin runs.

reportlab's Paragraph has no character spacing, so 28 characters of 16 pt never fit the 442.2 pt line the
standard asks for; this module measures and breaks lines itself and draws them with a negative charSpace.

Spacing lives between tokens: a Latin or digit run ("9:45", "2026") keeps its natural spacing and
justification only moves the gaps around it. A closing punctuation mark that would start the next line
is kept at the end of this one, as Word and WPS do: its blank half is compressed and, if that is not
enough, the marks earlier on the line and then its gaps close up a little (at most MAX_GAP_SQUEEZE em
each). A number or Latin word that just misses the line end is kept the same way rather than leaving the
line loose. Only when even that cannot make room does the previous character go down with it.

A paragraph is a string set in its style's font role, or a sequence of (role, text) runs: a run-in heading
("（一）立行立改。" in 楷体, the rest in 仿宋) is one paragraph of two runs. Every rule above works across runs,
since lines are built from tokens and each token keeps its own font; per-character fallback (rare
characters from the Hanazono faces) is chosen inside each run from that run's role.
"""
from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth as _reportlab_width
from reportlab.lib.textsplit import ALL_CANNOT_START

from .fonts import FontSet

# Characters that may not start a line (reportlab's list lacks many full-width ones) or end one.
NO_LINE_START = frozenset(ALL_CANNOT_START + "，。、：；？！）》」』〕】〗〉…—”’·％‰℃,.:;?!)]}%")
NO_LINE_END = frozenset("（《「『〔【〖〈“‘([{")
LATIN_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:/-_%+#&@'")
# Full-width closing marks whose blank right side may be compressed at the end of a line.
SQUEEZABLE = frozenset("，。、：；？！）》」』〕】〗〉”’")
MAX_PUNCT_SQUEEZE = 0.5  # em: a compressed mark keeps at least half its cell
INK_MARGIN = 0.05  # em kept clear to the right of a compressed mark's ink
UNIT_AFTER_NUMBER = frozenset("年月日时分秒号个名人次项件起家本处条批")  # 18日, 2名: a number keeps its unit
MAX_GAP_SQUEEZE = 1 / 32  # em: how much each gap of a line may close up to keep a closing mark on it

Runs = Sequence[tuple[str, str]]  # (font role, text) pieces of one paragraph


@lru_cache(maxsize=65536)
def stringWidth(text: str, font: str, size: float) -> float:
    """Return reportlab's width of text (memoised: a font name is registered once per process, for one face).

    Widths of single characters repeat thousands of times in a long circular, and reportlab's pure-Python
    measure was a sixth of a 200-finding build.
    """
    return _reportlab_width(text, font, size)


@dataclass
class Token:
    """An unbreakable piece: one CJK character, a Latin word, or a space."""

    text: str
    font: str
    width: float  # natural width at the style's size, without character spacing
    squeeze: float = 0.0  # points taken off the token's advance (a compressed closing mark)

    @property
    def chars(self) -> int:
        """Return how many characters the token draws."""
        return len(self.text)

    @property
    def advance(self) -> float:
        """Return the natural advance without the gap that follows it."""
        return self.width - self.squeeze


@dataclass
class Line:
    """One laid-out line: tokens, left offset, and the character spacing that justifies it."""

    tokens: list[Token]
    indent: float
    char_space: float
    size: float

    def segments(self) -> list[tuple[str, str, float]]:
        """Return (font, text, space after each character) runs, as the PDF's Tc operator wants them.

        Characters inside a Latin token get no extra space; the gap after a token is the line's
        character spacing, less the token's squeeze.
        """
        runs: list[tuple[str, str, float]] = []

        def add(font: str, text: str, space: float) -> None:
            """Append text to the last run if font and spacing match, else start a run."""
            if runs and runs[-1][0] == font and abs(runs[-1][2] - space) < 1e-9:
                runs[-1] = (font, runs[-1][1] + text, space)
            else:
                runs.append((font, text, space))

        for token in self.tokens:
            if token.chars > 1:
                add(token.font, token.text[:-1], 0.0)
            add(token.font, token.text[-1:], self.char_space - token.squeeze)
        return runs

    @property
    def text(self) -> str:
        """Return the line's characters."""
        return "".join(t.text for t in self.tokens)

    def width(self) -> float:
        """Return the drawn width (no trailing character spacing)."""
        return natural_width(self.tokens) + self.char_space * max(len(self.tokens) - 1, 0)


@dataclass
class Style:
    """How a run of text is set: font role, size, grid and indents."""

    role: str
    size: float
    width: float  # measure of the line in points
    grid_chars: int | None = None  # characters per full line; None for natural spacing
    first_indent: float = 0.0  # in points
    indent: float = 0.0  # left indent of following lines, in points
    justify: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def char_space(self) -> float:
        """Return the character spacing that puts grid_chars full-width characters on a line."""
        if not self.grid_chars:
            return 0.0
        return self.width / self.grid_chars - self.size

    @property
    def pitch(self) -> float:
        """Return the advance of one full-width character."""
        return self.size + self.char_space


def runs_of(text: str | Runs, style: Style) -> list[tuple[str, str]]:
    """Return a paragraph as (role, text) runs: a plain string is one run in the style's role."""
    if isinstance(text, str):
        return [(style.role, text)]
    return [(role, part) for role, part in text if part]


def tokenize(text: str | Runs, style: Style, fonts: FontSet, where: str) -> list[Token]:
    """Split text (a string or (role, text) runs) into tokens, choosing a font for every character.

    Raises MissingGlyphError if no font of a run's role (or its fallbacks) has a character.
    """
    tokens: list[Token] = []
    word = ""  # a Latin word may straddle two runs when both draw it in the same face: it stays one token
    word_font = ""
    for role, part in runs_of(text, style):
        for char in part:
            if char in "\r\n\t":
                char = " "
            font = fonts.require(role, char, where).name
            if char in LATIN_WORD and (not word or font == word_font):
                word, word_font = word + char, font
                continue
            if word:
                tokens.append(Token(word, word_font, stringWidth(word, word_font, style.size)))
                word = ""
            if char in LATIN_WORD:
                word, word_font = char, font
                continue
            tokens.append(Token(char, font, stringWidth(char, font, style.size)))
    if word:
        tokens.append(Token(word, word_font, stringWidth(word, word_font, style.size)))
    return tokens


def glued(before: Token, after: Token) -> bool:
    """Tell whether a line may not break between two tokens (CJK rules, a number and its unit, 11月18日)."""
    if after.text[0] in NO_LINE_START or before.text[-1] in NO_LINE_END:
        return True
    if before.text[-1].isdigit() and after.text[0] in UNIT_AFTER_NUMBER:
        return True
    return before.text in ("年", "月") and after.text[0].isdigit()


def natural_width(tokens: list[Token]) -> float:
    """Return the width of tokens set with no gaps between them."""
    return sum(t.advance for t in tokens)


def _advance(token: Token, char_space: float) -> float:
    """Return how far a token moves the pen, with the gap after it."""
    return token.advance + char_space


@lru_cache(maxsize=4096)
def ink_right(font: str, char: str) -> float:
    """Return where a glyph's ink ends, as a fraction of the em (0.5 if the font cannot tell)."""
    try:
        face = pdfmetrics.getFont(font).face
        glyph = face.charToGlyph[ord(char)]
        start, end = face.glyphPos[glyph], face.glyphPos[glyph + 1]
        if end <= start:
            return 0.0
        x_max = struct.unpack_from(">h", face._ttf_data, face.table["glyf"]["offset"] + start + 6)[0]
        return x_max / face.unitsPerEm
    except (AttributeError, KeyError, IndexError, struct.error):
        return 0.5


def _room(token: Token, size: float) -> float:
    """Return how many points a closing mark's advance may lose without its ink crossing the line end."""
    if token.text not in SQUEEZABLE or token.width < 0.75 * size:
        return 0.0
    blank = token.width - (ink_right(token.font, token.text) + INK_MARGIN) * size
    return max(0.0, min(blank, MAX_PUNCT_SQUEEZE * size))


def _keep_on_line(current: list[Token], tokens: list[Token], i: int, x: float, available: float,
                  style: Style) -> tuple[list[Token], int] | None:
    """Fit tokens[i] (a closing mark, or a number or Latin word with the marks after it) on the line.

    Returns the line's tokens, with marks compressed (the run's own; then the gaps close up, in _finish;
    marks earlier on the line only for what the gaps cannot take), and how many tokens it took; None if
    even that cannot make room. A CJK character is never squeezed in: the grid keeps 28 to a line.
    """
    end = i
    if tokens[i].text not in SQUEEZABLE:
        if not (tokens[i].chars > 1 or tokens[i].text.isdigit()):
            return None
        end += 1
    while end < len(tokens) and tokens[end].text in SQUEEZABLE:
        end += 1
    if end == i or (end < len(tokens) and glued(tokens[end - 1], tokens[end])):
        return None
    line = current + tokens[i:end]
    cs = style.char_space
    need = x + sum(_advance(t, cs) for t in tokens[i:end]) - cs - available
    rooms = [_room(t, style.size) for t in line]
    gaps = (len(line) - 1) * MAX_GAP_SQUEEZE * style.size
    if need > sum(rooms) + gaps:
        return None
    # the run's own marks first, then the gaps (left to _finish), and only then marks earlier on the line
    for index in range(len(line) - 1, -1, -1):
        if need <= 0:
            break
        if index < len(current) and need <= gaps:
            break
        if rooms[index]:
            squeeze = min(rooms[index], need if index >= len(current) else need - gaps)
            line[index] = replace(line[index], squeeze=squeeze)
            need -= squeeze
    return line, end - i


def break_lines(text: str | Runs, style: Style, fonts: FontSet, where: str) -> list[Line]:
    """Break a paragraph (a string or (role, text) runs) into lines on the style's grid, honouring CJK rules."""
    tokens = tokenize(text, style, fonts, where)
    cs = style.char_space
    lines: list[Line] = []
    current: list[Token] = []
    indent = style.first_indent
    x = 0.0
    tolerance = 0.6
    i = 0
    while i < len(tokens):
        token = tokens[i]
        available = style.width - indent
        if current and x + _advance(token, cs) - cs > available + tolerance:
            kept = _keep_on_line(current, tokens, i, x, available, style)
            if kept is not None:
                i += kept[1]
                while i < len(tokens) and tokens[i].text == " ":
                    i += 1
                lines.append(_finish(kept[0], indent, style, last=i >= len(tokens)))
                current, indent, x = [], style.indent, 0.0
                if i >= len(tokens):
                    return lines
                continue
            carry: list[Token] = []
            if glued(current[-1], token):
                # a no-start character (or a date's unit) pulls the previous token (and any glued run) down
                while len(current) > 1 and len(carry) < 3:
                    carry.insert(0, current.pop())
                    if not glued(current[-1], carry[0]):
                        break
            while len(current) > 1 and current[-1].text[-1] in NO_LINE_END:
                carry.insert(0, current.pop())
            while current and current[-1].text == " ":
                current.pop()
            lines.append(_finish(current, indent, style, last=False))
            current = carry
            indent = style.indent
            x = sum(_advance(t, cs) for t in current)
            if not current and token.text == " ":
                i += 1
                continue
            continue
        if token.width > available and not current and token.chars > 1:
            # a Latin word longer than the line: split it
            head, rest = _split_word(token, available, style)
            tokens[i:i + 1] = [head, rest]
            continue
        current.append(token)
        x += _advance(token, cs)
        i += 1
    if current or not lines:
        lines.append(_finish(current, indent, style, last=True))
    return lines


def _split_word(token: Token, available: float, style: Style) -> tuple[Token, Token]:
    """Split an overlong Latin word at the last character that fits."""
    for cut in range(token.chars - 1, 0, -1):
        width = stringWidth(token.text[:cut], token.font, style.size)
        if width <= available:
            break
    else:
        cut = 1
    head, rest = token.text[:cut], token.text[cut:]
    return (Token(head, token.font, stringWidth(head, token.font, style.size)),
            Token(rest, token.font, stringWidth(rest, token.font, style.size)))


def _finish(tokens: list[Token], indent: float, style: Style, *, last: bool) -> Line:
    """Build a Line: stretched to the full measure unless it is a last line, closed up if it is too wide.

    The extra (or missing) space goes into the gaps between tokens, never inside a Latin or digit run.
    """
    line = Line(tokens=tokens, indent=indent, char_space=style.char_space, size=style.size)
    gaps = len(tokens) - 1
    if gaps > 0:
        slack = style.width - indent - line.width()
        if slack < 0 or (not last and style.justify):
            line.char_space += slack / gaps
    return line


def measure(text: str | Runs, style: Style, fonts: FontSet, where: str) -> float:
    """Return the width of text set on one line in the style (no breaking)."""
    tokens = tokenize(text, style, fonts, where)
    return natural_width(tokens) + style.char_space * max(len(tokens) - 1, 0)


def single_line(text: str | Runs, style: Style, fonts: FontSet, where: str) -> Line:
    """Return text as one unbroken line."""
    return Line(tokens=tokenize(text, style, fonts, where), indent=0.0, char_space=style.char_space,
                size=style.size)
