"""Findings (问题): what a team found wrong, who was involved, and which photos show it."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db

SEVERITIES = {"minor": "一般", "moderate": "较重", "serious": "严重"}

# What people call a finding's fields and merge keys: the review desk, its history and the audit log.
FINDING_FIELD_LABELS = {"description": "问题描述", "category": "问题类别", "location": "地点", "severity": "严重程度",
                        "item_id": "检查事项", "item_code": "检查事项", "persons": "涉及人员", "occurred_at": "发现时间",
                        "status": "状态", "review_note": "审核意见", "photos": "照片",
                        "reply": "补充说明"}

FINDING_STATUSES = {
    "pending_visit": "待关联到访记录",
    "submitted": "待审核",
    "confirmed": "已确认",
    "returned": "需补充",
    "rejected": "不予采纳",
    "merged": "已合并",
}

CADRE_LEVELS = {
    "county": "县级干部",
    "section_chief": "正科级干部",
    "deputy_section_chief": "副科级干部",
    "staff": "一般干部",
    "other": "其他人员",
}

# The nine problem categories of the default checklist, in the order circulars list them.
CATEGORIES = (
    "考勤管理",
    "在岗在位",
    "请销假管理",
    "干部管理",
    "公务用车",
    "公务接待",
    "财经纪律",
    "办公用房",
    "服务群众与工作作风",
)


class Finding(db.Model):
    """A problem recorded during a visit; its UUID is made on the phone, `version` counts server changes."""

    __tablename__ = "findings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_ref: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the visit id the phone named
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id"), index=True)  # set once it exists
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_items.id"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(16), default="minor")
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> version that last changed it
    in_conflict: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    conflicts: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> {"server", "phone", "device", "at"}
    original: Mapped[dict] = mapped_column(JSON, default=dict)  # the team's first submission, kept for review
    review_note: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str | None] = mapped_column(Text)  # the team's 补充说明 to a 需补充 question
    reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("findings.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    visit = relationship("Visit", foreign_keys=[visit_id])
    campaign = relationship("Campaign")
    unit = relationship("Unit")
    team = relationship("Team")
    item = relationship("ChecklistItem")
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    reply_by = relationship("User", foreign_keys=[reply_by_id])
    merged_into = relationship("Finding", remote_side=[id])
    persons = relationship("InvolvedPerson", back_populates="finding", cascade="all, delete-orphan",
                           order_by="InvolvedPerson.position")
    photos = relationship("FindingPhoto", back_populates="finding", cascade="all, delete-orphan",
                          order_by="FindingPhoto.position")

    @property
    def status_label(self) -> str:
        return FINDING_STATUSES.get(self.status, self.status)

    @property
    def severity_label(self) -> str:
        return SEVERITIES.get(self.severity, self.severity)


class InvolvedPerson(db.Model):
    """A person named in a finding, with the cadre level that decides who handles the case."""

    __tablename__ = "involved_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    post: Mapped[str] = mapped_column(String(100), default="")
    cadre_level: Mapped[str] = mapped_column(String(24), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    finding = relationship(Finding, back_populates="persons")

    @property
    def cadre_level_label(self) -> str:
        return CADRE_LEVELS.get(self.cadre_level, self.cadre_level)


class FindingPhoto(db.Model):
    """A finding's reference to a photo by hash; the photo itself may arrive later."""

    __tablename__ = "finding_photos"
    __table_args__ = (UniqueConstraint("finding_id", "sha256", name="uq_finding_photos_finding_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    caption: Mapped[str] = mapped_column(String(200), default="")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(Integer, default=0)

    finding = relationship(Finding, back_populates="photos")
    photo = relationship("Photo", primaryjoin="foreign(FindingPhoto.sha256) == Photo.sha256", viewonly=True)
