"""The OpenAPI 3 document of the JSON API, generated from the app's routes and the marshmallow schemas.

Paths and methods come from `app.url_map` (every rule under /api/), security and the refusals it implies
(401; 403, or 404 when refusals are hidden) from each view's access rule, and the bodies from the schemas
by apispec. What a route cannot tell by itself (its summary, body, answers and the errors its code raises)
is listed once per endpoint in OPERATIONS; a route missing there is still published, marked
`x-undocumented`, and the test suite refuses it (tests/sync/test_openapi.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app

from ..auth.roles import ROLES
from ..auth.schemas import TokenRequestSchema, TokenResponseSchema, UserSchema
from ..stats.filters import FilterSchema
from ..stats.schemas import StatsSchema
from .bootstrap import BootstrapSchema, ReturnedFindingSchema
from .followup_out import RecheckEntrySchema
from .schemas import (ChangesQuerySchema, ChangesResponseSchema, ErrorSchema, FindingDataSchema,
                      PhotoResultSchema, RecheckDataSchema, SyncRequestSchema, SyncResponseSchema, VisitDataSchema)
from .tus import UploadStateSchema

DESCRIPTION = (
    "The JSON API of 明察暗访: the offline field app signs in for a device token, downloads the working set, "
    "pushes batches of visits, findings and rechecks (复核), uploads photos by hash and pulls server-side changes; dashboards "
    "read the statistics. Every error is `{\"error\": {\"code\", \"message\", \"details\"}}` with a stable "
    "`code` and a Chinese `message`; validation `details` map each field to Chinese messages. "
    "A 401 carries `WWW-Authenticate: Bearer` (`error=\"invalid_token\"` when the token sent was refused); "
    "429 and 503 carry `Retry-After`. See docs/sync.md for the protocol."
)

COMPONENTS = (("Error", ErrorSchema), ("User", UserSchema), ("TokenRequest", TokenRequestSchema),
              ("TokenResponse", TokenResponseSchema), ("ReturnedFinding", ReturnedFindingSchema),
              ("RecheckEntry", RecheckEntrySchema), ("Bootstrap", BootstrapSchema), ("VisitData", VisitDataSchema),
              ("FindingData", FindingDataSchema), ("RecheckData", RecheckDataSchema), ("SyncRequest", SyncRequestSchema),
              ("SyncResponse", SyncResponseSchema), ("ChangesResponse", ChangesResponseSchema),
              ("PhotoResult", PhotoResultSchema), ("UploadState", UploadStateSchema), ("Stats", StatsSchema))

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

VISIT_EXAMPLE = {"type": "visit", "id": "0b7c6a52-3f0e-4d0a-9a56-2f1f8c1d9e01", "base_version": None,
                 "data": {"target_id": 12, "started_at": "2026-11-20T09:30:00+08:00",
                          "ended_at": "2026-11-20T10:15:00+08:00", "lat": 34.75, "lon": 113.62, "accuracy": 12.0,
                          "notes": "从侧门进入，未出示证件",
                          "answers": [{"item_code": "A01", "result": "fail", "note": "签到册缺3人"}]}}
FINDING_EXAMPLE = {"type": "finding", "id": "5d1e9b0a-8c3f-4b6e-9f27-7a0c2e4b1d02", "base_version": None,
                   "data": {"visit_id": "0b7c6a52-3f0e-4d0a-9a56-2f1f8c1d9e01", "item_code": "A01",
                            "description": "9:40 办公室2名工作人员不在岗，无请假手续",
                            "occurred_at": "2026-11-20T09:40:00+08:00", "location": "三楼办公室",
                            "severity": "moderate",
                            "persons": [{"name": "张某", "post": "科员", "cadre_level": "staff"}],
                            "photos": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                        "caption": "签到册（一人代签多人）"}]}}
RECHECK_EXAMPLE = {"type": "recheck", "id": "8e2f4c1a-7d3b-4a59-b6e0-3c9d1f2a4b03", "base_version": None,
                   "data": {"visit_id": "0b7c6a52-3f0e-4d0a-9a56-2f1f8c1d9e01",
                            "finding_id": "2a6b8c0d-1e3f-4a5b-8c7d-9e0f1a2b3c04", "verdict": "not_rectified",
                            "note": "签到册仍有一人代签多人的笔迹，整改报告所称“已公示考勤制度”未见公示",
                            "photos": [{"sha256": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                                        "caption": "当日签到册", "taken_at": "2026-11-20T09:50:00+08:00"}]}}
EXAMPLES = {
    "TokenRequest": {"username": "zhang.san", "password": "……", "device_name": "张三的手机"},
    "SyncRequest": {"device_id": "phone-7f3a", "batch_id": "c3a1f7e2-6b4d-4e8a-9a0f-1d2e3f4a5b6c",
                    "records": [VISIT_EXAMPLE, FINDING_EXAMPLE, RECHECK_EXAMPLE]},
    "SyncResponse": {"batch_id": "c3a1f7e2-6b4d-4e8a-9a0f-1d2e3f4a5b6c", "cursor": "1042", "results": [
        {"id": VISIT_EXAMPLE["id"], "type": "visit", "status": "created", "version": 1, "missing_photos": [],
         "errors": {}, "conflicts": {}},
        {"id": FINDING_EXAMPLE["id"], "type": "finding", "status": "created", "version": 1,
         "missing_photos": [FINDING_EXAMPLE["data"]["photos"][0]["sha256"]], "errors": {}, "conflicts": {}},
        {"id": RECHECK_EXAMPLE["id"], "type": "recheck", "status": "created", "version": 1,
         "missing_photos": [RECHECK_EXAMPLE["data"]["photos"][0]["sha256"]], "errors": {}, "conflicts": {}}]},
    "Error": {"error": {"code": "validation_error", "message": "提交的数据有误",
                        "details": {"batch_id": ["缺少必填字段"]}, "request_id": "3f2a9c1e7b5d4e60a8f1c2d3e4b5a697"}},
}


@dataclass(frozen=True)
class Operation:
    """What a route cannot say about itself: summary, body, successful answers and the errors it raises."""

    summary: str
    tag: str
    responses: dict[int, tuple[str, str | None]]  # status -> (description, component or None)
    errors: dict[int, str] = field(default_factory=dict)  # status -> description naming the codes
    body: str | dict | None = None  # a component name (JSON), or a ready requestBody
    query: type | None = None  # a schema whose fields are the query parameters
    path: dict[str, dict] = field(default_factory=dict)  # path argument -> schema
    description: str = ""
    header_params: tuple[tuple[str, bool, str], ...] = ()  # request headers: (name, required, description)
    headers: dict[int, dict[str, str]] = field(default_factory=dict)  # status -> response header -> description


IMAGE = {"schema": {"type": "string", "format": "binary"}}
UPLOAD_ID = {"upload_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
TUS_RESUMABLE = ("Tus-Resumable", True, "`1.0.0`")
TUS_PROGRESS = {"Tus-Resumable": "`1.0.0`", "Upload-Offset": "bytes the server holds",
                "Upload-Expires": "when the purge may remove the upload (RFC 9110 date)"}
TUS_ERRORS = "`tus_version_unsupported` (no `Tus-Resumable: 1.0.0`; `Tus-Version` names the version served)"
TUS_NOT_FOUND = "`not_found` (an unknown id, another user's upload, or one discarded or purged)"
OPERATIONS = {
    "auth_api.create_token": Operation(
        "Sign in a device", "auth", {201: ("Token (shown once) and user", "TokenResponse")}, body="TokenRequest",
        errors={400: "`malformed_json`", 401: "`invalid_credentials` (wrong name or password)",
                403: "`locked` or `disabled`", 415: "`unsupported_media_type` (not JSON)",
                422: "`validation_error`", 429: "`too_many_requests` (sign-in rate limit; see Retry-After)"}),
    "auth_api.delete_token": Operation(
        "Sign this device out (revoke its token)", "auth", {204: ("Revoked", None)},
        errors={400: "`no_token` (the request was not made with a device token)"}),
    "auth_api.me": Operation("The signed-in user", "auth", {200: ("User", "User")}),
    "sync_api.bootstrap": Operation(
        "Offline working set", "sync",
        {200: ("Campaigns, the team's targets, checklists, units, limits", "Bootstrap")}),
    "sync_api.sync": Operation(
        "Push a batch of visits, findings and rechecks", "sync",
        {200: ("One result per record, in order", "SyncResponse")},
        body="SyncRequest",
        description="Stored verbatim before it is applied; each record applied on its own (one bad record is "
                    "answered `invalid` and sinks nothing else); resending the same batch_id changes nothing and "
                    "returns the same results. `data` is VisitData, FindingData or RecheckData, by `type`. "
                    "A recheck's finding must be on its visit's follow-up target's `rechecks` list (else "
                    "`forbidden`, field finding_id); another unit's finding or an unknown verdict is `invalid` "
                    "naming `finding_id` or `verdict`; one whose visit is not on the server yet waits for it.",
        errors={400: "`malformed_json` (bad syntax, not UTF-8, NaN, or nested too deep)",
                409: "`batch_id_taken` (another user's batch) or `batch_id_reused` (other content)",
                413: "`too_large` (over MAX_SYNC_BYTES)", 415: "`unsupported_media_type` (not JSON)",
                422: "`validation_error` (the envelope: device_id, batch_id, records)"}),
    "sync_api.changes": Operation(
        "Pull server-side changes to the team's records", "sync",
        {200: ("Changes after the cursor", "ChangesResponse")}, query=ChangesQuerySchema,
        errors={422: "`validation_error` (bad cursor or limit)"}),
    "sync_api.put_photo": Operation(
        "Upload a photo's bytes under their SHA-256", "photos",
        {201: ("Stored", "PhotoResult"), 200: ("Already stored", "PhotoResult")},
        body={"required": True, "content": {"image/jpeg": IMAGE, "image/png": IMAGE, "image/webp": IMAGE}},
        path={"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
        header_params=tuple((name, False, "a phone-downscaled copy: its original's " + about) for name, about in (
            ("X-Original-Sha256", "SHA-256"), ("X-Original-Size", "size in bytes"),
            ("X-Original-Width", "width in pixels"), ("X-Original-Height", "height in pixels"))),
        errors={400: "`invalid_provenance` (X-Original-* headers: all four or none, hex SHA-256, positive integers)",
                413: "`too_large` (over MAX_PHOTO_BYTES)", 415: "`unsupported_media_type` (not JPEG, PNG or WebP)",
                422: "`invalid_sha256`, `hash_mismatch`, `too_many_pixels`, `not_an_image` …"}),
    "sync_api.openapi": Operation("This document", "meta", {200: ("OpenAPI 3", "OpenAPI")}),
    "tus_api.create": Operation(
        "Start a resumable upload (tus 1.0 creation)", "uploads", {201: ("Created; no body", None)},
        description="Headers only (no body: `creation-with-upload` is not offered). `Upload-Metadata` carries "
                    "`sha256`, `content_type`, `filename` and optionally `original_sha256`, `original_size`, "
                    "`original_width`, `original_height`. When the uploader already holds the stored file, "
                    "`Upload-Offset` equals `Upload-Length`: complete at once. `OPTIONS /api/v1/uploads` (public) "
                    "answers 204 with `Tus-Version`, `Tus-Extension`, `Tus-Max-Size`, `Tus-Checksum-Algorithm`.",
        header_params=(TUS_RESUMABLE, ("Upload-Length", True, "the file's size in bytes"),
                       ("Upload-Metadata", True, "tus metadata: `key base64(value)` pairs, comma-separated")),
        headers={201: {**TUS_PROGRESS, "Location": "the upload's URL, `/api/v1/uploads/<id>`"}},
        errors={400: "`invalid_upload_length`, `invalid_upload_metadata`, `invalid_provenance`, "
                     "`defer_length_unsupported`", 412: TUS_ERRORS,
                413: "`too_large` (over MAX_UPLOAD_PHOTO_BYTES or MAX_UPLOAD_MEDIA_BYTES for the declared type)",
                415: "`unsupported_media_type` (a `content_type` not accepted)", 422: "`invalid_sha256`"}),
    "tus_api.upload": Operation(
        "An upload's progress (HEAD: tus headers only; GET: also as JSON)", "uploads",
        {200: ("Offset, length, and the stored file once complete", "UploadState")}, path=UPLOAD_ID,
        description="`HEAD` (tus core) must send `Tus-Resumable: 1.0.0` and answers the same headers without a body.",
        headers={200: {**TUS_PROGRESS, "Upload-Length": "the file's size"}}, errors={404: TUS_NOT_FOUND}),
    "tus_api.patch": Operation(
        "Send bytes at the upload's offset (tus core; checksum extension)", "uploads",
        {204: ("Received (and, on the last byte, verified and stored); no body", None)}, path=UPLOAD_ID,
        body={"required": True, "content": {"application/offset+octet-stream": IMAGE}},
        header_params=(TUS_RESUMABLE, ("Upload-Offset", True, "the server's offset (ask HEAD)"),
                       ("Upload-Checksum", False, "`sha1|sha256|md5 <base64 digest>` of this request's body")),
        headers={204: TUS_PROGRESS},
        errors={400: "`invalid_upload_offset`, `checksum_algorithm_unsupported`, `upload_interrupted` (the body "
                     "was cut off: the bytes received are kept)", 404: TUS_NOT_FOUND,
                409: "`offset_mismatch` (`details.offset` is the server's)", 412: TUS_ERRORS,
                413: "`too_large` (past Upload-Length, or the finished file over its type's limit)",
                415: "`unsupported_media_type` (not application/offset+octet-stream, or the finished file is no "
                     "accepted type), `unreadable_image`",
                422: "`hash_mismatch` (the finished file; the partial upload is discarded), `too_many_pixels`",
                423: "`upload_locked` (another PATCH of this upload is running)",
                460: "`checksum_mismatch` (nothing of the chunk kept)"}),
    "tus_api.terminate": Operation(
        "Discard an upload (tus termination)", "uploads", {204: ("Discarded", None)}, path=UPLOAD_ID,
        header_params=(TUS_RESUMABLE,), headers={204: {"Tus-Resumable": "`1.0.0`"}},
        errors={404: TUS_NOT_FOUND, 412: TUS_ERRORS}),
    "stats_api.stats": Operation(
        "Counts and shares of confirmed findings", "stats", {200: ("The statistics page's numbers", "Stats")},
        query=FilterSchema, errors={404: "`not_found` (campaign or team not visible)",
                                    422: "`validation_error` (a filter value)"}),
}


def _path(rule) -> str:
    """An OpenAPI path from a Werkzeug rule (`<sha256>` becomes `{sha256}`)."""
    return _ARGUMENT.sub(r"{\1}", rule.rule)


def _json(component: str) -> dict:
    """A JSON body described by a component, with its example when there is one."""
    media = {"schema": {"$ref": f"#/components/schemas/{component}"}}
    if component in EXAMPLES:
        media["example"] = EXAMPLES[component]
    return {"content": {"application/json": media}}


def _access_errors(rule, method: str) -> dict[int, str]:
    """The refusals a view's access rule produces: sign-in, role, and CSRF for session-cookie writes."""
    if rule is None or rule.roles is None:
        return {}
    errors = {401: "`unauthenticated` (no session and no valid bearer token)"}
    if rule.roles != frozenset(ROLES):
        errors[404 if rule.hidden else 403] = ("`not_found` (not available to this role)" if rule.hidden
                                               else "`forbidden` (not available to this role)")
    if method not in SAFE_METHODS:
        errors[400] = "`csrf_failed` (a session-cookie write without X-CSRFToken)"
    return errors


def _responses(op: Operation, access: dict[int, str]) -> dict:
    """Successful answers, every error the operation documents, and the envelope for anything else."""
    responses = {}
    for status, (text, component) in op.responses.items():
        if component == "OpenAPI":
            responses[str(status)] = {"description": text, "content": {"application/json": {
                "schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}}
        else:
            responses[str(status)] = {"description": text, **(_json(component) if component else {})}
        if status in op.headers:
            responses[str(status)]["headers"] = {name: {"schema": {"type": "string"}, "description": about}
                                                 for name, about in op.headers[status].items()}
    errors = dict(access)
    for status, text in op.errors.items():
        errors[status] = f"{errors[status]}; {text}" if status in errors else text
    for status in sorted(errors):
        response = {"description": errors[status], **_json("Error")}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                        "description": 'Bearer realm="inspection-api"'}}
        if status == 429:
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        responses[str(status)] = response
    responses["default"] = {"description": "Any other error, in the same envelope (`server_error` for 500, "
                                           "`unavailable` for 503 …)", **_json("Error")}
    return responses


def _operation(rule, method: str, view) -> dict:
    """The OpenAPI operation of one rule and method."""
    op = OPERATIONS.get(rule.endpoint)
    access = getattr(view, "access_rule", None)
    if op is None:
        return {"summary": rule.endpoint, "x-undocumented": True, "responses": _responses(
            Operation(rule.endpoint, "undocumented", {}), _access_errors(access, method))}
    document = {"summary": op.summary, "tags": [op.tag], "operationId": rule.endpoint.replace(".", "_"),
                "responses": _responses(op, _access_errors(access, method))}
    if op.description:
        document["description"] = op.description
    if access is not None and access.roles is not None:
        document["security"] = [{"bearer": []}, {"session": []}]
        document["x-roles"] = sorted(access.roles)
    else:
        document["security"] = []
    if isinstance(op.body, str):
        document["requestBody"] = {"required": True, **_json(op.body)}
    elif op.body is not None:
        document["requestBody"] = op.body
    parameters = [{"in": "path", "name": name, "required": True, "schema": op.path.get(name, {"type": "string"})}
                  for name in rule.arguments]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    parameters += [{"in": "header", "name": name, "required": required, "description": about,
                    "schema": {"type": "string"}} for name, required, about in op.header_params]
    if parameters:
        document["parameters"] = parameters
    return document


def build_spec(app: Flask | None = None) -> dict:
    """Build the OpenAPI document of every /api/ route of `app` (the current app by default) as a plain dict."""
    app = app or current_app._get_current_object()
    spec = APISpec(title="明察暗访 API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION}, servers=[{"url": "/"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "device token from POST /api/v1/auth/token"})
    spec.components.security_scheme("session", {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "the desktop sign-in session; writes must also send the X-CSRFToken header"})
    for name, schema in COMPONENTS:
        spec.components.schema(name, schema=schema)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule), {})[method.lower()] = _operation(rule, method, view)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    schemas = document["components"]["schemas"]
    schemas["Record"]["properties"]["data"] = {
        "description": "VisitData when `type` is visit, FindingData when it is finding, RecheckData when recheck",
        "oneOf": [{"$ref": "#/components/schemas/VisitData"}, {"$ref": "#/components/schemas/FindingData"},
                  {"$ref": "#/components/schemas/RecheckData"}]}
    schemas["ReturnedFinding"]["properties"]["data"] = {
        "description": "the finding's synced data; answer with a finding record whose data is {\"reply\": …}",
        "allOf": [{"$ref": "#/components/schemas/FindingData"}]}
    schemas["Error"]["example"] = EXAMPLES["Error"]
    return document
