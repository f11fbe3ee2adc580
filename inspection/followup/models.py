"""回头看: a follow-up plan over issued circulars, each target's earlier problems, and the team's rechecks (复核).

A follow-up campaign is an ordinary Campaign (kind "followup"), so its teams, targets, visits and secrecy are
the campaigns feature's; this package adds what the campaign is checking and what the team saw.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sqltypes import UTCDateTime, utcnow

SCOPES = {"all": "全部有整改事项的单位", "closed": "仅有已销号事项的单位（查纸上整改）", "overdue": "仅有逾期未完成事项的单位"}
VERDICTS = {"rectified": "已整改", "not_rectified": "未整改", "relapsed": "反弹", "unverifiable": "无法核实"}
RECHECK_STATUSES = {"pending_visit": "待关联到访记录", "submitted": "待审核", "confirmed": "已确认", "rejected": "不予采纳"}
# What the review of a recheck did to the rectification item: reopened it, strengthened it, or nothing.
DECISIONS = {"": "", "reopened": "已重新交办", "consolidated": "巩固", "noted": "已记录"}
# What people call a recheck's synced fields (merge keys; photos are "photo:<sha256>").
RECHECK_FIELD_LABELS = {"verdict": "复核结论", "note": "复核说明", "photos": "复核照片", "visit_id": "到访记录",
                        "finding_id": "原问题"}

followup_circulars = Table(
    "followup_circulars",
    db.metadata,
    Column("campaign_id", ForeignKey("followup_plans.campaign_id", ondelete="CASCADE"), primary_key=True),
    Column("circular_id", ForeignKey("circulars.id"), primary_key=True),
)


class FollowupPlan(db.Model):
    """What a follow-up campaign checks: which issued circulars, which units, and whether 交叉 is enforced."""

    __tablename__ = "followup_plans"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), default="all")
    include_checklist: Mapped[bool] = mapped_column(Boolean, default=False)  # the ordinary checklist too
    cross: Mapped[bool] = mapped_column(Boolean, default=True)  # 交叉: no team re-checks its own units
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign = relationship("Campaign")
    circulars = relationship("Circular", secondary=followup_circulars, order_by="Circular.id")

    @property
    def scope_label(self) -> str:
        return SCOPES.get(self.scope, self.scope)


class FollowupProblem(db.Model):
    """One earlier problem a follow-up target is to verify: a rectification item, frozen into the target's list."""

    __tablename__ = "followup_problems"
    __table_args__ = (UniqueConstraint("target_id", "finding_id", name="uq_followup_problems_target_finding"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id"), index=True)
    finding_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("findings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign = relationship("Campaign")
    target = relationship("Target")
    item = relationship("RectificationItem")
    finding = relationship("Finding")


class Recheck(db.Model):
    """A team's 复核 of one earlier problem during a follow-up visit; its UUID is made on the phone."""

    __tablename__ = "rechecks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_ref: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the visit id the phone named
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id"), index=True)  # set once it exists
    finding_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("findings.id"), index=True)  # the earlier one
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("followup_problems.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    decision: Mapped[str] = mapped_column(String(16), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    in_conflict: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    conflicts: Mapped[dict] = mapped_column(JSON, default=dict)
    original: Mapped[dict] = mapped_column(JSON, default=dict)  # the team's first submission
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    visit = relationship("Visit")
    finding = relationship("Finding")
    problem = relationship(FollowupProblem)
    campaign = relationship("Campaign")
    unit = relationship("Unit")
    team = relationship("Team")
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    photos = relationship("RecheckPhoto", back_populates="recheck", cascade="all, delete-orphan",
                          order_by="RecheckPhoto.position")

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    @property
    def status_label(self) -> str:
        return RECHECK_STATUSES.get(self.status, self.status)

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


class RecheckPhoto(db.Model):
    """A recheck's reference to a photo by hash; the photo itself may arrive later."""

    __tablename__ = "recheck_photos"
    __table_args__ = (UniqueConstraint("recheck_id", "sha256", name="uq_recheck_photos_recheck_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recheck_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rechecks.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    caption: Mapped[str] = mapped_column(String(200), default="")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(Integer, default=0)

    recheck = relationship(Recheck, back_populates="photos")
    photo = relationship("Photo", primaryjoin="foreign(RecheckPhoto.sha256) == Photo.sha256", viewonly=True)
