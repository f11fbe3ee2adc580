"""Review decisions on findings (审核)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db

DECISIONS = {"confirmed": "确认", "returned": "需补充", "rejected": "不予采纳", "reopened": "重新审核",
             "merged": "合并"}


class Review(db.Model):
    """A reviewer's decision on a finding, with the question or reason given."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    finding = relationship("Finding")
    reviewer = relationship("User")

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)
