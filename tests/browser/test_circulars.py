"""A circular in headless Chromium: draft, edit, reorder, choose recipients, issue; the liaison signs for it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.campaigns.models import Campaign
from inspection.circulars.models import Circular, CircularCopy
from inspection.extensions import db

from ..circulars.helpers import FINDINGS
from ..factories import make_finding, make_visit
from .conftest import PASSWORD, LiveServer


@pytest.fixture
def circular_server(tmp_path):
    """A server of this test's own, with the campaign's findings confirmed."""
    live = LiveServer(tmp_path)
    live.seed()
    with live.app.app_context():
        campaign = db.session.get(Campaign, live.world_ids["campaign"])
        inspector = campaign.teams[0].leader
        for index, _, category, text, persons in FINDINGS:
            visit = make_visit(campaign.targets[index], inspector)
            make_finding(visit, inspector, category=category, description=text, persons=persons, status="confirmed")
        db.session.commit()
    live.start()
    yield live
    live.kill()


@pytest.fixture
def desk(browser, circular_server):
    """Return a function opening a desktop page signed in as a user; page errors fail the test."""
    contexts, errors = [], []

    def open_as(username: str):
        context = browser.new_context(base_url=circular_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(20000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert errors == []


def test_draft_edit_issue_and_sign_for_a_circular(desk, circular_server):
    page = desk("reviewer")
    page.goto("/circulars/organs/new")
    page.fill("input[name=name]", "中共示例县纪委办公室")
    page.fill("input[name=mark_text]", "中共示例县纪律检查委员会办公室")
    page.fill("input[name=number_prefix]", "示纪办通")
    page.fill("input[name=signature]", "中共示例县纪委办公室")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=发文机关已添加")

    page.goto("/circulars/new")
    page.fill("input[name=title]", "关于2026年第三批纪律作风明察暗访情况的通报")
    page.select_option("select[name=campaign_id]", str(circular_server.world_ids["campaign"]))
    page.click("button:has-text('生成草稿')")
    page.wait_for_selector("text=通报草稿已生成")
    assert "签到册显示当日应到12人" in page.content()

    problems = page.locator("section.section", has_text="发现的主要问题").first
    body = problems.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n审核人在浏览器中补充的一段。")
    problems.locator("button:has-text('保存本部分')").click()
    page.wait_for_selector("text=已保存“发现的主要问题”")
    handling = page.locator("section.section", has_text="处理意见").first
    handling.locator("button:has-text('上移')").click()
    page.wait_for_load_state()
    headings = page.locator("section.section h3").all_inner_texts()
    assert headings.index("处理意见") < next(i for i, h in enumerate(headings) if h.startswith("发现的主要问题"))

    page.click("text=编辑文头、主送与附件")
    page.click("button[data-check=all]")
    page.select_option("select[name=urgency]", "加急")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=通报信息已保存")

    with page.expect_popup() as popup:
        page.click("text=预览PDF（草稿）")
    assert popup.value is not None

    page.click("button:has-text('印发')")
    page.wait_for_selector("text=已印发：示纪办通")
    with circular_server.app.app_context():
        circular = db.session.scalar(select(Circular))
        assert circular.status == "issued" and circular.number == 1 and circular.urgency == "加急"
        assert "审核人在浏览器中补充的一段" in next(s.body for s in circular.sections if s.key == "problems")
        copies = len(circular.copies)
        assert copies == 4

    liaison = desk("liaison1")
    liaison.wait_for_url("**/inbox")
    assert "关于2026年第三批纪律作风明察暗访情况的通报" in liaison.content()
    with liaison.expect_download() as download:
        liaison.click("a.button:has-text('下载')")
    assert download.value.suggested_filename.endswith(".pdf")
    liaison.click("button:has-text('签收')")
    liaison.wait_for_selector("text=已签收")

    coordinator = desk("coordinator")
    coordinator.goto(f"/circulars/{circular.id}")
    coordinator.wait_for_selector(f"text=已签收 1 / {copies}")
    with circular_server.app.app_context():
        signed = db.session.scalars(select(CircularCopy).where(CircularCopy.received_at.is_not(None))).all()
        liaison_unit = next(iter(circular_server.world_ids["units"]))  # liaison1 belongs to the first unit
        assert [c.unit_id for c in signed] == [liaison_unit]
