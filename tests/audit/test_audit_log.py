"""The audit log: filters, readable diffs, pagination, admin only."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from inspection.audit import queries
from inspection.audit.models import AuditEvent
from inspection.audit.services import record
from inspection.extensions import db


def _event(actor, action, entity_type, entity_id, summary, at, **kw):
    event = record(actor, action, entity_type, entity_id, summary, **kw)
    event.at = at
    return event


def _seed(world):
    admin, coord = world.users["admin"], world.users["coordinator"]
    db.session.execute(AuditEvent.__table__.delete())
    _event(admin, "user.update", "user", 7, "修改用户 inspector1 的资料", datetime(2026, 11, 1, 2, tzinfo=UTC),
           before={"role": "viewer", "active": True}, after={"role": "inspector", "active": True})
    _event(coord, "unit.import", "unit", "", "导入单位：新增3个", datetime(2026, 11, 2, 15, 59, tzinfo=UTC))
    _event(None, "user.locked", "user", 7, "inspector1 登录失败次数过多被锁定", datetime(2026, 11, 2, 16, 1, tzinfo=UTC))
    db.session.commit()


def _summaries(f):
    return [e.summary for e in db.session.scalars(queries.events_query(f))]


def test_filters(world):
    _seed(world)
    assert _summaries(queries.AuditFilters()) == ["inspector1 登录失败次数过多被锁定", "导入单位：新增3个",
                                                  "修改用户 inspector1 的资料"]  # newest first
    assert _summaries(queries.AuditFilters(actor="coord")) == ["导入单位：新增3个"]
    assert _summaries(queries.AuditFilters(actor="系统")) == ["inspector1 登录失败次数过多被锁定"]
    assert _summaries(queries.AuditFilters(action="user.update")) == ["修改用户 inspector1 的资料"]
    assert len(_summaries(queries.AuditFilters(entity_type="user", entity_id="7"))) == 2
    assert _summaries(queries.AuditFilters(text="新增")) == ["导入单位：新增3个"]
    # 2026-11-02 15:59 UTC is 23:59 on 2 Nov in China; 16:01 UTC is already 3 Nov
    assert _summaries(queries.AuditFilters(date_from=date(2026, 11, 2), date_to=date(2026, 11, 2))) == [
        "导入单位：新增3个"]
    assert _summaries(queries.AuditFilters(date_from=date(2026, 11, 3))) == ["inspector1 登录失败次数过多被锁定"]


def test_diff_rows_are_readable(world):
    rows = queries.diff_rows({"role": "viewer", "active": True, "locked_until": "2026-11-02T16:01:00+00:00"},
                             {"role": "inspector", "active": True, "locked_until": None, "unit_id": 3})
    by_field = {r.field: r for r in rows}
    assert by_field["role"].label == "角色"
    assert (by_field["role"].before, by_field["role"].after) == ("领导（viewer）", "暗访员（inspector）")
    assert by_field["role"].changed and not by_field["active"].changed
    assert by_field["active"].before == "是"
    assert by_field["locked_until"].before == "2026-11-03 00:01"  # shown in CST
    assert by_field["locked_until"].after == "（空）"
    assert by_field["unit_id"].before == "—" and by_field["unit_id"].changed


def test_page_lists_filters_and_shows_the_diff(client, auth, world):
    _seed(world)
    auth.login("admin")
    html = client.get("/audit/").get_data(as_text=True)
    assert html.index("inspector1 登录失败次数过多被锁定") < html.index("修改用户 inspector1 的资料")
    assert "领导（viewer）" in html and "暗访员（inspector）" in html
    html = client.get("/audit/?action=unit.import").get_data(as_text=True)
    assert "导入单位：新增3个" in html and "修改用户 inspector1" not in html
    html = client.get("/audit/?date_from=2026-11-05&date_to=2026-11-01").get_data(as_text=True)
    assert "截止日期不能早于起始日期" in html
    html = client.get("/audit/?date_from=bad").get_data(as_text=True)
    assert "日期格式不正确" in html


def test_pagination(client, auth, world):
    for i in range(60):
        record(None, "unit.update", "unit", i, f"批量记录{i:02d}")
    db.session.commit()
    auth.login("admin")
    html = client.get("/audit/?q=批量记录").get_data(as_text=True)
    assert "第 1 / 2 页，共 60 条" in html and "批量记录59" in html and "批量记录09" not in html
    html = client.get("/audit/?q=批量记录&page=2").get_data(as_text=True)
    assert "批量记录09" in html and "批量记录59" not in html


def test_detail_page(client, auth, world):
    _seed(world)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    auth.login("admin")
    html = client.get(f"/audit/{event.id}").get_data(as_text=True)
    assert "修改用户（user.update）" in html and "admin" in html and "领导（viewer）" in html
    assert client.get("/audit/999999").status_code == 404


def test_only_admin_may_read_the_log(client, auth, world):
    auth.login("coordinator")
    assert client.get("/audit/").status_code == 403
    auth.logout()
    auth.login("reviewer")
    assert client.get("/audit/").status_code == 403


def test_admin_pages_write_events_that_show_up(client, auth, world):
    auth.login("admin")
    client.post(f"/users/{world.users['viewer'].id}/edit", data={"display_name": "县领导", "role": "viewer"})
    html = client.get("/audit/?entity_type=user&entity_id=%d" % world.users["viewer"].id).get_data(as_text=True)
    assert "修改用户 viewer 的资料" in html and "县领导" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.ip == "127.0.0.1"


def test_nested_snapshots_read_as_lines_not_json(world):
    rows = {r.field: r.after for r in queries.diff_rows({}, {
        "filters": {"campaign_id": 3, "cadre_level": "section_chief", "date_from": "2026-11-01"},
        "persons": [{"name": "王某某", "post": "科员", "cadre_level": "staff"}],
        "photos_added": ["a" * 8, "b" * 8]})}
    assert rows["filters"] == "专项行动（编号）：3\n干部层级：正科级干部\n起始日期：2026-11-01"
    assert rows["persons"] == "王某某，科员，一般干部"
    assert rows["photos_added"] == "aaaaaaaa、bbbbbbbb"
