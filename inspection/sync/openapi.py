"""The OpenAPI 3 document of the field app's API, generated from the marshmallow schemas by apispec."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..auth.schemas import TokenRequestSchema, TokenResponseSchema, UserSchema
from .bootstrap import BootstrapSchema
from .schemas import (ChangesQuerySchema, ChangesResponseSchema, ErrorSchema, FindingDataSchema,
                      PhotoResultSchema, SyncRequestSchema, SyncResponseSchema, VisitDataSchema)

DESCRIPTION = (
    "The API the offline field app (明察暗访 暗访员手机端) uses: sign in for a device token, download the "
    "working set, push batches of visits and findings, upload photos by hash, pull server-side changes. "
    "Every error is `{\"error\": {\"code\", \"message\", \"details\"}}` with a stable `code`. "
    "See docs/sync.md for the protocol (idempotent batches, three-way merges, out-of-order records)."
)


def _json(schema) -> dict:
    """Describe a JSON body with the given schema."""
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    """Responses carrying the error envelope."""
    texts = {400: "Malformed JSON (`malformed_json`)", 401: "No valid token or session (`unauthenticated`)",
             403: "Account locked or disabled", 404: "Not visible to this user (`not_found`)",
             409: "Batch id already used by another user or for other content",
             413: "Body too large (`too_large`)", 415: "Not JSON / not an image (`unsupported_media_type`)",
             422: "Validation failed (`validation_error`, `hash_mismatch`, `too_many_pixels`, ...)"}
    return {str(status): {"description": texts[status], **_json("Error")} for status in statuses}


def build_spec() -> dict:
    """Build the OpenAPI document as a plain dict."""
    spec = APISpec(title="明察暗访 field API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
                   servers=[{"url": "/"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "device token from POST /api/v1/auth/token"})
    for name, schema in (("Error", ErrorSchema), ("User", UserSchema), ("TokenRequest", TokenRequestSchema),
                         ("TokenResponse", TokenResponseSchema),
                         ("Bootstrap", BootstrapSchema), ("VisitData", VisitDataSchema),
                         ("FindingData", FindingDataSchema), ("SyncRequest", SyncRequestSchema),
                         ("SyncResponse", SyncResponseSchema), ("ChangesResponse", ChangesResponseSchema),
                         ("PhotoResult", PhotoResultSchema)):
        spec.components.schema(name, schema=schema)
    secured = [{"bearer": []}]
    spec.path(path="/api/v1/auth/token", operations={
        "post": {"summary": "Sign in a device", "tags": ["auth"], "requestBody": _json("TokenRequest"),
                 "responses": {"201": {"description": "Token (shown once) and user", **_json("TokenResponse")},
                               **_errors(401, 403, 422)}},
        "delete": {"summary": "Sign this device out (revoke its token)", "tags": ["auth"], "security": secured,
                   "responses": {"204": {"description": "Revoked"}, **_errors(400, 401)}}})
    spec.path(path="/api/v1/auth/me", operations={"get": {
        "summary": "The signed-in user", "tags": ["auth"], "security": secured,
        "responses": {"200": {"description": "User", **_json("User")}, **_errors(401)}}})
    spec.path(path="/api/v1/bootstrap", operations={"get": {
        "summary": "Offline working set", "tags": ["sync"], "security": secured,
        "responses": {"200": {"description": "Campaigns, the team's targets, checklists, units",
                              **_json("Bootstrap")}, **_errors(401, 404)}}})
    spec.path(path="/api/v1/sync", operations={"post": {
        "summary": "Push a batch of visits and findings", "tags": ["sync"], "security": secured,
        "description": "Stored verbatim before it is applied; each record applied on its own; resending "
                       "the same batch_id changes nothing and returns the same results.",
        "requestBody": _json("SyncRequest"),
        "responses": {"200": {"description": "One result per record", **_json("SyncResponse")},
                      **_errors(400, 401, 404, 409, 413, 415, 422)}}})
    spec.path(path="/api/v1/changes", operations={"get": {
        "summary": "Pull server-side changes to the team's records", "tags": ["sync"], "security": secured,
        "parameters": [{"in": "query", "schema": ChangesQuerySchema}],
        "responses": {"200": {"description": "Changes after the cursor", **_json("ChangesResponse")},
                      **_errors(401, 404, 422)}}})
    image = {"schema": {"type": "string", "format": "binary"}}
    spec.path(path="/api/v1/photos/{sha256}", operations={"put": {
        "summary": "Upload a photo's bytes under their SHA-256", "tags": ["photos"], "security": secured,
        "parameters": [{"in": "path", "name": "sha256", "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
        "requestBody": {"required": True, "content": {"image/jpeg": image, "image/png": image, "image/webp": image}},
        "responses": {"201": {"description": "Stored", **_json("PhotoResult")},
                      "200": {"description": "Already stored", **_json("PhotoResult")},
                      **_errors(401, 404, 413, 415, 422)}}})
    spec.path(path="/api/v1/openapi.json", operations={"get": {
        "summary": "This document", "tags": ["meta"], "responses": {"200": {"description": "OpenAPI 3"}}}})
    document = spec.to_dict()
    document["components"]["schemas"]["Record"]["properties"]["data"] = {
        "description": "VisitData when `type` is visit, FindingData when it is finding",
        "oneOf": [{"$ref": "#/components/schemas/VisitData"}, {"$ref": "#/components/schemas/FindingData"}]}
    return document
