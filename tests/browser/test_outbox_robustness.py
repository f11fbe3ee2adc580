"""One bad record must not sink the phone's outbox (issue 10): a record the server refuses is shown, kept and
sent again once corrected; a batch the server keeps failing on is split so the other records, the photos
and the change pulls go on, and the record it fails on alone is set aside as needing attention."""
from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe

from .pages import (add_photos, answer, end_visit, fill_finding, idb, make_photo, poll, sign_in, start_visit,
                    wait_synced)
from .serverdb import arrived, batch_count, photo_count

SUMMARY = """async () => {
  const db = await import('/static/field/db.js');
  const model = await import('/static/field/model.js');
  const s = model.outboxSummary(await db.allRecords(), await db.allPhotos());
  return { records: s.records.map((r) => r.id), photos: s.photos.length };
}"""


def _state(page, record_id: str) -> str:
    """The record's state as the app computes it (draft, pending, invalid, attention …)."""
    return page.evaluate("""async (id) => {
      const db = await import('/static/field/db.js');
      const state = await import('/static/field/state.js');
      return state.stateOf(await db.getRecord(id));
    }""", record_id)


def _two_findings(page, target: int, *, photo=None, bad_time: str | None = None) -> tuple[str, str, str]:
    """Record a visit with a good finding (A02, optionally a photo) and a second one; end it; return the ids."""
    visit_id = start_visit(page, target)
    answer(page, "A02", "fail")
    page.wait_for_selector("textarea[name=description]")
    good = fill_finding(page, "9:40 办公室2人不在岗，无请假手续", persons=[("周某", "科员", "staff")])
    if photo:
        add_photos(page, [photo], via="gallery")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    page.click("button:has-text('记录清单外问题')")
    page.select_option("select[name=category]", "公务用车")
    other = fill_finding(page, "公车停放在私人住宅小区", persons=[("钱某", "驾驶员", "other")])
    if bad_time:
        page.fill("input[name=occurred_at]", bad_time)
        page.locator("input[name=location]").focus()
        poll(page, f"""async () => (await (await import('/static/field/db.js')).getRecord('{other}'))
          .data.occurred_at.startsWith('{bad_time[:4]}')""", timeout=10)
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    return visit_id, good, other


def _messages(errors) -> list[str]:
    """Every message text in a per-record `errors` answer (nested by field, strings or {code, message})."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict) and isinstance(errors.get("code"), str):
        return [errors["message"]] if errors.get("message") else []
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return []


def test_invalid_record_is_shown_kept_corrected_and_sent_again(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    # A slip of the thumb on the year: the server refuses a time outside its window, for that record only.
    visit_id, good, bad = _two_findings(page, server.world_ids["targets"][0], bad_time="1999-11-20T09:30")
    context.set_offline(False)

    poll(page, f"async () => JSON.stringify(await ({SUMMARY})()) === JSON.stringify({{records: ['{bad}'], photos: 0}})",
         timeout=60)
    assert _state(page, bad) == "invalid"
    state = arrived(server, visit_id)
    assert state["visits"] == 1 and state["finding_ids"] == [good]  # the good ones were not held back
    result = idb(page, f"db.getRecord('{bad}').then(r => r.result)")
    messages = _messages(result["errors"])
    assert messages, result  # the server said what is wrong, in its own words

    # Home lists it first; the outbox keeps it; its screen shows the server's message at the field.
    page.evaluate("location.hash = '#/'")
    row = page.locator(f'section.needs-action li[data-record="{bad}"]')
    row.wait_for()
    assert "数据有误" in row.inner_text()
    page.evaluate("location.hash = '#/outbox'")
    page.wait_for_selector(f'li.outbox-row[data-record="{bad}"][data-state="invalid"]')
    page.evaluate("location.hash = '#/'")
    row.locator("a").click()
    page.wait_for_selector("textarea[name=description]")
    notice = page.locator(".notice.bad")
    notice.wait_for()
    text = notice.inner_text()
    assert "数据有误" in text and "发生时间" in text
    assert all(m in text for m in messages)

    # Corrected, it goes again under its own id, and nothing is doubled.
    page.fill("input[name=occurred_at]", "2026-11-20T09:30")
    page.locator("input[name=location]").focus()
    wait_synced(page)
    state = arrived(server, visit_id)
    assert state["finding_ids"] == sorted([good, bad])
    assert state["findings"][bad]["description"] == "公车停放在私人住宅小区"
    assert _state(page, bad) in {"created", "updated"}


def test_visit_refused_for_its_start_time_can_have_the_time_corrected(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    visit_id = start_visit(page, server.world_ids["targets"][0])
    # A phone whose clock was reset stamped the start in 1999.
    page.evaluate("""async (id) => (await import('/static/field/model.js'))
      .patch(id, 'data.started_at', '1999-01-01T01:30:00.000Z')""", visit_id)
    answer(page, "A01", "pass")
    end_visit(page)
    context.set_offline(False)
    poll(page, f"async () => (await (await import('/static/field/db.js')).getRecord('{visit_id}')).result?.status === 'invalid'",
         timeout=60)
    assert arrived(server, visit_id)["visits"] == 0
    page.evaluate(f"location.hash = '#/v/{visit_id}'")
    field = page.locator("section.times input[name=started_at]")
    field.wait_for()
    assert field.input_value() == "1999-01-01T09:30"  # shown in China Standard Time, ready to correct
    assert "开始时间" in page.locator(".notice.bad").inner_text()
    field.fill("2026-11-20T09:30")
    page.locator("section.times h2").click()
    wait_synced(page)
    assert arrived(server, visit_id)["visits"] == 1
    assert _state(page, visit_id) in {"created", "updated"}


def test_batch_failing_on_one_record_is_split_and_that_record_set_aside(crash_server, phone, tmp_path):
    poison = tmp_path / "poison-ids"
    crash_server.start(env={"FIELD_TEST_POISON_FILE": str(poison)})
    photo = tmp_path / "good.jpg"
    sha = make_photo(photo, seed=31)
    context = phone(crash_server)
    page = context.new_page()
    calls: list[tuple[str, int, int]] = []

    def seen(response):
        if response.url.endswith("/api/v1/sync"):
            calls.append(("sync", response.status, len(response.request.post_data_json["records"])))
        elif "/api/v1/changes" in response.url:
            calls.append(("changes", response.status, 0))

    page.on("response", seen)
    sign_in(page)
    context.set_offline(True)
    visit_id, good, bad = _two_findings(page, crash_server.world_ids["targets"][0], photo=photo)
    poison.write_text(bad + "\n")  # the server now fails (500) on any batch holding this finding
    context.set_offline(False)

    poll(page, f"async () => JSON.stringify(await ({SUMMARY})()) === JSON.stringify({{records: ['{bad}'], photos: 0}})",
         timeout=90)
    poll(page, f"async () => (await (await import('/static/field/db.js')).getRecord('{bad}')).attention != null",
         timeout=30)
    assert _state(page, bad) == "attention"
    hits = [json.loads(line) for line in (tmp_path / "poison-ids.hits").read_text().splitlines()]
    first = hits[0]
    assert len(first["ids"]) == 3
    assert hits[:3] == [first] * 3  # the kept batch was resent unchanged, three times
    assert hits[3]["ids"] == [bad] and hits[3]["batch_id"] != first["batch_id"]  # then alone, in a new batch
    state = arrived(crash_server, visit_id)
    assert state["visits"] == 1 and state["finding_ids"] == [good]
    assert state["on_disk"] == {sha: sha} and photo_count(crash_server, [sha]) == 1  # photos flowed
    assert batch_count(crash_server) == 2  # the visit and the good finding, one per batch
    first_failure = calls.index(("sync", 500, 3))
    second_try = calls.index(("sync", 500, 3), first_failure + 1)
    assert ("changes", 200, 0) in calls[first_failure:second_try]  # the change pull was not held back

    # Shown, kept: home, the outbox and the record's screen say so, with the server's words.
    page.evaluate("location.hash = '#/'")
    page.locator(f'section.needs-action li[data-record="{bad}"]').wait_for()
    page.evaluate("location.hash = '#/outbox'")
    row = page.locator(f'li.outbox-row[data-record="{bad}"][data-state="attention"]')
    row.wait_for()
    assert "需要处理" in row.inner_text()
    assert "服务器多次未能处理" in row.inner_text() and "服务器内部错误" in row.inner_text()

    # Once the server is fixed, 重新发送 sends it now (it would be retried later by itself, with backoff).
    poison.write_text("")
    page.click("#retry-refused")
    wait_synced(page)
    assert arrived(crash_server, visit_id)["finding_ids"] == sorted([good, bad])
    assert len((tmp_path / "poison-ids.hits").read_text().splitlines()) == len(hits)


def test_error_codes_without_a_message_get_a_chinese_text(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    lines = page.evaluate("""async () => {
      const ui = await import('/static/field/ui.js');
      return [
        ui.errorLines({ occurred_at: [{ code: 'date_out_of_range' }] }),
        ui.errorLines({ description: [{ code: 'control_character', message: '第3个字符是不可见的控制字符' }] }),
        ui.errorLines({}, { persons: { 0: { name: 'control_character' } } }),
        ui.errorLines({ _record: ['服务器处理这条记录时出错'] }),
      ];
    }""")
    assert lines == [["发生时间：日期超出允许范围，请检查年份"], ["情况描述：第3个字符是不可见的控制字符"],
                     ["涉及人员 · 第1项 · 姓名：含有不可见的控制字符，请删除后重新输入"], ["服务器处理这条记录时出错"]]


def test_field_home_has_an_h1_and_the_outbox_chip_is_named_by_its_text(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    _two_findings(page, server.world_ids["targets"][1])  # something waits: the chip shows counts
    page.wait_for_function("() => /待发/.test(document.getElementById('outbox-chip').textContent)")
    results = Axe().run(page, options={"runOnly": {"type": "rule",
                                                   "values": ["label-content-name-mismatch", "page-has-heading-one"]}})
    assert [v["id"] for v in results.response["violations"]] == []
    assert {r["id"] for r in results.response["passes"]} >= {"label-content-name-mismatch", "page-has-heading-one"}
