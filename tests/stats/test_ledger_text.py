"""The ledger never depends on what text holds: control characters, separators and JSON-like text stored
before input was checked come out of the page, the CSV and the XLSX cleaned, and never break a column."""
import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.stats.xlsx import Column, Sheet, clean_text, write_workbook

from ..factories import make_finding, make_visit

# What a phone could store before the boundary refused it: the old fold separators (U+001E, U+001F), other C0
# and C1 controls, DEL, and text that looks like the JSON the rows now travel in.
DIRTY_PERSONS = (("张\x1e三", "科\x1f员", "staff"), ('李"],[9,"x四', "股\\长\x0b", "section_chief"),
                 ("王\x7f五\x85", "", "other"))
CLEAN_PERSONS = '张三（科员，一般干部）；李"],[9,"x四（股\\长，正科级干部）；王五（其他人员）'
SHA = "ab" * 32


@pytest.fixture
def dirty(world):
    """A confirmed finding whose stored texts (persons, description, place, note, campaign) hold controls."""
    world.campaign.title = "2026年\x1e第三批\x1f明察暗访"
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], status="confirmed", persons=DIRTY_PERSONS,
                           description="9:30\x1e综合股\x07干部\x1f不在岗\x1b[31m\n电话核实")
    finding.location = "二楼\x1e办公室"
    finding.review_note = "属实\x08\x0c"
    finding.photos.append(FindingPhoto(sha256=SHA, position=0))
    other = make_finding(visit, world.users["inspector1"], status="confirmed", persons=(("赵六", "科员", "staff"),),
                         description="签到册他人代签")
    db.session.commit()
    return finding, other


def _no_controls(text: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in text if (ord(c) < 0x20 and c not in "\t\n\r") or 0x7f <= ord(c) <= 0x9f})
    assert not bad, bad


def test_ledger_page_shows_stored_control_characters_cleaned(client, auth, dirty):
    auth.login("reviewer")
    response = client.get("/review/ledger")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table = page[page.index('<table class="table ledger">'):]
    table = table[:table.index("</table>")]
    _no_controls(table)
    assert "张三" in table and "综合股干部不在岗" in table and "二楼办公室" in table and "赵六" in table
    assert "2026年第三批明察暗访" in table


def test_csv_keeps_every_column_in_place(client, auth, dirty):
    finding, other = dirty
    auth.login("reviewer")
    response = client.get("/review/ledger.csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    _no_controls(text.replace("\r\n", "").replace("\n", ""))
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "序号"  # header first: the title and notice are the XLSX's
    rows = {r[19]: r for r in lines[1:]}
    row = rows[str(finding.id)]
    assert row[5] == "二楼办公室" and row[8] == "9:30综合股干部不在岗[31m\n电话核实"
    assert row[9] == CLEAN_PERSONS and row[10] == "正科级干部、一般干部、其他人员"
    assert row[15] == "属实" and row[16] == "1" and row[18].endswith(f"/photos/{SHA}/display")
    assert rows[str(other.id)][9] == "赵六（科员，一般干部）" and rows[str(other.id)][16] == "0"


def test_xlsx_opens_and_keeps_every_column_in_place(client, auth, world, dirty):
    finding, _ = dirty
    auth.login("reviewer")
    response = client.get(f"/review/ledger.xlsx?campaign={world.campaign.id}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book["问题台账"]
    assert "2026年第三批明察暗访" in sheet["A1"].value
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[19] == str(finding.id))
    assert row[1] == "2026年第三批明察暗访" and row[5] == "二楼办公室"
    assert row[8] == "9:30综合股干部不在岗[31m\n电话核实" and row[9] == CLEAN_PERSONS
    assert row[15] == "属实" and row[16] == 1
    assert book.properties.title.startswith("问题台账（2026年第三批明察暗访）")


def test_workbook_parts_outside_cells_are_cleaned_too():
    target = io.BytesIO()
    sheet = Sheet("台\x1e账", [Column("列\x01", 10)], [["值\x1f"]], notices=["标题\x1e"], header_text="页眉\x02",
                  footer_text="页脚\x03")
    write_workbook(target, [sheet], title="台账\x1e导出")
    book = load_workbook(io.BytesIO(target.getvalue()))
    assert book.sheetnames == ["台账"] and book.properties.title == "台账导出"
    assert [c.value for c in book["台账"]["A"]] == ["标题", "列", "值"]
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as zf:
        for name in zf.namelist():
            _no_controls(zf.read(name).decode("utf-8").replace("\n", ""))


def test_clean_text_keeps_tab_newline_and_chinese_and_drops_controls():
    assert clean_text("甲\t乙\n丙\r丁　戊") == "甲\t乙\n丙\r丁　戊"
    assert clean_text("\x00a\x1eb\x1fc\x7fd\x85e\x9f\ufffe\uffff") == "abcde"
    assert clean_text("\ud800孤\udfff") == "孤"
    assert clean_text(None) is None and clean_text(3) == 3
