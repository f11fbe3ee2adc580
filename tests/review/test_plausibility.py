"""Plausibility flags at the review desk: photo time vs visit, photo/visit position vs unit, visit vs campaign."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.models import Photo
from inspection.review.plausibility import distance_m, finding_flags

from ..factories import PASSWORD, make_finding, make_visit

START = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 9:30 China Standard Time
UNIT = (34.7466, 113.6254)


def add_photo(finding, n: int, *, taken=None, lat=None, lon=None, mime="image/jpeg"):
    sha = f"{n:064x}"
    db.session.add(Photo(sha256=sha, mime=mime, size=1000, width=10, height=10, exif_taken_at=taken,
                         gps_lat=lat, gps_lon=lon))
    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=len(finding.photos)))
    return sha


@pytest.fixture
def finding(world):
    unit = world.targets[0].unit
    unit.latitude, unit.longitude = UNIT
    visit = make_visit(world.targets[0], world.users["inspector1"], started_at=START)
    visit.ended_at = START + timedelta(minutes=45)
    made = make_finding(visit, world.users["inspector1"])
    db.session.commit()
    return made


def flags(finding, window=120, metres=1000):
    db.session.flush()
    db.session.refresh(finding)
    return [(f.code, f.message, f.sha256) for f in finding_flags(finding, window_minutes=window, max_metres=metres)]


def test_distance_is_the_great_circle():
    assert distance_m(*UNIT, *UNIT) == 0
    assert distance_m(34.0, 113.0, 35.0, 113.0) == pytest.approx(111_195, rel=1e-3)  # one degree of latitude


def test_nothing_is_flagged_for_evidence_that_fits(finding):
    finding.campaign.start_date, finding.campaign.end_date = date(2026, 11, 16), date(2026, 11, 30)
    add_photo(finding, 1, taken=START + timedelta(minutes=10), lat=UNIT[0] + 0.001, lon=UNIT[1])
    add_photo(finding, 2)  # no EXIF at all: nothing to doubt
    add_photo(finding, 3, taken=START - timedelta(days=3), lat=0.0, lon=0.0, mime="video/mp4")  # a recording
    assert flags(finding) == []


def test_a_photo_taken_outside_the_visit_window_is_flagged(finding):
    early = add_photo(finding, 4, taken=START - timedelta(minutes=121))
    add_photo(finding, 5, taken=START - timedelta(minutes=119))
    late = add_photo(finding, 6, taken=START + timedelta(minutes=45 + 121))
    found = flags(finding)
    assert [(code, sha) for code, _, sha in found] == [("photo_time", early), ("photo_time", late)]
    assert found[0][1] == "照片拍摄时间 2026年11月20日 7:29 不在到访时间（2026年11月20日 9:30至2026年11月20日 10:15）前后120分钟内"
    assert [sha for _, _, sha in flags(finding, window=240)] == []


def test_a_photo_or_visit_far_from_the_unit_is_flagged(finding):
    far = add_photo(finding, 7, lat=UNIT[0] + 0.05, lon=UNIT[1])  # about 5.6 km north
    add_photo(finding, 8, lat=UNIT[0] + 0.005, lon=UNIT[1])  # about 560 m
    finding.visit.lat, finding.visit.lon = UNIT[0], UNIT[1] + 0.02  # about 1.8 km east
    found = flags(finding)
    unit = finding.unit.name
    assert found == [("visit_location", f"到访定位距{unit}约 1.8 公里", None),
                     ("photo_location", f"照片拍摄位置距{unit}约 5.6 公里", far)]
    finding.unit.latitude = None  # a unit without coordinates: nothing to compare with
    assert flags(finding) == []


def test_a_visit_outside_its_campaign_is_flagged(finding):
    finding.campaign.start_date, finding.campaign.end_date = date(2026, 11, 16), date(2026, 11, 19)
    assert flags(finding) == [("visit_outside_campaign", "到访日期 11月20日 不在专项行动期间（11月16日至11月19日）内", None)]
    finding.visit.started_at = datetime(2026, 11, 19, 15, 59, tzinfo=UTC)  # 23:59 on the 19th in Beijing
    finding.visit.ended_at = None
    assert flags(finding) == []
    finding.visit.started_at = datetime(2026, 11, 19, 16, 0, tzinfo=UTC)  # 00:00 on the 20th in Beijing
    assert [code for code, _, _ in flags(finding)] == ["visit_outside_campaign"]


def test_the_review_desk_shows_the_flags(app, finding):
    finding.campaign.start_date, finding.campaign.end_date = date(2026, 11, 16), date(2026, 11, 19)
    add_photo(finding, 9, taken=START + timedelta(days=1), lat=UNIT[0] + 0.05, lon=UNIT[1])
    db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302
    page = client.get(f"/review/findings/{finding.id}").get_data(as_text=True)
    assert '<h2 id="flags-h">请核实</h2>' in page
    for code in ("visit_outside_campaign", "photo_time", "photo_location"):
        assert f'data-flag="{code}"' in page
    finding.campaign.end_date = date(2026, 11, 30)
    finding.photos.clear()
    db.session.commit()
    assert "flags-h" not in client.get(f"/review/findings/{finding.id}").get_data(as_text=True)
