"""The app as the browser tests serve it: create_app(), optionally slowed down to stage a crash mid-sync.

FIELD_TEST_DELAYS="sync_after=3,photo_before=1.5" holds each POST /api/v1/sync reply for 3 s after the
batch was applied, and waits 1.5 s before reading each PUT /api/v1/photos body, so a test can kill the
server at a known point. FIELD_BLANK_PAGE=1 adds /blank, the baseline page of bench/field_bench.py.
Without the variables this is the plain app.
"""
from __future__ import annotations

import os
import time

from inspection import create_app


def _delays() -> dict[str, float]:
    raw = os.environ.get("FIELD_TEST_DELAYS", "")
    return {k: float(v) for k, v in (part.split("=") for part in raw.split(",") if part)}


def slow(wsgi, delays: dict[str, float]):
    """Wrap a WSGI app so sync replies and photo uploads take longer."""

    def middleware(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "PUT" and path.startswith("/api/v1/photos/") and delays.get("photo_before"):
            time.sleep(delays["photo_before"])
        if method == "POST" and path == "/api/v1/sync" and delays.get("sync_after"):
            body = list(wsgi(environ, start_response))
            time.sleep(delays["sync_after"])
            return body
        return wsgi(environ, start_response)

    return middleware


BLANK = "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>blank</title><body></body></html>"

app = create_app()
if os.environ.get("FIELD_BLANK_PAGE"):
    app.add_url_rule("/blank", "bench_blank", lambda: BLANK)
if _delays():
    app.wsgi_app = slow(app.wsgi_app, _delays())  # type: ignore[method-assign]
