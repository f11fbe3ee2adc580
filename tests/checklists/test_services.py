"""Checklist versioning services, called directly."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.checklists import services
from inspection.checklists.models import Checklist, ChecklistItem
from inspection.checklists.services import ChecklistError, ItemRow
from inspection.extensions import db

from ..factories import make_finding, make_visit


def _rows(checklist):
    return services.rows_from_items(checklist.items)


def test_check_rows_reports_each_problem(world):
    rows = [
        ItemRow(row=1, code="A01", category="考勤管理", text="签到"),
        ItemRow(row=2, code="a01", category="考勤管理", text="重复编号"),
        ItemRow(row=3, code="", category="", text=""),          # blank: ignored
        ItemRow(row=4, code="B01", category="", text="缺类别"),
        ItemRow(row=5, code="B02", category="自定义类别", text=""),
        ItemRow(row=6, code="X" * 21, category="在岗在位", text="编号过长"),
        ItemRow(row=7, code="C01", category="公务用车", text="删掉的", deleted=True),
    ]
    kept = services.check_rows(rows)
    assert [r.row for r in kept] == [1, 2, 4, 5, 6]
    assert rows[0].errors == []
    assert rows[1].errors == ["编号“a01”与第1项重复"]
    assert rows[3].errors == ["类别不能为空"]
    assert rows[4].errors == ["检查内容不能为空"]  # free-text category is fine
    assert rows[5].errors == ["编号不超过20个字符"]
    assert rows[6].errors == []


def test_publish_makes_a_new_version_and_leaves_the_old_one(world):
    v1 = world.checklist
    old_items = [(i.id, i.code, i.text) for i in v1.items]
    rows = _rows(v1)
    rows[0].text = "签到册人数是否齐全（含临聘人员）"
    del rows[1]
    rows.append(ItemRow(row=9, code="A06", category="办公用房", text="办公用房是否超标", photo_required=True))
    rows = services.check_rows(rows)
    v2 = services.publish(v1.name, rows, actor=world.users["coordinator"], note="补充办公用房", base=v1)
    db.session.commit()
    db.session.refresh(v1)
    assert (v2.version, v2.is_current, v1.is_current) == (2, True, False)
    assert [(i.id, i.code, i.text) for i in v1.items] == old_items
    assert [i.code for i in v2.items] == ["A01", "A03", "A04", "A05", "A06"]
    assert v2.items[0].text == "签到册人数是否齐全（含临聘人员）"
    assert [i.position for i in v2.items] == [1, 2, 3, 4, 5]
    assert not set(i.id for i in v2.items) & set(i for i, _, _ in old_items)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "checklist.publish"))
    assert event.after["added"] == ["A06"] and event.after["removed"] == ["A02"]
    assert event.after["changed"] == ["A01"]
    assert event.before == {"version": 1, "items": 5}


def test_campaigns_and_visits_keep_the_version_they_used(world):
    v1 = world.checklist
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], item=v1.items[1])
    db.session.commit()
    rows = services.check_rows(_rows(v1)[2:])
    v2 = services.publish(v1.name, rows, actor=world.users["admin"], base=v1)
    db.session.commit()
    db.session.refresh(visit)
    db.session.refresh(finding)
    assert visit.checklist_id == v1.id
    assert world.campaign.checklist_id == v1.id
    assert finding.item.checklist_id == v1.id and finding.item.code == "A02"
    assert len(db.session.get(Checklist, v1.id).items) == 5
    assert len(v2.items) == 3
    assert services.usage([v1.id, v2.id]) == {v1.id: {"items": 5, "campaigns": 2, "visits": 1},
                                              v2.id: {"items": 3, "campaigns": 0, "visits": 0}}


def test_publishing_unchanged_items_makes_no_version(world):
    v1 = world.checklist
    assert services.publish(v1.name, services.check_rows(_rows(v1)), actor=None, base=v1) is None
    assert db.session.scalar(select(Checklist).where(Checklist.version == 2)) is None


def test_publishing_from_a_stale_version_is_refused(world):
    v1 = world.checklist
    rows = services.check_rows(_rows(v1)[1:])
    services.publish(v1.name, rows, actor=None, base=v1)
    with pytest.raises(ChecklistError) as exc:
        services.publish(v1.name, services.check_rows(_rows(v1)[2:]), actor=None, base=v1)
    assert "第2版" in exc.value.message


def test_publish_refuses_rows_with_errors_or_none(world):
    bad = [ItemRow(row=1, code="A01", category="", text="x")]
    services.check_rows(bad)
    with pytest.raises(ChecklistError):
        services.publish("新清单", bad, actor=None)
    with pytest.raises(ChecklistError):
        services.publish("新清单", [], actor=None)
    assert db.session.scalar(select(Checklist).where(Checklist.name == "新清单")) is None


def test_new_checklist_name_must_be_free(world):
    with pytest.raises(ChecklistError) as exc:
        services.check_name(world.checklist.name, new=True)
    assert exc.value.field == "name"
    assert services.check_name("  新清单 ", new=True) == "新清单"
    v1 = services.publish("新清单", services.check_rows([ItemRow(row=1, code="1", category="其他", text="x")]),
                          actor=None)
    assert (v1.version, v1.is_current) == (1, True)


def test_grouped_items_follow_item_order(world):
    groups = services.grouped_items(world.checklist)
    assert [g for g, _ in groups] == ["考勤管理", "在岗在位", "请销假管理", "公务用车", "财经纪律"]
    assert all(isinstance(i, ChecklistItem) for _, items in groups for i in items)


def test_category_choices_are_the_official_nine_then_others_used_in_checklists(world):
    from inspection.findings.models import CATEGORIES

    world.checklist.items.append(ChecklistItem(code="Z01", category="自定义类别", text="其他", position=99))
    world.checklist.items.append(ChecklistItem(code="Z02", category="乙类", text="其他", position=100))
    db.session.flush()
    choices = services.category_choices()
    assert choices[:len(CATEGORIES)] == list(CATEGORIES)
    assert choices[len(CATEGORIES):] == sorted({"自定义类别", "乙类"} | {i.category for i in world.checklist.items
                                                                      if i.category not in CATEGORIES})
