"""A photo the phone downscaled carries its original's SHA-256, size and pixel size to the review desk."""
from __future__ import annotations

import hashlib

from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.models import Photo

from ..factories import PASSWORD, make_finding, make_visit
from ..records import jpeg
from .test_resumable import create, send

ORIGINAL = hashlib.sha256(b"the 4000x3000 original on the phone").hexdigest()
PROVENANCE = {"original_sha256": ORIGINAL, "original_size": 9_856_000, "original_width": 4000,
              "original_height": 3000}
HEADERS = {"X-Original-Sha256": ORIGINAL, "X-Original-Size": "9856000", "X-Original-Width": "4000",
           "X-Original-Height": "3000"}


def provenance_of(sha: str) -> dict:
    db.session.rollback()
    photo = db.session.get(Photo, sha)
    return {key: getattr(photo, key) for key in PROVENANCE}


def test_resumable_upload_records_the_original_and_the_review_desk_shows_it(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data, sha = jpeg(31, size=(1600, 1200))
    location = create(client, h1, data, **PROVENANCE).headers["Location"]
    assert send(client, h1, location, data, 0).status_code == 204
    assert provenance_of(sha) == PROVENANCE
    finding = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=0))
    db.session.commit()
    reviewer = app.test_client()
    assert reviewer.post("/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302
    page = reviewer.get(f"/review/findings/{finding.id}").get_data(as_text=True)
    assert (f'手机压缩上传，原图 SHA-256 <code class="hash">{ORIGINAL}</code>，原始尺寸 4000×3000（9.4 MB）'
            in page)


def test_put_takes_the_same_provenance_as_headers(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data, sha = jpeg(32, size=(800, 600))
    answer = client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg", headers={**h1, **HEADERS})
    assert answer.status_code == 201
    assert provenance_of(sha) == PROVENANCE


def test_a_photo_without_provenance_shows_none(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data, sha = jpeg(33)
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg", headers=h1).status_code == 201
    assert provenance_of(sha) == dict.fromkeys(PROVENANCE)
    finding = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=0))
    db.session.commit()
    reviewer = app.test_client()
    reviewer.post("/login", data={"username": "reviewer", "password": PASSWORD})
    assert "手机压缩上传" not in reviewer.get(f"/review/findings/{finding.id}").get_data(as_text=True)


def test_incomplete_or_malformed_provenance_is_400_and_nothing_is_stored(app, world, token_for):
    client = app.test_client()
    h1 = token_for("inspector1")
    data, sha = jpeg(34)
    partial = {k: v for k, v in HEADERS.items() if k != "X-Original-Height"}
    cases = [partial, {**HEADERS, "X-Original-Sha256": "xyz"}, {**HEADERS, "X-Original-Width": "-4"},
             {**HEADERS, "X-Original-Size": "١٢"}]  # Arabic-Indic digits are digits to str.isdigit()
    for headers in cases:
        answer = client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg", headers={**h1, **headers})
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (400, "invalid_provenance"), headers
    assert db.session.get(Photo, sha) is None
    refused = create(client, h1, data, original_sha256=ORIGINAL, original_size=10)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "invalid_provenance")
    assert refused.get_json()["error"]["details"]["missing"] == ["original_width", "original_height"]


def test_provenance_is_filled_once_and_never_overwritten(app, world, token_for):
    client = app.test_client()
    h1, h2 = token_for("inspector1"), token_for("inspector2")
    data, sha = jpeg(35)
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg", headers=h1).status_code == 201
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg",
                      headers={**h1, **HEADERS}).status_code == 200
    assert provenance_of(sha) == PROVENANCE
    other = {**HEADERS, "X-Original-Sha256": "0" * 64}
    assert client.put(f"/api/v1/photos/{sha}", data=data, content_type="image/jpeg",
                      headers={**h2, **other}).status_code == 200
    assert provenance_of(sha)["original_sha256"] == ORIGINAL
