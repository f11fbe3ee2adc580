"""Checklist workbooks: export, import round trip, and per-row errors in the file."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from inspection.checklists import services, xlsx


def _workbook(rows, header=xlsx.COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _items(checklist):
    return [{"code": i.code, "category": i.category, "text": i.text, "guidance": i.guidance,
             "photo_required": i.photo_required} for i in checklist.items]


def test_round_trip_keeps_every_field(world):
    world.checklist.items[2].guidance = "核对请假条与不在岗人员，\n拍摄请假条"
    data = xlsx.build_xlsx(world.checklist.name, 1, _items(world.checklist))
    rows = xlsx.read_xlsx(data)
    assert [r.key() for r in rows] == [r.key() for r in services.rows_from_items(world.checklist.items)]
    assert [r.row for r in rows] == [2, 3, 4, 5, 6]
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["检查清单", "说明"]
    assert [c.value for c in wb["检查清单"][1]] == list(xlsx.COLUMNS)
    assert wb["检查清单"]["E2"].value == "是" and wb["检查清单"]["E3"].value == "否"


def test_reads_what_people_type_in_excel(world):
    data = _workbook([
        (1, "考勤管理", "签到册", None, "是"),
        (2.0, "在岗在位", "在岗", "  逐个科室清点  ", None),
        ("A3", "自定义", "其他", "", True),
        (None, None, None, None, None),
        ("A4", "公务用车", "公车", "", "需要"),
    ], header=("编号", "类别", "检查内容", "检查指引", "需拍照（是/否）"))
    rows = xlsx.read_xlsx(data)
    assert [(r.row, r.code, r.photo_required) for r in rows] == [(2, "1", True), (3, "2", False), (4, "A3", True),
                                                               (6, "A4", True)]
    assert rows[1].guidance == "逐个科室清点"


def test_row_errors_carry_excel_row_numbers(world):
    data = _workbook([
        ("A01", "考勤管理", "签到册", "", "是"),
        ("A01", "考勤管理", "重复", "", "否"),
        ("A03", "", "缺类别", "", "否"),
        ("A04", "在岗在位", "", "", "maybe"),
    ])
    rows = services.check_rows(xlsx.read_xlsx(data), label="第{row}行")
    errors = {r.row: r.errors for r in rows if r.errors}
    assert errors == {
        3: ["编号“A01”与第2行重复"],
        4: ["类别不能为空"],
        5: ["需拍照应填写“是”或“否”（当前为“maybe”）", "检查内容不能为空"],
    }


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(world):
    data = _workbook([("签到册", "A01", "考勤管理")], header=("检查内容", "编号", "类别"))
    rows = xlsx.read_xlsx(data)
    assert rows[0].key() == ("A01", "考勤管理", "签到册", "", False)


@pytest.mark.parametrize("data, message", [
    (b"not a workbook", "不是有效的 Excel"),
    (b"\xd0\xcf\x11\xe0old-xls", ".xls"),
    (b"PK\x03\x04broken", "不是有效的 Excel"),
])
def test_unusable_files(world, data, message):
    with pytest.raises(xlsx.XlsxError) as exc:
        xlsx.read_xlsx(data)
    assert message in exc.value.message


def test_header_and_empty_sheet_are_checked(world):
    with pytest.raises(xlsx.XlsxError) as exc:
        xlsx.read_xlsx(_workbook([("A01", "x")], header=("编号", "内容")))
    assert "“类别”“检查内容”" in exc.value.message
    with pytest.raises(xlsx.XlsxError) as exc:
        xlsx.read_xlsx(_workbook([]))
    assert "没有检查项" in exc.value.message
