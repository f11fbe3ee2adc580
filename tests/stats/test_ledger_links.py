"""The ledger XLSX's 照片链接 are hyperlinks into the app (which still checks access on every photo)."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.models import Photo
from inspection.stats import xlsx
from inspection.stats.xlsx import Column, Link, Sheet, write_workbook

from ..factories import make_finding, make_visit

ONE, TWO = "a" * 64, "b" * 64


def test_photo_cells_open_the_photo_or_the_finding_page(client, auth, world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    single = make_finding(visit, world.users["inspector1"], status="confirmed")
    single.photos.append(FindingPhoto(sha256=ONE, position=0))
    several = make_finding(visit, world.users["inspector1"], status="confirmed")
    several.photos.extend([FindingPhoto(sha256=ONE, position=0), FindingPhoto(sha256=TWO, position=1)])
    none = make_finding(visit, world.users["inspector1"], status="confirmed")
    db.session.commit()
    auth.login("reviewer")
    response = client.get("/review/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["问题台账"]
    cells = {row[19].value: row[18] for row in sheet.iter_rows(min_row=4)}
    cell = cells[str(single.id)]
    assert cell.hyperlink.target == f"http://localhost/photos/{ONE}/display" == cell.value
    cell = cells[str(several.id)]
    assert cell.hyperlink.target == f"http://localhost/review/findings/{several.id}"
    assert cell.value.split("\n") == [f"http://localhost/photos/{sha}/display" for sha in (ONE, TWO)]
    assert cells[str(none.id)].hyperlink is None


def test_videos_and_recordings_are_counted_apart_from_photos(client, auth, world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], status="confirmed")
    three = "c" * 64  # referenced, not yet arrived: counted as a photo until it is known to be a recording
    finding.photos.extend([FindingPhoto(sha256=ONE, position=0), FindingPhoto(sha256=TWO, position=1),
                           FindingPhoto(sha256=three, position=2)])
    db.session.add_all([Photo(sha256=ONE, mime="image/jpeg", size=10, width=4, height=3),
                        Photo(sha256=TWO, mime="video/mp4", size=10, width=0, height=0)])
    db.session.commit()
    auth.login("reviewer")
    sheet = load_workbook(io.BytesIO(client.get("/review/ledger.xlsx").data))["问题台账"]
    header = [c.value for c in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[header.index("问题编号")] == str(finding.id))
    assert (row[header.index("照片数")], row[header.index("音视频数")]) == (2, 1)
    lines = client.get("/review/ledger.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[16:18] == ["照片数", "音视频数"]


def test_links_beyond_excels_limit_keep_their_text(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_LINKS", 2)  # Excel's real limit is 65,530 a sheet
    rows = [[Link(f"第{i}行", f"https://example.org/{i}?a=1&b=2")] for i in range(3)]
    target = io.BytesIO()
    write_workbook(target, [Sheet("表", [Column("链接", 20, "link")], rows)])
    sheet = load_workbook(io.BytesIO(target.getvalue()))["表"]
    assert sheet["A2"].hyperlink.target == "https://example.org/0?a=1&b=2"
    assert sheet["A3"].hyperlink is not None and sheet["A4"].hyperlink is None
    assert sheet["A4"].value == "第2行"
