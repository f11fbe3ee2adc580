"""整改 figures (rate by unit and category, overdue, median days to 销号, the report sentence) and the
台账 exports: XLSX with the print setup and a figures sheet, CSV whose first line is its header."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from inspection.extensions import db
from inspection.rectification import services
from inspection.rectification.deadlines import ColourRule
from inspection.rectification.ledger import COLUMNS
from inspection.rectification.numbers import Scope, figures, rectification_sentence

from .helpers import issue_sample, items_of

FILLED = {"measures": "修订制度", "leader": "张局长", "responsible": "李某", "progress": "已完成"}


def _close(item, world, note="整改到位"):
    services.save_item(item, FILLED, actor=world.users["liaison1"])
    services.add_evidence(item, kind="pdf", sha256=f"{item.id:064x}", filename="整改报告.pdf", size=100,
                          actor=world.users["liaison1"])
    services.submit_item(item, actor=world.users["liaison1"])
    services.accept_item(item, note, actor=world.users["reviewer"])


@pytest.fixture
def loop(app, world):
    """The sample circular with one item closed and the rest left open, seen one day past the due date."""
    circular = issue_sample(app, world)
    items = items_of(circular)
    _close(items[0], world)
    db.session.commit()
    rule = ColourRule(today=items[0].due_date + timedelta(days=1), blue_days=3)
    return circular, items, rule


def test_figures_count_closed_overdue_and_rates(world, loop):
    circular, items, rule = loop
    fig = figures(Scope(), rule)
    assert fig.total == len(items) and fig.closed == 1 and fig.overdue == len(items) - 1
    assert fig.units == 2
    overdue_units = {i.unit_id for i in items[1:]}
    assert fig.overdue_units == len(overdue_units)
    expected = (2 * 1 * 1000 + len(items)) // (2 * len(items))
    assert fig.rate_tenths == expected
    assert sum(r["total"] for r in fig.by_unit) == fig.total
    assert sum(r["closed"] for r in fig.by_category) == 1
    assert fig.median_days == 0.0  # closed on the day it was issued, in the test
    sentence = rectification_sentence(fig)
    assert sentence.startswith(f"截至{rule.today.month}月{rule.today.day}日，通报的{len(items)}个问题已整改销号1个、整改率")
    assert f"逾期未完成{len(items) - 1}个，涉及{len(overdue_units)}个单位。" in sentence


def test_figures_follow_the_scope(world, loop):
    circular, items, rule = loop
    one_unit = figures(Scope(unit_id=world.units[1].id), rule)
    assert one_unit.total == len([i for i in items if i.unit_id == world.units[1].id])
    assert figures(Scope(circular_id=circular.id + 99), rule).total == 0
    assert rectification_sentence(figures(Scope(circular_id=circular.id + 99), rule)) == ""


def test_no_overdue_reads_so(world, loop):
    circular, items, rule = loop
    early = ColourRule(today=circular.doc_date, blue_days=3)
    assert rectification_sentence(figures(Scope(), early)).endswith("，无逾期未完成的问题。")


def test_xlsx_has_the_columns_print_setup_and_the_same_figures(world, client, auth, loop):
    circular, items, rule = loop
    auth.login("reviewer")
    response = client.get("/rectification/ledger.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["整改台账"]
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "序号")
    assert list(header_row) == [c.header for c in COLUMNS]
    assert sheet.page_setup.orientation == "landscape"
    data = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(data) == len(items)
    assert sum(1 for r in data if r[9] == "已销号") == 1 and all(r[11] >= 0 for r in data)
    stats = book["整改统计"]
    values = {(r[0], r[1]): r for r in stats.iter_rows(values_only=True) if r and r[0]}
    assert values[("总体", "通报问题")][2] == len(items)
    assert values[("总体", "已销号")][2] == 1


def test_csv_first_line_is_the_header_and_every_item_is_a_row(world, client, auth, loop):
    circular, items, rule = loop
    auth.login("viewer")
    response = client.get(f"/rectification/ledger.csv?circular={circular.id}")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [c.header for c in COLUMNS]
    assert len(rows) == 1 + len(items)


def test_liaisons_and_inspectors_cannot_export(world, client, auth, loop):
    for name in ("liaison1", "inspector1"):
        auth.login(name)
        assert client.get("/rectification/ledger.csv").status_code == 404
        assert client.get("/rectification/ledger.xlsx").status_code == 404
        auth.logout()


def test_csv_guards_formulas_and_drops_control_characters(world, client, auth, loop):
    circular, items, rule = loop
    item = items[1]
    services.save_item(item, {"measures": "=HYPERLINK(\"http://x\")", "progress": "第一行\n第二行"},
                       actor=world.users["liaison1"])
    db.session.commit()
    auth.login("reviewer")
    rows = list(csv.reader(io.StringIO(client.get("/rectification/ledger.csv").data.decode("utf-8-sig"))))
    row = next(r for r in rows[1:] if r[4].startswith("'="))
    assert row[4] == "'=HYPERLINK(\"http://x\")" and row[8] == "第一行\n第二行"
