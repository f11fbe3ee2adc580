"""Campaigns, their teams and their secret targets."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..sqltypes import UTCDateTime, utcnow
from ..extensions import db

CAMPAIGN_STATUSES = {"draft": "筹备中", "active": "进行中", "closed": "已结束"}
CAMPAIGN_KINDS = {"ordinary": "明察暗访", "followup": "回头看"}
# What people call a campaign's fields (its form and the audit log).
CAMPAIGN_FIELD_LABELS = {"title": "标题", "description": "说明", "start_date": "开始日期", "end_date": "结束日期",
                         "checklist_id": "检查清单版本（编号）", "status": "状态"}

team_members = Table(
    "team_members",
    db.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Campaign(db.Model):
    """A batch of unannounced inspections (专项行动 / 暗访批次) using one checklist version."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    kind: Mapped[str] = mapped_column(String(16), default="ordinary", server_default="ordinary", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checklist = relationship("Checklist")
    teams = relationship("Team", back_populates="campaign", order_by="Team.id", cascade="all, delete-orphan")
    targets = relationship("Target", back_populates="campaign", order_by="Target.id",
                           cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return CAMPAIGN_STATUSES.get(self.status, self.status)

    @property
    def is_followup(self) -> bool:
        """Tell whether this is a 回头看 (its targets check earlier problems; see the followup feature)."""
        return self.kind == "followup"

    def overrun(self, today: date) -> bool:
        """Tell whether the campaign is still active after its last day (visits then fall outside its period)."""
        return self.status == "active" and self.end_date < today


class Team(db.Model):
    """An inspection team (暗访组) of a campaign: inspectors and a leader."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("campaign_id", "name", name="uq_teams_campaign_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campaign = relationship(Campaign, back_populates="teams")
    leader = relationship("User", foreign_keys=[leader_id])
    members = relationship("User", secondary=team_members, order_by="User.username")


class Target(db.Model):
    """A unit a team is to visit in a campaign, with a planned window; secret until a circular names it."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", name="uq_targets_campaign_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")

    campaign = relationship(Campaign, back_populates="targets")
    unit = relationship("Unit")
    team = relationship(Team)
