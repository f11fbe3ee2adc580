"""Apply records through the services directly (no HTTP), as a batch would."""
from __future__ import annotations

import uuid

from inspection.extensions import db
from inspection.sqltypes import utcnow
from inspection.sync.applier import apply_records
from inspection.sync.schemas import SyncRequestSchema


def apply(user, records, *, device: str = "phone-A") -> list[dict]:
    """Validate records like the API, apply them for `user`, commit; return the per-record results."""
    envelope = SyncRequestSchema().load({"device_id": device, "batch_id": str(uuid.uuid4()), "records": records})
    results = apply_records(user, envelope["records"], device_id=device, now=utcnow())
    db.session.commit()
    db.session.expire_all()
    return results


def status_of(results) -> list[str]:
    return [r["status"] for r in results]
