"""Provenance of a photo the phone downscaled: the original's SHA-256, byte size and pixel size.

Sent with the downscaled copy (tus `Upload-Metadata` keys or `X-Original-*` headers on `PUT`), all four
or none, and recorded with the stored copy so the review desk can say what the original was.
"""
from __future__ import annotations

from .services import PhotoError
from .storage import SHA256_RE

KEYS = ("original_sha256", "original_size", "original_width", "original_height")
HEADERS = {"original_sha256": "X-Original-Sha256", "original_size": "X-Original-Size",
           "original_width": "X-Original-Width", "original_height": "X-Original-Height"}
_MAX = {"original_size": 2**40, "original_width": 10**6, "original_height": 10**6}


def parse_provenance(values: dict) -> dict | None:
    """Return the provenance from raw string values (None when none is given); PhotoError 400 if malformed."""
    given = {key: (values.get(key) or "").strip() for key in KEYS}
    if not any(given.values()):
        return None
    missing = [key for key, value in given.items() if not value]
    if missing:
        raise PhotoError(400, "invalid_provenance", "原图信息须同时提供 SHA-256、大小和像素尺寸", {"missing": missing})
    sha = given["original_sha256"].lower()
    if not SHA256_RE.match(sha):
        raise PhotoError(400, "invalid_provenance", "原图 SHA-256 须为64位十六进制", {"key": "original_sha256"})
    parsed: dict = {"original_sha256": sha}
    for key, maximum in _MAX.items():
        value = given[key]
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
            raise PhotoError(400, "invalid_provenance", "原图大小和像素尺寸须为正整数", {"key": key})
        parsed[key] = int(value)
    return parsed


def from_headers(headers) -> dict | None:
    """Read the provenance from `X-Original-*` request headers."""
    return parse_provenance({key: headers.get(name) for key, name in HEADERS.items()})
