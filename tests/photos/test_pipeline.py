"""The photo pipeline keeps originals byte for byte and refuses what it should."""
from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from inspection.core.actor import Actor
from inspection.photos.models import Photo
from inspection.photos.services import PhotoError, ingest_photo, sniff_mime
from inspection.photos.storage import variant_path

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_pixels": 40_000_000}


def jpeg_bytes(size=(4000, 3000), orientation: int | None = None, gps: bool = False, when: str | None = None):
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 4))  # a blue block top-left
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if when:
        exif.get_ifd(0x8769)[0x9003] = when
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 30.0, 0.0), 3: "E", 4: (113.0, 15.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def open_variant(app, sha, variant):
    with Image.open(variant_path(app.config["PHOTO_DIR"], sha, variant)) as image:
        image.load()
        return image


def ingest(app, data, sha=None):
    return ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha or hashlib.sha256(data).hexdigest(),
                        **LIMITS)


def test_original_kept_byte_for_byte_and_copies_made(app):
    data = jpeg_bytes(when="2026:11:20 09:30:00", gps=True)
    photo, created = ingest(app, data)
    assert created
    sha = hashlib.sha256(data).hexdigest()
    assert variant_path(app.config["PHOTO_DIR"], sha, "original").read_bytes() == data
    display = open_variant(app, sha, "display")
    assert max(display.size) == 1600
    kept = display.getexif()  # the evidence travels with the display copy (and the print copies made from it)
    assert kept.get_ifd(0x8769)[0x9003] == "2026:11:20 09:30:00"
    assert tuple(float(v) for v in kept.get_ifd(0x8825)[2]) == (34.0, 30.0, 0.0)
    assert kept[0x0112] == 1
    thumb = open_variant(app, sha, "thumb")
    assert not thumb.getexif(), "a thumbnail carries no metadata"
    assert max(thumb.size) <= 320
    assert photo.exif_taken_at == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 9:30 CST
    assert photo.gps_lat == pytest.approx(34.5) and photo.gps_lon == pytest.approx(113.26)
    assert (photo.width, photo.height) == (4000, 3000)


def test_orientation_applied_to_display_copy(app):
    data = jpeg_bytes(size=(800, 600), orientation=6)
    photo, _ = ingest(app, data)
    display = open_variant(app, photo.sha256, "display")
    assert display.size == (600, 800)
    assert (photo.width, photo.height) == (600, 800)
    # the blue block (top-left before rotation) is now top-right after a 90° clockwise rotation
    r, g, b = display.convert("RGB").getpixel((590, 10))
    assert b > 150 and r < 100


def test_same_photo_twice_is_stored_once(app):
    data = jpeg_bytes(size=(300, 200))
    first, created_first = ingest(app, data)
    second, created_second = ingest(app, data)
    assert created_first and not created_second
    assert first.sha256 == second.sha256
    from inspection.extensions import db

    assert db.session.query(Photo).count() == 1


def test_hash_mismatch_refused_and_nothing_stored(app):
    data = jpeg_bytes(size=(300, 200))
    with pytest.raises(PhotoError) as err:
        ingest(app, data, sha="0" * 64)
    assert err.value.code == "hash_mismatch" and err.value.status == 422
    assert not variant_path(app.config["PHOTO_DIR"], hashlib.sha256(data).hexdigest(), "original").exists()


def test_type_decided_by_content_not_name(app):
    with pytest.raises(PhotoError) as err:
        ingest(app, b"%PDF-1.7 not an image at all")
    assert err.value.status == 415
    assert sniff_mime(b"\x89PNG\r\n\x1a\n....") == "image/png"


def test_too_large_refused(app):
    data = b"\xff\xd8\xff" + b"0" * (LIMITS["max_bytes"] + 1)
    with pytest.raises(PhotoError) as err:
        ingest(app, data)
    assert err.value.status == 413 and err.value.code == "too_large"


def test_decompression_bomb_refused(app):
    image = Image.new("1", (20000, 20000))  # 400 MP, a few kB as PNG
    out = io.BytesIO()
    image.save(out, "PNG")
    with pytest.raises(PhotoError) as err:
        ingest(app, out.getvalue())
    assert err.value.status == 422 and err.value.code == "too_many_pixels"


def test_png_with_transparency_flattened(app):
    image = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    photo, _ = ingest(app, out.getvalue())
    assert photo.mime == "image/png"
    display = open_variant(app, photo.sha256, "display")
    assert display.getpixel((5, 5)) == (255, 255, 255)


def test_truncated_jpeg_refused_cleanly(app):
    data = jpeg_bytes(size=(400, 300))[:200]
    with pytest.raises(PhotoError) as err:
        ingest(app, data)
    assert err.value.status in (415, 422)


def test_ingest_audits_an_upload_that_proves_possession(app, world):
    """ingest_photo writes photo.upload (with the IP) for the first uploader and for anyone proving they hold
    the bytes by sending them again; a resend by a holder adds nothing, and no uploader means no event."""
    from sqlalchemy import select

    from inspection.audit.models import AuditEvent
    from inspection.extensions import db

    def events():
        return [(e.actor_id, e.after["first_upload"], e.ip) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "photo.upload").order_by(AuditEvent.id))]

    data = jpeg_bytes(size=(640, 480))
    sha = hashlib.sha256(data).hexdigest()
    one, two = world.users["inspector1"], world.users["inspector2"]
    ingest_photo(app.config["PHOTO_DIR"], jpeg_bytes(size=(320, 240)),
                 expected_sha256=hashlib.sha256(jpeg_bytes(size=(320, 240))).hexdigest(), **LIMITS)
    assert events() == []
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=Actor(one, ip="10.0.0.7"), **LIMITS)
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=Actor(one, ip="10.0.0.7"), **LIMITS)
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=Actor(two, ip="10.0.0.8"), **LIMITS)
    assert events() == [(one.id, True, "10.0.0.7"), (two.id, False, "10.0.0.8")]


def test_display_copy_keeps_make_model_time_and_gps_and_is_upright(app):
    image = Image.new("RGB", (2400, 1800), (90, 140, 40))
    exif = Image.Exif()
    exif.update({0x010F: "HUAWEI", 0x0110: "Mate 60", 0x0112: 6, 0x0131: "secret-editor 1.0"})
    exif.get_ifd(0x8769).update({0x9003: "2026:11:20 10:05:00", 0x9011: "+08:00", 0xA430: "owner name"})
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 45.0, 0.0), 3: "E", 4: (113.0, 37.0, 12.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    photo, _ = ingest(app, out.getvalue())
    display = open_variant(app, photo.sha256, "display")
    kept = display.getexif()
    assert (kept[0x010F], kept[0x0110], kept[0x0112]) == ("HUAWEI", "Mate 60", 1)
    assert display.size == (1200, 1600)  # rotated once, and a viewer must not rotate it again
    assert 0x0131 not in kept and 0xA430 not in kept.get_ifd(0x8769)  # only the evidence tags travel
    again, created = ingest(app, variant_path(app.config["PHOTO_DIR"], photo.sha256, "display").read_bytes())
    assert created and (again.exif_taken_at, again.gps_lat, again.gps_lon) == (
        photo.exif_taken_at, photo.gps_lat, photo.gps_lon)
    assert (again.width, again.height) == (1200, 1600)
