"""One editor per record across tabs, signing out with a visit not yet ended, and what an inspector's thumb meets."""
from __future__ import annotations

from sqlalchemy import select

from inspection.auth.models import ApiToken
from inspection.checklists.models import ChecklistItem
from inspection.extensions import db

from ..factories import PASSWORD
from .pages import (add_photos, answer, fill_finding, idb, make_photo, poll, sign_in, start_visit, target_row,
                    wait_ready)
from .serverdb import arrived

DESCRIPTION = "() => document.querySelector('textarea[name=description]')"


def _last_token(server):
    with server.app.app_context():
        try:
            return db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()).limit(1))
        finally:
            db.session.remove()


def test_one_tab_edits_a_record_the_other_shows_it_read_only_and_takes_over(server, phone):
    context = phone(server)
    one = context.new_page()
    sign_in(one)
    context.set_offline(True)
    start_visit(one, server.world_ids["targets"][0])
    answer(one, "A02", "fail")
    one.wait_for_selector("textarea[name=description]")
    finding_id = one.evaluate("location.hash").split("/")[-1]

    two = context.new_page()
    two.goto(f"/field/#/f/{finding_id}")
    wait_ready(two)
    two.wait_for_selector("#edit-here")  # tab one edits it: tab two only looks
    assert "另一个窗口中编辑" in two.inner_text(".notice.warn")
    assert two.locator("textarea[name=description]").is_disabled()
    assert two.locator("fieldset.persons > button").is_disabled()
    one.fill("textarea[name=description]", "标签一写的描述")
    two.wait_for_function(f"() => ({DESCRIPTION})().value === '标签一写的描述'")  # it follows the editor

    one.click("a.button:has-text('完成')")  # the editor leaves: tab two takes over
    one.wait_for_selector("section.checklist")
    two.wait_for_function(f"() => !({DESCRIPTION})().disabled")
    assert two.locator("#edit-here").count() == 0
    two.fill("textarea[name=description]", "标签二接着写")

    one.locator('div.item[data-code="A02"] a.item-finding').click()  # back in tab one: now it only looks
    one.wait_for_selector("#edit-here")
    assert one.locator("textarea[name=description]").input_value() == "标签二接着写"
    one.click("#edit-here")  # ... until the inspector takes the editing here
    one.wait_for_function(f"() => !({DESCRIPTION})().disabled")
    two.wait_for_selector("#edit-here")
    assert two.locator("textarea[name=description]").is_disabled()
    one.fill("textarea[name=description]", "最后由标签一定稿")
    two.wait_for_function(f"() => ({DESCRIPTION})().value === '最后由标签一定稿'")
    record = idb(one, f"db.getRecord('{finding_id}')")
    assert record["data"]["description"] == "最后由标签一定稿"


def test_sign_out_with_a_visit_not_ended_ends_it_and_sends_it_when_asked(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    visit_id = start_visit(page, server.world_ids["targets"][1])
    answer(page, "A01", "pass")
    page.evaluate("location.hash = '#/me'")
    page.click("#sign-out")
    sheet = page.locator("dialog.open-visits")
    sheet.wait_for()
    text = sheet.inner_text()
    assert "还没有“结束到访并提交”" in text and "不会发送" in text and "住建局" in text
    assert arrived(server, visit_id)["visits"] == 0
    sheet.locator("button:has-text('结束到访并发送')").click()

    confirm = page.locator("dialog.sheet:not(.open-visits)")  # then the ordinary question: nothing is unsent now
    confirm.wait_for()
    assert "尚未送达" not in confirm.inner_text()
    assert arrived(server, visit_id)["visits"] == 1
    assert arrived(server, visit_id)["answers"] == {"A01": "pass"}
    confirm.locator("button.danger").click()
    page.wait_for_selector("form.login")
    assert idb(page, "db.allRecords()") == []


def test_sign_out_can_keep_a_visit_not_ended_on_the_phone_for_the_same_user(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    target = server.world_ids["targets"][0]
    visit_id = start_visit(page, target)
    answer(page, "A03", "na")
    page.evaluate("location.hash = '#/me'")
    page.click("#sign-out")
    page.locator("dialog.open-visits button:has-text('留在本机并退出')").click()
    page.wait_for_selector("form.login")
    assert _last_token(server).revoked_at is not None
    assert idb(page, "db.kvGet('session')") is None
    assert [r["id"] for r in idb(page, "db.allRecords()")] == [visit_id]

    page.fill("input[name=username]", "inspector2")  # someone else may not take over this phone's unsent work
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("form.login .notice.bad")
    assert "inspector1" in page.inner_text("form.login .notice.bad")

    sign_in(page)  # the same inspector signs in again and carries on
    assert "继续到访" in target_row(page, target).inner_text()
    start_visit(page, target)
    assert page.evaluate("location.hash").endswith(visit_id)
    assert page.locator('div.item[data-code="A03"] button.seg-na[aria-pressed=true]').count() == 1


def _box(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box


def test_tap_targets_labels_and_plain_words(crash_server, phone, tmp_path):
    with crash_server.app.app_context():
        db.session.scalar(select(ChecklistItem).where(ChecklistItem.code == "A01")).guidance = "核对签到册与在岗人数"
        db.session.commit()
        db.session.remove()
    crash_server.start()
    photo = tmp_path / "p.jpg"
    make_photo(photo, seed=3)
    context = phone(crash_server)
    page = context.new_page()
    sign_in(page)
    page.wait_for_function("() => document.getElementById('outbox-chip').textContent.includes('已送达')")
    assert _box(page, "#outbox-chip")["height"] >= 44
    me = _box(page, "a.bar-me")
    assert me["height"] >= 44 and me["width"] >= 44

    context.set_offline(True)
    start_visit(page, crash_server.world_ids["targets"][0])
    assert _box(page, 'div.item[data-code="A01"] details.guidance > summary')["height"] >= 44
    answer(page, "A01", "fail")
    page.wait_for_selector("textarea[name=description]")
    fill_finding(page, "签到册上2人由他人代签", persons=[("周某", "科员", "staff")])
    add_photos(page, [photo])
    assert _box(page, "li.thumb input[name=caption]")["height"] >= 44
    assert _box(page, "li.thumb button.danger")["height"] >= 44
    # A draft (visit not ended) is not counted as waiting to be sent: nothing goes before 结束到访.
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("li.target")
    assert "已送达" in page.inner_text("#outbox-chip")
    assert "持久存储" not in page.inner_text("#view")
    page.evaluate("location.hash = '#/me'")
    page.wait_for_selector("#sign-out")
    assert "持久存储" not in page.inner_text("#view")
    page.select_option("select[name=stall_seconds]", "60")  # 上传卡住多久后重试
    poll(page, "async () => ((await (await import('/static/field/db.js')).kvGet('settings')) || {}).stall_seconds === 60")
    page.uncheck("input[name=gps]")  # another setting keeps it
    assert poll(page, "async () => { const s = await (await import('/static/field/db.js')).kvGet('settings');"
                      " return s && s.gps === false && s; }")["stall_seconds"] == 60

    # 重新登录 on the expired-token banner stays one line (it wrapped one character per line).
    page.evaluate("""async () => {
      const s = await import('/static/field/session.js');
      await s.invalidateSession(await s.loadSession());
      location.hash = '#/';
    }""")
    page.reload()
    wait_ready(page)
    link = page.locator("#banners .auth a.button")
    link.wait_for()
    box = link.bounding_box()
    assert box["height"] <= 48 and box["width"] >= 4 * 14


def test_last_sync_shows_the_sync_that_just_finished(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    poll(page, "async () => !!(await (await import('/static/field/db.js')).kvGet('last_sync'))")
    idb(page, "db.kvSet('last_sync', '2026-01-02T00:00:00.000Z')")
    page.evaluate("location.hash = '#/outbox'")
    page.wait_for_selector("#last-sync")
    assert "1月2日 08:00" in page.inner_text("#last-sync")
    page.click("#sync-now")
    page.wait_for_function("() => !document.getElementById('last-sync').textContent.includes('1月2日')")
    kept = page.evaluate("""async () => {
      const db = await import('/static/field/db.js');
      const util = await import('/static/field/util.js');
      return util.when(await db.kvGet('last_sync'));
    }""")
    assert page.inner_text("#last-sync") == f"上次同步：{kept}"
