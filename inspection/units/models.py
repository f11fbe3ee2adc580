"""Units (被检查单位): the departments that may be inspected."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db

UNIT_KINDS = {
    "department": "县直部门",
    "township": "乡镇",
    "institution": "事业单位",
}


class Unit(db.Model):
    """A government department, township or public institution."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(16), default="department")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)  # 排序号
    latitude: Mapped[float | None] = mapped_column(Float)  # optional, for the photo-location check
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent = relationship("Unit", remote_side=[id])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)
