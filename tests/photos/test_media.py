"""Video and audio evidence: typed by content, kept byte for byte, played at the review desk, never printed."""
from __future__ import annotations

import hashlib
import random

import pytest

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.entries import photo_entries
from inspection.photos.media import sniff_media
from inspection.photos.models import Photo
from inspection.photos.storage import variant_path

from ..factories import PASSWORD, make_finding, make_visit
from ..records import jpeg
from .test_resumable import TUS, create, partial_files, send

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def recording(head: bytes = MP4_HEAD, size: int = 300_000, seed: int = 3) -> bytes:
    """A file that starts like a recording of the given kind, filled with noise."""
    return head + random.Random(seed).randbytes(size - len(head))


@pytest.mark.parametrize(("head", "declared", "expected"), [
    (MP4_HEAD, "video/mp4", "video/mp4"),
    (MP4_HEAD, "audio/mp4", "audio/mp4"),  # an audio-only MP4 container (brand isom) declared as sound
    (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom", "video/mp4", "audio/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", None, "video/quicktime"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm", "video/webm"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "audio/webm", "audio/webm"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg", "audio/mpeg"),
    (b"\xff\xfb\x90\x64\x00", "audio/mpeg", "audio/mpeg"),
    (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac", "audio/aac"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "video/mp4", None),  # a HEIF still is no recording
    (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska", "video/webm", None),  # Matroska, not WebM
    (b"%PDF-1.7\n", "video/mp4", None),
    (b"", "audio/mpeg", None),
])
def test_recordings_are_typed_by_their_leading_bytes(head, declared, expected):
    assert sniff_media(head, declared) == expected


def test_a_video_goes_up_resumably_is_kept_byte_for_byte_and_plays_at_the_review_desk(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data = recording()
    sha = hashlib.sha256(data).hexdigest()
    location = create(client, h1, data, content_type="video/mp4", filename="现场录像.mp4").headers["Location"]
    assert send(client, h1, location, data[:100_000], 0).headers["Upload-Offset"] == "100000"
    done = send(client, h1, location, data[100_000:], 100_000)
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    db.session.rollback()
    photo = db.session.get(Photo, sha)
    assert (photo.mime, photo.size, photo.width, photo.height, photo.is_media) == ("video/mp4", len(data), 0, 0, True)
    assert variant_path(app.config["PHOTO_DIR"], sha, "original").read_bytes() == data
    assert not variant_path(app.config["PHOTO_DIR"], sha, "display").exists()
    assert partial_files(app) == [location.rsplit("/", 1)[1] + ".json"]  # the state stays until purged
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"])
    finding.photos.append(FindingPhoto(sha256=sha, caption="门岗录像", position=0))
    db.session.commit()
    reviewer = app.test_client()
    assert reviewer.post("/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302
    page = reviewer.get(f"/review/findings/{finding.id}").get_data(as_text=True)
    assert f'<video controls preload="metadata" width="240" src="/photos/{sha}/display"' in page
    assert f"/photos/{sha}/thumb" not in page
    with reviewer.get(f"/photos/{sha}/display", headers={"Range": "bytes=0-99"}) as played:
        assert (played.status_code, played.mimetype, played.get_data()) == (206, "video/mp4", data[:100])
        assert "attachment" not in played.headers.get("Content-Disposition", "")
    with reviewer.get(f"/photos/{sha}/original") as original:
        assert original.get_data() == data and f"{sha}.mp4" in original.headers["Content-Disposition"]
    assert reviewer.get(f"/photos/{sha}/thumb").status_code == 404
    entries, missing = photo_entries([finding], app.config["PHOTO_DIR"])
    assert (entries, missing) == ([], 0)  # recordings are never printed, and not "missing" either


def test_an_audio_recording_and_a_photo_on_one_finding_print_only_the_photo(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    sound = recording(b"ID3\x04\x00\x00\x00\x00\x00\x00", size=50_000)
    location = create(client, h1, sound, content_type="audio/mpeg", filename="通话录音.mp3").headers["Location"]
    assert send(client, h1, location, sound, 0).status_code == 204
    image, image_sha = jpeg(21, size=(400, 300))
    assert client.put(f"/api/v1/photos/{image_sha}", data=image, content_type="image/jpeg", headers=h1).status_code == 201
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"])
    finding.photos.extend([FindingPhoto(sha256=hashlib.sha256(sound).hexdigest(), caption="", position=0),
                           FindingPhoto(sha256=image_sha, caption="", position=1)])
    db.session.commit()
    assert db.session.get(Photo, hashlib.sha256(sound).hexdigest()).mime == "audio/mpeg"
    entries, missing = photo_entries([finding], app.config["PHOTO_DIR"])
    assert [e.sha256 for e in entries] == [image_sha] and missing == 0
    reviewer = app.test_client()
    reviewer.post("/login", data={"username": "reviewer", "password": PASSWORD})
    page = reviewer.get(f"/review/findings/{finding.id}").get_data(as_text=True)
    assert f'<audio controls preload="metadata" src="/photos/{hashlib.sha256(sound).hexdigest()}/display"' in page


def test_a_declared_video_that_is_no_recording_is_415_and_discarded(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data = b"%PDF-1.7\n" + bytes(5000)
    location = create(client, h1, data, content_type="video/mp4", filename="x.mp4").headers["Location"]
    refused = send(client, h1, location, data, 0)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (415, "unsupported_media_type")
    assert client.head(location, headers={**h1, **TUS}).status_code == 404
    assert partial_files(app) == []
    assert db.session.get(Photo, hashlib.sha256(data).hexdigest()) is None


def test_a_recording_over_the_media_limit_by_its_content_is_413(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data = recording(size=20_000)
    app.config["MAX_UPLOAD_PHOTO_BYTES"] = 30_000
    app.config["MAX_UPLOAD_MEDIA_BYTES"] = 10_000
    location = create(client, h1, data, content_type="image/jpeg").headers["Location"]  # declared as a photo
    refused = send(client, h1, location, data, 0)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (413, "too_large")
    assert partial_files(app) == []


def test_one_patch_larger_than_the_apps_request_limit_is_accepted_on_the_upload(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data = recording(size=app.config["MAX_CONTENT_LENGTH"] + 3 * 1024 * 1024)  # tuspy's default: one PATCH
    location = create(client, h1, data, content_type="video/mp4").headers["Location"]
    answer = send(client, h1, location, data, 0)
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == str(len(data))
    db.session.rollback()
    assert db.session.get(Photo, hashlib.sha256(data).hexdigest()).size == len(data)
