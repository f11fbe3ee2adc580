"""The app as the browser tests serve it: create_app(), optionally slowed down to stage a crash mid-sync.

FIELD_TEST_DELAYS="sync_after=3,photo_before=1.5" holds each POST /api/v1/sync reply for 3 s after the
batch was applied, and waits 1.5 s before reading each PUT /api/v1/photos body, so a test can kill the
server at a known point. FIELD_BLANK_PAGE=1 adds /blank, the baseline page of bench/field_bench.py.
FIELD_TEST_POISON_FILE=<path> makes every POST /api/v1/sync whose batch holds a record id listed in that
file (one per line, read on each request) answer 500 server_error, like a server that fails on that one
record; each such batch is appended to <path>.hits as a JSON line {"batch_id", "ids"}.
FIELD_TEST_TUS_LOG=<path> appends a JSON line {"method", "offset", "length", "status"} for every request to
/api/v1/uploads; FIELD_TEST_STALL_FILE=<path>: while that file exists, every PATCH there whose Upload-Offset
is at least the number the file holds (0 when empty) hangs before reading its body (a stalled link), for at
most 120 s.
Without the variables this is the plain app.
"""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

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


def poisoned(wsgi, ids_file: Path):
    """Wrap a WSGI app so a sync batch naming a listed record id fails with 500 (test only)."""

    def middleware(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != "/api/v1/sync":
            return wsgi(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        poison = set(ids_file.read_text().split()) if ids_file.exists() else set()
        try:
            batch = json.loads(body)
            ids = [str(r.get("id")) for r in batch.get("records", [])]
        except (ValueError, AttributeError):
            return wsgi(environ, start_response)
        if not poison.intersection(ids):
            return wsgi(environ, start_response)
        with open(f"{ids_file}.hits", "a", encoding="utf-8") as hits:
            hits.write(json.dumps({"batch_id": batch.get("batch_id"), "ids": ids}) + "\n")
        reply = json.dumps({"error": {"code": "server_error", "message": "服务器内部错误", "details": {}}},
                           ensure_ascii=False).encode()
        start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/json"),
                                                     ("Content-Length", str(len(reply)))])
        return [reply]

    return middleware


def _stalls(stall: Path | None, offset: str | None) -> bool:
    """Tell whether a PATCH at this offset should hang now (the stall file exists and names a lower offset)."""
    try:
        return int(stall.read_text().strip() or 0) <= int(offset or 0) if stall else False
    except (OSError, ValueError):
        return False


def tus_watch(wsgi, log: Path | None, stall: Path | None):
    """Wrap a WSGI app so resumable-upload requests are logged, and PATCHes hang while `stall` exists (test only)."""

    def middleware(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/api/v1/uploads"):
            return wsgi(environ, start_response)
        method = environ.get("REQUEST_METHOD", "")
        deadline = time.monotonic() + 120
        while method == "PATCH" and _stalls(stall, environ.get("HTTP_UPLOAD_OFFSET")) and time.monotonic() < deadline:
            time.sleep(0.05)
        seen = {}

        def start(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = list(wsgi(environ, start))
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"method": method, "offset": environ.get("HTTP_UPLOAD_OFFSET"),
                                      "length": int(environ.get("CONTENT_LENGTH") or 0),
                                      "status": seen.get("status")}) + "\n")
        return body

    return middleware


BLANK = "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>blank</title><body></body></html>"

app = create_app()
if os.environ.get("FIELD_BLANK_PAGE"):
    app.add_url_rule("/blank", "bench_blank", lambda: BLANK)
if _delays():
    app.wsgi_app = slow(app.wsgi_app, _delays())  # type: ignore[method-assign]
if os.environ.get("FIELD_TEST_POISON_FILE"):
    app.wsgi_app = poisoned(app.wsgi_app, Path(os.environ["FIELD_TEST_POISON_FILE"]))  # type: ignore[method-assign]
_TUS_PATHS = [Path(os.environ[k]) if os.environ.get(k) else None for k in ("FIELD_TEST_TUS_LOG", "FIELD_TEST_STALL_FILE")]
if any(_TUS_PATHS):
    app.wsgi_app = tus_watch(app.wsgi_app, *_TUS_PATHS)  # type: ignore[method-assign]
