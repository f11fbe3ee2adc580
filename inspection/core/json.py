"""Helpers for JSON endpoints: strict body parsing into the error envelope."""
from __future__ import annotations

from flask import request
from marshmallow import Schema

from ..errors import ApiError


def json_body(max_bytes: int | None = None):
    """Return the parsed JSON body, or raise 413 / 415 / 400 with stable codes."""
    if max_bytes is not None and (request.content_length or 0) > max_bytes:
        raise ApiError(413, "too_large", "提交的数据过大")
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "请以 application/json 提交")
    data = request.get_json(silent=True)
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
