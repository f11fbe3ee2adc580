"""整改 in headless Chromium: a liaison on a 360 × 740 phone submits an item with a photo and a PDF, the reviewer
returns it at the 整改 desk (a desktop), the liaison resubmits, the reviewer closes it (销号); typed text survives a
sign-out; a file too large is refused on the phone.

UPDATE_SCREENSHOTS=1 also writes the liaison's phone pages to docs/screenshots/rectification-*.png.
"""
from __future__ import annotations

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Target
from inspection.core.dates import today_cst
from inspection.extensions import db
from inspection.rectification.models import RectificationItem, Reminder
from inspection.units.models import Unit

from ..factories import PASSWORD
from ..rectification.helpers import issue_sample, pdf_bytes
from .conftest import LiveServer
from .live import ROOT
from .pages import desk_page, follow
from .test_a11y import serious_violations
from .screenshots import sheet_photo

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SHOTS = ROOT / "docs" / "screenshots"


def _world(live: LiveServer) -> SimpleNamespace:
    """The seeded world's objects, loaded in the current app context (the helpers take a world)."""
    ids = live.world_ids
    campaign = db.session.get(Campaign, ids["campaign"])
    return SimpleNamespace(campaign=campaign, targets=[db.session.get(Target, i) for i in ids["targets"]],
                           teams=sorted(campaign.teams, key=lambda t: t.id),
                           units=[db.session.get(Unit, i) for i in sorted(ids["units"])],
                           users={name: db.session.get(User, i) for name, i in ids["users"].items()})


@pytest.fixture
def rect_server(tmp_path):
    """A server of this test's own with the sample circular issued to two units (liaison1's among them)."""
    live = LiveServer(tmp_path)
    live.seed()
    with live.app.app_context():
        world = _world(live)
        circular = issue_sample(live.app, world)
        items = list(db.session.scalars(
            select(RectificationItem).where(RectificationItem.circular_id == circular.id,
                                            RectificationItem.unit_id == world.units[0].id)
            .order_by(RectificationItem.position)))
        items[-1].due_date = today_cst() - timedelta(days=1)  # one overdue (red) beside the one worked on
        db.session.add(Reminder(unit_id=world.units[0].id, on_date=today_cst(), overdue=1,
                                item_ids=[items[-1].id], message="1个整改事项已逾期，请抓紧整改并按时报送。"))
        db.session.commit()
        live.item_ids = [i.id for i in items]
    live.start()
    yield live
    live.kill()


@pytest.fixture
def liaison_phone(browser, rect_server):
    """liaison1 signed in on a 360 × 740 phone; page errors fail the test."""
    context = browser.new_context(**PHONE, base_url=rect_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _sign_in(page, "liaison1")
    yield page
    context.close()
    assert errors == []


def _sign_in(page, username: str) -> None:
    if "/login" not in page.url:
        page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    follow(page, lambda: page.click("button[type=submit]"))
    assert "/login" not in page.url, f"sign-in as {username} failed"


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shoot(page, name: str, *, full: bool = False) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SHOTS / f"rectification-{name}.png"), full_page=full)


def _item_status(live: LiveServer, item_id: int) -> str:
    with live.app.app_context():
        return db.session.get(RectificationItem, item_id).status


def _reviewer_decides(browser, live: LiveServer, item_id: int, *, close: bool, text: str) -> None:
    """The reviewer opens the item on the 整改 desk (a desktop), sees the unit's evidence, returns or closes it."""
    page = desk_page(browser, live, "reviewer")
    page.on("dialog", lambda dialog: dialog.accept())  # 销号 asks for a confirmation
    page.goto(f"/rectification/{item_id}")
    assert page.locator(".rect-evidence li[data-kind=photo] img").count() >= 1
    assert page.locator(".rect-evidence li[data-kind=pdf]").count() == 1
    form = page.locator("form[action$='/accept']" if close else "form[action$='/return']")
    form.locator("textarea[name=text]").fill(text)
    follow(page, lambda: form.locator("button[type=submit]").click())
    assert ("已销号" if close else "已退回单位") in page.inner_text("main")
    page.context.close()


def test_liaison_submits_reviewer_returns_liaison_resubmits_reviewer_closes(browser, rect_server, liaison_phone,
                                                                           tmp_path):
    page, item_id = liaison_phone, rect_server.item_ids[0]
    photo, scan = tmp_path / "签到册.jpg", tmp_path / "整改方案.pdf"
    sheet_photo(photo, seed=3)
    scan.write_bytes(pdf_bytes("rectification plan"))

    follow(page, lambda: page.click("nav.mainnav >> text=整改"))
    row = page.locator(f"li[data-item='{item_id}']")
    assert "待整改" in row.inner_text() and "完成时限" in row.inner_text()
    overdue = page.locator(f"li[data-item='{rect_server.item_ids[-1]}']")
    assert "红色（逾期）" in overdue.inner_text() and "已逾期1天" in overdue.inner_text()
    assert "1个整改事项已逾期" in page.inner_text(".rect-reminder")
    assert _fits_the_phone(page)
    assert serious_violations(page) == ""
    _shoot(page, "liaison-inbox", full=True)

    follow(page, lambda: row.locator("a.rect-item-link").click())
    page.wait_for_selector("html[data-rect-drafts=ready]")
    page.fill("textarea[name=measures]", "修订考勤制度，每日公示签到情况")
    page.fill("input[name=leader]", "张局长")
    page.fill("input[name=responsible]", "办公室李某")
    page.fill("textarea[name=progress]", "已完成整改")
    page.set_input_files("input[name=evidence]", [str(photo), str(scan)])
    follow(page, lambda: page.click("button[value=submit]"))
    assert "已报送" in page.inner_text("main")
    assert page.locator(".rect-evidence li[data-kind=photo] img").count() == 1
    assert page.locator(".rect-evidence li[data-kind=pdf]").count() == 1
    assert _item_status(rect_server, item_id) == "submitted"

    _reviewer_decides(browser, rect_server, item_id, close=False, text="签到册照片不清晰，请补充近一周的签到记录")
    assert _item_status(rect_server, item_id) == "returned"

    page.reload()
    alert = page.locator(".rect-returned[role=alert]")
    assert "签到册照片不清晰" in alert.inner_text()
    assert page.input_value("textarea[name=measures]") == "修订考勤制度，每日公示签到情况"
    assert _fits_the_phone(page)
    assert serious_violations(page) == ""
    _shoot(page, "liaison-returned")
    page.fill("textarea[name=progress]", "已补充近一周签到记录")
    sheet_photo(photo, seed=4)
    page.set_input_files("input[name=evidence]", [str(photo)])
    follow(page, lambda: page.click("button[value=submit]"))
    assert "已报送" in page.inner_text("main") and "退回后重新报送" in page.inner_text("main")
    assert _item_status(rect_server, item_id) == "submitted"

    _reviewer_decides(browser, rect_server, item_id, close=True, text="整改到位，同意销号")
    assert _item_status(rect_server, item_id) == "closed"
    page.reload()
    assert "已销号" in page.inner_text("main") and "整改到位，同意销号" in page.inner_text("main")
    assert serious_violations(page) == ""
    follow(page, lambda: page.click("text=全部整改事项"))
    follow(page, lambda: page.click("a.button:has-text('整改报告')"))
    assert "还有1项未报送" in page.inner_text("main") and _fits_the_phone(page)
    assert serious_violations(page) == ""


def test_typed_text_survives_a_sign_out_and_is_cleared_once_saved(rect_server, liaison_phone):
    page, item_id = liaison_phone, rect_server.item_ids[0]
    page.goto(f"/rectification/mine/{item_id}")
    page.wait_for_selector("html[data-rect-drafts=ready]")
    page.fill("textarea[name=measures]", "在手机上写了很久的整改措施")
    page.context.clear_cookies()  # the session is gone, as after the idle sign-out
    follow(page, lambda: page.click("button[value=save]"))
    assert "/login" in page.url
    assert "登录已过期" in page.inner_text("main")
    _sign_in(page, "liaison1")
    assert page.url.endswith(f"/rectification/mine/{item_id}")  # sign-in leads back to the form
    page.wait_for_selector("html[data-rect-drafts=ready]")
    assert page.input_value("textarea[name=measures]") == "在手机上写了很久的整改措施"
    assert page.locator(".rect-restored").count() == 1
    follow(page, lambda: page.click("button[value=save]"))
    assert "已保存草稿" in page.inner_text("main")
    assert page.input_value("textarea[name=measures]") == "在手机上写了很久的整改措施"
    kept = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('rectify-draft:'))")
    assert kept == []


def test_a_file_too_large_is_refused_on_the_phone_before_anything_is_sent(rect_server, liaison_phone, tmp_path):
    page, item_id = liaison_phone, rect_server.item_ids[0]
    big = tmp_path / "大扫描件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n")
    page.goto(f"/rectification/mine/{item_id}")
    page.wait_for_selector("html[data-rect-drafts=ready]")
    page.fill("textarea[name=measures]", "整改措施不会丢")
    page.set_input_files("input[name=evidence]", [str(big)])
    page.click("button[value=save]")
    error = page.locator("[data-upload-error]")
    error.wait_for(state="visible")
    assert "超过10MB上限" in error.inner_text()
    assert page.input_value("textarea[name=measures]") == "整改措施不会丢"
