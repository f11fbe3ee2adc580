"""The streaming XLSX writer produces files openpyxl (and so Excel) reads as intended."""
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from inspection.stats.xlsx import Column, Sheet, column_letter, excel_serial, write_workbook


def test_column_letters():
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_serial_numbers_show_china_standard_time():
    assert excel_serial(date(1900, 3, 1)) == 61
    assert excel_serial(datetime(2026, 11, 20, 1, 30, tzinfo=UTC)) == excel_serial(datetime(2026, 11, 20, 9, 30))


def test_round_trip_through_openpyxl():
    out = io.BytesIO()
    columns = [Column("序号", 6, "int"), Column("时间", 17, "datetime"), Column("日期", 12, "date"),
               Column("描述", 40, "wrap"), Column("占比", 8, "percent"), Column("是否", 6)]
    rows = iter([
        [1, datetime(2026, 11, 20, 1, 30, tzinfo=UTC), date(2026, 11, 20), "第一行\n第二行", 0.375, True],
        [2, None, None, "  前后有空格 <&> \x07控制符", 0.0625, False],
    ])
    counts = write_workbook(out, [Sheet("台账", columns, rows, notices=["标题", "内部资料"], header_text="内部资料",
                                        footer_text="不得外传"),
                                  Sheet("统计'表", [Column("a", 5)], [["x"]], autofilter=False, freeze=False)],
                            title="测试")
    assert counts == [2, 1]
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["台账", "统计'表"]
    sheet = book["台账"]
    assert sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == ["序号", "时间", "日期", "描述", "占比", "是否"]
    assert sheet["A1"].value == "标题" and sheet["A2"].value == "内部资料"
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["B4"].value == datetime(2026, 11, 20, 9, 30) and sheet["B4"].is_date
    assert sheet["C4"].value == datetime(2026, 11, 20) and sheet["C4"].number_format == "yyyy-mm-dd"
    assert sheet["D4"].value == "第一行\n第二行" and sheet["D4"].alignment.wrap_text
    assert sheet["D5"].value == "  前后有空格 <&> 控制符"
    assert sheet["E4"].value == 0.375 and sheet["E4"].number_format == "0.0%"
    assert sheet["F4"].value is True and sheet["B5"].value is None
    assert sheet["A3"].font.b and sheet.column_dimensions["D"].width == 40
    assert sheet.auto_filter.ref == "A3:F5"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddHeader.center.text == "内部资料" and sheet.oddFooter.left.text == "不得外传"
    assert sheet.page_setup.orientation == "landscape"
    assert book["统计'表"]["A2"].value == "x" and book["统计'表"].freeze_panes is None
