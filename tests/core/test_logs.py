"""Logs and request ids: ISO 8601 times with offset, the request id on log lines, headers and error bodies."""
from __future__ import annotations

import logging
import re
import runpy
from datetime import datetime
from pathlib import Path

from flask import g

from inspection.core.logs import IsoFormatter, LINE_FORMAT, RequestIdFilter, iso_time

ROOT = Path(__file__).resolve().parents[2]
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"


def test_every_answer_carries_a_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_proxys_request_id_is_kept_when_well_formed(client):
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a.01"}).headers["X-Request-ID"] == "nginx-7f3a.01"
    forged = client.get("/healthz", headers={"X-Request-ID": "a b;' or 1=1" + "x" * 80}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_json_errors_name_the_request_id(client):
    response = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "req-42"})
    assert response.status_code in (401, 404)
    assert response.get_json()["error"]["request_id"] == "req-42" == response.headers["X-Request-ID"]


def test_html_error_page_shows_the_request_id(client, auth):
    auth.login("admin")
    response = client.get("/no-such-page", headers={"X-Request-ID": "req-43"})
    assert response.status_code == 404 and "请求编号：req-43" in response.get_data(as_text=True)


def test_log_lines_have_iso_time_with_offset_and_the_request_id(app):
    formatter, keep = IsoFormatter(LINE_FORMAT), RequestIdFilter()
    record = logging.LogRecord("inspection.test", logging.INFO, __file__, 1, "saved %s", ("x",), None)
    with app.test_request_context("/"):
        g.request_id = "req-44"
        keep.filter(record)
    line = formatter.format(record)
    assert re.fullmatch(ISO + r" INFO \[req-44\] inspection\.test: saved x", line), line
    outside = logging.LogRecord("inspection.cli", logging.INFO, __file__, 1, "done", (), None)
    keep.filter(outside)
    assert "[-] inspection.cli: done" in formatter.format(outside)
    assert datetime.fromisoformat(iso_time(0)).utcoffset().total_seconds() == 0


def test_gunicorn_access_log_has_the_same_shape(monkeypatch):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    logger = settings["logger_class"].__new__(settings["logger_class"])
    assert re.fullmatch(ISO, logger.now())
    fmt = settings["access_log_format"]
    line = fmt % {"t": logger.now(), "{x-request-id}o": "req-45", "h": "10.0.0.1", "r": "GET / HTTP/1.1",
                  "s": "200", "b": "12", "M": "3", "a": "curl"}
    assert re.fullmatch(ISO + r' INFO \[req-45\] gunicorn\.access: 10\.0\.0\.1 "GET / HTTP/1\.1" 200 12 3ms "curl"',
                        line), line
