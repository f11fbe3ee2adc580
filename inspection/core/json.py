"""Helpers for JSON endpoints: strict body parsing into the error envelope.

Every JSON body is parsed here (and every stored one re-parsed with `parse_json`): UTF-8 only, standard
JSON only (no NaN or Infinity), and nested at most MAX_DEPTH levels, checked by a scan without recursion
before the parser (which recurses) sees the text. Anything else is 400 `malformed_json`.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate

from flask import request
from marshmallow import Schema

from ..errors import ApiError

MAX_DEPTH = 64
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class MalformedJSON(ValueError):
    """Text that is not acceptable JSON (syntax, encoding, non-standard constants or nesting too deep)."""


class TooDeep(MalformedJSON):
    """JSON nested deeper than allowed."""


def nesting_depth(text: str) -> int:
    """Return the deepest nesting of arrays and objects in JSON text (brackets inside strings do not count)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(_STEP[char] for char in brackets), default=0)


def _refuse_constant(name: str):
    """Refuse NaN, Infinity and -Infinity, which are not JSON."""
    raise MalformedJSON(f"non-standard constant {name}")


def parse_json(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """Parse JSON text (bytes must be UTF-8); raise MalformedJSON for anything but plain JSON of bounded depth."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedJSON("not UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.count("[") + text.count("{") > max_depth and nesting_depth(text) > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise MalformedJSON("not JSON") from exc


def json_body(max_bytes: int | None = None):
    """Return the parsed JSON body, or raise 413 / 415 / 400 with stable codes."""
    if max_bytes is not None and (request.content_length or 0) > max_bytes:
        raise ApiError(413, "too_large", "提交的数据过大")
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "请以 application/json 提交")
    try:
        data = parse_json(request.get_data(cache=True))
    except TooDeep:
        raise ApiError(400, "malformed_json", f"JSON 嵌套层数过多（最多{MAX_DEPTH}层）",
                       {"max_depth": MAX_DEPTH}) from None
    except MalformedJSON:
        raise ApiError(400, "malformed_json", "JSON 格式错误") from None
    if data is None:
        raise ApiError(400, "malformed_json", "JSON 格式错误")
    return data


def load(schema: Schema, data=None, **kwargs):
    """Validate `data` (the JSON body by default); marshmallow errors become 422 validation_error."""
    if data is None:
        data = json_body()
    if not isinstance(data, dict) and not kwargs.get("many"):
        raise ApiError(422, "validation_error", "请求体应为 JSON 对象")
    return schema.load(data, **kwargs)
