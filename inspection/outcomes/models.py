"""处理意见: one measure taken against one person of a confirmed finding, by which body, on what date.

The person's name and cadre level are copied from the finding when the outcome is recorded (the finding's
persons may be edited later); 约谈 of a unit's leader names a person who need not be among the finding's.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sqltypes import UTCDateTime, utcnow

# The ladder, lightest first, as circulars and the commission's speeches count it; 约谈 stands beside it.
MEASURES = {
    "reminder_talk": "提醒谈话",
    "criticism": "批评教育",
    "written_review": "责令检查",
    "public_criticism": "通报批评",
    "admonishment": "诫勉",
    "referral": "移送问题线索",
    "leader_interview": "约谈",
}


class Outcome(db.Model):
    """What was done to one person for one finding (处理意见)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("findings.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("involved_persons.id", ondelete="SET NULL"))
    person_name: Mapped[str] = mapped_column(String(40))
    post: Mapped[str] = mapped_column(String(100), default="")
    cadre_level: Mapped[str] = mapped_column(String(24), index=True)
    measure: Mapped[str] = mapped_column(String(24), index=True)
    body: Mapped[str] = mapped_column(String(100))  # the body that decided it (处理机关)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    finding = relationship("Finding")
    person = relationship("InvolvedPerson")
    created_by = relationship("User")

    @property
    def measure_label(self) -> str:
        return MEASURES.get(self.measure, self.measure)
