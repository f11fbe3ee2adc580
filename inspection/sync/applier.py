"""Apply a batch's records one by one, so one bad record never sinks the others.

Each record goes to the sync feature's own appliers, sync/visit_records.py, sync/finding_records.py and
sync/recheck_records.py (the versions they count are in sync/versions.py); the findings, visits and
followup packages hold only models.

Every record is checked (shape, permission, merge) before it writes anything. A new finding, the bulk
of any batch, then only adds plain rows to the context's buffers, inserted together at the end; every
other record (a visit, an edit) runs inside its own savepoint. If the batch's writes still fail on the
database (another request created the same record a moment ago), the caller rolls the attempt back and
applies the batch again with a savepoint per record, where a record that now exists is merged as an edit
(see sync.services.apply_batch).

No record sinks its batch: an unexpected error while applying one record (a bug, a value the database
refuses) rolls back only that record (its savepoint and its queued rows) and answers it `invalid` with
code `server_error`, logged with the batch id. Errors of concurrency (IntegrityError, and
OperationalError such as a deadlock) still propagate: the caller retries the batch. A value the database
refuses among the rows inserted together cannot be told apart by record, so that attempt is rolled back
(it runs inside one savepoint) and the batch is applied again with a savepoint per record.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from ..core.text import CodedMessage, printable
from ..extensions import db
from ..photos import possession
from . import finding_records, recheck_records, visit_records
from .context import ApplyContext, Outcome, RecordRejected

logger = logging.getLogger(__name__)

RETRY_ERROR = {"_record": [CodedMessage("与同时提交的记录冲突，请稍后重新同步", "concurrent_write")]}
SERVER_ERROR = {"_record": [CodedMessage("服务器处理这条记录时出错（已记录），请稍后重新同步或联系管理员；"
                                         "同一批的其他记录不受影响", "server_error")]}
TRANSIENT = (IntegrityError, OperationalError)  # concurrency: the caller rolls back and retries
APPLIERS = {"visit": (visit_records, "apply_visit"), "finding": (finding_records, "apply_finding"),
            "recheck": (recheck_records, "apply_recheck")}  # looked up per record (tests replace them)


def apply_records(user, records: list[dict], *, device_id: str, now: datetime, ip: str = "",
                  batch_id=None, isolated: bool = False) -> list[dict]:
    """Apply validated records for `user`; return one result per record, in order.

    Together (the default), an IntegrityError means another request wrote one of these records
    meanwhile: it propagates, the caller rolls back and calls again with `isolated=True`.
    """
    args = (user, records)
    kwargs = {"device_id": device_id, "now": now, "ip": ip, "batch_id": batch_id}
    if isolated:
        return _apply_all(*args, isolated=True, **kwargs)
    try:
        with db.session.begin_nested():
            return _apply_all(*args, isolated=False, **kwargs)
    except SQLAlchemyError as exc:  # a value refused on the way in (DataError, StatementError …)
        if isinstance(exc, TRANSIENT):
            raise
        logger.warning("sync batch %s: a row was refused (%s); applying the batch record by record",
                       batch_id, type(exc).__name__)
        return _apply_all(*args, isolated=True, **kwargs)


def _apply_all(user, records: list[dict], *, device_id: str, now: datetime, ip: str, batch_id,
               isolated: bool) -> list[dict]:
    """Apply the records with one fresh context (together, or each in its own savepoint)."""
    ctx = ApplyContext(user, device_id=device_id, now=now, ip=ip)
    ctx.batch_id = batch_id
    if isolated:
        outcomes = [_apply_isolated(ctx, record) for record in records]
    else:
        ctx.prefetch(records)
        outcomes = [_apply(ctx, record, savepoint=not _plain_create(ctx, record)) for record in records]
    _audit_created(ctx, batch_id)
    ctx.flush()
    return results(records, outcomes, user=ctx.user)


def _audit_created(ctx: ApplyContext, batch_id) -> None:
    """Write one audit event naming every visit, finding and recheck the batch created (edits are audited each)."""
    visits, findings, rechecks = ctx.created["visit"], ctx.created["finding"], ctx.created["recheck"]
    if visits or findings or rechecks:
        after = {"visits": list(visits), "findings": list(findings), "device": ctx.device_id}
        summary = f"同步新增到访记录{len(visits)}条、问题{len(findings)}条"
        if rechecks:
            after["rechecks"] = list(rechecks)
            summary += f"、复核{len(rechecks)}条"
        ctx.audit("sync.create", "sync_batch", batch_id or "", f"{summary}（设备：{ctx.device_id}）", after=after)


def _plain_create(ctx: ApplyContext, record: dict) -> bool:
    """Tell whether a record is a new finding (buffered rows only, no savepoint needed)."""
    return record["type"] == "finding" and ctx.finding(record["id"]) is None


def _apply(ctx: ApplyContext, record: dict, *, savepoint: bool) -> Outcome | RecordRejected:
    """Apply one record; a rejection, or an unexpected error, undoes whatever it had queued or changed.

    Without a savepoint (a new finding) the record only reads and queues rows, so a database error there
    propagates (see apply_records); with one, anything but a concurrency error stays with the record.
    """
    module, name = APPLIERS[record["type"]]
    apply = getattr(module, name)
    if savepoint:
        ctx.flush()  # earlier records' queued rows go in before this record's savepoint
    mark = ctx.mark()
    try:
        if not savepoint:
            return apply(ctx, record)
        with db.session.begin_nested():
            outcome = apply(ctx, record)
            ctx.flush()
        return outcome
    except RecordRejected as exc:
        ctx.undo(mark)
        return exc
    except TRANSIENT:
        ctx.undo(mark)
        raise
    except Exception as exc:  # noqa: BLE001 (one record's failure must not sink its batch)
        ctx.undo(mark)
        if isinstance(exc, SQLAlchemyError) and not savepoint:
            raise
        ctx.forget()  # objects its savepoint made are gone; look records up again
        logger.exception("sync batch %s: applying %s %s failed; answered invalid (server_error)",
                         getattr(ctx, "batch_id", None), record["type"], record["id"])
        return RecordRejected("invalid", SERVER_ERROR)


def _apply_isolated(ctx: ApplyContext, record: dict) -> Outcome | RecordRejected:
    """Apply one record in its own savepoint, retrying once it sees the row another request made."""
    for _ in range(3):
        try:
            return _apply(ctx, record, savepoint=True)
        except IntegrityError:
            ctx.forget()
    logger.error("record %s kept failing on concurrent writes", record["id"])
    return RecordRejected("invalid", RETRY_ERROR)


def results(records: list[dict], outcomes: list, *, user=None) -> list[dict]:
    """Turn outcomes into the per-record answers, with the photos each record still lacks."""
    missing: dict = {}  # per record: photos claimed, still to upload
    for kind in ("finding", "recheck"):
        claims = [(record["id"], sha) for record, outcome in zip(records, outcomes)
                  if record["type"] == kind and isinstance(outcome, Outcome) for sha in outcome.photos]
        if claims:
            missing.update(possession.missing_for(user, claims, kind=kind))
    answers = []
    for record, outcome in zip(records, outcomes):
        answer = {"id": str(record["id"]), "type": record["type"]}
        if isinstance(outcome, RecordRejected):
            answer.update(status=outcome.status, version=None, missing_photos=[], errors=_plain(outcome.errors),
                          codes=_codes(outcome.errors, outcome.status))
        else:
            answer.update(status=outcome.status, version=outcome.version,
                          missing_photos=[sha for sha in outcome.photos if sha in missing.get(record["id"], ())],
                          errors={}, codes={})
            if outcome.conflicts:
                answer["conflicts"] = outcome.conflicts
        answers.append(answer)
    return answers


def _plain(errors):
    """Make error keys strings (marshmallow numbers list items), so the answer is plain JSON.

    Keys and messages are escaped where they hold bad text (an unknown key a phone sent, say), so the
    stored answer is always storable and printable.
    """
    if isinstance(errors, dict):
        return {printable(str(key)): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_plain(value) for value in errors]
    return printable(str(errors)) if isinstance(errors, str) else errors


def _codes(errors, default: str):
    """Mirror `errors` with each message replaced by its stable code (`default` for a message without one)."""
    if isinstance(errors, dict):
        return {printable(str(key)): _codes(value, default) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_codes(value, default) for value in errors]
    return getattr(errors, "code", default)
