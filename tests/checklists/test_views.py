"""Checklist pages: versions, editor, XLSX import and export, role refusals."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from inspection.checklists.models import Checklist
from inspection.extensions import db


def _editor_data(items, note=""):
    data = {"note": note}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{i}-{key}"] = value
    return data


def _current(name):
    return db.session.scalar(select(Checklist).where(Checklist.name == name, Checklist.is_current))


def test_index_and_detail(client, auth, world):
    auth.login("coordinator")
    html = client.get("/checklists/").get_data(as_text=True)
    assert world.checklist.name in html and "第1版" in html and "当前" in html
    html = client.get(f"/checklists/{world.checklist.id}").get_data(as_text=True)
    assert "1. 考勤管理（1项）" in html and "需拍照" in html and world.campaign.title in html


def test_index_shows_the_item_count_not_a_method(client, auth, world):
    """The versions table counts items (a dict key named "items" must not resolve to dict.items)."""
    auth.login("coordinator")
    html = client.get("/checklists/").get_data(as_text=True)
    assert "built-in method" not in html
    assert f'<td class="num">{len(world.checklist.items)}</td>' in html


def test_editor_add_edit_remove_reorder_publishes_a_new_version(client, auth, world):
    auth.login("coordinator")
    v1 = world.checklist
    assert 'name="items-4-code" value="A05"' in client.get(f"/checklists/{v1.id}/edit").get_data(as_text=True)
    items = [{"position": str(i.position), "code": i.code, "category": i.category, "text": i.text,
              "guidance": i.guidance} for i in v1.items]
    items[0]["position"] = "9"                      # move A01 to the end
    items[1]["text"] = "工作人员是否在岗在位"         # edit A02
    items[2]["delete"] = "1"                         # remove A03
    items[3]["photo_required"] = "1"                 # A04 now needs a photo
    items.append({"position": "", "code": "A06", "category": "办公用房", "text": "办公用房是否超标"})
    items.append({"position": "", "code": "", "category": "", "text": ""})  # blank row
    response = client.post(f"/checklists/{v1.id}/edit", data=_editor_data(items, "调整顺序"))
    assert response.status_code == 302
    v2 = _current(v1.name)
    assert v2.version == 2 and v2.note == "调整顺序"
    assert [i.code for i in v2.items] == ["A02", "A04", "A05", "A06", "A01"]
    assert v2.items[0].text == "工作人员是否在岗在位" and v2.items[1].photo_required
    db.session.refresh(v1)
    assert not v1.is_current and [i.code for i in v1.items] == ["A01", "A02", "A03", "A04", "A05"]


def test_editor_errors_keep_every_row(client, auth, world):
    auth.login("admin")
    v1 = world.checklist
    items = [{"code": "A01", "category": "考勤管理", "text": "签到"},
             {"code": "A01", "category": "新类别", "text": "保留我的输入"},
             {"code": "A09", "category": "公务用车", "text": "删除的行", "delete": "1"}]
    response = client.post(f"/checklists/{v1.id}/edit", data=_editor_data(items))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第2项（A01）：编号“A01”与第1项重复" in html
    assert "保留我的输入" in html and 'value="新类别"' in html and "删除的行" in html
    assert _current(v1.name).id == v1.id


def test_editing_an_old_version_sends_you_to_the_current_one(client, auth, world):
    auth.login("admin")
    v1 = world.checklist
    items = [{"code": "Z1", "category": "其他", "text": "唯一一项"}]
    client.post(f"/checklists/{v1.id}/edit", data=_editor_data(items))
    v2 = _current(v1.name)
    response = client.get(f"/checklists/{v1.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/checklists/{v2.id}")
    response = client.post(f"/checklists/{v1.id}/edit", data=_editor_data(items + [
        {"code": "Z2", "category": "其他", "text": "我的修改"}]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "已由他人发布为第2版" in html and "我的修改" in html


def test_saving_without_changes_publishes_nothing(client, auth, world):
    auth.login("admin")
    v1 = world.checklist
    items = [{"code": i.code, "category": i.category, "text": i.text, "guidance": i.guidance,
              "photo_required": "1" if i.photo_required else ""} for i in v1.items]
    response = client.post(f"/checklists/{v1.id}/edit", data=_editor_data(items), follow_redirects=True)
    assert "检查项没有变化" in response.get_data(as_text=True)
    assert _current(v1.name).id == v1.id


def test_new_checklist(client, auth, world):
    auth.login("coordinator")
    data = _editor_data([{"code": "Q1", "category": "公务接待", "text": "接待清单是否齐全"}])
    response = client.post("/checklists/new", data={**data, "name": world.checklist.name})
    assert response.status_code == 422 and "已有名为" in response.get_data(as_text=True)
    response = client.post("/checklists/new", data={**data, "name": "公务接待专项检查清单"})
    assert response.status_code == 302
    assert [i.code for i in _current("公务接待专项检查清单").items] == ["Q1"]


def test_export_and_reimport_as_a_new_version(client, auth, world):
    auth.login("coordinator")
    v1 = world.checklist
    response = client.get(f"/checklists/{v1.id}/export.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["检查清单"]
    ws["C3"] = "工作人员是否在岗，有无脱岗溜号、串岗"
    ws.append(["A06", "服务群众与工作作风", "窗口服务态度", "", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post("/checklists/import", data={
        "target": v1.name, "note": "从Excel更新", "file": (io.BytesIO(buf.getvalue()), "清单.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    v2 = _current(v1.name)
    assert v2.version == 2 and v2.note == "从Excel更新"
    assert [i.code for i in v2.items] == ["A01", "A02", "A03", "A04", "A05", "A06"]
    assert v2.items[1].text == "工作人员是否在岗，有无脱岗溜号、串岗"
    db.session.refresh(v1)
    assert v1.items[1].text == "工作人员是否在岗，有无脱岗溜号"


def test_import_with_bad_rows_reports_them_and_publishes_nothing(client, auth, world):
    auth.login("admin")
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["编号", "类别", "检查内容", "检查指引", "需拍照(是/否)"])
    wb.active.append(["N1", "考勤管理", "签到", "", "是"])
    wb.active.append(["N1", "考勤管理", "重复", "", "不知道"])
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post("/checklists/import", data={
        "target": "__new__", "new_name": "导入测试清单", "file": (io.BytesIO(buf.getvalue()), "x.xlsx")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第3行（N1）：需拍照应填写“是”或“否”（当前为“不知道”）；编号“N1”与第2行重复" in html
    assert 'value="导入测试清单"' in html
    assert _current("导入测试清单") is None


def test_import_of_a_non_workbook(client, auth, world):
    auth.login("admin")
    response = client.post("/checklists/import", data={
        "target": world.checklist.name, "file": (io.BytesIO(b"a,b,c\n"), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "不是有效的 Excel" in response.get_data(as_text=True)


def test_other_roles_are_refused(client, auth, world):
    auth.login("reviewer")
    assert client.get("/checklists/").status_code == 403
    assert client.post(f"/checklists/{world.checklist.id}/edit", data={}).status_code == 403
    auth.logout()
    auth.login("inspector1")
    assert client.get(f"/checklists/{world.checklist.id}/export.xlsx").status_code == 403
