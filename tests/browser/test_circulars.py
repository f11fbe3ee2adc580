"""A circular in headless Chromium: draft, edit, reorder, choose recipients, issue; the liaison signs for it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.campaigns.models import Campaign
from inspection.circulars.models import Circular, CircularCopy
from inspection.extensions import db

from ..circulars.helpers import FINDINGS
from ..factories import make_finding, make_visit
from .conftest import LiveServer
from .pages import desk_page, follow


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
    pages, errors = [], []

    def open_as(username: str):
        page = desk_page(browser, circular_server, username, errors=errors)
        page.on("dialog", lambda dialog: dialog.accept())
        pages.append(page)
        return page

    yield open_as
    for page in pages:
        page.context.close()
    assert errors == []


def test_draft_edit_issue_and_sign_for_a_circular(desk, circular_server):
    page = desk("reviewer")
    page.goto("/circulars/organs/new")
    page.fill("input[name=name]", "中共示例县纪委办公室")
    page.fill("input[name=mark_text]", "中共示例县纪律检查委员会办公室")
    page.fill("input[name=number_prefix]", "示纪办通")
    page.fill("input[name=signature]", "中共示例县纪委办公室")
    follow(page, lambda: page.click("button:has-text('保存')"))
    assert "发文机关已添加" in page.inner_text("main")

    page.goto("/circulars/new")
    page.fill("input[name=title]", "关于2026年第三批纪律作风明察暗访情况的通报")
    page.select_option("select[name=campaign_id]", str(circular_server.world_ids["campaign"]))
    follow(page, lambda: page.click("button:has-text('生成草稿')"))
    assert "通报草稿已生成" in page.inner_text("main")
    assert "签到册显示当日应到12人" in page.content()

    problems = page.locator("section.section", has_text="发现的主要问题").first
    body = problems.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n审核人在浏览器中补充的一段。")
    follow(page, lambda: problems.locator("button:has-text('保存本部分')").click())
    assert "已保存“发现的主要问题”" in page.inner_text("main")
    handling = page.locator("section.section", has_text="处理意见").first
    follow(page, lambda: handling.locator("button:has-text('上移')").click())  # load state alone may see the old page
    headings = page.locator("section.section h3").all_inner_texts()
    assert headings.index("处理意见") < next(i for i, h in enumerate(headings) if h.startswith("发现的主要问题"))

    follow(page, lambda: page.click("text=编辑文头、主送与附件"))
    # The button is in the HTML before circulars.js gives it a handler: a click then checked nothing (3 copies).
    page.click("button[data-check=all][data-ready]")
    assert page.eval_on_selector_all(".unit-picks input[type=checkbox]", "boxes => boxes.every(b => b.checked)")
    page.select_option("select[name=urgency]", "加急")
    follow(page, lambda: page.click("button:has-text('保存')"))
    assert "通报信息已保存" in page.inner_text("main")

    with page.expect_popup() as popup:
        page.click("text=预览PDF（草稿）")
    assert popup.value is not None

    follow(page, lambda: page.click("button:has-text('印发')"))
    assert "已印发：示纪办通" in page.inner_text("main")
    with circular_server.app.app_context():
        circular = db.session.scalar(select(Circular))
        assert circular.status == "issued" and circular.number == 1 and circular.urgency == "加急"
        assert "审核人在浏览器中补充的一段" in next(s.body for s in circular.sections if s.key == "problems")
        copies = len(circular.copies)
        assert copies == 4

    liaison = desk("liaison1")
    assert liaison.url.endswith("/inbox")
    assert "关于2026年第三批纪律作风明察暗访情况的通报" in liaison.content()
    with liaison.expect_download() as download:
        liaison.click("a.button:has-text('下载')")
    assert download.value.suggested_filename.endswith(".pdf")
    follow(liaison, lambda: liaison.click("button:has-text('签收')"))
    assert "已签收" in liaison.inner_text("main")

    coordinator = desk("coordinator")
    coordinator.goto(f"/circulars/{circular.id}")
    assert f"已签收 1 / {copies}" in coordinator.inner_text("main")
    with circular_server.app.app_context():
        signed = db.session.scalars(select(CircularCopy).where(CircularCopy.received_at.is_not(None))).all()
        liaison_unit = next(iter(circular_server.world_ids["units"]))  # liaison1 belongs to the first unit
        assert [c.unit_id for c in signed] == [liaison_unit]
