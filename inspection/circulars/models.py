"""Circulars (通报): issuing organs and their number sequences, drafts in sections, issued numbered copies."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sqltypes import UTCDateTime, utcnow

CIRCULAR_STATUSES = {"draft": "草稿", "issued": "已印发"}
SOURCES = {"campaign": "按专项行动", "picked": "手选问题", "followup": "整改情况通报"}  # followup: drafted by 回头看
SECURITY_LEVELS = {"": "无", "秘密": "秘密", "机密": "机密"}
URGENCIES = {"": "无", "加急": "加急", "特急": "特急"}


class IssuingOrgan(db.Model):
    """An organ that issues circulars under its own document-number prefix (e.g. 示纪办通)."""

    __tablename__ = "circular_organs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # e.g. 中共示例县纪委办公室
    mark_text: Mapped[str] = mapped_column(String(100))  # red 发文机关标志
    number_prefix: Mapped[str] = mapped_column(String(20), unique=True)  # 发文机关代字, e.g. 示纪办通
    signature: Mapped[str] = mapped_column(String(100))  # 发文机关署名
    printer: Mapped[str] = mapped_column(String(100), default="")  # 印发机关
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NumberCounter(db.Model):
    """The last document number used by an organ in a year; only ever moves up."""

    __tablename__ = "circular_counters"

    organ_id: Mapped[int] = mapped_column(ForeignKey("circular_organs.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Circular(db.Model):
    """One version of a circular: a draft being edited, or an issued document frozen with its PDF's hash."""

    __tablename__ = "circulars"
    __table_args__ = (UniqueConstraint("organ_id", "year", "number", name="uq_circulars_organ_year_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(ForeignKey("circular_organs.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="campaign")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("circulars.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    recipients_line: Mapped[str] = mapped_column(Text, default="")  # 主送 as printed; empty: unit names
    cc: Mapped[str] = mapped_column(Text, default="")  # 抄送
    security_level: Mapped[str] = mapped_column(String(8), default="")
    security_period: Mapped[str] = mapped_column(String(20), default="")
    urgency: Mapped[str] = mapped_column(String(8), default="")
    signature: Mapped[str] = mapped_column(String(100), default="")
    doc_date: Mapped[date | None] = mapped_column(Date)  # 成文日期; set to the issue date when empty
    printer: Mapped[str] = mapped_column(String(100), default="")
    print_date: Mapped[date | None] = mapped_column(Date)
    photo_annex: Mapped[bool] = mapped_column(Boolean, default=True)
    table_annex: Mapped[bool] = mapped_column(Boolean, default=False)
    annotation: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 附注, e.g. 此件公开发布
    rectify_days: Mapped[int] = mapped_column(Integer, default=15, server_default="15")  # 整改期限, set once
    rectify_day_kind: Mapped[str] = mapped_column(String(8), default="natural", server_default="natural")
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    doc_number: Mapped[str] = mapped_column(String(60), default="")
    pdf_path: Mapped[str] = mapped_column(String(200), default="")  # the archive copy, relative to CIRCULAR_DIR
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organ = relationship(IssuingOrgan)
    campaign = relationship("Campaign")
    supersedes = relationship("Circular", remote_side=[id], foreign_keys=[supersedes_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    sections = relationship("CircularSection", back_populates="circular", cascade="all, delete-orphan",
                            order_by="CircularSection.position")
    recipients = relationship("CircularRecipient", back_populates="circular", cascade="all, delete-orphan",
                              order_by="CircularRecipient.position")
    items = relationship("CircularFinding", back_populates="circular", cascade="all, delete-orphan",
                         order_by="CircularFinding.position")
    copies = relationship("CircularCopy", back_populates="circular", cascade="all, delete-orphan",
                          order_by="CircularCopy.copy_number")

    @property
    def status_label(self) -> str:
        return CIRCULAR_STATUSES.get(self.status, self.status)

    @property
    def is_issued(self) -> bool:
        return self.status == "issued"

    @property
    def security_text(self) -> str:
        """Return 密级和保密期限 as printed, e.g. 秘密★1年."""
        if not self.security_level:
            return ""
        return f"{self.security_level}★{self.security_period}" if self.security_period else self.security_level


class CircularSection(db.Model):
    """A level-1 part of the body the reviewer edits and reorders; `generated` is the drafter's last text."""

    __tablename__ = "circular_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))  # opening, basic, problems, handling, requirements, custom
    heading: Mapped[str] = mapped_column(String(100), default="")  # empty: no 一、 heading (the opening)
    body: Mapped[str] = mapped_column(Text, default="")
    generated: Mapped[str] = mapped_column(Text, default="")
    pending: Mapped[str | None] = mapped_column(Text)  # a regenerated text awaiting the reviewer's decision
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    circular = relationship(Circular, back_populates="sections")

    @property
    def edited(self) -> bool:
        return self.key != "custom" and self.body != self.generated


class CircularRecipient(db.Model):
    """A unit the circular is sent to (主送); each gets its own numbered copy at issue."""

    __tablename__ = "circular_recipients"
    __table_args__ = (UniqueConstraint("circular_id", "unit_id", name="uq_circular_recipients_circular_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    circular = relationship(Circular, back_populates="recipients")
    unit = relationship("Unit")


class CircularFinding(db.Model):
    """A confirmed finding the circular draws on; `included` False when the reviewer left it out."""

    __tablename__ = "circular_findings"
    __table_args__ = (UniqueConstraint("circular_id", "finding_id", name="uq_circular_findings_circular_finding"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("findings.id"), index=True)
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    circular = relationship(Circular, back_populates="items")
    finding = relationship("Finding")


class CircularCopy(db.Model):
    """One recipient unit's copy of an issued circular: its 份号, frozen PDF, downloads and receipt (签收)."""

    __tablename__ = "circular_copies"
    __table_args__ = (
        UniqueConstraint("circular_id", "copy_number", name="uq_circular_copies_circular_copy_number"),
        UniqueConstraint("circular_id", "unit_id", name="uq_circular_copies_circular_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    copy_number: Mapped[str] = mapped_column(String(6))
    trace_line: Mapped[str] = mapped_column(String(200), default="")
    pdf_path: Mapped[str] = mapped_column(String(200))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer, default=0)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    last_downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    circular = relationship(Circular, back_populates="copies")
    unit = relationship("Unit")
    received_by = relationship("User")
