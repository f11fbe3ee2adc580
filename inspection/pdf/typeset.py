"""CJK line breaking on a character grid, with per-character font fallback and half-width Latin runs.

reportlab's Paragraph has no character spacing, so 28 characters of 16 pt never fit the 442.2 pt line the
standard asks for; this module measures and breaks lines itself and draws them with a negative charSpace.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.lib.textsplit import ALL_CANNOT_START

from .fonts import FontSet

# Characters that may not start a line (reportlab's list lacks many full-width ones) or end one.
NO_LINE_START = frozenset(ALL_CANNOT_START + "，。、：；？！）》」』〕】〗〉…—”’·％‰℃,.:;?!)]}%")
NO_LINE_END = frozenset("（《「『〔【〖〈“‘([{")
LATIN_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:/-_%+#&@'")


@dataclass
class Token:
    """An unbreakable piece: one CJK character, a Latin word, or a space."""

    text: str
    font: str
    width: float  # natural width at the style's size, without character spacing

    @property
    def chars(self) -> int:
        """Return how many characters the token draws."""
        return len(self.text)


@dataclass
class Line:
    """One laid-out line: tokens, left offset, and the character spacing that justifies it."""

    tokens: list[Token]
    indent: float
    char_space: float
    size: float

    def segments(self) -> list[tuple[str, str]]:
        """Return (font, text) runs of consecutive tokens sharing a font."""
        runs: list[tuple[str, str]] = []
        for token in self.tokens:
            if runs and runs[-1][0] == token.font:
                runs[-1] = (token.font, runs[-1][1] + token.text)
            else:
                runs.append((token.font, token.text))
        return runs

    @property
    def text(self) -> str:
        """Return the line's characters."""
        return "".join(t.text for t in self.tokens)

    def width(self) -> float:
        """Return the drawn width (no trailing character spacing)."""
        chars = sum(t.chars for t in self.tokens)
        return sum(t.width for t in self.tokens) + self.char_space * max(chars - 1, 0)


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


def tokenize(text: str, style: Style, fonts: FontSet, where: str) -> list[Token]:
    """Split text into tokens, choosing a font for every character (MissingGlyphError if none has it)."""
    tokens: list[Token] = []
    word = ""
    word_font = ""
    for char in text:
        if char in "\r\n\t":
            char = " "
        font = fonts.require(style.role, char, where).name
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


def _advance(token: Token, char_space: float) -> float:
    """Return how far a token moves the pen."""
    return token.width + char_space * token.chars


def break_lines(text: str, style: Style, fonts: FontSet, where: str) -> list[Line]:
    """Break a paragraph into lines on the style's grid, honouring CJK line-start/line-end rules."""
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
            carry: list[Token] = []
            if token.text[0] in NO_LINE_START:
                # a no-start character pulls the previous character (and any no-start run) down with it
                while len(current) > 1 and len(carry) < 3:
                    carry.insert(0, current.pop())
                    if carry[0].text[0] not in NO_LINE_START:
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
    """Build a Line, stretching its character spacing to the full measure unless it is a last line."""
    line = Line(tokens=tokens, indent=indent, char_space=style.char_space, size=style.size)
    chars = sum(t.chars for t in tokens)
    if not last and style.justify and chars > 1:
        slack = style.width - indent - line.width()
        if slack > 0:
            line.char_space += slack / (chars - 1)
    return line


def measure(text: str, style: Style, fonts: FontSet, where: str) -> float:
    """Return the width of text set on one line in the style (no breaking)."""
    tokens = tokenize(text, style, fonts, where)
    chars = sum(t.chars for t in tokens)
    return sum(t.width for t in tokens) + style.char_space * max(chars - 1, 0)


def single_line(text: str, style: Style, fonts: FontSet, where: str) -> Line:
    """Return text as one unbroken line."""
    return Line(tokens=tokenize(text, style, fonts, where), indent=0.0, char_space=style.char_space,
                size=style.size)
