"""The OpenAPI document is generated from the routes and schemas, validates, and tells the truth.

Truth is checked both ways: every /api/ rule and method is in the document, and every response status the
document lists for an operation is produced by a real request below (RECIPES), whose body then validates
against the schema the document gives for that status.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import openapi_spec_validator
import pytest
from openapi_schema_validator import OAS30Validator  # installed with openapi-spec-validator

from inspection.extensions import db
from inspection.sync.openapi import EXAMPLES, OPERATIONS, build_spec
from inspection.sync.schemas import FindingDataSchema, SyncRequestSchema, VisitDataSchema

from ..factories import PASSWORD
from ..records import finding_record, jpeg, push, visit_record
from .upload_recipes import UPLOAD_RECIPES

STATUS = re.compile(r"^\d{3}$")


def api_routes(app) -> dict[str, set[str]]:
    """Every /api/ rule of the app as an OpenAPI path, with its methods."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def documented(spec) -> set[tuple[str, str, int]]:
    """(method, path, status) of every numbered response in the document."""
    return {(method.upper(), path, int(status)) for path, operations in spec["paths"].items()
            for method, operation in operations.items() for status in operation["responses"] if STATUS.match(status)}


def validator(spec, schema: dict):
    """A validator for `schema`, resolving the document's `#/components/...` references."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource("urn:openapi", DRAFT4.create_resource(spec))
    if "$ref" in schema:
        schema = {"$ref": "urn:openapi" + schema["$ref"]}
    return OAS30Validator(schema, registry=registry)


def test_openapi_document_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")  # public: it tells nothing about any campaign
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.0")
    for path, methods in api_routes(app).items():
        assert path in spec["paths"], path
        assert methods == set(spec["paths"][path]), path
    assert "/api/v1/stats" in spec["paths"]
    undocumented = [(p, m) for p, ops in spec["paths"].items() for m, op in ops.items() if op.get("x-undocumented")]
    assert undocumented == []
    assert set(OPERATIONS) == {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    schemas = spec["components"]["schemas"]
    assert set(schemas["SyncRequest"]["properties"]) == set(SyncRequestSchema().fields)
    assert set(schemas["FindingData"]["properties"]) == set(FindingDataSchema().fields)
    assert set(schemas["VisitData"]["properties"]) == set(VisitDataSchema().fields)
    assert set(schemas["SyncRequest"]["required"]) == {"device_id", "batch_id", "records"}
    assert schemas["PhotoRef"]["properties"]["sha256"]["pattern"] == "^[0-9a-f]{64}$"
    assert {s["$ref"] for s in schemas["Record"]["properties"]["data"]["oneOf"]} == {
        "#/components/schemas/VisitData", "#/components/schemas/FindingData", "#/components/schemas/RecheckData"}


def test_openapi_document_validates_and_every_operation_has_the_error_envelope(app):
    spec = build_spec(app)
    openapi_spec_validator.validate(spec)
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["default"]["content"]["application/json"]["schema"] == error, (method, path)
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"] == error, (method, path, status)
            if method in {"post", "put"} and operation["operationId"] != "tus_api_create":  # tus creation: headers only
                assert operation["requestBody"]["required"] is True, (method, path)
            if operation["security"]:
                assert "401" in responses and "WWW-Authenticate" in responses["401"]["headers"]
    sync = spec["paths"]["/api/v1/sync"]["post"]
    assert sync["requestBody"]["content"]["application/json"]["example"] == EXAMPLES["SyncRequest"]
    assert "400" in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_examples_validate_against_their_schemas(app):
    spec = build_spec(app)
    for name, example in EXAMPLES.items():
        errors = [e.message for e in validator(spec, {"$ref": f"#/components/schemas/{name}"}).iter_errors(example)]
        assert errors == [], name
    assert list(validator(spec, {"$ref": "#/components/schemas/SyncRequest"}).iter_errors(
        {"device_id": "p", "batch_id": str(uuid.uuid4()), "records": [{"type": "visit", "id": str(uuid.uuid4()),
                                                                      "data": {"target_id": "one"}}]}))


# -- every documented status, produced -----------------------------------------------------------------------
@dataclass
class Ctx:
    """What a recipe needs: the app, the world, bearer headers for a few users."""

    app: object
    world: object
    tokens: dict

    def client(self):
        """A fresh client (no cookies from other recipes)."""
        return self.app.test_client()

    def signed_in(self, username: str):
        """A fresh client signed in to the desktop session (no bearer token)."""
        client = self.client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client


RECIPES: dict[tuple[str, str, int], Callable[[Ctx], object]] = {}


def recipe(method: str, path: str, status: int):
    """Register a request that must answer `status` on `method path`."""

    def register(fn):
        RECIPES[(method, path, status)] = fn
        return fn

    return register


TOKEN, ME, BOOT, SYNC, CHANGES, STATS = ("/api/v1/auth/token", "/api/v1/auth/me", "/api/v1/bootstrap",
                                         "/api/v1/sync", "/api/v1/changes", "/api/v1/stats")
PHOTO, DOC = "/api/v1/photos/{sha256}", "/api/v1/openapi.json"


def _sign_in(ctx, **body):
    return ctx.client().post(TOKEN, json={"username": "inspector2", "password": PASSWORD, "device_name": "手机",
                                          **body})


recipe("POST", TOKEN, 201)(lambda ctx: _sign_in(ctx))
recipe("POST", TOKEN, 400)(lambda ctx: ctx.client().post(TOKEN, data="{", content_type="application/json"))
recipe("POST", TOKEN, 401)(lambda ctx: _sign_in(ctx, password="wrong-password"))
recipe("POST", TOKEN, 415)(lambda ctx: ctx.client().post(TOKEN, data="username=a", content_type="text/plain"))
recipe("POST", TOKEN, 422)(lambda ctx: ctx.client().post(TOKEN, json={"username": 5}))


@recipe("POST", TOKEN, 403)
def _disabled(ctx):
    ctx.world.users["liaison2"].active = False
    db.session.commit()
    return _sign_in(ctx, username="liaison2")


@recipe("POST", TOKEN, 429)
def _rate_limited(ctx):
    ctx.app.config["LOGIN_RATE_LIMIT_IP"] = "2 per minute"
    client = ctx.client()
    for _ in range(2):
        client.post(TOKEN, json={"username": "nobody", "password": "x"}, environ_base={"REMOTE_ADDR": "10.4.0.9"})
    return client.post(TOKEN, json={"username": "nobody", "password": "x"}, environ_base={"REMOTE_ADDR": "10.4.0.9"})


@recipe("DELETE", TOKEN, 204)
def _sign_out(ctx):
    headers = ctx.client().post(TOKEN, json={"username": "inspector1", "password": PASSWORD}).get_json()["token"]
    return ctx.client().delete(TOKEN, headers={"Authorization": f"Bearer {headers}"})


recipe("DELETE", TOKEN, 400)(lambda ctx: ctx.signed_in("reviewer").delete(TOKEN))  # a session has no token
recipe("DELETE", TOKEN, 401)(lambda ctx: ctx.client().delete(TOKEN))
recipe("GET", ME, 200)(lambda ctx: ctx.client().get(ME, headers=ctx.tokens["inspector1"]))
recipe("GET", ME, 401)(lambda ctx: ctx.client().get(ME, headers={"Authorization": "Bearer revoked-or-made-up"}))
recipe("GET", BOOT, 200)(lambda ctx: ctx.client().get(BOOT, headers=ctx.tokens["inspector1"]))
recipe("GET", BOOT, 401)(lambda ctx: ctx.client().get(BOOT))
recipe("GET", BOOT, 404)(lambda ctx: ctx.client().get(BOOT, headers=ctx.tokens["reviewer"]))
recipe("GET", CHANGES, 200)(lambda ctx: ctx.client().get(CHANGES + "?since=0", headers=ctx.tokens["inspector1"]))
recipe("GET", CHANGES, 401)(lambda ctx: ctx.client().get(CHANGES))
recipe("GET", CHANGES, 404)(lambda ctx: ctx.client().get(CHANGES, headers=ctx.tokens["reviewer"]))
recipe("GET", CHANGES, 422)(lambda ctx: ctx.client().get(CHANGES + "?since=abc", headers=ctx.tokens["inspector1"]))
recipe("GET", DOC, 200)(lambda ctx: ctx.client().get(DOC))
recipe("GET", STATS, 200)(lambda ctx: ctx.client().get(STATS, headers=ctx.tokens["reviewer"]))
recipe("GET", STATS, 401)(lambda ctx: ctx.client().get(STATS))
recipe("GET", STATS, 404)(lambda ctx: ctx.client().get(STATS + "?campaign=999999", headers=ctx.tokens["reviewer"]))
recipe("GET", STATS, 422)(lambda ctx: ctx.client().get(STATS + "?campaign=abc", headers=ctx.tokens["reviewer"]))


def _batch(ctx, batch_id=None):
    visit_id = uuid.uuid4()
    records = [visit_record(ctx.world.targets[0], visit_id=visit_id), finding_record(visit_id)]
    return push(ctx.client(), ctx.tokens["inspector1"], records, batch_id=batch_id)


recipe("POST", SYNC, 200)(lambda ctx: _batch(ctx))
recipe("POST", SYNC, 400)(lambda ctx: ctx.client().post(SYNC, data='{"records": [', content_type="application/json",
                                                        headers=ctx.tokens["inspector1"]))
recipe("POST", SYNC, 401)(lambda ctx: ctx.client().post(SYNC, json={}))
recipe("POST", SYNC, 404)(lambda ctx: ctx.client().post(SYNC, json={}, headers=ctx.tokens["reviewer"]))
recipe("POST", SYNC, 415)(lambda ctx: ctx.client().post(SYNC, data="x", content_type="text/plain",
                                                        headers=ctx.tokens["inspector1"]))
recipe("POST", SYNC, 422)(lambda ctx: ctx.client().post(SYNC, json={"device_id": "p"},
                                                        headers=ctx.tokens["inspector1"]))


@recipe("POST", SYNC, 409)
def _reused(ctx):
    batch_id = uuid.uuid4()
    assert _batch(ctx, batch_id).status_code == 200
    return _batch(ctx, batch_id)  # the same id for other records


@recipe("POST", SYNC, 413)
def _too_large(ctx):
    ctx.app.config["MAX_SYNC_BYTES"] = 2048
    try:
        return push(ctx.client(), ctx.tokens["inspector1"], [visit_record(ctx.world.targets[0], notes="长" * 2000)])
    finally:
        ctx.app.config["MAX_SYNC_BYTES"] = 8 * 1024 * 1024


def _put(ctx, data, sha=None, headers=None, client=None, content_type="image/jpeg"):
    sha = sha or hashlib.sha256(data).hexdigest()
    return (client or ctx.client()).put(f"/api/v1/photos/{sha}", data=data, content_type=content_type,
                                        headers=ctx.tokens["inspector1"] if headers is None else headers)


recipe("PUT", PHOTO, 201)(lambda ctx: _put(ctx, jpeg(71)[0]))
recipe("PUT", PHOTO, 400)(lambda ctx: _put(ctx, jpeg(72)[0], headers={}, client=ctx.signed_in("inspector1")))
recipe("PUT", PHOTO, 401)(lambda ctx: _put(ctx, jpeg(73)[0], headers={}))
recipe("PUT", PHOTO, 404)(lambda ctx: _put(ctx, jpeg(74)[0], headers=ctx.tokens["reviewer"]))
recipe("PUT", PHOTO, 415)(lambda ctx: _put(ctx, b"%PDF-1.4 not a photo", content_type="application/pdf"))
recipe("PUT", PHOTO, 422)(lambda ctx: _put(ctx, jpeg(75)[0], sha="abc"))


@recipe("PUT", PHOTO, 200)
def _again(ctx):
    data = jpeg(76)[0]
    assert _put(ctx, data).status_code == 201
    return _put(ctx, data)


@recipe("PUT", PHOTO, 413)
def _photo_too_large(ctx):
    ctx.app.config["MAX_PHOTO_BYTES"] = 1024
    try:
        return _put(ctx, jpeg(77, size=(400, 300))[0])
    finally:
        ctx.app.config["MAX_PHOTO_BYTES"] = 15 * 1024 * 1024


RECIPES.update(UPLOAD_RECIPES)  # the resumable uploads (/api/v1/uploads)


def test_every_documented_status_has_a_request_that_produces_it(app):
    """The recipes cover exactly the documented (method, path, status) triples: no more, no less."""
    spec = build_spec(app)
    assert set(RECIPES) == documented(spec)


def test_every_documented_status_is_produced_with_a_body_that_matches(app, world, token_for):
    """Each recipe's answer has the documented status, its documented headers, and a body of its schema."""
    spec = build_spec(app)
    ctx = Ctx(app, world, {name: token_for(name) for name in ("inspector1", "reviewer")})
    failures = []
    for (method, path, status), make in sorted(RECIPES.items(), key=lambda item: item[0][2] == 429):
        response = make(ctx)
        answer = spec["paths"][path][method.lower()]["responses"][str(status)]
        if response.status_code != status:
            failures.append((method, path, status, response.status_code, response.get_data(as_text=True)[:200]))
            continue
        for header in answer.get("headers", {}):
            if header not in response.headers:
                failures.append((method, path, status, f"no {header} header"))
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            assert response.mimetype == "application/json", (method, path, status)
            errors = [f"{list(e.absolute_path)}: {e.message}"
                      for e in validator(spec, schema).iter_errors(response.get_json())]
            if errors:
                failures.append((method, path, status, errors[:3]))
        elif status != 200:
            assert response.get_data() == b"", (method, path, status)
    assert failures == []
