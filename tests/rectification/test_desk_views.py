"""The commission's 整改 desk over HTTP: filters, bulk 销号 with a refused item, the race message, 延期审批,
the per-unit overview, the 督办通知 PDF, reports, reminders, and who may see and act."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from inspection.core.dates import date_cn, today_cst
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.rectification import desk_queries, services
from inspection.rectification.deadlines import ColourRule
from inspection.rectification.models import ExtensionRequest, RectificationItem, RectificationReport
from inspection.rectification.queries import ItemFilter, ordered
from inspection.rectification.reminders import remind
from inspection.stats.shares import format_tenths, share_tenths

from ..circulars.helpers import pdf_text
from .helpers import issue_sample, items_of, report_of

FILLED = {"measures": "修订考勤制度，每日通报", "leader": "张局长", "responsible": "办公室李某", "progress": "已完成整改"}


@pytest.fixture
def issued(app, world):
    return issue_sample(app, world)


def _submit(item, liaison, sha="a"):
    """Fill an item, attach one evidence and submit it as the unit would."""
    services.save_item(item, FILLED, actor=liaison)
    services.add_evidence(item, kind="photo", sha256=sha * 64, filename="签到册.jpg", size=10, actor=liaison)
    services.submit_item(item, actor=liaison)


def _rows(html: str) -> list[int]:
    """The item ids listed on a desk page, in order."""
    return [int(x) for x in re.findall(r'data-item="(\d+)"', html)]


def _status(item_id: int) -> str:
    db.session.expire_all()
    return db.session.get(RectificationItem, item_id).status


def test_desk_lists_every_item_across_units_and_filters(client, auth, world, issued):
    items = items_of(issued)
    first, second = items_of(issued, world.units[0]), items_of(issued, world.units[1])
    assert first and second
    _submit(first[0], world.users["liaison1"])
    second[0].due_date = today_cst() - timedelta(days=2)  # overdue: red
    db.session.commit()
    auth.login("reviewer")
    html = client.get("/rectification/").get_data(as_text=True)
    assert sorted(_rows(html)) == sorted(i.id for i in items)
    assert _rows(html)[:len(first)] == [i.id for i in first]  # unit 0 first: official order
    assert "红色（逾期）" in html and f"共 <b>{len(items)}</b> 个事项" in html
    by_unit = client.get(f"/rectification/?unit={world.units[1].id}").get_data(as_text=True)
    assert _rows(by_unit) == [i.id for i in second]
    by_status = client.get("/rectification/?status=submitted").get_data(as_text=True)
    assert _rows(by_status) == [first[0].id]
    red = client.get("/rectification/?colour=red").get_data(as_text=True)
    assert _rows(red) == [second[0].id]
    assert _rows(client.get("/rectification/?overdue=1").get_data(as_text=True)) == [second[0].id]
    category = first[0].category
    by_category = client.get(f"/rectification/?category={category}").get_data(as_text=True)
    assert set(_rows(by_category)) == {i.id for i in items if i.category == category}
    first[-1].flag = "paper"  # 回头看 found it rectified on paper only
    db.session.commit()
    assert _rows(client.get("/rectification/?flag=paper").get_data(as_text=True)) == [first[-1].id]
    by_circular = client.get(f"/rectification/?circular={issued.id + 999}").get_data(as_text=True)
    assert _rows(by_circular) == []


def test_desk_filters_mean_what_the_item_filter_means(world, issued):
    first, second = items_of(issued, world.units[0]), items_of(issued, world.units[1])
    _submit(first[0], world.users["liaison1"])
    second[0].due_date = today_cst() - timedelta(days=2)
    first[-1].flag = "paper"
    db.session.commit()
    rule = ColourRule(today=today_cst())
    filters = [ItemFilter(), ItemFilter(unit_id=world.units[1].id), ItemFilter(status="submitted"),
               ItemFilter(colour="red"), ItemFilter(colour="none", unit_id=world.units[0].id),
               ItemFilter(overdue=True), ItemFilter(category=first[0].category, circular_id=issued.id),
               ItemFilter(flag="paper"), ItemFilter(circular_id=issued.id + 1)]
    for flt in filters:
        expected = db.session.scalars(ordered(flt.apply(select(RectificationItem.id), rule))).all()
        assert [row.id for row in desk_queries.desk_rows(flt, rule, 1)] == expected, flt
        counts = desk_queries.desk_counts(flt, rule)
        assert counts.total == len(expected) and counts.overdue == len(
            db.session.scalars(ItemFilter(**{**vars(flt), "overdue": True}).apply(select(RectificationItem.id),
                                                                                   rule)).all())


def test_desk_page_queries_do_not_grow_with_the_rows(client, auth, world, issued):
    auth.login("reviewer")
    few = f"/rectification/?unit={world.units[1].id}"
    assert 0 < len(_rows(client.get(few).get_data(as_text=True))) < len(items_of(issued))
    counts = []
    for path in (few, "/rectification/"):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_bulk_accept_asks_with_the_count_then_closes_and_names_the_refused(client, auth, world, issued):
    first = items_of(issued, world.units[0])
    other = items_of(issued, world.units[1])
    _submit(first[0], world.users["liaison1"])
    _submit(other[0], world.users["liaison2"], sha="b")
    db.session.commit()
    pending = first[1] if len(first) > 1 else other[1]
    ids = [first[0].id, other[0].id, pending.id]
    auth.login("reviewer")
    form = {"action": "accept", "text": "整改到位", "ids": [str(i) for i in ids]}
    asked = client.post("/rectification/bulk", data=form)
    assert asked.status_code == 200
    assert "确认将3个事项销号？" in asked.get_data(as_text=True)
    assert _status(first[0].id) == "submitted"  # nothing done before the confirmation
    done = client.post("/rectification/bulk", data={**form, "confirmed": "1"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "已将2个事项销号" in html
    label = f"{pending.unit.short_name} {issued.doc_number} 第{pending.position}项"
    assert f"1个事项未销号：{label}（该事项尚未报送（待整改），不能销号）" in html
    assert [_status(i) for i in ids] == ["closed", "closed", "pending"]


def test_bulk_without_a_reason_or_a_tick_changes_nothing(client, auth, world, issued):
    item = items_of(issued, world.units[0])[0]
    _submit(item, world.users["liaison1"])
    db.session.commit()
    auth.login("reviewer")
    empty = client.post("/rectification/bulk", data={"action": "return", "text": "", "ids": [str(item.id)],
                                                    "confirmed": "1"}, follow_redirects=True)
    assert "批量退回须填写退回理由" in empty.get_data(as_text=True)
    none = client.post("/rectification/bulk", data={"action": "return", "text": "补充材料"}, follow_redirects=True)
    assert "请先勾选要退回的事项" in none.get_data(as_text=True)
    assert _status(item.id) == "submitted"


def test_bulk_refuses_an_item_changed_after_the_desk_was_shown(client, auth, world, issued):
    item = items_of(issued, world.units[0])[0]
    _submit(item, world.users["liaison1"])
    db.session.commit()
    seen = item.version
    services.return_item(item, "照片看不清", actor=world.users["admin"])  # another reviewer, meanwhile
    services.save_item(item, {"progress": "已补拍"}, actor=world.users["liaison1"])
    services.submit_item(item, actor=world.users["liaison1"])
    db.session.commit()
    auth.login("reviewer")
    done = client.post("/rectification/bulk", data={"action": "accept", "text": "整改到位", "ids": [str(item.id)],
                                                   f"v{item.id}": str(seen), "confirmed": "1"},
                       follow_redirects=True)
    assert "该事项刚刚已被他人处理" in done.get_data(as_text=True)
    assert _status(item.id) == "submitted"


def test_item_page_shows_the_finding_as_issued_with_photos_and_the_units_side(client, auth, world, issued):
    item = items_of(issued, world.units[0])[0]
    item.finding.photos.append(FindingPhoto(sha256="c" * 64, caption="签到册", position=0))
    _submit(item, world.users["liaison1"])
    db.session.commit()
    auth.login("reviewer")
    html = client.get(f"/rectification/{item.id}").get_data(as_text=True)
    assert item.problem in html and FILLED["measures"] in html and "签到册.jpg" in html
    assert f"/photos/{'c' * 64}/thumb" in html
    assert f"/rectification/evidence/{item.evidence[0].id}/thumb" in html
    assert f'action="/rectification/{item.id}/accept"' in html and "报送整改情况" in html  # form and history
    auth.logout()
    auth.login("viewer")
    read_only = client.get(f"/rectification/{item.id}").get_data(as_text=True)
    assert item.problem in read_only and "/accept" not in read_only and "/photos/" not in read_only


def test_accept_needs_a_note_and_return_a_reason(client, auth, world, issued):
    item = items_of(issued, world.units[0])[0]
    _submit(item, world.users["liaison1"])
    db.session.commit()
    auth.login("reviewer")
    refused = client.post(f"/rectification/{item.id}/accept", data={"text": "", "version": item.version})
    assert refused.status_code == 422 and "销号须填写审核意见" in refused.get_data(as_text=True)
    returned = client.post(f"/rectification/{item.id}/return", data={"text": "佐证材料不清晰", "version": item.version})
    assert returned.status_code == 303
    db.session.expire_all()
    item = db.session.get(RectificationItem, item.id)
    assert item.status == "returned" and item.return_reason == "佐证材料不清晰"


def test_acting_on_an_item_changed_or_closed_meanwhile_shows_the_message_and_changes_nothing(client, auth, world,
                                                                                           issued):
    item = items_of(issued, world.units[0])[0]
    _submit(item, world.users["liaison1"])
    db.session.commit()
    seen, table = item.version, RectificationItem.__table__
    with db.engine.begin() as other:  # meanwhile someone else changes it (still waiting for review)
        other.execute(update(table).where(table.c.id == item.id).values(version=seen + 1))
    auth.login("reviewer")
    stale = client.post(f"/rectification/{item.id}/accept", data={"text": "整改到位，同意销号", "version": seen})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "该事项刚刚已被他人处理" in html
    assert ">整改到位，同意销号</textarea>" in html  # what the reviewer typed is kept
    assert _status(item.id) == "submitted"
    with db.engine.begin() as other:  # then another reviewer closes it
        other.execute(update(table).where(table.c.id == item.id)
                      .values(status="closed", close_note="整改到位", version=seen + 2))
    closed = client.post(f"/rectification/{item.id}/return", data={"text": "再看看", "version": seen + 1})
    assert closed.status_code == 409 and "该事项刚刚已被他人处理" in closed.get_data(as_text=True)
    again = client.post(f"/rectification/{item.id}/return", data={"text": "再看看", "version": seen + 2})
    assert again.status_code == 409 and "该事项已销号，不能退回" in again.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(RectificationItem, item.id)
    assert stored.status == "closed" and stored.return_reason == ""


def test_extension_approve_moves_the_due_date_and_refuse_needs_a_note(client, auth, world, issued):
    liaison = world.users["liaison1"]
    item = items_of(issued, world.units[0])[0]
    today = today_cst()
    new_due = max(item.due_date, today) + timedelta(days=10)
    ext = services.request_extension(item, new_due=new_due, reason="需采购设备", today=today, actor=liaison)
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/rectification/{item.id}").get_data(as_text=True)
    assert f"/rectification/extensions/{ext.id}/decide" in page
    refused = client.post(f"/rectification/extensions/{ext.id}/decide", data={"decision": "refuse", "note": ""})
    assert refused.status_code == 422 and "不同意延期须填写理由" in refused.get_data(as_text=True)
    approved = client.post(f"/rectification/extensions/{ext.id}/decide", data={"decision": "approve", "note": ""})
    assert approved.status_code == 303
    db.session.expire_all()
    assert db.session.get(RectificationItem, item.id).due_date == new_due
    assert db.session.get(ExtensionRequest, ext.id).status == "approved"
    twice = client.post(f"/rectification/extensions/{ext.id}/decide", data={"decision": "refuse", "note": "不行"})
    assert twice.status_code == 409 and "该延期申请已审批" in twice.get_data(as_text=True)


def test_unit_overview_counts_share_closed_and_overdue_in_official_order(client, auth, world, issued):
    first, second = items_of(issued, world.units[0]), items_of(issued, world.units[1])
    _submit(first[0], world.users["liaison1"])
    services.accept_item(first[0], "整改到位", actor=world.users["reviewer"])
    second[0].due_date = today_cst() - timedelta(days=1)
    world.units[1].sort_order, world.units[0].sort_order = 1, 2  # 住建局 before 教体局
    db.session.commit()
    auth.login("viewer")
    html = client.get("/rectification/units").get_data(as_text=True)
    order = [int(x) for x in re.findall(r'<tr data-unit="(\d+)"', html)]
    assert order == [world.units[1].id, world.units[0].id]
    row = html.split(f'<tr data-unit="{world.units[0].id}">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    numbers = [re.sub(r"<[^>]+>", "", c).strip() for c in cells[1:6]]
    assert numbers == [str(len(first)), "1", format_tenths(share_tenths(1, len(first))), "0", "0"]
    other = html.split(f'<tr data-unit="{world.units[1].id}">', 1)[1].split("</tr>", 1)[0]
    assert f"overdue=1&amp;unit={world.units[1].id}" in other or f"unit={world.units[1].id}&amp;overdue=1" in other
    assert f"/rectification/reports/{report_of(issued, world.units[0]).id}" in html


def test_notice_pdf_lists_the_units_open_items_with_due_dates_and_colours(client, auth, world, issued, tmp_path):
    items = items_of(issued, world.units[0])
    _submit(items[0], world.users["liaison1"])
    services.accept_item(items[0], "整改到位", actor=world.users["reviewer"])
    items[-1].due_date = today_cst() - timedelta(days=1) if len(items) > 1 else items[-1].due_date
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"/rectification/units/{world.units[0].id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(response.data, tmp_path, "notice"))
    assert "整改督办通知" in text and f"{world.units[0].name}：" in text and "未完成整改事项清单" in text
    assert issued.doc_number in text and f"尚有{len(items) - 1}个整改事项未完成销号" in text
    assert re.sub(r"\s+", "", date_cn(items[-1].due_date)) in text
    if len(items) > 1:
        assert "红色（逾期）" in text and "已逾期1个" in text
    assert items[0].finding.description[:8] in items[0].problem
    assert items[0].finding.description[:8] not in text  # the closed item is not listed


def test_notice_for_a_unit_with_nothing_open_says_so(client, auth, world, issued):
    auth.login("reviewer")
    response = client.get(f"/rectification/units/{world.units[2].id}/notice.pdf", follow_redirects=True)
    assert "没有未销号的整改事项" in response.get_data(as_text=True)


def test_report_is_shown_and_accepted_or_returned(client, auth, world, issued):
    report = report_of(issued, world.units[0])
    report.body, report.status = "我局已全部完成整改。", "submitted"
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/rectification/reports/{report.id}").get_data(as_text=True)
    assert "我局已全部完成整改。" in page and f"/rectification/reports/{report.id}/decide" in page
    empty = client.post(f"/rectification/reports/{report.id}/decide", data={"decision": "return", "reason": ""})
    assert empty.status_code == 422 and "退回须填写理由" in empty.get_data(as_text=True)
    done = client.post(f"/rectification/reports/{report.id}/decide", data={"decision": "accept", "reason": ""})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(RectificationReport, report.id).status == "accepted"


def test_desk_shows_the_latest_reminders(client, auth, world, issued):
    item = items_of(issued, world.units[0])[0]
    item.due_date = today_cst() - timedelta(days=1)
    db.session.flush()
    made = remind(ColourRule(today=today_cst()))
    db.session.commit()
    assert made
    auth.login("coordinator")
    html = client.get("/rectification/").get_data(as_text=True)
    assert "最近催办记录" in html and made[0].message in html


@pytest.mark.parametrize("username", ["coordinator", "viewer"])
def test_coordinator_and_viewer_read_but_cannot_act(client, auth, world, issued, username):
    item = items_of(issued, world.units[0])[0]
    _submit(item, world.users["liaison1"])
    db.session.commit()
    auth.login(username)
    html = client.get("/rectification/").get_data(as_text=True)
    assert item.id in _rows(html) and 'name="ids"' not in html
    for path in (f"/rectification/{item.id}/accept", "/rectification/bulk"):
        assert client.post(path, data={"text": "整改到位", "ids": [str(item.id)], "action": "accept",
                                       "confirmed": "1"}).status_code == 404
    assert _status(item.id) == "submitted"


@pytest.mark.parametrize("username", ["liaison1", "inspector1"])
def test_liaisons_and_inspectors_get_404_on_the_desk(client, auth, world, issued, username):
    item = items_of(issued, world.units[0])[0]
    auth.login(username)
    for path in ("/rectification/", f"/rectification/{item.id}", "/rectification/units",
                 f"/rectification/units/{world.units[0].id}/notice.pdf"):
        assert client.get(path).status_code == 404, path
