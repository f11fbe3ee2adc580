"""The ledger (台账): XLSX and CSV exports with the current filters, audited, and streamed in batches."""
import csv
import hashlib
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.stats.filters import FindingFilter
from inspection.stats.ledger import COLUMNS, ledger_rows

from .data import build_county


@pytest.fixture
def county(world):
    data = build_county(world)
    first = data["confirmed"][0]
    first.photos.append(FindingPhoto(sha256=hashlib.sha256(b"x").hexdigest(), position=0))
    first.description = "=HYPERLINK(\"http://evil\")"  # must stay text in both formats
    db.session.commit()
    return data


def download(client, url):
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.headers, response.get_data()


def test_ledger_page_previews_with_export_links(client, auth, world, county):
    auth.login("reviewer")
    page = client.get(f"/review/ledger?campaign={world.campaign.id}").get_data(as_text=True)
    assert "共 8 条" in page and "问题台账" in page
    assert f"/review/ledger.xlsx?campaign={world.campaign.id}&amp;status=confirmed" in page
    assert f"/review/ledger.csv?campaign={world.campaign.id}&amp;status=confirmed" in page
    assert "教体局考勤管理问题" not in page or "示例县教育和体育局" in page


def test_xlsx_export(client, auth, world, county):
    auth.login("reviewer")
    headers, data = download(client, f"/review/ledger.xlsx?campaign={world.campaign.id}")
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in headers["Content-Disposition"] and headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["问题台账", "统计"]
    sheet = book["问题台账"]
    assert "内部资料" in sheet["A2"].value and sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == [c.header for c in COLUMNS]
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(body) == 8 and [r[0] for r in body] == list(range(1, 9))
    row = next(r for r in body if r[19] == str(county["confirmed"][0].id))
    assert row[1] == world.campaign.title and row[2] == "示例县教育和体育局" and row[3] == "第一暗访组"
    assert row[4] == datetime(2026, 11, 20, 9, 30)  # a real date, China Standard Time
    assert row[8] == "=HYPERLINK(\"http://evil\")" and sheet.cell(row=4 + body.index(row), column=9).data_type == "s"
    assert row[9] == "张一（科员，一般干部）；张二（科员，一般干部）" and row[10] == "一般干部"
    assert row[12] == "已确认" and row[16] == 1
    assert row[18] == f"http://localhost/photos/{hashlib.sha256(b'x').hexdigest()}/display"
    assert sheet.column_dimensions["I"].width == 48
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger.exported"))
    assert event.after["rows"] == 8 and event.after["format"] == "xlsx"
    assert event.actor_id == world.users["reviewer"].id


def test_filters_reach_the_export(client, auth, world, county):
    auth.login("reviewer")
    _, data = download(client, "/review/ledger.xlsx?status=all")
    assert load_workbook(io.BytesIO(data))["问题台账"].max_row == 3 + 11
    _, data = download(client, "/review/ledger.xlsx?category=在岗在位")
    assert load_workbook(io.BytesIO(data))["问题台账"].max_row == 3 + 4


def test_csv_export_has_a_bom_and_quotes_formulas(client, auth, world, county):
    auth.login("reviewer")
    headers, data = download(client, "/review/ledger.csv")
    assert headers["Content-Type"].startswith("text/csv")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == [c.header for c in COLUMNS]  # a plain table: the first line is its header
    assert len(lines) == 1 + 8
    assert next(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))["问题编号"]  # any CSV reader finds the columns
    first = next(r for r in lines[1:] if r[19] == str(county["confirmed"][0].id))
    assert first[4] == "2026-11-20 09:30" and first[8] == "'=HYPERLINK(\"http://evil\")"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger.exported"))
    assert event.after == {"format": "csv", "filters": {"status": "confirmed"}, "rows": 8}


def test_rows_stream_in_batches_and_come_out_the_same(app, world, county):
    with app.test_request_context():
        small = list(ledger_rows(FindingFilter(status="all"), photo_url=str, batch=3))
        large = list(ledger_rows(FindingFilter(status="all"), photo_url=str, batch=1000))
    assert len(small) == 11 and small == large


@pytest.mark.parametrize("username", ["viewer", "coordinator", "liaison1", "inspector1"])
def test_only_reviewers_and_admins_export(client, auth, county, username):
    auth.login(username)
    for url in ("/review/ledger", "/review/ledger.xlsx", "/review/ledger.csv"):
        assert client.get(url).status_code == 404
