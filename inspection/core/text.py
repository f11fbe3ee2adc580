"""Text at the boundary: one check for every string that enters the app (sync, forms, imports).

Refused (never silently changed): text that is not valid Unicode (a lone surrogate such as U+D800, which
no encoder can write) and control characters other than tab and newline (NUL, which PostgreSQL cannot
store, and the likes of U+001E, which break CSV, XLSX and PDF output). Carriage returns are not refused
but normalised: CRLF and a lone CR become LF, as browsers send CRLF for every line of a textarea.

The same check is offered as a plain function (`clean_text`), a marshmallow field (`Text`) and a WTForms
filter (`form_filter`, installed on every string field by core.forms.BaseForm).
"""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields

INVALID_UNICODE = "invalid_unicode"
CONTROL_CHARACTER = "control_character"

_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CR = re.compile(r"\r\n?")


class CodedMessage(str):
    """A message for people (Chinese) that carries its stable machine-readable `code`.

    It survives marshmallow's `str.format` of error templates, so a field's errors keep their codes.
    """

    code: str

    def __new__(cls, message: str, code: str):
        """Make the message string and attach the code."""
        obj = super().__new__(cls, message)
        obj.code = code
        return obj

    def format(self, *args, **kwargs) -> CodedMessage:
        """Format the message and keep the code."""
        return CodedMessage(str.format(self, *args, **kwargs), self.code)


class TextError(ValueError):
    """Text that cannot be taken: `code` is stable, `message` is for people (Chinese)."""

    def __init__(self, code: str, message: str):
        """Keep the code and the message."""
        super().__init__(message)
        self.code = code
        self.message = message


def text_problem(value: str) -> TextError | None:
    """Return what is wrong with a string (the first bad character), or None when it is fine."""
    bad = _BAD.search(value)
    if bad is None:
        return None
    char, position = bad.group(), bad.start() + 1
    if "\ud800" <= char <= "\udfff":
        return TextError(INVALID_UNICODE, f"第{position}个字符（U+{ord(char):04X}）不是有效的文字编码，请删除后重新输入")
    return TextError(CONTROL_CHARACTER, f"第{position}个字符是不可见的控制字符（U+{ord(char):04X}），请删除后重新输入")


def clean_text(value: str) -> str:
    """Return the text with line ends normalised to LF; raise TextError for invalid Unicode or control characters."""
    if "\r" in value:
        value = _CR.sub("\n", value)
    problem = text_problem(value)
    if problem is not None:
        raise problem
    return value


def is_clean(value: str) -> bool:
    """Tell whether a string would pass `clean_text` unchanged except for line ends."""
    return _BAD.search(value) is None


def printable(value: str) -> str:
    """Escape bad characters as \\uXXXX, for echoing untrusted text (say, an unknown key) safely."""
    return _BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


# -- marshmallow -------------------------------------------------------------------------------------
class Text(fields.String):
    """A marshmallow string field that refuses bad text (see `clean_text`) with a coded message."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Load the string, then check and normalise it."""
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clean_text(value)
        except TextError as exc:
            raise ValidationError(CodedMessage(exc.message, exc.code)) from None


# -- WTForms -----------------------------------------------------------------------------------------
def form_filter(value):
    """A WTForms filter: normalise line ends; refuse bad text (WTForms shows the message at the field)."""
    if not isinstance(value, str):
        return value
    try:
        return clean_text(value)
    except TextError as exc:
        raise ValueError(exc.message) from None
