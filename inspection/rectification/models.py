"""整改 (rectification): one item per problem of an issued circular, the unit's report, evidence, history.

An item's 逾期 and its 督办 colour are derived from its dates and status each time they are shown, never
stored; `yellow_on` only caches the day from which an item with nothing reported counts as behind.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sqltypes import UTCDateTime, utcnow

ITEM_STATUSES = {"pending": "待整改", "submitted": "已报送", "closed": "已销号", "returned": "退回"}
REPORT_STATUSES = {"pending": "待报送", "submitted": "已报送", "returned": "退回", "accepted": "已收悉"}
EXTENSION_STATUSES = {"pending": "待审批", "approved": "已批准", "refused": "未批准"}
COLOURS = {"red": "红色（逾期）", "yellow": "黄色（滞后）", "blue": "蓝色（临期）", "none": "正常"}
FLAGS = {"": "", "paper": "纸上整改", "relapse": "反弹", "consolidated": "巩固"}
DAY_KINDS = {"natural": "自然日", "working": "工作日"}
EVIDENCE_KINDS = {"photo": "照片", "pdf": "扫描件"}


class RectificationItem(db.Model):
    """One 整改事项: a confirmed finding of a recipient unit, its text frozen as issued, tracked to 销号."""

    __tablename__ = "rectification_items"
    __table_args__ = (UniqueConstraint("circular_id", "finding_id", name="uq_rectification_items_circular_finding"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("findings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # 序号 within the circular
    problem: Mapped[str] = mapped_column(Text)  # 问题, as the circular printed it
    category: Mapped[str] = mapped_column(String(40), index=True)
    measures: Mapped[str] = mapped_column(Text, default="")  # 整改措施
    leader: Mapped[str] = mapped_column(String(100), default="")  # 责任领导
    responsible: Mapped[str] = mapped_column(String(100), default="")  # 责任人
    progress: Mapped[str] = mapped_column(Text, default="")  # 完成情况/进展
    start_date: Mapped[date] = mapped_column(Date)  # the circular's issue date
    due_date: Mapped[date] = mapped_column(Date, index=True)  # 完成时限
    yellow_on: Mapped[date] = mapped_column(Date, index=True)  # from this day, nothing reported = behind
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)  # the unit has saved or submitted something
    flag: Mapped[str] = mapped_column(String(16), default="")  # set by a 回头看: paper, relapse, consolidated
    return_reason: Mapped[str] = mapped_column(Text, default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    circular = relationship("Circular")
    unit = relationship("Unit")
    finding = relationship("Finding")
    closed_by = relationship("User")
    evidence = relationship("RectificationEvidence", back_populates="item", cascade="all, delete-orphan",
                            order_by="RectificationEvidence.id")
    events = relationship("RectificationEvent", back_populates="item", cascade="all, delete-orphan",
                          order_by="RectificationEvent.id")
    extensions = relationship("ExtensionRequest", back_populates="item", cascade="all, delete-orphan",
                              order_by="ExtensionRequest.id")

    @property
    def status_label(self) -> str:
        return ITEM_STATUSES.get(self.status, self.status)

    @property
    def flag_label(self) -> str:
        return FLAGS.get(self.flag, self.flag)

    @property
    def editable(self) -> bool:
        """Tell whether the unit may still change it (not while it waits for review or once closed)."""
        return self.status in ("pending", "returned")

    @property
    def pending_extension(self) -> "ExtensionRequest | None":
        return next((e for e in self.extensions if e.status == "pending"), None)


class RectificationReport(db.Model):
    """The unit's written 整改报告 for one circular, with its signed scan (a PDF kept byte for byte)."""

    __tablename__ = "rectification_reports"
    __table_args__ = (UniqueConstraint("circular_id", "unit_id", name="uq_rectification_reports_circular_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    scan_sha256: Mapped[str] = mapped_column(String(64), default="")
    scan_filename: Mapped[str] = mapped_column(String(200), default="")
    scan_size: Mapped[int] = mapped_column(Integer, default=0)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    circular = relationship("Circular")
    unit = relationship("Unit")

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES.get(self.status, self.status)

    @property
    def editable(self) -> bool:
        return self.status in ("pending", "returned")


class RectificationEvidence(db.Model):
    """One piece of 佐证材料: a photo (through the photo pipeline, by hash) or a scanned PDF kept byte for byte."""

    __tablename__ = "rectification_evidence"
    __table_args__ = (UniqueConstraint("item_id", "sha256", name="uq_rectification_evidence_item_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # photo | pdf
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item = relationship(RectificationItem, back_populates="evidence")

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)


class RectificationEvent(db.Model):
    """One line of an item's history: who did what when, with the fields before and after."""

    __tablename__ = "rectification_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")  # Chinese, as shown in the history
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item = relationship(RectificationItem, back_populates="events")
    actor = relationship("User")


class ExtensionRequest(db.Model):
    """A 延期申请: the unit asks for a later due date with a reason; a reviewer approves or refuses it."""

    __tablename__ = "rectification_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id", ondelete="CASCADE"), index=True)
    old_due: Mapped[date] = mapped_column(Date)
    requested_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item = relationship(RectificationItem, back_populates="extensions")

    @property
    def status_label(self) -> str:
        return EXTENSION_STATUSES.get(self.status, self.status)


class Reminder(db.Model):
    """A 催办 recorded for a unit on one day: how many of its items were due soon or overdue then."""

    __tablename__ = "rectification_reminders"
    __table_args__ = (UniqueConstraint("unit_id", "on_date", name="uq_rectification_reminders_unit_on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    due_soon: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit = relationship("Unit")


class CalendarDay(db.Model):
    """A local change to the working-day calendar: a day made a working day or a day off (本地调整)."""

    __tablename__ = "work_calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
