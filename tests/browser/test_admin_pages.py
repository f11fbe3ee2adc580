"""Admin and coordinator pages in headless Chromium: the CSV import's confirm step and the checklist editor."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.checklists.models import Checklist
from inspection.extensions import db
from inspection.units.models import Unit

from .conftest import PASSWORD, LiveServer
from .pages import follow


@pytest.fixture
def desk_server(tmp_path):
    """A server of this test's own (these tests change units and checklists)."""
    live = LiveServer(tmp_path)
    live.seed()
    live.start()
    yield live
    live.kill()


@pytest.fixture
def desk(browser, desk_server):
    """A desktop browser page signed in as the coordinator; collects page errors."""
    context = browser.new_context(base_url=desk_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", PASSWORD)
    follow(page, lambda: page.click("button[type=submit]"))
    assert page.url.endswith("/campaigns/")
    yield page
    context.close()
    assert errors == []


def test_gbk_csv_preview_then_confirm_imports_every_row(desk, desk_server, tmp_path):
    csv_path = tmp_path / "单位名单.csv"
    csv_path.write_bytes("单位名称,简称,类别\r\n示例县卫生健康委员会,卫健委,县直部门\r\n"
                         "示例县城关镇,城关镇,乡镇\r\n示例县公安局,公安,县直部门\r\n".encode("gbk"))
    desk.goto("/units/import")
    desk.set_input_files("input[type=file]", str(csv_path))
    # "检查结果" is already in the upload page's help text: waiting for it would not wait for the upload.
    follow(desk, lambda: desk.click("text=上传并检查"))
    assert "编码：GBK" in desk.content()
    follow(desk, lambda: desk.click("text=确认导入"))
    assert "导入完成：新增2个，更新1个" in desk.inner_text("main")
    with desk_server.app.app_context():
        names = set(db.session.scalars(select(Unit.name)))
        assert {"示例县卫生健康委员会", "示例县城关镇"} <= names
        assert db.session.scalar(select(Unit.short_name).where(Unit.name == "示例县公安局")) == "公安"


def test_checklist_editor_moves_and_adds_rows(desk, desk_server):
    with desk_server.app.app_context():
        checklist_id = db.session.scalar(select(Checklist.id))
    desk.goto(f"/checklists/{checklist_id}/edit")
    desk.locator("[data-row]").nth(0).locator("[data-down]").click()   # A01 below A02
    desk.click("text=新增一行")
    last = desk.locator("[data-row]").last
    last.locator("input[name$='-code']").fill("A09")
    last.locator("input[name$='-category']").fill("办公用房")
    last.locator("textarea[name$='-text']").fill("办公用房面积是否超标")
    desk.locator("[data-row]").nth(4).locator("input[name$='-delete']").check()  # A05
    desk.fill("textarea[name=note]", "浏览器测试")
    follow(desk, lambda: desk.click("text=保存并发布新版本"))
    assert "已发布" in desk.inner_text("main")
    with desk_server.app.app_context():
        current = db.session.scalar(select(Checklist).where(Checklist.is_current))
        assert current.version == 2 and current.note == "浏览器测试"
        assert [i.code for i in current.items] == ["A02", "A01", "A03", "A04", "A09"]
