"""Logging: one line per record on stdout, ISO 8601 time with its offset, and the request's id.

Every request gets an id: the `X-Request-ID` its proxy sent (when it looks like one: 1–64 letters, digits,
`.`, `_` or `-`), else a new random one. The id is on every log line the request writes, in the
`X-Request-ID` response header, and in the JSON error envelope (`error.request_id`) and the HTML error
page, so a user's report of an error finds its log lines. gunicorn.conf.py writes the access log in the
same shape (ISO time, level, [request id], logger name).
"""
from __future__ import annotations

import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
LINE_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def iso_time(created: float) -> str:
    """Write a POSIX time as ISO 8601 in UTC with its offset and milliseconds (2026-12-01T08:30:00.123+00:00)."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def current_request_id() -> str:
    """Return the id of the request being handled, or "-" outside a request."""
    if not has_request_context():
        return "-"
    return g.get("request_id") or "-"


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was written in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `request_id` to the record; never drop it."""
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class IsoFormatter(logging.Formatter):
    """Format records with an ISO 8601 time that carries its UTC offset."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """Return the record's time as ISO 8601 with offset."""
        return iso_time(record.created)


def configure_logging(app: Flask) -> None:
    """Log to stdout with one format (ISO time, level, request id, logger), at LOG_LEVEL."""
    root = logging.getLogger()
    if not any(getattr(h, "_inspection", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(IsoFormatter(LINE_FORMAT))
        handler.addFilter(RequestIdFilter())
        handler._inspection = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)


def _assign_request_id() -> None:
    """Take the proxy's request id when it is well formed, else make one."""
    sent = request.headers.get(HEADER, "")
    g.request_id = sent if _VALID.fullmatch(sent) else uuid.uuid4().hex


def _send_request_id(response):
    """Return the request's id to the client in the X-Request-ID header."""
    response.headers[HEADER] = current_request_id()
    return response
