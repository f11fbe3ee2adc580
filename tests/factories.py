"""Build small, realistic test data directly with the models (no HTTP)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from inspection.auth.services import create_user
from inspection.campaigns.models import Campaign, Target, Team
from inspection.checklists.models import Checklist, ChecklistItem
from inspection.extensions import db
from inspection.findings.models import Finding, InvolvedPerson
from inspection.units.models import Unit
from inspection.visits.models import Visit

PASSWORD = "pass-1234"


@dataclass
class World:
    """Handles to the objects a test usually needs."""

    users: dict = field(default_factory=dict)
    units: list = field(default_factory=list)
    checklist: Checklist | None = None
    campaign: Campaign | None = None
    draft_campaign: Campaign | None = None
    teams: list = field(default_factory=list)
    targets: list = field(default_factory=list)


def make_world() -> World:
    """Create three units, a five-item checklist, an active campaign with teams A and B, and users."""
    w = World()
    for name, short in (("示例县教育和体育局", "教体局"), ("示例县住房和城乡建设局", "住建局"),
                        ("示例县公安局", "公安局"), ("示例县交通运输局", "交通局")):
        unit = Unit(name=name, short_name=short, kind="department")
        db.session.add(unit)
        w.units.append(unit)
    db.session.flush()
    for username, role in (("admin", "admin"), ("coordinator", "coordinator"), ("reviewer", "reviewer"),
                           ("viewer", "viewer"), ("inspector1", "inspector"), ("inspector2", "inspector"),
                           ("inspector3", "inspector")):
        w.users[username] = create_user(username, PASSWORD, role, display_name=username)
    w.users["liaison1"] = create_user("liaison1", PASSWORD, "liaison", unit=w.units[0])
    w.users["liaison2"] = create_user("liaison2", PASSWORD, "liaison", unit=w.units[1])
    w.checklist = Checklist(name="纪律作风检查清单", version=1, is_current=True)
    for i, (category, text) in enumerate((
        ("考勤管理", "签到册人数是否齐全，有无他人代签"),
        ("在岗在位", "工作人员是否在岗，有无脱岗溜号"),
        ("请销假管理", "请假人员是否有请假条，请销假台账是否完整"),
        ("公务用车", "公务用车是否按规定停放，有无公车私用"),
        ("财经纪律", "差旅费、会议费报销是否符合标准"),
    ), start=1):
        w.checklist.items.append(ChecklistItem(code=f"A{i:02d}", category=category, text=text,
                                               photo_required=i == 1, position=i))
    db.session.add(w.checklist)
    db.session.flush()
    w.campaign = Campaign(title="2026年第三批纪律作风明察暗访", start_date=date(2026, 11, 1),
                          end_date=date(2026, 11, 30), checklist=w.checklist, status="active")
    team_a = Team(name="第一暗访组", leader=w.users["inspector1"], members=[w.users["inspector1"]])
    team_b = Team(name="第二暗访组", leader=w.users["inspector2"], members=[w.users["inspector2"]])
    w.campaign.teams.extend([team_a, team_b])
    db.session.add(w.campaign)
    db.session.flush()
    start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    for unit, team in ((w.units[0], team_a), (w.units[1], team_a), (w.units[2], team_b)):
        target = Target(campaign=w.campaign, unit=unit, team=team, planned_start=start,
                        planned_end=start + timedelta(hours=8))
        db.session.add(target)
        w.targets.append(target)
    w.teams = [team_a, team_b]
    w.draft_campaign = Campaign(title="2026年第四批（筹备中）", start_date=date(2026, 12, 1),
                                end_date=date(2026, 12, 31), checklist=w.checklist, status="draft")
    team_c = Team(name="第四批暗访组", leader=w.users["inspector1"], members=[w.users["inspector1"]])
    w.draft_campaign.teams.append(team_c)
    db.session.add(w.draft_campaign)
    db.session.flush()
    db.session.add(Target(campaign=w.draft_campaign, unit=w.units[3], team=team_c))
    db.session.flush()
    return w


def make_visit(target: Target, user, *, started_at: datetime | None = None) -> Visit:
    """Create a visit at a target, as if synced from the user's phone."""
    visit = Visit(id=uuid.uuid4(), target=target, campaign_id=target.campaign_id, unit_id=target.unit_id,
                  team_id=target.team_id, checklist_id=target.campaign.checklist_id, created_by_id=user.id,
                  started_at=started_at or datetime(2026, 11, 20, 1, 30, tzinfo=UTC))
    db.session.add(visit)
    db.session.flush()
    return visit


def make_finding(visit: Visit, user, *, category: str = "在岗在位", description: str = "工作人员不在岗",
                 persons: tuple = (("张某", "科员", "staff"),), status: str = "submitted",
                 item=None) -> Finding:
    """Create a finding on a visit, with involved persons."""
    finding = Finding(id=uuid.uuid4(), visit_ref=visit.id, visit_id=visit.id, campaign_id=visit.campaign_id,
                      unit_id=visit.unit_id, team_id=visit.team_id, item=item, category=category,
                      description=description, occurred_at=visit.started_at, location="办公室",
                      severity="minor", status=status, created_by_id=user.id, version=1,
                      field_versions={}, conflicts={}, original={"description": description})
    for i, (name, post, level) in enumerate(persons):
        finding.persons.append(InvolvedPerson(name=name, post=post, cadre_level=level, position=i))
    db.session.add(finding)
    db.session.flush()
    return finding
