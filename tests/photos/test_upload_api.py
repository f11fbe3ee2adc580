"""PUT /api/v1/photos/<sha256>: each photo stands alone, verified by its hash; resending is harmless."""
from __future__ import annotations

import hashlib
import io
import uuid
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.models import Photo
from inspection.photos.storage import variant_path

from ..records import finding_record, jpeg, push, visit_record


def put(client, headers, data, sha=None, content_type="image/jpeg"):
    sha = sha or hashlib.sha256(data).hexdigest()
    return client.put(f"/api/v1/photos/{sha}", data=data, content_type=content_type, headers=headers)


def photos() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Photo))


def test_new_photo_is_201_and_the_same_again_is_200(app, client, world, token_for):
    h1 = token_for("inspector1")
    data, sha = jpeg(1, size=(800, 600))
    first = put(client, h1, data)
    assert first.status_code == 201
    body = first.get_json()
    assert (body["sha256"], body["mime"], body["size"], body["width"], body["created"]) == (
        sha, "image/jpeg", len(data), 800, True)
    assert variant_path(app.config["PHOTO_DIR"], sha, "original").read_bytes() == data
    again = put(client, h1, data, content_type="application/octet-stream")  # the type comes from the bytes
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert photos() == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "photo.upload")) == 1


def test_interrupted_upload_is_refused_by_hash_and_the_retry_completes_the_record(client, world, token_for):
    h1 = token_for("inspector1")
    data, sha = jpeg(2, size=(640, 480))
    vid, fid = uuid.uuid4(), uuid.uuid4()
    records = [visit_record(world.targets[0], visit_id=vid),
               finding_record(vid, finding_id=fid, photos=[{"sha256": sha, "caption": "签到册"}])]
    assert push(client, h1, records).get_json()["results"][1]["missing_photos"] == [sha]
    cut = put(client, h1, data[: len(data) // 2], sha=sha)  # the connection dropped half-way
    assert cut.status_code == 422 and cut.get_json()["error"]["code"] == "hash_mismatch"
    assert cut.get_json()["error"]["details"]["expected"] == sha
    assert photos() == 0
    assert put(client, h1, data).status_code == 201
    resent = push(client, h1, records).get_json()["results"][1]
    assert resent["status"] == "unchanged" and resent["missing_photos"] == []


def test_one_photo_shared_by_two_findings_is_stored_once(client, world, token_for):
    h1 = token_for("inspector1")
    data, sha = jpeg(3)
    vid = uuid.uuid4()
    ref = [{"sha256": sha, "caption": "签到册（一人代签多人）"}]
    response = push(client, h1, [visit_record(world.targets[0], visit_id=vid),
                                 finding_record(vid, photos=ref), finding_record(vid, item_code="A01", photos=ref)])
    assert [r["missing_photos"] for r in response.get_json()["results"][1:]] == [[sha], [sha]]
    assert put(client, h1, data).status_code == 201
    assert db.session.scalar(select(func.count()).where(FindingPhoto.sha256 == sha)) == 2
    assert photos() == 1
    thumb = client.get(f"/photos/{sha}/thumb", headers=h1)
    thumb.close()
    assert thumb.status_code == 200


def test_refusals_have_stable_codes_and_store_nothing(app, client, world, token_for):
    h1 = token_for("inspector1")
    data, sha = jpeg(4)
    cases = [
        (put(client, h1, data, sha="0" * 64), 422, "hash_mismatch"),
        (put(client, h1, b"%PDF-1.7 this is no image"), 415, "unsupported_media_type"),
        (put(client, h1, data, sha=sha.upper()), 422, "invalid_sha256"),
    ]
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # 400 megapixels in a few kilobytes
    cases.append((put(client, h1, bomb.getvalue(), content_type="image/png"), 422, "too_many_pixels"))
    app.config["MAX_PHOTO_BYTES"] = 4096
    big, _ = jpeg(5, size=(1200, 900))
    cases.append((put(client, h1, big + b"\0" * 4096), 413, "too_large"))
    for response, status, code in cases:
        assert response.status_code == status, (code, response.get_json())
        assert response.get_json()["error"]["code"] == code
    assert photos() == 0


def test_only_inspectors_upload(client, world, token_for):
    data, sha = jpeg(6)
    assert put(client, {}, data).status_code == 401
    for username in ("viewer", "liaison1"):
        assert put(client, token_for(username), data).status_code == 404
    assert photos() == 0


def test_purge_removes_only_old_unclaimed_photos(app, client, runner, world, token_for):
    h1 = token_for("inspector1")
    (old_data, old), (kept_data, kept), (new_data, new) = jpeg(7), jpeg(8), jpeg(9)
    for data in (old_data, kept_data, new_data):
        assert put(client, h1, data).status_code == 201
    vid = uuid.uuid4()
    push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, photos=[{"sha256": kept}])])
    for sha in (old, kept):
        db.session.get(Photo, sha).created_at -= timedelta(hours=200)
    db.session.commit()
    display = variant_path(app.config["PHOTO_DIR"], old, "display")
    print_copy = display.parent / f"{display.name}.print-500x400-abc.jpg"  # made once for a circular
    print_copy.write_bytes(b"\xff\xd8")
    dry = runner.invoke(args=["photos", "purge-unclaimed", "--older-than-hours", "100", "--dry-run"])
    assert dry.exit_code == 0 and old in dry.output and photos() == 3
    result = runner.invoke(args=["photos", "purge-unclaimed", "--older-than-hours", "100"])
    assert result.exit_code == 0 and "purged 1 unclaimed photo(s)" in result.output
    assert set(db.session.scalars(select(Photo.sha256))) == {kept, new}
    assert not variant_path(app.config["PHOTO_DIR"], old, "original").exists()
    assert not display.exists() and not print_copy.exists()
    assert variant_path(app.config["PHOTO_DIR"], kept, "original").exists()
