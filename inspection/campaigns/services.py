"""Campaigns (专项行动): create, edit, draft → active → closed (admins may reopen), progress counts.

Teams live in teams.py and targets in targets.py; all three share CampaignError and the audit log.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from ..audit.services import changed_fields, record
from ..auth.roles import ADMIN
from ..core.dates import to_cst
from ..extensions import db
from ..findings.models import Finding
from ..visits.models import Visit
from .models import Campaign, Target, Team

logger = logging.getLogger(__name__)

TITLE_MAX = 200

# action → (from status, to status, audit action, Chinese verb)
TRANSITIONS = {
    "activate": ("draft", "active", "campaign.activate", "启动"),
    "close": ("active", "closed", "campaign.close", "结束"),
    "reopen": ("closed", "active", "campaign.reopen", "重新开启"),
}


class CampaignError(Exception):
    """A campaign, team or target change broke a rule; `field` names the form field, `message` is shown."""

    def __init__(self, message: str, field: str | None = None, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []


def ensure_editable(campaign: Campaign) -> None:
    """Refuse changes to a closed campaign."""
    if campaign.status == "closed":
        raise CampaignError("专项行动已结束，不能再修改；如确需修改，请系统管理员先重新开启")


def _check_fields(title: str, start_date: date | None, end_date: date | None) -> None:
    """Check a campaign's title and period."""
    if not title:
        raise CampaignError("请填写标题", "title")
    if len(title) > TITLE_MAX:
        raise CampaignError(f"标题不超过{TITLE_MAX}个字符", "title")
    if start_date is None:
        raise CampaignError("请填写开始日期", "start_date")
    if end_date is None:
        raise CampaignError("请填写结束日期", "end_date")
    if end_date < start_date:
        raise CampaignError("结束日期不能早于开始日期", "end_date")


def window_outside(start: datetime | None, end: datetime | None, start_date: date, end_date: date) -> bool:
    """Tell whether a planned window (UTC) falls outside the campaign's period (CST dates)."""
    if start is not None and to_cst(start).date() < start_date:
        return True
    return end is not None and to_cst(end).date() > end_date


def create_campaign(*, title: str, description: str = "", start_date: date, end_date: date, checklist, actor) -> Campaign:
    """Create a campaign in draft."""
    title = title.strip()
    _check_fields(title, start_date, end_date)
    if checklist is None:
        raise CampaignError("请选择检查清单版本", "checklist_id")
    campaign = Campaign(title=title, description=description.strip(), start_date=start_date, end_date=end_date,
                        checklist=checklist, status="draft", created_by_id=getattr(actor, "id", None))
    db.session.add(campaign)
    db.session.flush()
    record(actor, "campaign.create", "campaign", campaign.id, f"新建专项行动“{title}”",
           after={"title": title, "start_date": start_date.isoformat(), "end_date": end_date.isoformat(),
                  "checklist_id": checklist.id, "status": "draft"})
    return campaign


def update_campaign(campaign: Campaign, *, title: str, description: str = "", start_date: date, end_date: date,
                    checklist, actor) -> bool:
    """Edit a campaign; its checklist version can change only while it is a draft."""
    ensure_editable(campaign)
    title = title.strip()
    _check_fields(title, start_date, end_date)
    if checklist is None:
        raise CampaignError("请选择检查清单版本", "checklist_id")
    if checklist.id != campaign.checklist_id and campaign.status != "draft":
        raise CampaignError("专项行动已启动，不能再更换检查清单版本", "checklist_id")
    outside = [t for t in campaign.targets if window_outside(t.planned_start, t.planned_end, start_date, end_date)]
    if outside:
        names = "、".join(t.unit.name for t in outside[:3]) + ("等" if len(outside) > 3 else "")
        raise CampaignError(f"{names}{len(outside)}个检查目标的计划时间不在新的起止日期内，请先调整这些目标", "start_date")
    before, after = changed_fields(campaign, {"title": title, "description": description.strip(),
                                              "start_date": start_date, "end_date": end_date,
                                              "checklist_id": checklist.id})
    if not after:
        return False
    campaign.checklist = checklist
    record(actor, "campaign.update", "campaign", campaign.id, f"修改专项行动“{campaign.title}”",
           before=before, after=after)
    db.session.flush()
    return True


def activation_problems(campaign: Campaign) -> list[str]:
    """List what stops a draft campaign from starting (empty when it may start)."""
    problems = []
    if not campaign.teams:
        problems.append("还没有暗访组")
    if not campaign.targets:
        problems.append("还没有检查目标")
    targeted = {t.team_id for t in campaign.targets}
    for team in campaign.teams:
        if team.id in targeted and not team.members:
            problems.append(f"“{team.name}”有检查目标但没有组员")
    if not campaign.checklist.items:
        problems.append("所选检查清单版本没有检查项")
    return problems


def transition_refusal(campaign: Campaign, action: str, *, actor) -> str | None:
    """Say why this actor may not apply this status change now (None when they may)."""
    if action not in TRANSITIONS:
        return "未知的操作"
    source, _, _, verb = TRANSITIONS[action]
    if campaign.status != source:
        return f"专项行动当前为“{campaign.status_label}”，不能{verb}"
    if action == "reopen" and getattr(actor, "role", None) != ADMIN:
        return "只有系统管理员可以重新开启已结束的专项行动"
    return None


def can_transition(campaign: Campaign, action: str, *, actor) -> bool:
    """Tell whether the actor may apply this status change now (activation problems aside)."""
    return transition_refusal(campaign, action, actor=actor) is None


def transition(campaign: Campaign, action: str, *, actor) -> None:
    """Move a campaign along draft → active → closed; only an admin may reopen a closed one."""
    refusal = transition_refusal(campaign, action, actor=actor)
    if refusal:
        raise CampaignError(refusal)
    source, target, audit_action, verb = TRANSITIONS[action]
    if action == "activate":
        problems = activation_problems(campaign)
        if problems:
            raise CampaignError("专项行动还不能启动：" + "；".join(problems), problems=problems)
    campaign.status = target
    record(actor, audit_action, "campaign", campaign.id, f"{verb}专项行动“{campaign.title}”",
           before={"status": source}, after={"status": target})
    db.session.flush()
    logger.info("campaign %s: %s -> %s", campaign.id, source, target)


@dataclass
class TargetProgress:
    """How far the team has got at one target."""

    findings: int = 0
    confirmed: int = 0
    visit_list: list[tuple[uuid.UUID, datetime]] = field(default_factory=list)  # (id, started), oldest first

    @property
    def visits(self) -> int:
        return len(self.visit_list)

    @property
    def last_visit(self) -> datetime | None:
        return self.visit_list[-1][1] if self.visit_list else None

    @property
    def visited(self) -> bool:
        return bool(self.visit_list)


def progress(campaign: Campaign) -> dict[int, TargetProgress]:
    """Count visits and findings per target of a campaign, from the Visit and Finding tables."""
    result = {t.id: TargetProgress() for t in campaign.targets}
    unit_target = {t.unit_id: t.id for t in campaign.targets}
    visits = select(Visit.target_id, Visit.id, Visit.started_at).where(
        Visit.campaign_id == campaign.id).order_by(Visit.started_at, Visit.id)
    for target_id, visit_id, started in db.session.execute(visits):
        if target_id in result:
            result[target_id].visit_list.append((visit_id, started))
    findings = select(Finding.unit_id, func.count(),
                      func.sum(case((Finding.status == "confirmed", 1), else_=0))).where(
        Finding.campaign_id == campaign.id, Finding.status != "merged").group_by(Finding.unit_id)
    for unit_id, count, confirmed in db.session.execute(findings):
        if unit_id in unit_target:
            result[unit_target[unit_id]].findings, result[unit_target[unit_id]].confirmed = count, confirmed or 0
    return result


def summary_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Count teams, targets, visited targets and findings per campaign, for the list page."""
    result = {cid: {"teams": 0, "targets": 0, "visited": 0, "findings": 0} for cid in campaign_ids}
    if not campaign_ids:
        return result
    queries = {
        "teams": select(Team.campaign_id, func.count()).where(Team.campaign_id.in_(campaign_ids))
        .group_by(Team.campaign_id),
        "targets": select(Target.campaign_id, func.count()).where(Target.campaign_id.in_(campaign_ids))
        .group_by(Target.campaign_id),
        "visited": select(Visit.campaign_id, func.count(func.distinct(Visit.target_id)))
        .where(Visit.campaign_id.in_(campaign_ids)).group_by(Visit.campaign_id),
        "findings": select(Finding.campaign_id, func.count()).where(
            Finding.campaign_id.in_(campaign_ids), Finding.status != "merged").group_by(Finding.campaign_id),
    }
    for key, query in queries.items():
        for cid, count in db.session.execute(query):
            result[cid][key] = count
    return result

