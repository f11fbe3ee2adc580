"""Sync batches: stored as received, applied once, and answered the same way every time they are resent.

A push is two units of work, not one, and this module owns both commits (the one exception to "the
view commits"): the batch is stored verbatim and committed first, so nothing a phone sent is lost
whatever happens next; then it is claimed, applied and its results stored in a second transaction.
The claim is an UPDATE of the batch's row, so a second request for the same batch waits for the first
and then finds it applied (PostgreSQL row lock; SQLite's single writer). If applying fails, the apply
transaction is rolled back, the batch is marked failed, and `flask sync reapply` (or the phone's
retry) applies it again from the stored copy.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ApiError
from ..extensions import db
from ..sqltypes import utcnow
from .applier import apply_records
from .context import core
from .models import ChangeEvent, SyncBatch
from .schemas import SyncRequestSchema

logger = logging.getLogger(__name__)

STALE_MINUTES = 10  # a batch received but not applied for this long was interrupted


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
            same = json.loads(batch.payload) == parsed
        except ValueError:
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


def apply_batch(batch_pk: int, *, records: list[dict] | None = None, user=None,
                ip: str = "") -> tuple[list[dict], int | None]:
    """Apply a stored batch once and commit its results; a batch already applied returns its results.

    Returns the results and the user's change-feed cursor (None when the batch had been applied before).
    `records` and `user` save re-reading what the caller has just validated and signed in.
    """
    if not _claim(batch_pk):
        db.session.rollback()
        return db.session.get(SyncBatch, batch_pk, populate_existing=True).results, None
    batch = db.session.get(SyncBatch, batch_pk)
    try:
        if records is None:
            records = SyncRequestSchema().loads(batch.payload)["records"]
        user = user or batch.user
        context = {"device_id": batch.device_id, "ip": ip, "batch_id": batch.batch_id}
        try:
            results = apply_records(user, records, now=utcnow(), **context)
        except IntegrityError:
            db.session.rollback()
            logger.warning("batch %s met a concurrent write; applying it record by record", context["batch_id"])
            if not _claim(batch_pk):
                db.session.rollback()
                return db.session.get(SyncBatch, batch_pk, populate_existing=True).results, None
            batch = db.session.get(SyncBatch, batch_pk)
            results = apply_records(user, records, now=utcnow(), isolated=True, **context)
        batch.status, batch.results, batch.applied_at, batch.error = "applied", results, utcnow(), ""
        cursor = current_cursor(user)
        _commit_keeping_state()
    except Exception as exc:
        db.session.rollback()
        table = SyncBatch.__table__
        db.session.execute(update(table).where(table.c.id == batch_pk).values(
            status="failed", attempts=table.c.attempts + 1, error=f"{type(exc).__name__}: {exc}"[:4000]))
        db.session.commit()
        logger.exception("applying sync batch %s failed; stored, marked failed", batch_pk)
        raise
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    logger.info("applied sync batch %s: %s", batch.batch_id, counts)
    return results, cursor


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
