"""Resumable uploads (tus 1.0) at /api/v1/uploads, driven by a standard client (tuspy) and by hand."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select
from tusclient import client as tus
from tusclient.exceptions import TusUploadFailed

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.photos import uploads
from inspection.photos.models import Photo
from inspection.photos.storage import variant_path
from inspection.sync.tus import upload_dir

from ..records import finding_record, jpeg, push, visit_record
from .test_pipeline import jpeg_bytes
from .tus_client import UPLOADS, FlaskAdapter, encode_metadata, metadata

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def adapter(app, monkeypatch):
    """Route tuspy's HTTP (requests) to the test app."""
    transport = FlaskAdapter(app)
    monkeypatch.setattr(requests.Session, "get_adapter", lambda self, url: transport)
    return transport


@pytest.fixture
def h1(world, token_for):
    return token_for("inspector1")


@pytest.fixture
def h2(world, token_for):
    return token_for("inspector2")


def big_jpeg(seed: int = 1) -> bytes:
    """A noisy 1600x1200 photo with EXIF time and GPS, a few hundred KB: several chunks."""
    noise = random.Random(seed).randbytes(400 * 300 * 3)
    image = Image.frombytes("RGB", (400, 300), noise).resize((1600, 1200), Image.Resampling.NEAREST)
    exif = Image.open(io.BytesIO(jpeg_bytes(size=(8, 8), gps=True, when="2026:11:20 09:40:00"))).getexif()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def create(client, headers, data, *, length=None, **meta):
    """POST an upload by hand; return the answer."""
    values = metadata(data, **meta)
    return client.post("/api/v1/uploads", headers={**headers, **TUS, "Upload-Length": str(length or len(data)),
                                                    "Upload-Metadata": encode_metadata(values)})


def send(client, headers, location, chunk, offset, **extra):
    """PATCH one chunk by hand."""
    return client.patch(location, data=chunk, content_type="application/offset+octet-stream",
                        headers={**headers, **TUS, "Upload-Offset": str(offset), **extra})


def partial_files(app) -> list[str]:
    folder = upload_dir(app.config)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_tuspy_round_trip_stores_the_photo_as_put_does(app, world, h1, adapter):
    data = big_jpeg()
    sha = hashlib.sha256(data).hexdigest()
    uploader = tus.TusClient(UPLOADS, headers=h1).uploader(
        file_stream=io.BytesIO(data), chunk_size=64 * 1024, metadata=metadata(data), upload_checksum=True)
    uploader.upload()
    assert uploader.offset == len(data)
    db.session.rollback()
    photo = db.session.get(Photo, sha)
    assert (photo.mime, photo.size, photo.width, photo.uploaded_by_id) == (
        "image/jpeg", len(data), 1600, world.users["inspector1"].id)
    assert photo.gps_lat is not None and photo.exif_taken_at is not None
    assert variant_path(app.config["PHOTO_DIR"], sha, "original").read_bytes() == data
    assert variant_path(app.config["PHOTO_DIR"], sha, "display").exists()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "photo.upload",
                                                         AuditEvent.entity_id == sha)).all()
    assert len(events) == 1
    patches = [size for method, _, size in adapter.requests if method == "PATCH"]
    assert len(patches) == -(-len(data) // (64 * 1024)) and sum(patches) == len(data)
    head = app.test_client().head(uploader.url, headers={**h1, **TUS})
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Tus-Resumable"] == "1.0.0"
    state = app.test_client().get(uploader.url, headers=h1).get_json()
    assert state["complete"] is True and state["photo"]["sha256"] == sha
    assert not any(name.endswith(".part") for name in partial_files(app))


def test_interrupted_upload_resumes_from_head_and_sends_each_byte_once(app, world, h1, adapter):
    data = big_jpeg()
    chunk = 96 * 1024
    client = tus.TusClient(UPLOADS, headers=h1)
    first = client.uploader(file_stream=io.BytesIO(data), chunk_size=chunk, metadata=metadata(data))
    first.upload_chunk()
    adapter.drop_next_patch(after=40_000)
    with pytest.raises(TusUploadFailed):
        first.upload_chunk()
    assert upload_dir(app.config).joinpath(first.url.rsplit("/", 1)[1] + ".part").stat().st_size == chunk + 40_000
    # a fresh uploader (the app restarted) with the stored URL asks HEAD for the offset and goes on from there
    resumed = client.uploader(file_stream=io.BytesIO(data), chunk_size=chunk, url=first.url)
    assert resumed.offset == chunk + 40_000
    assert adapter.requests[-1][0] == "HEAD"
    resumed.upload()
    db.session.rollback()
    assert variant_path(app.config["PHOTO_DIR"], hashlib.sha256(data).hexdigest(), "original").read_bytes() == data
    sent = sum(size for method, _, size in adapter.requests if method == "PATCH")
    assert sent == len(data)  # the 40,000 bytes that arrived before the drop were not sent again


def test_someone_elses_upload_is_404_for_every_method(app, world, h1, h2, token_for):
    client = app.test_client()
    data = big_jpeg()
    location = create(client, h1, data).headers["Location"]
    assert send(client, h1, location, data[:1000], 0).status_code == 204
    reviewer = token_for("reviewer")
    for headers in (h2, reviewer):
        assert client.head(location, headers={**headers, **TUS}).status_code == 404
        assert client.get(location, headers=headers).status_code == 404
        assert send(client, headers, location, data[1000:2000], 1000).status_code == 404
        assert client.delete(location, headers={**headers, **TUS}).status_code == 404
    assert client.head(location, headers={**h1, **TUS}).headers["Upload-Offset"] == "1000"
    assert client.head("/api/v1/uploads/" + "0" * 32, headers={**h1, **TUS}).status_code == 404
    assert client.head("/api/v1/uploads/not-an-id", headers={**h1, **TUS}).status_code == 404


def test_wrong_hash_at_the_end_is_422_and_the_partial_is_discarded(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    other = jpeg(5)[0]
    answer = client.post("/api/v1/uploads", headers={**h1, **TUS, "Upload-Length": str(len(data)),
                                                     "Upload-Metadata": encode_metadata(metadata(other))})
    location = answer.headers["Location"]
    assert send(client, h1, location, data[:5000], 0).status_code == 204
    last = send(client, h1, location, data[5000:], 5000)
    assert last.status_code == 422
    assert last.get_json()["error"]["code"] == "hash_mismatch"
    assert client.head(location, headers={**h1, **TUS}).status_code == 404
    assert partial_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_oversize_is_413_at_creation_and_past_the_declared_length(app, world, h1):
    client = app.test_client()
    app.config["MAX_UPLOAD_PHOTO_BYTES"] = 100_000
    data = big_jpeg()
    refused = create(client, h1, data)
    assert refused.status_code == 413
    assert refused.get_json()["error"]["details"]["max_bytes"] == 100_000
    small = jpeg(3)[0]
    location = create(client, h1, small, length=len(small) - 10).headers["Location"]
    past = send(client, h1, location, small, 0)
    assert past.status_code == 413
    assert client.head(location, headers={**h1, **TUS}).headers["Upload-Offset"] == "0"
    app.config["MAX_UPLOAD_MEDIA_BYTES"] = 2000
    assert create(client, h1, b"x" * 3000, content_type="video/mp4").status_code == 413


def test_offset_mismatch_is_409_and_changes_nothing(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    location = create(client, h1, data).headers["Location"]
    assert send(client, h1, location, data[:1000], 0).status_code == 204
    again = send(client, h1, location, data[:1000], 0)  # a retry of a chunk the server already has
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert (error["code"], error["message"], error["details"]) == ("offset_mismatch", "上传偏移量与服务器不一致",
                                                                  {"offset": 1000})
    assert client.head(location, headers={**h1, **TUS}).headers["Upload-Offset"] == "1000"


def test_checksum_mismatch_is_460_and_nothing_of_the_chunk_is_kept(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    location = create(client, h1, data).headers["Location"]
    wrong = "sha1 " + base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    answer = send(client, h1, location, data[:2000], 0, **{"Upload-Checksum": wrong})
    assert answer.status_code == 460
    assert answer.get_json()["error"]["code"] == "checksum_mismatch"
    assert client.head(location, headers={**h1, **TUS}).headers["Upload-Offset"] == "0"
    right = "sha256 " + base64.b64encode(hashlib.sha256(data[:2000]).digest()).decode()
    assert send(client, h1, location, data[:2000], 0, **{"Upload-Checksum": right}).status_code == 204
    unknown = send(client, h1, location, data[2000:3000], 2000, **{"Upload-Checksum": "crc32 AAAA"})
    assert unknown.status_code == 400 and unknown.get_json()["error"]["code"] == "checksum_algorithm_unsupported"


def test_options_names_the_protocol_and_limits_without_signing_in(app):
    answer = app.test_client().options("/api/v1/uploads")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {"creation", "expiration", "checksum", "termination"}
    assert answer.headers["Tus-Max-Size"] == str(200 * 1024 * 1024)
    assert "sha1" in answer.headers["Tus-Checksum-Algorithm"].split(",")


def test_requests_without_tus_resumable_are_412(app, world, h1):
    client = app.test_client()
    data = jpeg(8)[0]
    answer = client.post("/api/v1/uploads", headers={**h1, "Upload-Length": str(len(data)),
                                                     "Upload-Metadata": encode_metadata(metadata(data))})
    assert answer.status_code == 412
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.get_json()["error"]["code"] == "tus_version_unsupported"


def test_bad_creation_headers_are_400_with_a_code(app, world, h1):
    client = app.test_client()
    data = jpeg(9)[0]
    no_name = {k: v for k, v in metadata(data).items() if k != "filename"}
    cases = [({"Upload-Length": "ten", "Upload-Metadata": encode_metadata(metadata(data))}, "invalid_upload_length"),
             ({"Upload-Length": "0", "Upload-Metadata": encode_metadata(metadata(data))}, "invalid_upload_length"),
             ({"Upload-Length": "9", "Upload-Metadata": encode_metadata(no_name)}, "invalid_upload_metadata"),
             ({"Upload-Length": "9", "Upload-Metadata": "sha256 !!!"}, "invalid_upload_metadata"),
             ({"Upload-Defer-Length": "1", "Upload-Metadata": encode_metadata(metadata(data))},
              "defer_length_unsupported")]
    for headers, code in cases:
        answer = client.post("/api/v1/uploads", headers={**h1, **TUS, **headers})
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (400, code), headers
    wrong_type = create(client, h1, data, content_type="application/pdf")
    assert (wrong_type.status_code, wrong_type.get_json()["error"]["code"]) == (415, "unsupported_media_type")
    bad_sha = client.post("/api/v1/uploads", headers={**h1, **TUS, "Upload-Length": "9", "Upload-Metadata":
                                                      encode_metadata({**metadata(data), "sha256": "ABC"})})
    assert (bad_sha.status_code, bad_sha.get_json()["error"]["code"]) == (422, "invalid_sha256")
    patch_type = client.patch(create(client, h1, data).headers["Location"], data=data, content_type="image/jpeg",
                              headers={**h1, **TUS, "Upload-Offset": "0"})
    assert patch_type.status_code == 415
    assert partial_files(app) and all(name.endswith((".json", ".part")) for name in partial_files(app))


def test_a_file_the_uploader_already_holds_is_complete_at_once(app, world, h1, h2):
    client = app.test_client()
    data, sha = jpeg(11, size=(400, 300))
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg", headers=h1).status_code == 201
    again = create(client, h1, data)
    assert again.status_code == 201
    assert again.headers["Upload-Offset"] == str(len(data))
    assert client.head(again.headers["Location"], headers={**h1, **TUS}).headers["Upload-Offset"] == str(len(data))
    # a teammate's phone that has not sent these bytes must send them: that is what proves possession
    theirs = create(client, h2, data)
    assert theirs.headers["Upload-Offset"] == "0"
    assert send(client, h2, theirs.headers["Location"], data, 0).status_code == 204
    uploaders = set(db.session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "photo.upload",
                                                                          AuditEvent.entity_id == sha)))
    assert uploaders == {world.users["inspector1"].id, world.users["inspector2"].id}


def test_a_finished_upload_answers_the_findings_missing_photo(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    sha = hashlib.sha256(data).hexdigest()
    visit = visit_record(world.targets[0])
    finding = finding_record(visit["id"], photos=[{"sha256": sha, "caption": "签到册"}])
    assert push(client, h1, [visit, finding]).get_json()["results"][1]["missing_photos"] == [sha]
    location = create(client, h1, data).headers["Location"]
    assert send(client, h1, location, data, 0).headers["Upload-Offset"] == str(len(data))
    changed = finding_record(visit["id"], finding_id=finding["id"], base_version=1,
                             photos=[{"sha256": sha, "caption": "签到册"}])
    assert push(client, h1, [changed]).get_json()["results"][0]["missing_photos"] == []


def test_termination_discards_the_partial_upload(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    location = create(client, h1, data).headers["Location"]
    assert send(client, h1, location, data[:100], 0).status_code == 204
    assert client.delete(location, headers={**h1, **TUS}).status_code == 204
    assert client.head(location, headers={**h1, **TUS}).status_code == 404
    assert partial_files(app) == []


def test_a_second_patch_while_one_runs_is_423(app, world, h1):
    client = app.test_client()
    data = big_jpeg()
    location = create(client, h1, data).headers["Location"]
    state = uploads.load_upload(upload_dir(app.config), location.rsplit("/", 1)[1],
                                owner_id=world.users["inspector1"].id)
    with uploads.locked(state):
        busy = send(client, h1, location, data[:100], 0)
    assert (busy.status_code, busy.get_json()["error"]["code"]) == (423, "upload_locked")
    assert send(client, h1, location, data[:100], 0).status_code == 204


def test_purge_removes_uploads_untouched_for_the_configured_age(app, world, h1, runner):
    client = app.test_client()
    data = big_jpeg()
    old = create(client, h1, data).headers["Location"].rsplit("/", 1)[1]
    fresh = create(client, h1, data).headers["Location"].rsplit("/", 1)[1]
    folder = upload_dir(app.config)
    info = json.loads((folder / f"{old}.json").read_text())
    info["created_at"] = "2026-01-01T00:00:00+00:00"
    (folder / f"{old}.json").write_text(json.dumps(info))
    os.utime(folder / f"{old}.part", (1767225600, 1767225600))  # 2026-01-01
    dry = runner.invoke(args=["photos", "purge-unclaimed", "--dry-run"])
    assert old in dry.output and fresh not in dry.output
    assert (folder / f"{old}.part").exists()
    result = runner.invoke(args=["photos", "purge-unclaimed"])
    assert result.exit_code == 0, result.output
    assert "purged 1 upload(s)" in result.output
    assert not (folder / f"{old}.part").exists() and (folder / f"{fresh}.part").exists()
    app.config["UPLOAD_EXPIRY_HOURS"] = 1
    assert runner.invoke(args=["photos", "purge-unclaimed", "--uploads-older-than-hours", "100000"]).exit_code == 0
    assert (folder / f"{fresh}.part").exists()


def test_bootstrap_names_the_upload_limits_and_anonymous_head_is_401(app, world, h1):
    client = app.test_client()
    app.config["MAX_UPLOAD_MEDIA_BYTES"] = 123_456
    limits = client.get("/api/v1/bootstrap", headers=h1).get_json()["limits"]
    assert (limits["max_upload_photo_bytes"], limits["max_upload_media_bytes"]) == (50 * 1024 * 1024, 123_456)
    location = create(client, h1, big_jpeg()).headers["Location"]
    assert client.head(location, headers=TUS).status_code == 401


def test_a_complete_upload_whose_storing_failed_is_stored_by_the_next_head(app, world, h1, client, monkeypatch):
    """Every byte arrived but storing failed (say the database was down): HEAD must not report it done unstored."""
    data = big_jpeg(7)
    location = create(client, h1, data).headers["Location"]
    real = uploads.finish
    monkeypatch.setattr(uploads, "finish", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("database down")))
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    answer = send(client, h1, location, data, 0)
    assert answer.status_code == 500
    assert db.session.get(Photo, hashlib.sha256(data).hexdigest()) is None
    monkeypatch.setattr(uploads, "finish", real)
    head = client.head(location, headers={**h1, **TUS})
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(len(data))
    db.session.expire_all()
    assert db.session.get(Photo, hashlib.sha256(data).hexdigest()) is not None
    state = client.get(location, headers={**h1, **TUS}).get_json()
    assert state["complete"] is True and state["photo"]["sha256"] == hashlib.sha256(data).hexdigest()
