"""Records as a phone sends them: build visit and finding records, push them over HTTP or apply them directly.

Shared by the sync, findings, visits, photos, review and core tests.
"""
from __future__ import annotations

import hashlib
import io
import uuid

from PIL import Image

from inspection.extensions import db
from inspection.sqltypes import utcnow
from inspection.sync.applier import apply_records
from inspection.sync.schemas import SyncRequestSchema

START = "2026-11-20T09:30:00+08:00"


def visit_record(target, *, visit_id=None, base_version=None, **data) -> dict:
    """A visit record at a target, with sensible data."""
    body = {"target_id": target.id, "started_at": START, "ended_at": "2026-11-20T10:15:00+08:00",
            "lat": 34.75, "lon": 113.62, "accuracy": 12.0, "notes": "从侧门进入，未出示证件",
            "answers": [{"item_code": "A01", "result": "fail", "note": "签到册缺3人"},
                        {"item_code": "A02", "result": "pass", "note": ""}]}
    body.update(data)
    return {"type": "visit", "id": str(visit_id or uuid.uuid4()), "base_version": base_version, "data": body}


def finding_record(visit_id, *, finding_id=None, base_version=None, **data) -> dict:
    """A finding record on a visit, with sensible data."""
    body = {"visit_id": str(visit_id), "item_code": "A02", "description": "9:40 办公室2名工作人员不在岗，无请假手续",
            "occurred_at": "2026-11-20T09:40:00+08:00", "location": "三楼办公室", "severity": "moderate",
            "persons": [{"name": "张某", "post": "科员", "cadre_level": "staff"}], "photos": []}
    body.update(data)
    return {"type": "finding", "id": str(finding_id or uuid.uuid4()), "base_version": base_version, "data": body}


def push(client, headers, records, *, batch_id=None, device="phone-1"):
    """POST a batch; return the response."""
    payload = {"device_id": device, "batch_id": str(batch_id or uuid.uuid4()), "records": records}
    return client.post("/api/v1/sync", json=payload, headers=headers)


def statuses(response) -> list[str]:
    """The per-record statuses of a sync answer."""
    assert response.status_code == 200, response.get_json()
    return [r["status"] for r in response.get_json()["results"]]


def jpeg(seed: int = 0, size=(64, 48)) -> tuple[bytes, str]:
    """A small distinct JPEG and its SHA-256."""
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def apply(user, records, *, device: str = "phone-A") -> list[dict]:
    """Apply records for `user` as one batch (validated like the API, no HTTP), commit; return the results."""
    envelope = SyncRequestSchema().load({"device_id": device, "batch_id": str(uuid.uuid4()), "records": records})
    results = apply_records(user, envelope["records"], device_id=device, now=utcnow())
    db.session.commit()
    db.session.expire_all()
    return results


def status_of(results) -> list[str]:
    """The per-record statuses of applied results."""
    return [r["status"] for r in results]
