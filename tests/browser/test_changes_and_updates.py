"""Review outcomes pulled from /api/v1/changes reach the phone; a new app version replaces the old cleanly."""
from __future__ import annotations

import uuid

from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.auth.models import User

from .pages import answer, end_visit, fill_finding, idb, poll, sign_in, start_visit, wait_ready, wait_synced


def _return_for_detail(server, finding_id: str, note: str) -> None:
    """Have the reviewer send a finding back to the team (需补充), as the review desk does."""
    from inspection.review.services import decide

    with server.app.app_context():
        try:
            finding = db.session.get(Finding, uuid.UUID(finding_id))
            reviewer = db.session.scalar(db.select(User).where(User.username == "reviewer"))
            decide(finding, "return", actor=reviewer, note=note)
            db.session.commit()
        finally:
            db.session.remove()


def _status(server, finding_id: str) -> str:
    with server.app.app_context():
        try:
            return db.session.get(Finding, uuid.UUID(finding_id)).status
        finally:
            db.session.remove()


def test_returned_finding_shows_at_the_top_of_home_until_answered(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    start_visit(page, server.world_ids["targets"][0])
    answer(page, "A03", "fail")
    page.wait_for_selector("textarea[name=description]")
    finding_id = fill_finding(page, "请假条缺失", persons=[("周某", "科员", "staff")])
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    wait_synced(page)

    _return_for_detail(server, finding_id, "请补充周某请假的时间和审批人")
    page.reload()  # opening the app pulls the changes
    wait_ready(page)
    returned = page.locator("section.returned")
    returned.wait_for()
    assert "需补充" in returned.inner_text() and "请补充周某请假的时间和审批人" in returned.inner_text()
    assert page.locator("#view > :not(h1.sr-only)").first.evaluate("e => e.classList.contains('returned')")  # at the top

    returned.locator("a").first.click()
    page.wait_for_selector("textarea[name=description]")
    assert "请补充周某请假的时间和审批人" in page.inner_text(".notice")
    page.fill("textarea[name=description]", "请假条缺失；周某称11月19日口头向副局长请假，无书面审批")
    page.locator("input[name=location]").focus()
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const r = await db.getRecord('{finding_id}');
      return r.acked_rev === r.rev && r.result.status === 'updated';
    }}""", timeout=30)
    assert _status(server, finding_id) == "submitted"  # back on the review desk
    page.evaluate("location.hash = '#/'")
    page.click("#outbox-chip")
    page.click("#sync-now")  # pull the server's "edited" change
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const n = (await db.allNotices()).find((x) => x.id === '{finding_id}');
      return n && n.status === 'submitted';
    }}""", timeout=30)
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("h2:has-text('我的任务')")
    assert page.locator("section.returned").count() == 0


def test_new_version_is_offered_and_replaces_the_old_cache(crash_server, phone):
    crash_server.start()
    context = phone(crash_server)
    page = context.new_page()
    sign_in(page)
    old = page.get_attribute("meta[name=app-version]", "content")
    assert page.evaluate("caches.keys()") == [f"field-shell-{old}"]
    start_visit(page, crash_server.world_ids["targets"][0])  # a draft that must survive the update

    crash_server.kill()
    crash_server.start(env={"MAX_PHOTO_BYTES": "800000"})  # a new server setting is a new app version
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    banner = page.locator("#banners .update")
    banner.wait_for()
    assert "新版本已就绪" in banner.inner_text()
    with page.expect_navigation():
        banner.locator("button").click()
    wait_ready(page)
    new = page.get_attribute("meta[name=app-version]", "content")
    assert new != old
    assert page.evaluate("caches.keys()") == [f"field-shell-{new}"]  # the old cache is gone
    assert page.evaluate("JSON.parse(document.getElementById('field-config').textContent).maxPhotoBytes") == 800000
    assert idb(page, "db.allRecords().then(rs => rs.filter(r => r.type === 'visit').length)") == 1
