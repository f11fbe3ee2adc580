"""Lock-out after failed sign-ins, counted atomically before any password is checked.

Two counters per user name *as typed* (whether or not such a user exists, so no answer tells them apart):

- per (name, client IP): `max_failures` failures in a row lock that name for that client for `lock_minutes`;
- per name from *new* clients (client "*"): `account_max_failures` failures from clients that never signed
  in as that name lock it for every new client for `lock_minutes`. A client that has signed in as the name
  within KNOWN_CLIENT_DAYS is not counted there and is not refused by it: a guesser elsewhere slows the
  account's sign-in from new places but does not shut its owner out of their usual office or phone.

Each attempt is reserved with one `INSERT … ON CONFLICT DO UPDATE … RETURNING` (SQLite and PostgreSQL),
and refused without a password check when the reserved count is past the limit; the caller commits the
reservation before checking the password, so parallel guesses cannot all slip in before the lock.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import LoginThrottle, User

logger = logging.getLogger(__name__)

ACCOUNT = "*"
KNOWN_CLIENT_DAYS = 90
_THROTTLES = LoginThrottle.__table__


@dataclass(frozen=True)
class Policy:
    """How many failures lock a name, per client and across new clients, and for how long."""

    max_failures: int
    account_max_failures: int
    lock_minutes: int

    @property
    def lock(self) -> timedelta:
        """The lock's length."""
        return timedelta(minutes=self.lock_minutes)


@dataclass
class Attempt:
    """One reserved sign-in attempt: the counts it was given and whether its client is known."""

    username: str
    client: str
    now: datetime
    client_attempts: int
    known: bool
    account_attempts: int | None = None
    account_since: datetime | None = None


class Locked(Exception):
    """The name is locked for this client; `retry_after` says in how many seconds it may try again."""

    def __init__(self, retry_after: int):
        super().__init__("locked")
        self.retry_after = retry_after


def _upsert():
    """Return the INSERT construct of the session's dialect that knows ON CONFLICT."""
    return (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert


def _bump(username: str, client: str, *, limit: int, policy: Policy, now: datetime):
    """Count one attempt atomically; return (attempts, updated_at, last_success_at) after it.

    A window starts afresh after `lock_minutes` without attempts; once the limit is reached the row's
    time stays at the moment of locking, so the lock ends `lock_minutes` later however hard it is hammered.
    """
    cutoff = now - policy.lock
    c = _THROTTLES.c
    insert = _upsert()(_THROTTLES).values(username=username, client=client, attempts=1, updated_at=now)
    locked = and_(c.attempts >= limit, c.updated_at >= cutoff)
    statement = insert.on_conflict_do_update(
        index_elements=[c.username, c.client],
        set_={"attempts": case((c.updated_at < cutoff, 1), else_=c.attempts + 1),
              "updated_at": case((locked, c.updated_at), else_=insert.excluded.updated_at)},
    ).returning(c.attempts, c.updated_at, c.last_success_at)
    return db.session.execute(statement).one()


def _retry_after(since: datetime, policy: Policy, now: datetime) -> int:
    """Seconds until a lock that started at `since` ends (at least one)."""
    return max(1, int((since + policy.lock - now).total_seconds()) + 1)


def reserve(username: str, client: str, policy: Policy, now: datetime) -> Attempt:
    """Count an attempt for (name, client) and, for a new client, for the name; raise Locked past a limit."""
    attempts, since, last_success = _bump(username, client, limit=policy.max_failures, policy=policy, now=now)
    if attempts == 1:
        _prune(now, policy)
    known = last_success is not None and last_success > now - timedelta(days=KNOWN_CLIENT_DAYS)
    attempt = Attempt(username, client, now, attempts, known)
    if attempts > policy.max_failures:
        raise Locked(_retry_after(since, policy, now))
    if not known:
        attempt.account_attempts, attempt.account_since, _ = _bump(
            username, ACCOUNT, limit=policy.account_max_failures, policy=policy, now=now)
        if attempt.account_attempts > policy.account_max_failures:
            raise Locked(_retry_after(attempt.account_since, policy, now))
    return attempt


def succeed(attempt: Attempt) -> None:
    """Clear the client's failures and remember it as known; give the name's new-client count its attempt back."""
    c = _THROTTLES.c
    db.session.execute(update(_THROTTLES).where(c.username == attempt.username, c.client == attempt.client)
                       .values(attempts=0, last_success_at=attempt.now, updated_at=attempt.now))
    if attempt.account_attempts is not None:
        db.session.execute(update(_THROTTLES).where(c.username == attempt.username, c.client == ACCOUNT,
                                                    c.attempts > 0).values(attempts=c.attempts - 1))
    db.session.execute(update(User).where(User.username == attempt.username, User.failed_logins > 0, or_(
        User.locked_until.is_(None), User.locked_until <= attempt.now)).values(failed_logins=0)
        .execution_options(synchronize_session=False))


def fail(attempt: Attempt, policy: Policy) -> None:
    """Show a failed password on the account row (the admin page's 已锁定 and 解除锁定); log when a lock begins.

    The attempt was already counted by `reserve`; the row only mirrors it for people. The same statement
    runs whether or not the user exists.
    """
    values: dict = {"failed_logins": max(attempt.client_attempts, attempt.account_attempts or 0)}
    if attempt.account_attempts is not None and attempt.account_attempts >= policy.account_max_failures:
        values["locked_until"] = attempt.account_since + policy.lock
        logger.warning("sign-in as %r locked for new clients after %d failures", attempt.username,
                       attempt.account_attempts)
    elif attempt.client_attempts >= policy.max_failures:
        values["locked_until"] = attempt.now + policy.lock
        logger.warning("sign-in as %r locked for client %s after %d failures", attempt.username, attempt.client,
                       attempt.client_attempts)
    db.session.execute(update(User).where(User.username == attempt.username).values(**values)
                       .execution_options(synchronize_session=False))


def clear(username: str) -> int:
    """Forget the counted failures for a name (admin unlock, password reset), keeping its known clients.

    Returns how many counters held failures.
    """
    c = _THROTTLES.c
    held = db.session.scalar(db.select(db.func.count()).where(c.username == username, c.attempts > 0)) or 0
    db.session.execute(delete(_THROTTLES).where(c.username == username, c.last_success_at.is_(None)))
    db.session.execute(update(_THROTTLES).where(c.username == username, c.attempts > 0).values(attempts=0))
    return held


def _prune(now: datetime, policy: Policy) -> None:
    """Drop up to 100 stale rows of clients that never signed in (guesses at names), so the table stays small.

    Rows another transaction holds are skipped (PostgreSQL SKIP LOCKED), so parallel sign-ins never wait here.
    """
    c = _THROTTLES.c
    stale = (db.select(c.id).where(c.updated_at < now - max(timedelta(days=1), policy.lock),
                                   c.last_success_at.is_(None))
             .limit(100).with_for_update(skip_locked=True))
    db.session.execute(delete(_THROTTLES).where(c.id.in_(stale.scalar_subquery())))
