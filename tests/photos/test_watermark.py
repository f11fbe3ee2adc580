"""The 水印 band: drawn server-side on copies (served and printed) when WATERMARK is on; originals untouched."""
from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

from PIL import Image

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.entries import photo_entries
from inspection.photos.models import Photo
from inspection.photos.storage import delete_files, variant_path
from inspection.photos.watermark import band_lines

from ..factories import PASSWORD, make_finding, make_visit


def grey_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 120, 120)).save(out, "JPEG", quality=90)
    return out.getvalue()


def stored_on_finding(app, world, token_for):
    """A grey photo uploaded by inspector1 and named by their finding (with GPS on the photo row)."""
    data = grey_jpeg()
    sha = hashlib.sha256(data).hexdigest()
    h1 = token_for("inspector1")
    assert app.test_client().put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg",
                                 headers=h1).status_code == 201
    photo = db.session.get(Photo, sha)
    photo.gps_lat, photo.gps_lon, photo.exif_taken_at = 34.75, 113.625, datetime(2026, 11, 20, 1, 41, tzinfo=UTC)
    finding = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=0))
    db.session.commit()
    return data, sha, finding


def reviewer_client(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302
    return client


def served(client, sha) -> bytes:
    with client.get(f"/photos/{sha}/display") as answer:
        assert answer.status_code == 200
        return answer.get_data()


def white_share(jpeg: bytes, box) -> float:
    """The share of near-white pixels in a box of the image."""
    with Image.open(io.BytesIO(jpeg)) as image:
        histogram = image.convert("L").crop(box).histogram()
    return sum(histogram[201:]) / sum(histogram)


def test_the_band_names_time_unit_place_and_team(app, world, token_for):
    _, sha, finding = stored_on_finding(app, world, token_for)
    lines = band_lines(finding, db.session.get(Photo, sha))
    assert lines == ["时间：2026年11月20日 9:41", f"单位：{finding.unit.name}", "地点：办公室（34.75000, 113.62500）",
                     f"暗访组：{finding.team.name}"]


def test_off_by_default_the_display_copy_is_served_as_stored(app, world, token_for):
    _, sha, finding = stored_on_finding(app, world, token_for)
    display = variant_path(app.config["PHOTO_DIR"], sha, "display").read_bytes()
    assert served(reviewer_client(app), sha) == display
    entries, _ = photo_entries([finding], app.config["PHOTO_DIR"])
    assert entries[0].path.endswith(".display.jpg")


def test_on_the_band_is_drawn_on_a_copy_and_printed_too(app, world, token_for):
    data, sha, finding = stored_on_finding(app, world, token_for)
    app.config["WATERMARK"] = True
    display_path = variant_path(app.config["PHOTO_DIR"], sha, "display")
    display = display_path.read_bytes()
    stamped = served(reviewer_client(app), sha)
    assert stamped != display
    with Image.open(io.BytesIO(stamped)) as image:
        assert image.size == (1200, 900)
        band = image.convert("L").getpixel((1190, 895))
    assert band < 80  # the translucent dark band over mid-grey
    assert white_share(stamped, (0, 760, 600, 900)) > 0.01  # white text in the band
    assert white_share(display, (0, 760, 600, 900)) == 0
    assert white_share(stamped, (0, 0, 1200, 600)) == 0  # nothing drawn above the band
    assert variant_path(app.config["PHOTO_DIR"], sha, "original").read_bytes() == data
    assert display_path.read_bytes() == display
    entries, _ = photo_entries([finding], app.config["PHOTO_DIR"])
    assert ".display.jpg.wm-" in entries[0].path
    with open(entries[0].path, "rb") as handle:
        assert handle.read() == stamped
    finding.location = "二楼会议室"  # a corrected finding gets a new band
    db.session.commit()
    assert served(reviewer_client(app), sha) != stamped
    delete_files(app.config["PHOTO_DIR"], sha)
    assert list(display_path.parent.glob("*.wm-*")) == []


def test_a_photo_no_finding_names_yet_is_served_without_a_band(app, world, token_for):
    data = grey_jpeg()
    sha = hashlib.sha256(data).hexdigest()
    h1 = token_for("inspector1")
    assert app.test_client().put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg",
                                 headers=h1).status_code == 201
    app.config["WATERMARK"] = True
    display = variant_path(app.config["PHOTO_DIR"], sha, "display").read_bytes()
    assert served(reviewer_client(app), sha) == display


def test_a_followup_team_sees_an_earlier_problems_photo_with_the_commissions_band(app, world, token_for):
    from ..sync.followup_fixtures import make_followup_world

    fu = make_followup_world(app, world)  # inspector3's team holds the active follow-up targets
    app.config["WATERMARK"] = True
    h3 = token_for("inspector3")

    def display_for(sha, **kwargs) -> bytes:
        with app.test_client().get(f"/photos/{sha}/display", **kwargs) as answer:
            assert answer.status_code == 200
            return answer.get_data()

    stamped = served(reviewer_client(app), fu.finding_photo)
    assert stamped != variant_path(app.config["PHOTO_DIR"], fu.finding_photo, "display").read_bytes()
    assert display_for(fu.finding_photo, headers=h3) == stamped  # the original finding's band, not none
    evidence = variant_path(app.config["PHOTO_DIR"], fu.evidence_photo, "display").read_bytes()
    assert display_for(fu.evidence_photo, headers=h3) == evidence  # the unit's evidence names no finding
