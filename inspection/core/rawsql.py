"""Read columns as the database driver returns them, for bulk reads that only print or send the values.

Converting every id through SQLAlchemy's Uuid type (a uuid.UUID made from text, then turned back into text)
and every time through UTCDateTime cost a third of the ledger export and a quarter of the 回头看 bootstrap's
entries; code that only prints or sends them reads them raw and turns them into text here, the same way
on both databases (SQLite keeps 32 hex digits and naive UTC text; PostgreSQL returns UUIDs and aware times).
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import String, type_coerce


def raw(column):
    """Select a column as the database driver returns it, without SQLAlchemy's per-value conversion."""
    return type_coerce(column, String)


def raw_moment(value) -> datetime | None:
    """Turn a stored time (SQLite: naive UTC text; PostgreSQL: aware, or ISO text in JSON) into aware UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)  # text: SQLite, or JSON
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def raw_moment_text(value) -> str | None:
    """A stored time as ISO 8601 in UTC (what marshmallow's AwareDateTime dumps), or None."""
    moment = raw_moment(value)
    return moment.isoformat() if moment is not None else None


def raw_day_text(value) -> str | None:
    """A stored date as YYYY-MM-DD (SQLite keeps that text; PostgreSQL returns a date), or None."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def raw_uuid(value) -> uuid.UUID:
    """Turn a stored id as the driver returns it (SQLite: 32 hex digits) into a UUID."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def raw_uuid_text(value) -> str:
    """Write a stored id in the usual 8-4-4-4-12 form (SQLite keeps 32 hex digits)."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)

