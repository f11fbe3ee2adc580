"""The OpenAPI document is generated from the schemas and covers every route of the API."""
from __future__ import annotations

import re

from inspection.sync.schemas import FindingDataSchema, SyncRequestSchema, VisitDataSchema


def test_openapi_document_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")  # public: it tells nothing about any campaign
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.0")
    routes = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule): rule.methods - {"HEAD", "OPTIONS"}
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith(("sync_api.", "auth_api."))}
    for path, methods in routes.items():
        assert path in spec["paths"], path
        assert {m.lower() for m in methods} <= set(spec["paths"][path]), path
    schemas = spec["components"]["schemas"]
    assert set(schemas["SyncRequest"]["properties"]) == set(SyncRequestSchema().fields)
    assert set(schemas["FindingData"]["properties"]) == set(FindingDataSchema().fields)
    assert set(schemas["VisitData"]["properties"]) == set(VisitDataSchema().fields)
    assert set(schemas["SyncRequest"]["required"]) == {"device_id", "batch_id", "records"}
    assert schemas["PhotoRef"]["properties"]["sha256"]["pattern"] == "^[0-9a-f]{64}$"
    put = spec["paths"]["/api/v1/photos/{sha256}"]["put"]
    assert {"201", "200", "413", "415", "422"} <= set(put["responses"])
    assert put["responses"]["422"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
