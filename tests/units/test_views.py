"""Unit pages and the CSV import flow, through the test client."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.units.models import Unit


def _upload(client, data: bytes, name="units.csv"):
    return client.post("/units/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count():
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_list_and_filter(client, auth, world):
    auth.login("coordinator")
    html = client.get("/units/?q=公安").get_data(as_text=True)
    assert "示例县公安局" in html and "示例县交通运输局" not in html


def test_create_edit_deactivate(client, auth, world):
    auth.login("coordinator")
    response = client.post("/units/new", data={"name": "示例县信访局", "short_name": "信访局", "kind": "department"})
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.name == "示例县信访局"))
    response = client.post(f"/units/{unit.id}/edit", data={"name": "示例县信访局", "short_name": "信访",
                                                          "kind": "institution", "parent_id": ""})
    assert response.status_code == 302
    db.session.refresh(unit)
    assert (unit.short_name, unit.kind) == ("信访", "institution")
    client.post(f"/units/{unit.id}/active", data={"active": "0"})
    db.session.refresh(unit)
    assert not unit.active


def test_form_errors_keep_values(client, auth, world):
    auth.login("admin")
    response = client.post("/units/new", data={"name": "示例县公安局", "short_name": "新简称", "kind": "department"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "单位“示例县公安局”已存在" in html and 'value="新简称"' in html
    response = client.post("/units/new", data={"name": "", "kind": ""})
    html = response.get_data(as_text=True)
    assert "请填写单位名称" in html and "请选择类别" in html


def test_import_preview_then_confirm(client, auth, world):
    auth.login("coordinator")
    before = _count()
    data = "单位名称,简称,类别\r\n示例县卫生健康委员会,卫健委,县直部门\r\n示例县公安局,公安,县直部门\r\n".encode("gbk")
    response = _upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "编码：GBK" in html and "确认导入" in html and "简称：公安局 → 公安" in html
    assert _count() == before  # preview only
    content = "单位名称,简称,类别\r\n示例县卫生健康委员会,卫健委,县直部门\r\n示例县公安局,公安,县直部门\r\n"
    response = client.post("/units/import", data={"confirm": "1", "content": content, "encoding": "GBK",
                                                  "filename": "units.csv"}, follow_redirects=True)
    assert "导入完成：新增1个，更新1个" in response.get_data(as_text=True)
    assert _count() == before + 1
    assert db.session.scalar(select(Unit.short_name).where(Unit.name == "示例县公安局")) == "公安"


def test_import_with_errors_shows_rows_and_offers_no_confirm(client, auth, world):
    auth.login("admin")
    data = "\ufeff单位名称,简称,类别\n示例县林业局,林业局,林业\n,,乡镇\n".encode("utf-8")
    response = _upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第2行：“类别”为“林业”" in html and "第3行：“单位名称”不能为空" in html
    assert "确认导入" not in html


def test_confirm_rechecks_the_rows(client, auth, world):
    auth.login("admin")
    before = _count()
    response = client.post("/units/import", data={"confirm": "1", "content": "单位名称,类别\n甲单位,县直\n",
                                                  "encoding": "UTF-8"})
    assert response.status_code == 422
    assert _count() == before


def test_import_without_file_or_with_xlsx(client, auth, world):
    auth.login("admin")
    response = client.post("/units/import", data={}, content_type="multipart/form-data")
    assert "请选择要导入的 CSV 或 Excel 文件" in response.get_data(as_text=True)
    response = _upload(client, b"PK\x03\x04xxxx", "units.xlsx")
    assert "不是有效的 Excel（.xlsx）文件" in response.get_data(as_text=True)


def test_template_download_has_bom(client, auth, world):
    auth.login("admin")
    response = client.get("/units/import/template.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "单位名称,简称,类别" in response.data.decode("utf-8-sig")


def test_other_roles_are_refused(client, auth, world):
    auth.login("reviewer")
    assert client.get("/units/").status_code == 403
    assert _upload(client, b"x").status_code == 403
