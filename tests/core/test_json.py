"""JSON bodies: parsed in one place, standard JSON only, nested at most MAX_DEPTH levels (no RecursionError)."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from inspection.core.json import MAX_DEPTH, MalformedJSON, nesting_depth, parse_json
from inspection.extensions import db
from inspection.sync.models import SyncBatch

from ..records import visit_record


def _post(client, url, body: str | bytes, headers=None):
    return client.post(url, data=body, content_type="application/json", headers=headers or {})


def _code(response) -> str:
    return response.get_json()["error"]["code"]


def test_depth_ignores_brackets_inside_strings():
    assert nesting_depth('{"a": "[[[[{{", "b": [[1, {"c": "\\"]]}"}]]}') == 4
    assert nesting_depth("[]") == 1 and nesting_depth('"x"') == 0


def test_parse_json_takes_the_limit_and_refuses_one_more():
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(MalformedJSON):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize("body", ["[" * 5000, "[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deep_json_on_the_unauthenticated_token_endpoint_is_400(client, world, body):
    response = _post(client, "/api/v1/auth/token", body)
    assert response.status_code == 400 and _code(response) == "malformed_json"
    assert response.get_json()["error"]["details"] == {"max_depth": MAX_DEPTH}


@pytest.mark.parametrize("body", ['{"username": NaN}', '{"username": Infinity}', b'{"username": "\xff"}',
                                  '{"username": '])
def test_non_standard_json_is_400(client, world, body):
    response = _post(client, "/api/v1/auth/token", body)
    assert response.status_code == 400 and _code(response) == "malformed_json"


def test_deep_json_inside_sync_data_is_400_and_nothing_is_stored(client, world, token_for):
    record = visit_record(world.targets[0])
    text = json.dumps({"device_id": "phone-1", "batch_id": str(uuid.uuid4()), "records": [record]})
    text = text.replace('"notes": ', '"deep": ' + "[" * 5000 + "]" * 5000 + ', "notes": ', 1)
    response = _post(client, "/api/v1/sync", text, token_for("inspector1"))
    assert response.status_code == 400 and _code(response) == "malformed_json"
    assert db.session.query(SyncBatch).count() == 0


def test_a_resend_against_a_deep_stored_payload_is_refused_not_500(client, world, token_for):
    """A batch stored before the limit (its payload nested too deep) cannot be compared: 409, never 500."""
    batch_id = uuid.uuid4()
    db.session.add(SyncBatch(batch_id=batch_id, user_id=world.users["inspector1"].id, device_id="phone-1",
                             payload="[" * 5000 + "]" * 5000, status="applied", results=[], error="", attempts=1,
                             received_at=datetime.now(UTC)))
    db.session.commit()
    body = json.dumps({"device_id": "phone-1", "batch_id": str(batch_id), "records": [visit_record(world.targets[0])]})
    response = _post(client, "/api/v1/sync", body, token_for("inspector1"))
    assert response.status_code == 409 and _code(response) == "batch_id_reused"
