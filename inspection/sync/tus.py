"""Resumable uploads over tus 1.0.0 (core, creation, expiration, checksum, termination): `/api/v1/uploads`.

This module speaks the protocol (headers in, headers out); photos/uploads.py keeps the partial files and
finishes them through the photo pipeline. Inspectors only, authenticated as the rest of the sync API
(bearer token, or the session cookie with X-CSRFToken on writes). The contract: docs/sync.md.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
from email.utils import format_datetime
from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, request, url_for
from flask_login import current_user
from marshmallow import fields
from werkzeug.exceptions import ClientDisconnected

from ..auth.access import roles_required
from ..auth.roles import INSPECTOR
from ..core.actor import current_actor
from ..core.schemas import Schema
from ..core.text import text_problem
from ..errors import ApiError
from ..extensions import csrf, db
from ..photos import uploads
from ..photos.models import Photo
from ..photos.provenance import parse_provenance
from ..photos.services import PhotoError
from .schemas import PhotoResultSchema

bp = Blueprint("tus_api", __name__, url_prefix="/api/v1/uploads")
csrf.exempt(bp)  # bearer-token writes; session-cookie writes must send X-CSRFToken (see roles_required)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,expiration,checksum,termination"
OFFSET_STREAM = "application/offset+octet-stream"
REQUIRED_METADATA = ("sha256", "content_type", "filename")


class UploadStateSchema(Schema):
    """An upload's state (`GET /api/v1/uploads/<id>`): offset, length, and the stored file once complete."""

    id = fields.String(required=True)
    offset = fields.Integer(required=True)
    length = fields.Integer(required=True)
    complete = fields.Boolean(required=True)
    sha256 = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    photo = fields.Nested(PhotoResultSchema, allow_none=True, required=True)


def limits() -> uploads.Limits:
    """The configured upload limits."""
    config = current_app.config
    return uploads.Limits(photo_bytes=config["MAX_UPLOAD_PHOTO_BYTES"], media_bytes=config["MAX_UPLOAD_MEDIA_BYTES"],
                          max_pixels=config["MAX_PHOTO_PIXELS"], expiry_hours=config["UPLOAD_EXPIRY_HOURS"])


def upload_dir(config=None) -> Path:
    """Where partial uploads live (UPLOAD_DIR, or `partial` inside PHOTO_DIR)."""
    config = config or current_app.config
    return Path(config.get("UPLOAD_DIR") or Path(config["PHOTO_DIR"]) / "partial")


@bp.after_request
def tus_headers(response):
    """Every answer says Tus-Resumable; OPTIONS (Flask's automatic answer) lists the server's capabilities."""
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    if request.method == "OPTIONS":
        response.status_code = 204
        response.set_data(b"")
        response.headers.update({"Tus-Version": TUS_VERSION, "Tus-Extension": TUS_EXTENSIONS,
                                 "Tus-Max-Size": str(limits().largest),
                                 "Tus-Checksum-Algorithm": ",".join(uploads.CHECKSUM_ALGORITHMS)})
    return response


@bp.post("")
@roles_required(INSPECTOR, hidden=True, api=True)
def create():
    """Create an upload (tus creation): 201 with its Location, offset and expiry."""
    _require_version()
    if "Upload-Defer-Length" in request.headers:
        raise ApiError(400, "defer_length_unsupported", "须在创建时给出文件长度（Upload-Length）")
    length = _int_header("Upload-Length", "invalid_upload_length")
    if length < 1:
        raise ApiError(400, "invalid_upload_length", "文件长度须大于0", {"header": "Upload-Length"})
    with _refusals():
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        upload = uploads.new_upload(upload_dir(), current_app.config["PHOTO_DIR"], owner=current_user,
                                    length=length, metadata=metadata, limits=limits())
    db.session.commit()  # keep the token's last-used time
    response = make_response("", 201)
    response.headers["Location"] = url_for(".upload", upload_id=upload.id)
    return _progress(response, upload)


@bp.get("/<upload_id>")
@roles_required(INSPECTOR, hidden=True, api=True)
def upload(upload_id: str):
    """HEAD (tus): the offset and length in headers; GET: the same as JSON, with the stored file once complete."""
    if request.method == "HEAD":
        _require_version()
    with _refusals():
        state = uploads.load_upload(upload_dir(), upload_id, owner_id=current_user.id)
        if not state.complete and state.offset == state.length:  # every byte came, but storing it failed
            with uploads.locked(state) as state:
                _store(state)
    photo = db.session.get(Photo, state.sha256) if state.complete else None
    db.session.commit()
    body = UploadStateSchema().dump({
        "id": state.id, "offset": state.offset, "length": state.length, "complete": state.complete,
        "sha256": state.sha256, "expires_at": state.expires_at(limits()),
        "photo": None if photo is None else {**{c: getattr(photo, c) for c in (
            "sha256", "mime", "size", "width", "height", "exif_taken_at")}, "created": False}})
    response = jsonify(body)
    response.headers["Upload-Length"] = str(state.length)
    return _progress(response, state)


@bp.patch("/<upload_id>")
@roles_required(INSPECTOR, hidden=True, api=True)
def patch(upload_id: str):
    """Append bytes at Upload-Offset (tus core); on the last byte verify and store the file; 204."""
    _require_version()
    if request.mimetype != OFFSET_STREAM:
        raise ApiError(415, "unsupported_media_type", f"上传数据须为 {OFFSET_STREAM}")
    offset = _int_header("Upload-Offset", "invalid_upload_offset")
    checksum = parse_checksum(request.headers.get("Upload-Checksum"))
    with _refusals():
        state = uploads.load_upload(upload_dir(), upload_id, owner_id=current_user.id)
        request.max_content_length = state.length  # this route's bound (the app-wide limit is for photos)
        with uploads.locked(state) as state:
            offset = uploads.receive(state, _reader(), offset=offset, declared_length=request.content_length,
                                     checksum=checksum)
            if offset == state.length:
                _store(state)
            else:
                db.session.commit()
    return _progress(make_response("", 204), state, offset)


def _store(state) -> None:
    """Verify and store a fully received upload, commit, then mark it complete (under its lock).

    Also run by HEAD/GET for an upload whose bytes all arrived but whose storing failed (a crash or a
    database error after the last PATCH): a client that sees offset = length then finds it stored, rather
    than stopping with nothing kept.
    """
    uploads.finish(state, current_app.config["PHOTO_DIR"], actor=current_actor(), limits=limits())
    db.session.commit()
    uploads.settle(state)


@bp.delete("/<upload_id>")
@roles_required(INSPECTOR, hidden=True, api=True)
def terminate(upload_id: str):
    """Discard an upload (tus termination): 204."""
    _require_version()
    with _refusals():
        state = uploads.load_upload(upload_dir(), upload_id, owner_id=current_user.id)
        with uploads.locked(state) as state:
            uploads.discard(state)
    db.session.commit()
    return "", 204


def _require_version() -> None:
    """Refuse a request without `Tus-Resumable: 1.0.0` (412, naming the version served)."""
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(412, "tus_version_unsupported", f"仅支持 tus {TUS_VERSION}（请求须带 Tus-Resumable 头）",
                       headers={"Tus-Version": TUS_VERSION})


def _int_header(name: str, code: str) -> int:
    """A non-negative integer header; 400 with `code` when missing or malformed."""
    value = request.headers.get(name, "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        raise ApiError(400, code, f"请求头 {name} 须为非负整数", {"header": name})
    return int(value)


def parse_metadata(header: str) -> dict:
    """Decode tus `Upload-Metadata` (`key base64,…`); PhotoError 400 when malformed or incomplete."""
    values: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise PhotoError(400, "invalid_upload_metadata", "Upload-Metadata 的值须为 Base64 编码的 UTF-8 文本",
                             {"key": key[:64]}) from None
        if key in values or text_problem(value) is not None:
            raise PhotoError(400, "invalid_upload_metadata", "Upload-Metadata 有重复的键或不可见字符", {"key": key[:64]})
        values[key] = value
    missing = [key for key in REQUIRED_METADATA if not values.get(key)]
    if missing:
        raise PhotoError(400, "invalid_upload_metadata", "Upload-Metadata 缺少 " + "、".join(missing),
                         {"missing": missing})
    if len(values["filename"]) > 255:
        raise PhotoError(400, "invalid_upload_metadata", "文件名过长（最多255个字符）", {"key": "filename"})
    return {"sha256": values["sha256"], "content_type": values["content_type"], "filename": values["filename"],
            "provenance": parse_provenance(values)}


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """Decode tus `Upload-Checksum` (`<algorithm> <base64 digest>`); 400 for an unknown algorithm."""
    if header is None:
        return None
    name, _, encoded = header.strip().partition(" ")
    if name not in uploads.CHECKSUM_ALGORITHMS:
        raise ApiError(400, "checksum_algorithm_unsupported", "不支持的校验算法",
                       {"supported": list(uploads.CHECKSUM_ALGORITHMS)})
    try:
        return name, base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise ApiError(400, "checksum_algorithm_unsupported", "Upload-Checksum 的摘要须为 Base64",
                       {"supported": list(uploads.CHECKSUM_ALGORITHMS)}) from None


def _reader():
    """Read the request body in blocks; a client that went away is a ConnectionError to the service."""
    stream = request.stream

    def read(size: int) -> bytes:
        try:
            return stream.read(size)
        except ClientDisconnected:
            raise ConnectionError("client disconnected") from None

    return read


@contextlib.contextmanager
def _refusals():
    """Turn the upload services' refusals into the API's error envelope."""
    try:
        yield
    except PhotoError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.details) from None


def _progress(response, state, offset: int | None = None):
    """Add the tus progress headers: Upload-Offset and Upload-Expires."""
    response.headers["Upload-Offset"] = str(state.offset if offset is None else offset)
    response.headers["Upload-Expires"] = format_datetime(state.expires_at(limits()), usegmt=True)
    return response
