"""The 问题清单 table: columns sized from their content, short rows kept whole, landscape for many columns."""
from __future__ import annotations

import pytest

from inspection.pdf import build_circular
from inspection.pdf.annex import CELL_PAD, KEEP_LINES, TABLE_SIZE, table_frame
from inspection.pdf.document import Attachment, Table
from inspection.pdf.fonts import fontset

from . import pdftools as pt
from .pdftools import MM, needs_poppler
from .samples import circular

pytestmark = needs_poppler

# the columns and relative weights the 问题清单 was drawn with before (地点 13.6 mm, 涉及人员 20.4 mm)
COLUMNS = ["序号", "单位", "时间", "地点", "问题类别", "问题描述", "涉及人员"]
OLD_WEIGHTS = [0.8, 1.8, 1.8, 1.0, 1.5, 3.1, 1.5]
PLACES = ("三楼东侧办公区", "一楼服务大厅", "停车场", "人事股")
PEOPLE = ("王堃（办公室副主任）", "张喆昇（股长）", "李玥（科员）", "")


def findings_table(rows: int) -> Table:
    """Return a 7-column findings table like the one circulars/assemble.py makes."""
    return Table(COLUMNS, [[str(i), "县住房和城乡建设局", f"11月{i % 28 + 1}日 9:{i % 50 + 10}", PLACES[i % 4], "考勤管理",
                            "签到册人数不全，多人由他人代签，电话核实称外出办事，经查无外出审批手续", PEOPLE[i % 4]]
                           for i in range(1, rows + 1)], list(OLD_WEIGHTS))


def test_seven_columns_are_weighted_from_the_content_and_set_landscape():
    frame, widths = table_frame(findings_table(30), fontset(), "附件2")
    assert frame.landscape
    assert abs(sum(widths) - 225 * MM) < 0.5
    by_name = dict(zip(COLUMNS, widths))
    # 地点 holds its longest entry on one line, 涉及人员 a name with its post; the time is never wrapped
    assert by_name["地点"] >= 7 * TABLE_SIZE + 2 * CELL_PAD
    assert by_name["涉及人员"] >= 7 * TABLE_SIZE + 2 * CELL_PAD
    assert by_name["时间"] >= 80
    assert by_name["问题描述"] == max(widths)


def test_few_columns_stay_portrait_and_keep_widths_measured_in_points():
    small = Table(["序号", "单位", "问题"], [["1", "县公安局", "签到册他人代签"]], [1, 3, 6])
    frame, widths = table_frame(small, fontset(), "附件1")
    assert not frame.landscape and abs(sum(widths) - 156 * MM) < 0.5
    measured = Table(["编号", "说明"], [["A01", "无"]], [100, 156 * MM - 100])
    assert table_frame(measured, fontset(), "检查清单")[1] == [100, 156 * MM - 100]


def test_landscape_table_pdf_turns_its_page_and_keeps_the_page_number_upright(tmp_path):
    path = pt.write(tmp_path, build_circular(circular(attachments=[Attachment("暗访发现问题清单", "table",
                                                                               table=findings_table(12))])))
    words = pt.words(path)
    title = next(w for w in words if w.text == "暗访发现问题清单")
    page = [w for w in words if w.page == title.page]
    assert title.y1 - title.y0 > 3 * (title.x1 - title.x0)  # drawn turned a quarter: tall and narrow
    assert title.x0 < 80 * MM  # its top towards the binding (left) edge
    number = [w for w in page if w.y0 > 262 * MM]
    assert "".join(w.text for w in pt.lines(number)[0]) == f"—{title.page}—"  # upright, where it always is
    # every cell of the time column on one line: each 11月N日 word has its time on the same (turned) line
    dates = [w for w in page if w.text.startswith("11月") and w.text.endswith("日")]
    assert len(dates) >= 3
    for date in dates:
        assert any(abs(w.x0 - date.x0) < 1 and w.text.startswith("9:") for w in page), date.text
    places = [w.text for w in page if w.text in PLACES]
    assert "三楼东侧办公区" in places  # whole, not wrapped after four characters


def test_rows_of_up_to_five_lines_are_never_split_across_pages(tmp_path):
    problem = "签到册人数不全多人由他人代签经查无外出审批手续暗访组当场拍照取证" * 2  # four lines in its column
    rows = [[str(i), "县公安局", f"甲{i:02d}始" + problem + f"乙{i:02d}终"] for i in range(1, 31)]
    table = Table(["序号", "单位", "问题"], rows, [1, 2, 4])
    path = pt.write(tmp_path, build_circular(circular(attachments=[Attachment("问题清单", "table", table=table)])))
    words = pt.words(path)
    pages_of = {}
    for i in range(1, 31):
        start = next(w.page for w in words if f"甲{i:02d}始" in w.text)
        end = next(w.page for w in words if f"乙{i:02d}终" in w.text)
        pages_of[i] = (start, end)
    assert all(start == end for start, end in pages_of.values()), pages_of
    assert len({start for start, _ in pages_of.values()}) >= 2  # the table did run over a page


def test_a_row_taller_than_keep_lines_still_splits_at_a_page_end(tmp_path):
    tall = "字" * 30 * (KEEP_LINES + 20)
    rows = [["1", "县公安局", "短"], ["2", "县公安局", f"头{tall}尾"]]
    table = Table(["序号", "单位", "问题"], rows, [1, 2, 4])
    path = pt.write(tmp_path, build_circular(circular(attachments=[Attachment("问题清单", "table", table=table)])))
    words = pt.words(path)
    head = next(w for w in words if w.text.startswith("头"))
    short = next(w for w in words if w.text == "短")
    assert head.page == short.page  # the tall row starts right under the first, on the same page
