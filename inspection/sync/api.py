"""The sync API for the field app: bootstrap, push a batch, upload photos, pull changes, the contract."""
from __future__ import annotations

import json
import uuid

import orjson

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user

from ..auth.access import public, roles_required
from ..auth.roles import INSPECTOR
from ..core.actor import current_actor
from ..core.json import json_body, load
from ..errors import ApiError
from ..extensions import csrf, db
from ..photos.provenance import from_headers
from ..photos.services import PhotoError, ingest_photo
from ..photos.storage import SHA256_RE
from . import services
from .bootstrap import BootstrapSchema, bootstrap_for
from .openapi import build_spec
from .schemas import (ChangesQuerySchema, ChangesResponseSchema, PhotoResultSchema, SyncRequestSchema,
                      SyncResponseSchema)

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token writes; session-cookie writes must send X-CSRFToken (see roles_required)


@bp.get("/bootstrap")
@roles_required(INSPECTOR, hidden=True, api=True)
def bootstrap():
    """Return what the phone needs offline: campaigns, the team's targets, checklists, units."""
    config = current_app.config
    limits = {"max_photo_bytes": config["MAX_PHOTO_BYTES"], "max_photo_pixels": config["MAX_PHOTO_PIXELS"],
              "max_sync_bytes": config["MAX_SYNC_BYTES"], "max_upload_photo_bytes": config["MAX_UPLOAD_PHOTO_BYTES"],
              "max_upload_media_bytes": config["MAX_UPLOAD_MEDIA_BYTES"]}
    db.session.commit()  # keep the token's last-used time
    body = BootstrapSchema().dump(bootstrap_for(current_user, limits=limits))
    # orjson writes UTF-8 (no backslash-u escapes), compact and unsorted: a follow-up's 300 problems are mostly
    # Chinese text; the standard library's encoder took 4-7 ms of a 45 ms follow-up bootstrap, orjson <1 ms
    # (bench/followup_bootstrap_bench.py)
    return current_app.response_class(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
                                      mimetype="application/json")


@bp.post("/sync")
@roles_required(INSPECTOR, hidden=True, api=True)
def sync():
    """Store a batch as received, apply each record on its own, answer per record (resends: same answers)."""
    max_bytes = current_app.config["MAX_SYNC_BYTES"]
    if (request.content_length or 0) > max_bytes or len(request.get_data()) > max_bytes:  # chunked too
        raise ApiError(413, "too_large", "提交的数据过大，请分成更小的批次", {"max_bytes": max_bytes})
    parsed = json_body(max_bytes=max_bytes)
    raw_text = request.get_data(as_text=True)
    user = current_user._get_current_object()
    known = _stored_batch(parsed)
    if known is not None and known.status == "applied":  # a resend: the stored answers, nothing applied
        services.check_resend(known, user, raw_text, parsed)
        return _answer(user, known.batch_id, known.results)
    envelope = load(SyncRequestSchema(), parsed)
    token = g.get("api_token")
    batch = services.receive_batch(user=user, device_id=envelope["device_id"], batch_id=envelope["batch_id"],
                                   token_id=token.id if token else None, raw_text=raw_text, parsed=parsed,
                                   existing=known)
    results, cursor = services.apply_batch(batch.id, records=envelope["records"], actor=current_actor(user))
    return _answer(user, envelope["batch_id"], results, cursor)


def _stored_batch(parsed):
    """Return the stored batch a push names, if any (read before validating: resends are cheap)."""
    try:
        batch_id = uuid.UUID(str(parsed.get("batch_id"))) if isinstance(parsed, dict) else None
    except ValueError:
        return None
    return services.find_batch(batch_id) if batch_id else None


def _answer(user, batch_id, results, cursor: int | None = None):
    """Dump the per-record answers with the user's change-feed position."""
    if cursor is None:
        cursor = services.current_cursor(user)
        db.session.commit()  # keep the token's last-used time
    return SyncResponseSchema().dump({"batch_id": str(batch_id), "results": results, "cursor": str(cursor)})


@bp.get("/changes")
@roles_required(INSPECTOR, hidden=True, api=True)
def changes():
    """Return what changed on the server for the user's records since the cursor, and the next cursor."""
    query = load(ChangesQuerySchema(), request.args.to_dict())
    events, cursor, has_more = services.changes_since(current_user, int(query["since"]), query["limit"])
    db.session.commit()
    return ChangesResponseSchema().dump({
        "changes": [{"cursor": str(e.id), "entity_type": e.entity_type, "entity_id": e.entity_id,
                     "kind": e.kind, "payload": e.payload, "created_at": e.created_at} for e in events],
        "cursor": str(cursor), "has_more": has_more})


@bp.put("/photos/<sha256>")
@roles_required(INSPECTOR, hidden=True, api=True)
def put_photo(sha256: str):
    """Store a photo's bytes under their SHA-256: 201 when new, 200 when the server already had it."""
    if not SHA256_RE.match(sha256):
        raise ApiError(422, "invalid_sha256", "照片校验值须为64位小写十六进制SHA-256")
    max_bytes = current_app.config["MAX_PHOTO_BYTES"]
    if (request.content_length or 0) > max_bytes:
        raise ApiError(413, "too_large", f"照片超过{max_bytes // (1024 * 1024)}MB上限",
                       {"max_bytes": max_bytes, "size": request.content_length})
    try:
        provenance = from_headers(request.headers)  # a copy the phone downscaled: what its original was
        photo, created = ingest_photo(current_app.config["PHOTO_DIR"], request.get_data(cache=False),
                                      expected_sha256=sha256, actor=current_actor(), provenance=provenance,
                                      max_bytes=max_bytes, max_pixels=current_app.config["MAX_PHOTO_PIXELS"])
    except PhotoError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.details) from None
    db.session.commit()
    body = PhotoResultSchema().dump({**{c: getattr(photo, c) for c in
                                        ("sha256", "mime", "size", "width", "height", "exif_taken_at")},
                                     "created": created})
    return body, 201 if created else 200


@bp.get("/openapi.json")
@public
def openapi():
    """Serve the OpenAPI 3 document of the field app's API (generated from the schemas)."""
    if "sync_openapi" not in current_app.extensions:
        current_app.extensions["sync_openapi"] = build_spec()
    return jsonify(current_app.extensions["sync_openapi"])
