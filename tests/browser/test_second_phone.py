"""A second phone answering a 需补充: phone A records and sends a finding with a photo, the reviewer returns
it with a question, and a teammate's freshly signed-in phone (which never held the record) sees the
question, the finding read-only with its thumbnail and the team's records, and sends a 补充说明; the server
keeps the reply apart from the unchanged description, and the review desk shows it."""
from __future__ import annotations

import uuid

from inspection.auth.models import User
from inspection.campaigns.models import Team
from inspection.extensions import db
from inspection.findings.models import Finding

from .pages import (add_photos, answer, desk_page, end_visit, fill_finding, idb, make_photo, poll, sign_in,
                    start_visit, wait_ready, wait_synced)
from .test_a11y import serious_violations

DESCRIPTION = "请假条缺失，周某不在岗"
QUESTION = "请补充周某离岗的时间，是否有请假审批"
REPLY = "经核实，周某9:20离岗，无请假审批，已拍照"


def _user(username: str) -> User:
    """A user of the seeded world, by name."""
    return db.session.scalar(db.select(User).where(User.username == username))


def _join_team_a(live, username: str) -> None:
    """Make a user a member of team A (the team of inspector1 and targets 0 and 1)."""
    with live.app.app_context():
        try:
            team = db.session.scalar(db.select(Team).where(Team.name == "第一暗访组"))
            team.members.append(_user(username))
            db.session.commit()
        finally:
            db.session.remove()


def _return(live, finding_id: str) -> None:
    """The reviewer returns the finding with a question (需补充), as the review desk does."""
    from inspection.review.services import decide

    with live.app.app_context():
        try:
            decide(db.session.get(Finding, uuid.UUID(finding_id)), "return", actor=_user("reviewer"), note=QUESTION)
            db.session.commit()
        finally:
            db.session.remove()


def _finding(live, finding_id: str) -> dict:
    """The finding as the server holds it."""
    with live.app.app_context():
        try:
            f = db.session.get(Finding, uuid.UUID(finding_id))
            return {"status": f.status, "description": f.description, "reply": f.reply,
                    "reply_by": f.reply_by.username if f.reply_by else None, "review_note": f.review_note}
        finally:
            db.session.remove()


def _recorded(page, live, description: str, photo=None) -> str:
    """Record a visit with one finding (and a photo) on a phone, send it all; return the finding id."""
    start_visit(page, live.world_ids["targets"][0])
    answer(page, "A03", "fail")
    page.wait_for_selector("textarea[name=description]")
    finding_id = fill_finding(page, description, persons=[("周某", "科员", "staff")])
    if photo is not None:
        add_photos(page, [photo])
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    wait_synced(page)
    return finding_id


def _answered(page, finding_id: str, *, reply_only: bool) -> None:
    """Wait until the phone's reply has been answered by the server (updated)."""
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const r = await db.getRecord('{finding_id}');
      return r && !!r.reply_only === {str(reply_only).lower()} && r.acked_rev === r.rev && r.result
        && r.result.status === 'updated';
    }}""", timeout=30)


def test_a_teammates_fresh_phone_answers_a_returned_finding(crash_server, phone, browser, tmp_path):
    crash_server.start()
    _join_team_a(crash_server, "inspector3")
    photo = tmp_path / "leave.jpg"
    sha = make_photo(photo, seed=3)

    a = phone(crash_server).new_page()
    sign_in(a, "inspector1")
    finding_id = _recorded(a, crash_server, DESCRIPTION, photo)
    _return(crash_server, finding_id)

    b = phone(crash_server).new_page()  # another phone: nothing of the record on it
    sign_in(b, "inspector3")
    assert idb(b, f"db.getRecord('{finding_id}')") is None
    link = b.locator("a#returned-link")
    link.wait_for()
    assert "null" not in b.inner_text("#view")  # no empty block printed as text
    assert "需补充" in link.inner_text() and "1" in link.inner_text()
    link.click()
    row = b.locator(f'section.returned li[data-finding="{finding_id}"]')
    row.wait_for()
    assert QUESTION in row.inner_text()
    team = b.locator("section.team-records li.team-record")
    assert team.count() == 2  # the visit and the finding phone A sent, read-only
    assert [row.get_attribute("data-type") for row in team.all()] == ["finding", "visit"]  # newest first
    assert "需补充" in b.locator(f'li.team-record[data-record="{finding_id}"]').inner_text()
    assert serious_violations(b) == ""

    row.locator("a").click()
    b.wait_for_selector("textarea[name=reply]")
    assert QUESTION in b.inner_text(".notice.bad")
    data = b.inner_text("dl.finding-data")
    assert DESCRIPTION in data and "周某" in data
    assert b.locator("textarea[name=description], input[name=location]").count() == 0  # the finding is read-only
    b.wait_for_function(f"""() => {{
      const img = document.querySelector('li.thumb[data-sha256="{sha}"] img');
      return img && img.complete && img.naturalWidth > 0;
    }}""")  # its thumbnail, fetched from the server with the device token
    assert serious_violations(b) == ""

    b.fill("textarea[name=reply]", REPLY)
    b.click("#send-reply")
    _answered(b, finding_id, reply_only=True)
    b.evaluate("location.hash = '#/r'")
    # 已回复 on its row, or, once the phone has refreshed its assignments (the answer moved the finding back to
    # 待审核), no longer listed as returned and shown as 待审核 among the team's records.
    b.wait_for_function(f"""() => {{
      const row = document.querySelector('section.returned li[data-finding="{finding_id}"]');
      const team = document.querySelector('li.team-record[data-record="{finding_id}"]');
      return row ? !!row.querySelector('.badge.ok') : !!(team && team.textContent.includes('待审核'));
    }}""")
    b.evaluate("location.hash = '#/'")
    b.wait_for_selector("h2:has-text('我的任务')")
    assert b.locator("#returned-link").count() == 0  # answered: home no longer asks

    server = _finding(crash_server, finding_id)
    assert server == {"status": "submitted", "description": DESCRIPTION, "reply": REPLY, "reply_by": "inspector3",
                      "review_note": QUESTION}

    desk = desk_page(browser, crash_server, "reviewer")
    desk.goto(f"/review/findings/{finding_id}")
    shown = desk.inner_text("#reply")
    assert "补充说明" in shown and REPLY in shown and QUESTION in shown
    desk.context.close()


def test_the_phone_that_holds_the_finding_answers_with_a_reply_too(server, phone):
    page = phone(server).new_page()
    sign_in(page, "inspector1")
    finding_id = _recorded(page, server, "签到册有代签")
    _return(server, finding_id)
    page.reload()  # opening the app pulls the review outcome
    wait_ready(page)
    page.locator(f"section.returned a[href='#/f/{finding_id}']").click()
    page.click("#reply-link")  # from the finding's 需补充 notice
    page.fill("textarea[name=reply]", REPLY)
    assert QUESTION in page.inner_text(".notice.bad") and "签到册有代签" in page.inner_text("dl.finding-data")
    page.click("#send-reply")
    _answered(page, finding_id, reply_only=False)
    assert _finding(server, finding_id) == {"status": "submitted", "description": "签到册有代签", "reply": REPLY,
                                            "reply_by": "inspector1", "review_note": QUESTION}
