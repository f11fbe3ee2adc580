"""The review desk in headless Chromium: keyboard work (j/k, c, x, Ctrl+Enter, ?) and the photo viewer."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from inspection.campaigns.models import Target
from inspection.extensions import db
from inspection.findings.models import Finding, FindingPhoto
from inspection.photos.services import ingest_photo
from inspection.auth.models import User

from ..factories import make_finding, make_visit
from .conftest import PASSWORD, LiveServer


@pytest.fixture
def review_server(tmp_path):
    """A server with three findings awaiting review, the first with a photo."""
    live = LiveServer(tmp_path)
    live.seed()
    with live.app.app_context():
        author = db.session.scalar(select(User).where(User.username == "inspector1"))
        target = db.session.get(Target, live.world_ids["targets"][0])
        visit = make_visit(target, author)
        ids = [make_finding(visit, author, description=f"第{n}条问题").id for n in (1, 2, 3)]
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (160, 30, 30)).save(out, "JPEG")
        data = out.getvalue()
        sha = hashlib.sha256(data).hexdigest()
        ingest_photo(live.photo_dir, data, expected_sha256=sha, uploader=author, max_bytes=5_000_000,
                     max_pixels=50_000_000)
        db.session.add(FindingPhoto(finding_id=ids[0], sha256=sha, caption="签到册", position=0))
        db.session.commit()
    live.finding_ids, live.sha = ids, sha
    live.start()
    yield live
    live.kill()


@pytest.fixture
def desk(browser, review_server):
    context = browser.new_context(base_url=review_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review/")
    yield page
    context.close()
    assert errors == []


def status_of(server, finding_id):
    with server.app.app_context():
        db.session.expire_all()
        return db.session.get(Finding, finding_id).status


def test_keyboard_work_through_the_queue(desk, review_server):
    first, second, third = review_server.finding_ids
    assert desk.locator("tr.selected").get_attribute("data-href").startswith(f"/review/findings/{first}")
    desk.keyboard.press("j")
    assert desk.locator("tr.selected").get_attribute("data-href").startswith(f"/review/findings/{second}")
    desk.keyboard.press("c")  # confirm the selected (second) finding from the list
    desk.wait_for_selector("text=已确认该问题")
    desk.wait_for_load_state()
    assert status_of(review_server, second) == "confirmed"

    desk.keyboard.press("Enter")  # open the first
    desk.wait_for_url(f"**/review/findings/{first}**")
    desk.keyboard.press("x")
    assert desk.evaluate("document.activeElement.id") == "note-reject"
    desk.keyboard.type("与第二条重复")
    desk.keyboard.press("Control+Enter")
    desk.wait_for_selector("text=已不予采纳该问题")
    desk.wait_for_load_state()  # the keys script runs before "load"; the flash text can show earlier
    assert status_of(review_server, first) == "rejected"
    assert f"/review/findings/{third}" in desk.url  # went on to the next one still waiting

    desk.keyboard.press("?")
    assert desk.locator("#keys-help").is_visible()
    desk.keyboard.press("Escape")
    desk.keyboard.press("u")
    desk.wait_for_url("**/review/?status=awaiting")


def test_photo_viewer_opens_the_display_copy(desk, review_server):
    desk.goto(f"/review/findings/{review_server.finding_ids[0]}")
    desk.click("[data-viewer] a[data-display]")
    viewer = desk.locator("#photo-viewer")
    assert viewer.is_visible()
    assert viewer.locator("img").get_attribute("src").endswith(f"/photos/{review_server.sha}/display")
    desk.wait_for_function("document.querySelector('#photo-viewer img').naturalWidth > 0")
    desk.keyboard.press("Escape")
    assert not viewer.is_visible()
