"""Sync batches: stored as received, applied once, and answered the same way every time they are resent.

A push is two units of work, not one, and this module owns both commits (the one exception to "the
view commits"): the batch is stored verbatim and committed first, so nothing a phone sent is lost
whatever happens next; then it is claimed, applied and its results stored in a second transaction.
The claim is an UPDATE of the batch's row, so a second request for the same batch waits for the first
and then finds it applied (PostgreSQL row lock; SQLite's single writer). If applying fails, the apply
transaction is rolled back, the batch is marked failed, and `flask sync reapply` (or the phone's
retry) applies it again from the stored copy.

Concurrent pushes of the same records (a retry racing a slow first attempt, two tabs, a resent batch
under a new id) are expected. Every batch applies its records in one global order, visits before
findings and each kind by id (sync.context.apply_order), and locks the rows it edits in that order, so
two batches wait for each other rather than deadlock. An attempt that still fails on a concurrent write
(a unique violation: the other request inserted the same record first; or PostgreSQL's deadlock or
serialization failure, 40P01 / 40001) is rolled back and applied again with a savepoint per record,
where a record that now exists is merged as an edit: up to MAX_ATTEMPTS attempts, each after a random
pause (full jitter, doubling), before the batch is marked failed.
"""
from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..core.actor import Actor
from ..core.json import MalformedJSON, parse_json
from ..errors import ApiError
from ..extensions import db
from ..sqltypes import utcnow
from .applier import apply_records
from .context import apply_order, core
from .models import ChangeEvent, SyncBatch
from .schemas import SyncRequestSchema

logger = logging.getLogger(__name__)

STALE_MINUTES = 10  # a batch received but not applied for this long was interrupted
MAX_ATTEMPTS = 5  # tries at applying a batch that keeps meeting concurrent writes
RETRY_PAUSE = 0.05  # seconds; the n-th retry waits a random time up to RETRY_PAUSE * 2**(n-1)
RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


class SyncError(ApiError):
    """A batch cannot be taken as sent (its id belongs to another user or to different content)."""


def find_batch(batch_id: uuid.UUID) -> SyncBatch | None:
    """Return the stored batch with this phone-made id."""
    return db.session.scalar(select(SyncBatch).where(SyncBatch.batch_id == batch_id))


def check_resend(batch: SyncBatch, user, raw_text: str, parsed) -> None:
    """Accept a resent batch only from its sender and only with the same content."""
    if batch.user_id != user.id:
        raise SyncError(409, "batch_id_taken", "该批次编号已被使用，请为这批数据生成新的批次编号")
    if batch.payload != raw_text:
        try:
            same = parse_json(batch.payload) == parsed
        except MalformedJSON:
            same = False
        if not same:
            raise SyncError(409, "batch_id_reused", "该批次编号已用于内容不同的另一批数据，请使用新的批次编号")


_UNKNOWN = object()


def receive_batch(*, user, device_id: str, batch_id: uuid.UUID, token_id: int | None, raw_text: str,
                  parsed, existing=_UNKNOWN) -> SyncBatch:
    """Store a batch exactly as received and commit it; a resend gets the row already stored.

    `existing` is the stored batch with this id (or None) when the caller has just looked it up.
    """
    if existing is _UNKNOWN:
        existing = find_batch(batch_id)
    if existing is None:
        batch = SyncBatch(batch_id=batch_id, user_id=user.id, device_id=device_id, token_id=token_id,
                          payload=raw_text, status="received", error="", attempts=0, received_at=utcnow())
        db.session.add(batch)
        try:
            db.session.flush()
        except IntegrityError:  # the same batch arrived on another connection a moment ago
            db.session.rollback()
            existing = find_batch(batch_id)
        else:
            _commit_keeping_state()
            logger.info("received sync batch %s from %s (%s), %d bytes", batch_id, user.username, device_id,
                        len(raw_text))
            return batch
    check_resend(existing, user, raw_text, parsed)
    return existing


def _commit_keeping_state() -> None:
    """Commit without expiring loaded objects (the user and batch just written stay usable, unqueried)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _claim(batch_pk: int) -> bool:
    """Lock a stored batch for applying (a concurrent claim waits for this transaction); False if applied."""
    table = SyncBatch.__table__
    return bool(db.session.execute(update(table).where(table.c.id == batch_pk, table.c.status != "applied")
                                   .values(attempts=table.c.attempts + 1)).rowcount)


def apply_batch(batch_pk: int, *, records: list[dict] | None = None,
                actor: Actor | None = None) -> tuple[list[dict], int | None]:
    """Apply a stored batch once and commit its results; a batch already applied returns its results.

    Returns the results and the user's change-feed cursor (None when the batch had been applied before).
    `records` and `actor` save re-reading what the caller has just validated and signed in (the actor's IP
    goes on every audit row; without one, the batch's user acts with no address). An attempt
    that meets a concurrent write (see `transient`) is rolled back and tried again, record by record,
    after a short random pause; only after MAX_ATTEMPTS does the batch count as failed.
    """
    isolated = False
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if not _claim(batch_pk):
            db.session.rollback()
            return db.session.get(SyncBatch, batch_pk, populate_existing=True).results, None
        batch = db.session.get(SyncBatch, batch_pk)
        batch_id = batch.batch_id
        try:
            if records is None:
                records = SyncRequestSchema().load(parse_json(batch.payload))["records"]
            user = actor.user if actor is not None else batch.user
            results = _apply_in_order(user, records, isolated=isolated, device_id=batch.device_id,
                                      ip=actor.ip if actor is not None else "",
                                      batch_id=batch_id)
            batch.status, batch.results, batch.applied_at, batch.error = "applied", results, utcnow(), ""
            cursor = current_cursor(user)
            _commit_keeping_state()
            break
        except Exception as exc:
            db.session.rollback()
            if attempt < MAX_ATTEMPTS and transient(exc):
                logger.warning("batch %s met a concurrent write (%s, attempt %d of %d); applying it record "
                               "by record", batch_id, _sqlstate(exc) or type(exc).__name__, attempt,
                               MAX_ATTEMPTS)
                isolated = True
                time.sleep(random.uniform(0, RETRY_PAUSE * 2 ** (attempt - 1)))  # full jitter
                continue
            _mark_failed(batch_pk, exc)
            raise
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    logger.info("applied sync batch %s: %s", batch_id, counts)
    return results, cursor


def _apply_in_order(user, records: list[dict], **options) -> list[dict]:
    """Apply records in the global lock order (context.apply_order); answer in the order they were sent."""
    order = sorted(range(len(records)), key=lambda index: apply_order(records[index]))
    applied = apply_records(user, [records[index] for index in order], now=utcnow(), **options)
    results: list[dict] = [{}] * len(records)
    for index, result in zip(order, applied):
        results[index] = result
    return results


def transient(exc: BaseException) -> bool:
    """Tell whether an error came from a concurrent transaction, so trying again can succeed.

    A unique violation (another request inserted the same record a moment ago; applied again, it is
    merged as an edit), a deadlock or a serialization failure (PostgreSQL 40P01 / 40001).
    """
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in RETRY_SQLSTATES


def _sqlstate(exc: BaseException) -> str | None:
    """Return the SQLSTATE of a database error (psycopg 3 or 2), if it has one."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _mark_failed(batch_pk: int, exc: BaseException) -> None:
    """Record that applying a batch failed (stored, so `flask sync reapply` can try it again)."""
    table = SyncBatch.__table__
    db.session.execute(update(table).where(table.c.id == batch_pk).values(
        status="failed", attempts=table.c.attempts + 1, error=f"{type(exc).__name__}: {exc}"[:4000]))
    db.session.commit()
    logger.exception("applying sync batch %s failed; stored, marked failed", batch_pk)


def batches_to_reapply() -> list[SyncBatch]:
    """Return batches that failed, or were received but left unapplied for a while."""
    stale = utcnow() - timedelta(minutes=STALE_MINUTES)
    return list(db.session.scalars(select(SyncBatch).where(or_(
        SyncBatch.status == "failed",
        (SyncBatch.status == "received") & (SyncBatch.received_at < stale))).order_by(SyncBatch.id)))


def current_cursor(user) -> int:
    """Return the newest change-feed position for this user (0 when nothing has happened yet)."""
    db.session.flush()
    return core(select(func.max(ChangeEvent.id)).where(ChangeEvent.user_id == user.id)).scalar() or 0


def changes_since(user, since: int, limit: int) -> tuple[list[ChangeEvent], int, bool]:
    """Return the user's changes after `since` (oldest first), the next cursor, and whether more wait."""
    events = list(db.session.scalars(select(ChangeEvent).where(ChangeEvent.user_id == user.id,
                                                               ChangeEvent.id > since)
                                      .order_by(ChangeEvent.id).limit(limit + 1)))
    has_more = len(events) > limit
    events = events[:limit]
    return events, (events[-1].id if events else since), has_more
