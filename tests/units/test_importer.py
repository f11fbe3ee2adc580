"""Unit CSV import: encodings Excel produces, per-row errors, duplicates, all-or-nothing, updates."""
from __future__ import annotations

import codecs

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.units import importer
from inspection.units.models import Unit

GOOD = "单位名称,简称,类别\r\n示例县卫生健康委员会,卫健委,县直部门\r\n示例县城关镇,城关镇,乡镇\r\n示例县疾病预防控制中心,疾控中心,事业单位\r\n"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


@pytest.mark.parametrize("encode, label", [
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "UTF-8（带BOM）"),
    (lambda t: t.encode("utf-8"), "UTF-8"),
    (lambda t: t.encode("gbk"), "GBK"),
    (lambda t: t.encode("utf-16"), "UTF-16"),
])
def test_reads_the_encodings_excel_saves(world, encode, label):
    report = importer.parse_units_csv(encode(GOOD))
    assert report.encoding == label
    assert [r.name for r in report.rows] == ["示例县卫生健康委员会", "示例县城关镇", "示例县疾病预防控制中心"]
    assert [r.kind for r in report.rows] == ["department", "township", "institution"]
    assert report.ok


def test_gbk_file_imports(world):
    before = _count()
    report = importer.parse_units_csv(GOOD.encode("gbk"))
    counts = importer.apply_import(report, actor=world.users["admin"], filename="单位.csv")
    assert counts["create"] == 3
    assert _count() == before + 3
    unit = db.session.scalar(select(Unit).where(Unit.name == "示例县城关镇"))
    assert unit.short_name == "城关镇" and unit.kind == "township"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.import"))
    assert event.actor_id == world.users["admin"].id
    assert sorted(event.after["created"]) == sorted(["示例县卫生健康委员会", "示例县城关镇", "示例县疾病预防控制中心"])
    assert "新增3个" in event.summary


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_imported(world):
    text = ("单位名称,简称,类别\n"
            "示例县卫生健康委员会,卫健委,县直部门\n"   # row 2: fine
            ",无名,乡镇\n"                           # row 3: no name
            "示例县林业局,林业局,局\n"                 # row 4: bad kind
            "\n"                                     # row 5: blank, skipped
            "示例县卫生健康委员会,卫健委2,县直部门\n"  # row 6: duplicate of row 2
            "示例县水利局,水利局,\n")                  # row 7: no kind
    report = importer.parse_units_csv(text.encode("gbk"))
    errors = {r.row: r.errors for r in report.error_rows}
    assert set(errors) == {3, 4, 6, 7}
    assert "“单位名称”不能为空" in errors[3][0]
    assert "“类别”为“局”" in errors[4][0]
    assert "与第2行重复" in errors[6][0]
    assert "“类别”不能为空" in errors[7][0]
    assert not report.ok
    before = _count()
    with pytest.raises(importer.ImportFileError):
        importer.apply_import(report, actor=world.users["admin"])
    assert _count() == before


def test_reimport_updates_existing_names_instead_of_duplicating(world):
    existing = world.units[0]  # 示例县教育和体育局 / 教体局 / department
    existing.active = False
    db.session.flush()
    before = _count()
    text = f"类别,单位名称,简称\n事业单位,{existing.name},教育局\n县直部门,{world.units[1].name},住建局\n"
    report = importer.parse_units_csv(text.encode("utf-8"))
    actions = {r.name: r.action for r in report.rows}
    assert actions == {existing.name: "reactivate", world.units[1].name: "unchanged"}
    assert report.rows[0].changes == {"short_name": ("教体局", "教育局"), "kind": ("department", "institution")}
    importer.apply_import(report, actor=world.users["coordinator"])
    assert _count() == before
    assert (existing.short_name, existing.kind, existing.active) == ("教育局", "institution", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.import"))
    assert event.before["updated"][existing.name]["short_name"] == "教体局"


def test_short_name_clash_with_another_unit_is_an_error(world):
    text = "单位名称,简称,类别\n示例县教育局分局,教体局,县直部门\n"
    report = importer.parse_units_csv(text.encode("utf-8"))
    assert report.rows[0].errors == ["简称“教体局”与“示例县教育和体育局”重复"]


@pytest.mark.parametrize("data, message", [
    (b"", "文件是空的"),
    (b"PK\x03\x04rest-of-a-zip", "不是有效的 Excel（.xlsx）文件"),
    ("名称,类型\n甲,乙\n".encode("utf-8"), "须包含“单位名称”“类别”列"),
    ("单位名称,类别\n".encode("utf-8"), "没有数据行"),
    (b"\xff\xfe\x00", "编码"),
])
def test_unusable_files_get_a_clear_message(world, data, message):
    with pytest.raises(importer.ImportFileError) as exc:
        importer.parse_units_csv(data)
    assert message in exc.value.message


def test_too_large_file_is_refused(world):
    with pytest.raises(importer.ImportFileError) as exc:
        importer.parse_units_csv(b"a" * (importer.MAX_BYTES + 1))
    assert "文件过大" in exc.value.message


def test_quoted_cells_and_extra_columns(world):
    text = '单位名称,简称,类别,备注\n"示例县人民法院",县法院,县直部门,"含逗号,的备注"\n'
    report = importer.parse_units_csv(text.encode("utf-8-sig"))
    assert report.ok
    assert report.rows[0].name == "示例县人民法院"
    assert report.notes == ["以下列不会导入：备注"]
