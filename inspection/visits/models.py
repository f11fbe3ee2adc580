"""Visits (一次到访) recorded on the phone, and their checklist answers."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db

ANSWER_RESULTS = {"pass": "符合", "fail": "不符合", "na": "不适用"}
# What people call the synced parts of a visit (merge keys; answers are "answer:<item code>").
VISIT_FIELD_LABELS = {"started_at": "到访开始时间", "ended_at": "到访结束时间", "lat": "纬度", "lon": "经度",
                      "accuracy": "定位精度（米）", "notes": "到访备注"}


def part_label(key: str, item_text: str = "") -> str:
    """Name one synced part of a visit for people: a visit field, or 检查项 <code> <text> for an answer."""
    if key.startswith("answer:"):
        return f"检查项 {key.split(':', 1)[1]} {item_text}".rstrip()
    return VISIT_FIELD_LABELS.get(key, key)


class Visit(db.Model):
    """One team at one target unit at one time; its UUID is made on the phone."""

    __tablename__ = "visits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    conflicts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    target = relationship("Target")
    campaign = relationship("Campaign")
    unit = relationship("Unit")
    team = relationship("Team")
    checklist = relationship("Checklist")
    created_by = relationship("User")
    answers = relationship("ChecklistAnswer", back_populates="visit", cascade="all, delete-orphan",
                           order_by="ChecklistAnswer.id")


class ChecklistAnswer(db.Model):
    """The team's answer to one checklist item during a visit."""

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("visit_id", "item_id", name="uq_checklist_answers_visit_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    result: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")

    visit = relationship(Visit, back_populates="answers")
    item = relationship("ChecklistItem")

    @property
    def result_label(self) -> str:
        """Return the answer's Chinese name (符合 / 不符合 / 不适用)."""
        return ANSWER_RESULTS.get(self.result, self.result)
