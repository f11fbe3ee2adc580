"""Requests producing every status the OpenAPI document lists for the resumable uploads (/api/v1/uploads).

test_openapi.py merges UPLOAD_RECIPES into its RECIPES; each takes its Ctx (app, world, bearer tokens).
"""
from __future__ import annotations

import base64
import hashlib

from inspection.photos import uploads
from inspection.sync.tus import upload_dir

from ..photos.tus_client import encode_metadata, metadata
from ..records import jpeg

UPLOADS, UPLOAD = "/api/v1/uploads", "/api/v1/uploads/{upload_id}"
TUS = {"Tus-Resumable": "1.0.0"}
UPLOAD_RECIPES = {}


def recipe(method: str, path: str, status: int):
    """Register a request that must answer `status` on `method path`."""

    def register(fn):
        UPLOAD_RECIPES[(method, path, status)] = fn
        return fn

    return register


def _create(ctx, data=None, *, headers=None, client=None, tus=True, length=None, **meta):
    data = data if data is not None else jpeg(90)[0]
    values = {"Upload-Length": str(length or len(data)), "Upload-Metadata": encode_metadata(metadata(data, **meta))}
    return (client or ctx.client()).post(UPLOADS, headers={
        **(ctx.tokens["inspector1"] if headers is None else headers), **(TUS if tus else {}), **values})


def _started(ctx, data):
    """An upload of inspector1's, nothing sent yet: its path."""
    answer = _create(ctx, data)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.headers["Location"]


def _patch(ctx, location, chunk, offset=0, *, headers=None, client=None, tus=True, content_type=None, **extra):
    return (client or ctx.client()).patch(
        location, data=chunk, content_type=content_type or "application/offset+octet-stream",
        headers={**(ctx.tokens["inspector1"] if headers is None else headers), **(TUS if tus else {}),
                 "Upload-Offset": str(offset), **extra})


recipe("POST", UPLOADS, 201)(lambda ctx: _create(ctx))
recipe("POST", UPLOADS, 400)(lambda ctx: _create(ctx, length="x1"))
recipe("POST", UPLOADS, 401)(lambda ctx: _create(ctx, headers={}))
recipe("POST", UPLOADS, 404)(lambda ctx: _create(ctx, headers=ctx.tokens["reviewer"]))
recipe("POST", UPLOADS, 412)(lambda ctx: _create(ctx, tus=False))
recipe("POST", UPLOADS, 413)(lambda ctx: _create(ctx, length=10**12))
recipe("POST", UPLOADS, 415)(lambda ctx: _create(ctx, content_type="application/pdf"))
recipe("POST", UPLOADS, 422)(lambda ctx: _create(ctx, sha256="ABC"))

recipe("GET", UPLOAD, 200)(lambda ctx: ctx.client().get(_started(ctx, jpeg(91)[0]), headers=ctx.tokens["inspector1"]))
recipe("GET", UPLOAD, 401)(lambda ctx: ctx.client().get(f"{UPLOADS}/{'a' * 32}"))
recipe("GET", UPLOAD, 404)(lambda ctx: ctx.client().get(_started(ctx, jpeg(92)[0]), headers=ctx.tokens["reviewer"]))


@recipe("PATCH", UPLOAD, 204)
def _finished(ctx):
    data = jpeg(93)[0]
    return _patch(ctx, _started(ctx, data), data)


recipe("PATCH", UPLOAD, 401)(lambda ctx: _patch(ctx, f"{UPLOADS}/{'a' * 32}", b"x", headers={}))
recipe("PATCH", UPLOAD, 404)(lambda ctx: _patch(ctx, _started(ctx, jpeg(94)[0]), b"x", headers=ctx.tokens["reviewer"]))
recipe("PATCH", UPLOAD, 409)(lambda ctx: _patch(ctx, _started(ctx, jpeg(95)[0]), b"x", offset=5))
recipe("PATCH", UPLOAD, 412)(lambda ctx: _patch(ctx, _started(ctx, jpeg(96)[0]), b"x", tus=False))
recipe("PATCH", UPLOAD, 415)(lambda ctx: _patch(ctx, _started(ctx, jpeg(97)[0]), b"x", content_type="image/jpeg"))


@recipe("PATCH", UPLOAD, 400)
def _session_without_csrf(ctx):
    client = ctx.signed_in("inspector1")
    return _patch(ctx, f"{UPLOADS}/{'a' * 32}", b"x", headers={}, client=client)


@recipe("PATCH", UPLOAD, 413)
def _past_the_length(ctx):
    data = jpeg(98)[0]
    return _patch(ctx, _started(ctx, data), data + b"more")


@recipe("PATCH", UPLOAD, 422)
def _wrong_hash(ctx):
    data, other = jpeg(99)[0], jpeg(100)[0]
    answer = ctx.client().post(UPLOADS, headers={**ctx.tokens["inspector1"], **TUS, "Upload-Length": str(len(data)),
                                                 "Upload-Metadata": encode_metadata(metadata(other))})
    return _patch(ctx, answer.headers["Location"], data)


@recipe("PATCH", UPLOAD, 423)
def _locked(ctx):
    data = jpeg(101)[0]
    location = _started(ctx, data)
    state = uploads.load_upload(upload_dir(ctx.app.config), location.rsplit("/", 1)[1],
                                owner_id=ctx.world.users["inspector1"].id)
    with uploads.locked(state):
        return _patch(ctx, location, data)


@recipe("PATCH", UPLOAD, 460)
def _checksum(ctx):
    data = jpeg(102)[0]
    wrong = "sha1 " + base64.b64encode(hashlib.sha1(b"not it").digest()).decode()
    return _patch(ctx, _started(ctx, data), data, **{"Upload-Checksum": wrong})


recipe("DELETE", UPLOAD, 204)(lambda ctx: ctx.client().delete(_started(ctx, jpeg(103)[0]),
                                                              headers={**ctx.tokens["inspector1"], **TUS}))
recipe("DELETE", UPLOAD, 400)(lambda ctx: ctx.signed_in("inspector1").delete(f"{UPLOADS}/{'a' * 32}", headers=TUS))
recipe("DELETE", UPLOAD, 401)(lambda ctx: ctx.client().delete(f"{UPLOADS}/{'a' * 32}", headers=TUS))
recipe("DELETE", UPLOAD, 404)(lambda ctx: ctx.client().delete(_started(ctx, jpeg(104)[0]),
                                                              headers={**ctx.tokens["reviewer"], **TUS}))
recipe("DELETE", UPLOAD, 412)(lambda ctx: ctx.client().delete(_started(ctx, jpeg(105)[0]),
                                                              headers=ctx.tokens["inspector1"]))
