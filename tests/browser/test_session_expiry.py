"""A reviewer's typed note survives a session that ended before the form was sent: sign in again, find the text."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.auth.models import User
from inspection.auth.services import end_sessions
from inspection.campaigns.models import Target
from inspection.extensions import db
from inspection.findings.models import Finding

from ..factories import make_finding, make_visit
from .conftest import PASSWORD, LiveServer

NOTE = "请补充签到册原件照片，并核实张某当日是否有请假条。"


@pytest.fixture
def expiry_server(tmp_path):
    """A server with one finding awaiting review."""
    live = LiveServer(tmp_path)
    live.seed()
    with live.app.app_context():
        author = db.session.scalar(select(User).where(User.username == "inspector1"))
        visit = make_visit(db.session.get(Target, live.world_ids["targets"][0]), author)
        live.finding_id = make_finding(visit, author, description="签到册有代签").id
        db.session.commit()
    live.start()
    yield live
    live.kill()


def _sign_in(page) -> None:
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


def _end_sessions_on_the_server(server) -> None:
    """What an idle timeout or a sign-out in another browser does: the session's generation is gone."""
    with server.app.app_context():
        try:
            end_sessions(db.session.scalar(select(User).where(User.username == "reviewer")))
            db.session.commit()
        finally:
            db.session.remove()


def _status(server) -> str:
    with server.app.app_context():
        try:
            return db.session.get(Finding, server.finding_id).status
        finally:
            db.session.remove()


@pytest.mark.parametrize("expire", ["session_ended_on_server", "cookie_gone"])
def test_typed_note_survives_an_expired_session(browser, expiry_server, expire):
    context = browser.new_context(base_url=expiry_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    finding_path = f"/review/findings/{expiry_server.finding_id}"
    page.goto("/login")
    _sign_in(page)
    page.wait_for_url("**/review/")
    page.goto(finding_path)
    page.wait_for_selector("html[data-drafts=ready]")
    page.fill("#note-return", NOTE)

    if expire == "cookie_gone":
        context.clear_cookies()  # the browser dropped the session: its CSRF token is gone with it
    else:
        _end_sessions_on_the_server(expiry_server)
    page.click("#form-return button[type=submit]")

    page.wait_for_url("**/login?next=**")
    assert "登录已过期" in page.locator(".flash-expired").inner_text()
    assert _status(expiry_server) == "submitted"  # nothing was decided
    _sign_in(page)
    page.wait_for_url(f"**{finding_path}**")
    page.wait_for_selector("html[data-drafts=ready]")
    assert page.input_value("#note-return") == NOTE

    page.click("#form-return button[type=submit]")  # sent for real this time
    page.wait_for_selector("text=已退回暗访组补充")
    page.wait_for_selector("html[data-drafts=ready]")
    assert _status(expiry_server) == "returned"
    drafts = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('draft:'))")
    assert drafts == []  # cleared once the post arrived
    context.close()
    assert errors == []
