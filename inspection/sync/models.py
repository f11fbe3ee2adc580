"""Sync batches stored verbatim before they are applied, and the change feed phones pull."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db


class SyncBatch(db.Model):
    """A batch as a phone sent it (append-only); `results` holds the per-record answers once applied."""

    __tablename__ = "sync_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(100), default="")
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    payload: Mapped[str] = mapped_column(Text)  # the request body exactly as received
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)  # received/applied/failed
    results: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


class ChangeEvent(db.Model):
    """One server-side change a phone should learn about; its id is the pull cursor."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who should receive it
    entity_type: Mapped[str] = mapped_column(String(16))  # finding (the only type changes.py emits so far)
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # review / edited / conflict / conflict_resolved / linked
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecordVersion(db.Model):
    """A visit's or finding's synced fields as they stood at one version: the base of a three-way merge.

    A finding's version 1 is its `original` column, so findings get rows from version 2 on; visits from 1.
    """

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id", "version",
                                       name="uq_record_versions_entity_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))  # visit / finding
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
