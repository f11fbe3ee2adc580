"""The official order of units (排序号): lists, the form, the import (CSV and XLSX), name normalisation.

Run on SQLite and on PostgreSQL (TEST_DATABASE_URL): the order never depends on a collation.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from inspection.extensions import db
from inspection.units import importer, services
from inspection.units.models import Unit

# Code-point order, insertion order and a zh_CN collation all disagree with the official order below.
OFFICIAL = [("示例县城关镇", "township", 10), ("示例县人民政府办公室", "department", 100),
            ("示例县人民法院", "department", 110), ("示例县交通运输局", "department", 120),
            ("示例县住房和城乡建设局", "department", 130)]


@pytest.fixture
def ordered(world):
    """Give the world's units and a few more the official 排序号, inserted out of order."""
    by_name = {u.name: u for u in world.units}
    for name, kind, order in reversed(OFFICIAL):
        unit = by_name.get(name) or Unit(name=name, kind=kind)
        unit.sort_order = order
        db.session.add(unit)
    for unit in world.units:
        if unit.name not in dict((n, k) for n, k, _ in OFFICIAL):
            unit.sort_order = 500
    db.session.flush()
    return [name for name, _, _ in OFFICIAL]


def test_official_units_follow_sort_order_then_id(ordered):
    names = [u.name for u in services.official_units()]
    assert names[:len(ordered)] == ordered
    tied = [u for u in services.official_units() if u.sort_order == 500]
    assert [u.id for u in tied] == sorted(u.id for u in tied)  # ties: by id, never by name


def test_sort_units_agrees_with_the_query(ordered):
    loaded = list(db.session.scalars(select(Unit).order_by(Unit.name.desc())))
    assert [u.id for u in services.sort_units(loaded)] == [u.id for u in services.official_units()]


def test_units_list_page_is_in_official_order(client, auth, ordered):
    auth.login("admin")
    html = client.get("/units/").get_data(as_text=True)
    positions = [html.index(name) for name in ordered]
    assert positions == sorted(positions)


def test_sort_order_is_edited_on_the_form_and_audited(client, auth, world):
    auth.login("admin")
    unit = world.units[0]
    data = {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "parent_id": "", "sort_order": "35"}
    assert client.post(f"/units/{unit.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).sort_order == 35
    data["sort_order"] = "-1"
    response = client.post(f"/units/{unit.id}/edit", data=data)
    assert response.status_code == 422 and "排序号应为0至999999之间的整数" in response.get_data(as_text=True)


def test_new_unit_form_offers_a_number_after_the_last(client, auth, ordered):
    auth.login("admin")
    html = client.get("/units/new").get_data(as_text=True)
    assert 'name="sort_order"' in html and 'value="510"' in html


def test_full_width_space_makes_no_near_duplicate(world):
    services.create_unit(name="示例县档案馆", kind="institution", actor=world.users["admin"])
    with pytest.raises(services.UnitError) as exc:
        services.create_unit(name=" 示例县\u3000档案馆 ", kind="institution", actor=world.users["admin"])
    assert "已存在" in exc.value.message


def test_import_reads_sort_order_and_normalises_names(world):
    services.create_unit(name="示例县档案馆", kind="institution", actor=world.users["admin"])
    text = "排序号,单位名称,简称,类别\r\n300,示例县\u3000档案馆,档案馆,事业单位\r\n5,示例县 城关镇,城关镇,乡镇\r\n"
    report = importer.parse_units_csv(text.encode("utf-8"))
    assert report.ok, [r.errors for r in report.rows]
    first, second = report.rows
    assert (first.name, first.action, first.changes["sort_order"]) == ("示例县档案馆", "update", (0, 300))
    assert (second.name, second.action, second.sort_order) == ("示例县城关镇", "create", 5)
    importer.apply_import(report, actor=world.users["admin"])
    units = {u.name: u.sort_order for u in db.session.scalars(select(Unit))}
    assert units["示例县档案馆"] == 300 and units["示例县城关镇"] == 5
    assert "示例县\u3000档案馆" not in units


def test_import_without_sort_order_keeps_and_appends(ordered, world):
    text = "单位名称,简称,类别\r\n示例县人民法院,法院,县直部门\r\n示例县林业局,林业局,县直部门\r\n示例县水利局,,县直部门\r\n"
    report = importer.parse_units_csv(text.encode("utf-8"))
    importer.apply_import(report, actor=world.users["admin"])
    units = {u.name: u.sort_order for u in db.session.scalars(select(Unit))}
    assert units["示例县人民法院"] == 110  # kept
    assert (units["示例县林业局"], units["示例县水利局"]) == (510, 520)  # after every other unit, in file order


def test_import_refuses_a_bad_sort_order(world):
    report = importer.parse_units_csv("排序号,单位名称,类别\r\n第一,示例县林业局,县直部门\r\n".encode("utf-8"))
    assert report.rows[0].errors == ["“排序号”为“第一”，应为0至999999之间的整数"]


def test_import_reads_an_xlsx_workbook(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["排序号", "单位名称", "简称", "类别"])
    ws.append([20, "示例县城关镇", "城关镇", "乡镇"])
    ws.append([20.0, "示例县南山乡", None, "乡镇"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = importer.parse_units_csv(buffer.getvalue())
    assert report.encoding == "Excel 工作簿（.xlsx）" and report.ok
    assert [(r.name, r.sort_order, r.short_name) for r in report.rows] == [
        ("示例县城关镇", 20, "城关镇"), ("示例县南山乡", 20, "")]


def test_xlsx_upload_previews_then_imports_with_its_sort_order(client, auth, world):
    wb = Workbook()
    wb.active.append(["排序号", "单位名称", "简称", "类别"])
    wb.active.append([15, "示例县南山乡", "南山乡", "乡镇"])
    buffer = io.BytesIO()
    wb.save(buffer)
    auth.login("admin")
    response = client.post("/units/import", data={"file": (io.BytesIO(buffer.getvalue()), "units.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "格式：Excel 工作簿（.xlsx）" in html and "确认导入" in html
    content = html[html.index('name="content" value="') + len('name="content" value="'):].split('"', 1)[0]
    response = client.post("/units/import", data={"confirm": "1", "content": content.replace("&#34;", '"'),
                                                  "encoding": "Excel 工作簿（.xlsx）", "filename": "units.xlsx"})
    assert response.status_code == 302
    assert db.session.scalar(select(Unit.sort_order).where(Unit.name == "示例县南山乡")) == 15
