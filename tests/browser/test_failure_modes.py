"""The failure modes earlier field tools were known for (DESIGN.md §4), each driven in a real browser."""
from __future__ import annotations

import time
import uuid

from sqlalchemy import select

from inspection.auth.models import ApiToken
from inspection.extensions import db
from inspection.visits.models import Visit

from ..factories import PASSWORD
from .live import MAX_PHOTO_BYTES
from .pages import (add_photos, answer, end_visit, fill_finding, idb, make_photo, outbox_counts, poll, sign_in,
                    start_visit, target_row, wait_ready, wait_synced)
from .serverdb import arrived, batch_count, photo_count


def _wait(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _record_visit(page, target: int, files, *, description: str = "工作时间2人不在岗，无请假手续") -> tuple[str, str]:
    """Record a visit with one failed item, its finding and photos; end it; return (visit id, finding id)."""
    visit_id = start_visit(page, target)
    answer(page, "A02", "fail")
    page.wait_for_selector("textarea[name=description]")
    finding_id = fill_finding(page, description, persons=[("赵某", "科员", "staff")])
    if files:
        add_photos(page, files, via="gallery")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    return visit_id, finding_id


def test_server_killed_mid_sync_then_restarted_loses_and_doubles_nothing(crash_server, phone, tmp_path):
    files = [tmp_path / f"p{i}.jpg" for i in range(3)]
    shas = [make_photo(path, seed=10 + i) for i, path in enumerate(files)]
    # Each sync answer is held 4 s after the batch was applied, each photo upload waits 2 s: time to pull the plug.
    crash_server.start(delays="sync_after=4,photo_before=2")
    context = phone(crash_server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    visit_id, finding_id = _record_visit(page, crash_server.world_ids["targets"][0], files)
    context.set_offline(False)

    # 1. The server applied the batch but dies before the phone hears the answer.
    _wait(lambda: batch_count(crash_server, "applied") == 1, what="the batch to be applied")
    crash_server.kill()
    assert outbox_counts(page)["records"] == 2  # not marked sent: no answer arrived
    crash_server.start(delays="photo_before=2")
    # 2. The phone resends the same batch (same answers), then photos; the server dies after the first photo.
    _wait(lambda: photo_count(crash_server, shas) >= 1, timeout=60, what="the first photo")
    # Stored is not yet answered: kill only once the phone has its 201 (the next upload waits 2 s first).
    poll(page, "async () => (await (await import('/static/field/db.js')).allPhotos()).some(p => p.uploaded)",
         timeout=10, interval=0.05)
    crash_server.kill()
    # The record says how many of its photos the server has confirmed so far.
    poll(page, "async () => (await (await import('/static/field/db.js')).allPhotos()).filter(p => p.uploaded).length === 1",
         timeout=10)
    page.evaluate(f"location.hash = '#/v/{visit_id}'")
    page.wait_for_selector("a.finding-row")
    assert "照片 已收到 1/3" in page.inner_text(f'a.finding-row[data-finding="{finding_id}"]')
    crash_server.start()
    # 3. Back for good: everything arrives, once.
    wait_synced(page, timeout=90)
    state = arrived(crash_server, visit_id)
    assert state["visits"] == 1
    assert state["finding_ids"] == [finding_id]
    assert state["photo_refs_by_finding"] == {finding_id: sorted(shas)}
    assert state["on_disk"] == {sha: sha for sha in shas}
    assert state["batches"] == 1  # the retry resent the very same batch, it did not make a second one


def test_conflicting_edit_shows_on_the_record(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    visit_id, finding_id = _record_visit(page, server.world_ids["targets"][1], [], description="原始描述：科员甲不在岗")
    wait_synced(page)

    # Another phone of the team rewrites the description on the server (version 1 -> 2).
    client = server.app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "inspector1", "password": PASSWORD,
                                                     "device_name": "另一部手机"}).get_json()["token"]
    record = page.evaluate("""async (id) => {
      const db = await import('/static/field/db.js');
      const model = await import('/static/field/model.js');
      return model.payload(await db.getRecord(id));
    }""", finding_id)
    record["data"]["description"] = "另一部手机改写：科员甲外出办事未登记"
    answer_ = client.post("/api/v1/sync", headers={"Authorization": f"Bearer {token}"}, json={
        "device_id": "other-phone", "batch_id": str(uuid.uuid4()), "records": [record]}).get_json()
    assert answer_["results"][0]["status"] == "updated"

    # This phone, still at version 1, edits the same field.
    page.evaluate(f"location.hash = '#/f/{finding_id}'")
    page.wait_for_selector("textarea[name=description]")
    page.fill("textarea[name=description]", "本机补充：科员甲9:40返回，称去了档案室")
    page.locator("input[name=location]").focus()
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const r = await db.getRecord('{finding_id}');
      return r.result && r.result.status === 'conflict';
    }}""", timeout=30)
    notice = page.locator(".notice.bad")
    notice.wait_for()
    text = notice.inner_text()
    assert "冲突" in text
    assert "情况描述" in text and "另一部手机改写" in text and "本机补充" in text
    assert "冲突" in page.locator(".screen-head .badge").first.inner_text()
    state = arrived(server, visit_id)["findings"][finding_id]
    assert state["in_conflict"] is True
    assert state["description"] == "另一部手机改写：科员甲外出办事未登记"  # the server's value stays
    assert state["conflicts"]["description"]["phone"] == "本机补充：科员甲9:40返回，称去了档案室"


def test_too_large_photo_is_caught_before_queueing_and_downscaled(server, phone, tmp_path):
    big = tmp_path / "big.jpg"
    make_photo(big, width=2400, height=1800, noise=True, quality=92)
    assert big.stat().st_size > MAX_PHOTO_BYTES
    context = phone(server)
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r.status) if "/api/v1/photos/" in r.url else None)
    sign_in(page)
    context.set_offline(True)
    visit_id = start_visit(page, server.world_ids["targets"][0])
    page.click("button:has-text('记录清单外问题')")
    page.select_option("select[name=category]", "公务用车")
    finding_id = fill_finding(page, "公车停放在私人住宅小区", persons=[("钱某", "驾驶员", "other")])

    page.set_input_files("input[name=gallery]", str(big))
    offer = page.locator("dialog.photo-offer")
    offer.wait_for()
    assert "超过服务器上限" in offer.inner_text() and "缩小" in offer.inner_text()
    assert idb(page, "db.allPhotos().then(p => p.length)") == 0  # nothing queued yet
    offer.locator("button:has-text('取消')").click()
    assert idb(page, "db.allPhotos().then(p => p.length)") == 0
    assert page.locator("li.thumb").count() == 0

    page.set_input_files("input[name=gallery]", str(big))
    page.locator("dialog.photo-offer button:has-text('缩小后保存')").click()
    page.wait_for_selector("li.thumb img")
    stored = page.evaluate("""async () => {
      const db = await import('/static/field/db.js');
      const photos = await import('/static/field/photos.js');
      const [p] = await db.allPhotos();
      return { sha: p.sha256, size: p.blob.size, type: p.blob.type, hash: await photos.sha256(await p.blob.arrayBuffer()) };
    }""")
    assert stored["size"] <= MAX_PHOTO_BYTES and stored["type"] == "image/jpeg"
    assert stored["hash"] == stored["sha"]
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    context.set_offline(False)
    wait_synced(page)
    state = arrived(server, visit_id)
    assert state["photo_refs_by_finding"] == {finding_id: [stored["sha"]]}
    assert state["photos"] == {stored["sha"]: stored["size"]}
    assert 413 not in responses and set(responses) <= {200, 201}


def _visit_ids_at(server, target: int) -> set[str]:
    with server.app.app_context():
        try:
            return {str(v) for v in db.session.scalars(select(Visit.id).where(Visit.target_id == target))}
        finally:
            db.session.remove()


def test_one_draft_open_in_two_tabs_stays_one_record(server, phone):
    target = server.world_ids["targets"][1]
    before = _visit_ids_at(server, target)
    context = phone(server)
    one = context.new_page()
    sign_in(one)
    two = context.new_page()
    two.goto("/field/")
    wait_ready(two)
    two.wait_for_selector("li.target")
    context.set_offline(True)

    # Both tabs press "start" at the same target; the second one lands in the draft the first made.
    start_one = target_row(one, target).locator("button").first
    start_two = target_row(two, target).locator("button, a.button").first
    start_one.click()
    start_two.click()
    one.wait_for_selector("section.checklist")
    two.wait_for_selector("section.checklist")
    visit_id = one.evaluate("location.hash").split("/")[-1]
    assert two.evaluate("location.hash").split("/")[-1] == visit_id

    answer(one, "A02", "fail")
    one.wait_for_selector("textarea[name=description]")
    finding_id = one.evaluate("location.hash").split("/")[-1]
    two.locator('div.item[data-code="A02"] a.item-finding').click()  # tab two opens the same draft
    two.wait_for_selector("textarea[name=description]")
    assert two.evaluate("location.hash").split("/")[-1] == finding_id

    two.wait_for_selector("#edit-here")  # tab one edits the draft; tab two only looks, and follows
    one.fill("textarea[name=description]", "两个标签页编辑同一条问题：描述来自标签一")
    two.wait_for_function("() => document.querySelector('textarea[name=description]').value.includes('标签一')")
    one.evaluate("location.hash = '#/'")  # tab one leaves: tab two takes over the editing
    two.wait_for_function("() => !document.querySelector('textarea[name=description]').disabled")
    two.click("fieldset.persons > button")
    two.locator('div.person[data-index="0"] input[name=person_name]').fill("孙某")
    two.locator("button.seg-sev-serious").click()
    two.click("a.button:has-text('完成')")
    two.wait_for_selector("section.checklist")
    end_visit(two)

    records = idb(one, "db.allRecords().then(rs => rs.map(r => [r.type, r.id]))")
    assert sorted(records) == sorted([["visit", visit_id], ["finding", finding_id]])
    context.set_offline(False)
    wait_synced(one)
    assert _visit_ids_at(server, target) - before == {visit_id}
    finding = arrived(server, visit_id)["findings"]
    assert list(finding) == [finding_id]
    assert finding[finding_id]["description"] == "两个标签页编辑同一条问题：描述来自标签一"
    assert finding[finding_id]["persons"] == [("孙某", "", "staff")]
    assert finding[finding_id]["severity"] == "serious"


def test_sign_out_lists_unsent_work_and_wipes_only_when_told(server, phone, tmp_path):
    photo = tmp_path / "p.jpg"
    make_photo(photo, seed=42)
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    _record_visit(page, server.world_ids["targets"][0], [photo])
    page.evaluate("location.hash = '#/me'")
    page.click("#sign-out")
    sheet = page.locator("dialog.sign-out")
    sheet.wait_for()
    text = sheet.inner_text()
    assert "尚未送达服务器" in text
    assert "到访 · 教体局" in text and "问题 · 教体局" in text and "照片 1 张" in text
    assert sheet.locator("button.danger").is_disabled()  # not without ticking "I know this is lost"
    sheet.locator("button:has-text('取消')").click()
    assert outbox_counts(page) == {**outbox_counts(page), "records": 2, "photos": 1}

    page.click("#sign-out")
    sheet = page.locator("dialog.sign-out")
    sheet.locator("input[name=ack]").check()
    sheet.locator("button.danger").click()
    page.wait_for_selector("form.login")
    assert idb(page, "Promise.all([db.allRecords(), db.allPhotos(), db.kvGet('session')])") == [[], [], None]


def test_sign_out_with_nothing_unsent_revokes_the_device_token(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    page.evaluate("location.hash = '#/me'")
    page.click("#sign-out")
    sheet = page.locator("dialog.sheet")
    assert "尚未送达" not in sheet.inner_text()
    sheet.locator("button.danger").click()
    page.wait_for_selector("form.login")
    with server.app.app_context():
        try:
            token = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()).limit(1))
            assert token.device_name == "我的手机" and token.revoked_at is not None
        finally:
            db.session.remove()


def test_storage_full_refuses_the_photo_aloud_and_keeps_earlier_work(server, phone, tmp_path):
    small, large = tmp_path / "small.jpg", tmp_path / "large.jpg"
    make_photo(small, seed=7)
    make_photo(large, width=1400, height=1000, noise=True, quality=60)
    assert large.stat().st_size < MAX_PHOTO_BYTES
    context = phone(server)
    page = context.new_page()
    # A phone nearly full: 900 KB for this site (Chromium reserves quota ahead, so squeeze it from the start).
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url, "quotaSize": 900_000})
    sign_in(page)
    context.set_offline(True)
    start_visit(page, server.world_ids["targets"][0])
    answer(page, "A01", "fail")
    page.wait_for_selector("textarea[name=description]")
    fill_finding(page, "签到册缺页", persons=[("郑某", "科员", "staff")])
    add_photos(page, [small])
    before = outbox_counts(page)

    page.set_input_files("input[name=gallery]", str(large))
    toast = page.locator(".toast.bad")
    toast.wait_for()
    assert "存储空间不足" in toast.inner_text() and "没有保存" in toast.inner_text()
    assert page.locator("li.thumb").count() == 1
    assert outbox_counts(page) == before  # the records and the first photo are all still there
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url})


def test_forbidden_answer_is_shown_on_the_record_and_kept_as_unsent(crash_server, phone):
    from inspection.campaigns.models import Campaign

    crash_server.start()
    context = phone(crash_server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    visit_id, finding_id = _record_visit(page, crash_server.world_ids["targets"][0], [])
    with crash_server.app.app_context():  # the campaign is closed while the phone is offline
        db.session.get(Campaign, crash_server.world_ids["campaign"]).status = "closed"
        db.session.commit()
        db.session.remove()
    context.set_offline(False)
    poll(page, f"""async () => {{
      const r = await (await import('/static/field/db.js')).getRecord('{visit_id}');
      return r.result && r.result.status === 'forbidden';
    }}""", timeout=30)
    page.evaluate(f"location.hash = '#/v/{visit_id}'")
    notice = page.locator(".notice.bad")
    notice.wait_for()
    assert "无权提交" in notice.inner_text()
    assert len(notice.locator(".server-line").all_inner_texts()) >= 1  # the server's own words
    assert outbox_counts(page)["records"] == 2  # still unsent: sign-out will list it
    page.evaluate("location.hash = '#/outbox'")
    page.wait_for_selector(f'li.outbox-row[data-record="{visit_id}"][data-state="forbidden"]')
    assert arrived(crash_server, visit_id)["visits"] == 0
    assert batch_count(crash_server) == 1  # the raw batch is kept on the server all the same
