"""The review desk in headless Chromium: switchable single keys, the queue grid, c, x, Ctrl+Enter, ?, photo viewer."""
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
from .conftest import LiveServer
from .pages import desk_page, follow


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
        ingest_photo(live.photo_dir, data, expected_sha256=sha, actor=author, max_bytes=5_000_000,
                     max_pixels=50_000_000)
        db.session.add(FindingPhoto(finding_id=ids[0], sha256=sha, caption="签到册", position=0))
        db.session.commit()
    live.finding_ids, live.sha = ids, sha
    live.start()
    yield live
    live.kill()


@pytest.fixture
def desk(browser, review_server):
    """The reviewer's desktop page on the queue, every handler of the keys script attached."""
    errors: list[str] = []
    page = desk_page(browser, review_server, "reviewer", errors=errors, timeout=15000)
    assert "/review/" in page.url
    page.wait_for_selector("[data-keys=queue][data-ready]")
    yield page
    page.context.close()
    assert errors == []


def status_of(server, finding_id):
    with server.app.app_context():
        db.session.expire_all()
        return db.session.get(Finding, finding_id).status


def selected(page) -> list[str]:
    """Return the data-href of every queue row marked aria-selected="true"."""
    return page.eval_on_selector_all('#queue tr[aria-selected="true"]', "rows => rows.map(r => r.dataset.href)")


def count_submits(page) -> None:
    """Count every form submission the page starts from now on (in window.__submits)."""
    page.evaluate("window.__submits = 0; document.addEventListener('submit', () => window.__submits++, true)")


def keys_on(page) -> None:
    """Turn the single-key shortcuts on with the page's switch."""
    page.check("input[data-keys-switch]")


def test_keyboard_work_through_the_queue(desk, review_server):
    first, second, third = review_server.finding_ids
    assert desk.get_attribute("#queue", "role") == "grid"
    keys_on(desk)
    desk.keyboard.press("j")  # nothing was selected on load: j selects the first
    assert [h.split("?")[0] for h in selected(desk)] == [f"/review/findings/{first}"]
    desk.keyboard.press("j")
    assert [h.split("?")[0] for h in selected(desk)] == [f"/review/findings/{second}"]
    assert desk.evaluate("document.activeElement.getAttribute('aria-selected')") == "true"
    follow(desk, lambda: desk.keyboard.press("c"))  # confirm the selected (second) finding from the list
    assert "已确认该问题" in desk.inner_text("main")
    assert status_of(review_server, second) == "confirmed"
    assert desk.is_checked("input[data-keys-switch]")  # remembered for this user
    assert selected(desk) == []

    desk.keyboard.press("j")
    follow(desk, lambda: desk.keyboard.press("Enter"))  # open the first
    assert f"/review/findings/{first}" in desk.url
    desk.wait_for_selector("[data-keys=finding][data-ready]")
    desk.keyboard.press("x")
    assert desk.evaluate("document.activeElement.id") == "note-reject"
    desk.keyboard.type("与第二条重复")
    follow(desk, lambda: desk.keyboard.press("Control+Enter"))
    assert "已不予采纳该问题" in desk.inner_text("main")
    assert status_of(review_server, first) == "rejected"
    assert f"/review/findings/{third}" in desk.url  # went on to the next one still waiting

    desk.keyboard.press("?")
    assert desk.locator("#keys-help").is_visible()
    desk.keyboard.press("Escape")
    assert not desk.locator("#keys-help").is_visible()
    count_submits(desk)
    desk.keyboard.press("c")  # on a finding page c only moves focus to 确认 ...
    assert desk.evaluate("document.activeElement.closest('#form-confirm') !== null")
    assert desk.evaluate("window.__submits") == 0
    follow(desk, lambda: desk.keyboard.press("Enter"))  # ... and Enter presses it
    assert "已确认该问题" in desk.inner_text("main")
    assert status_of(review_server, third) == "confirmed"

    desk.goto(f"/review/findings/{first}?status=awaiting")
    desk.wait_for_selector("[data-keys=finding][data-ready]")
    follow(desk, lambda: desk.keyboard.press("u"))
    assert "/review/?status=awaiting" in desk.url


def test_one_stray_key_right_after_load_decides_nothing(desk, review_server):
    first = review_server.finding_ids[0]
    count_submits(desk)
    for key in ("c", "j", "x", "?"):  # single-key shortcuts are off until switched on
        desk.keyboard.press(key)
    assert desk.evaluate("window.__submits") == 0
    assert selected(desk) == [] and not desk.locator("#keys-help").is_visible()
    assert not desk.is_checked("input[data-keys-switch]")

    keys_on(desk)
    desk.reload()
    desk.wait_for_selector("[data-keys=queue][data-ready]")
    assert desk.is_checked("input[data-keys-switch]")
    count_submits(desk)
    desk.keyboard.press("c")  # switched on, but no row is selected after load
    assert desk.evaluate("window.__submits") == 0 and selected(desk) == []
    assert status_of(review_server, first) == "submitted"


def test_arrow_keys_select_rows_of_the_focused_grid_without_the_switch(desk, review_server):
    first, second, third = review_server.finding_ids
    desk.focus("#queue tbody tr[tabindex='0']")  # the grid's single tab stop
    assert [h.split("?")[0] for h in selected(desk)] == [f"/review/findings/{first}"]
    desk.keyboard.press("ArrowDown")
    assert [h.split("?")[0] for h in selected(desk)] == [f"/review/findings/{second}"]
    assert desk.eval_on_selector_all("#queue tbody tr[tabindex='0']", "rows => rows.length") == 1
    desk.keyboard.press("End")
    assert [h.split("?")[0] for h in selected(desk)] == [f"/review/findings/{third}"]
    follow(desk, lambda: desk.keyboard.press("Enter"))
    assert f"/review/findings/{third}" in desk.url


def test_photo_viewer_opens_the_display_copy(desk, review_server):
    desk.goto(f"/review/findings/{review_server.finding_ids[0]}")
    desk.click("[data-viewer] a[data-display]")
    viewer = desk.locator("#photo-viewer")
    assert viewer.is_visible()
    assert viewer.locator("img").get_attribute("src").endswith(f"/photos/{review_server.sha}/display")
    desk.wait_for_function("document.querySelector('#photo-viewer img').naturalWidth > 0")
    desk.keyboard.press("Escape")
    assert not viewer.is_visible()
