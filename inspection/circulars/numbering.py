"""Document numbers (发文字号) per organ and year: 示纪办通〔2026〕7号, no gaps, never reused.

A number is taken only inside the issuing transaction, by an UPDATE of the organ's counter row: on
PostgreSQL the row lock makes a concurrent issuer wait for this transaction to end; on SQLite the UPDATE
takes the database's write lock. A rolled-back issue therefore gives its number back, and a committed
one can never be handed out twice (the unique constraint on circulars is the last line of defence).
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from .models import NumberCounter


def format_doc_number(prefix: str, year: int, number: int | None) -> str:
    """Write a document number the standard way; a draft (no number yet) leaves the number blank."""
    if number is None:
        return f"{prefix}〔{year}〕　号"
    return f"{prefix}〔{year}〕{number}号"


def peek_next_number(organ_id: int, year: int) -> int:
    """Return the number the next issue will probably get (a guess: another issuer may take it first)."""
    last = db.session.scalar(select(NumberCounter.last_number)
                             .where(NumberCounter.organ_id == organ_id, NumberCounter.year == year))
    return (last or 0) + 1


def _ensure_counter(organ_id: int, year: int) -> None:
    """Create the organ's counter row for the year if missing, harmlessly when another issuer races us."""
    dialect = db.session.get_bind().dialect.name
    values = {"organ_id": organ_id, "year": year, "last_number": 0}
    if dialect == "postgresql":
        stmt = pg_insert(NumberCounter).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(NumberCounter).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    db.session.execute(stmt)


def allocate_number(organ_id: int, year: int) -> int:
    """Take the next number inside the current transaction, locking the counter until it ends."""
    _ensure_counter(organ_id, year)
    db.session.execute(update(NumberCounter)
                       .where(NumberCounter.organ_id == organ_id, NumberCounter.year == year)
                       .values(last_number=NumberCounter.last_number + 1)
                       .execution_options(synchronize_session=False))
    return db.session.scalar(select(NumberCounter.last_number)
                             .where(NumberCounter.organ_id == organ_id, NumberCounter.year == year)
                             .execution_options(populate_existing=True))


def raise_counter(organ_id: int, year: int, last_number: int) -> int:
    """Move the counter up to `last_number` (numbers used on paper before the system); never down."""
    _ensure_counter(organ_id, year)
    current = db.session.scalar(select(NumberCounter.last_number)
                                .where(NumberCounter.organ_id == organ_id, NumberCounter.year == year))
    if last_number < current:
        raise ValueError("counter can only move up")
    db.session.execute(update(NumberCounter)
                       .where(NumberCounter.organ_id == organ_id, NumberCounter.year == year,
                              NumberCounter.last_number <= last_number)
                       .values(last_number=last_number)
                       .execution_options(synchronize_session=False))
    return last_number
