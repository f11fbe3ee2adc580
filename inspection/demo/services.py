"""Load the demo county into an empty database (units, users, checklist, campaigns, visits, findings, photos)."""
from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text

from ..audit.services import record
from ..auth.models import User
from ..auth.services import create_user
from ..campaigns.models import Campaign, Target, Team
from ..checklists.defaults import DEFAULT_ITEMS, DEFAULT_NAME
from ..checklists.models import Checklist, ChecklistItem
from ..core.dates import CST
from ..extensions import db
from ..findings.models import Finding, FindingPhoto, InvolvedPerson
from ..photos.services import ingest_photo
from ..review.models import Review
from ..sync.changes import emit_finding_change
from ..sync.versions import finding_data
from ..units.models import Unit
from ..visits.models import ChecklistAnswer, Visit
from . import data
from .photos import draw_photo
from .timeline import order_demo_units, settle_demo_times

logger = logging.getLogger(__name__)

STAFF = (  # username, role, display name
    ("admin", "admin", "系统管理员"),
    ("coordinator", "coordinator", "县纪委党风政风监督室 刘组织"),
    ("reviewer", "reviewer", "县纪委案件审理室 王审核"),
    ("viewer", "viewer", "县纪委 张领导"),
    ("inspector1", "inspector", "暗访员 赵一"),
    ("inspector2", "inspector", "暗访员 钱二"),
    ("inspector3", "inspector", "暗访员 孙三"),
    ("inspector4", "inspector", "暗访员 李四"),
    ("inspector5", "inspector", "暗访员 周五"),
    ("inspector6", "inspector", "暗访员 吴六"),
)


@dataclass
class DemoSummary:
    """What the demo loader created."""

    units: int
    users: int
    findings: int
    photos: int
    campaign_id: int


def database_is_empty() -> bool:
    """Tell whether the database holds no users, units or campaigns."""
    return not any(db.session.scalar(select(func.count()).select_from(model)) for model in (User, Unit, Campaign))


def wipe_all() -> None:
    """Delete every row of every table (for `demo --force`)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.flush()


def load_demo(*, password: str, photo_dir: str, max_bytes: int, max_pixels: int) -> DemoSummary:
    """Create the demo county; the caller commits."""
    units = {short: Unit(name=name, short_name=short, kind=kind) for name, short, kind in data.UNITS}
    db.session.add_all(units.values())
    db.session.flush()
    order_demo_units(units)  # 排序号: 各乡镇 first, then 县直各单位
    users = {}
    for username, role, display in STAFF:
        users[username] = create_user(username, password, role, display_name=display, check_strength=False)
    for i, unit in enumerate(units.values(), start=1):
        users[f"liaison{i}"] = create_user(f"liaison{i}", password, "liaison", unit=unit,
                                           display_name=f"{unit.short_name}联络人", check_strength=False)
    checklist = Checklist(name=DEFAULT_NAME, version=1, is_current=True, note="默认清单（九大类）",
                          created_by_id=users["admin"].id)
    for position, (code, category, text_, guidance, photo) in enumerate(DEFAULT_ITEMS, start=1):
        checklist.items.append(ChecklistItem(code=code, category=category, text=text_, guidance=guidance,
                                             photo_required=photo, position=position))
    db.session.add(checklist)
    db.session.flush()
    photo_args = {"photo_dir": photo_dir, "max_bytes": max_bytes, "max_pixels": max_pixels}
    earlier = _campaign("2026年第二批纪律作风明察暗访", date(2026, 9, 7), date(2026, 9, 18), "closed",
                        checklist, users, units, {short: rows[:1] for short, rows in data.FINDINGS.items()},
                        photo_args, reviewed_all=True, seed_base=1000)
    current = _campaign(data.CAMPAIGN_TITLE, date(2026, 11, 16), date(2026, 11, 30), "active",
                        checklist, users, units, data.FINDINGS, photo_args, reviewed_all=False, seed_base=0)
    from ..circulars.demo import create_demo_circular, issue_demo_circular
    from ..circulars.issuing import RenderSettings

    liaisons = {user.unit_id: user for name, user in users.items() if name.startswith("liaison")}
    issued = issue_demo_circular(db.session.get(Campaign, earlier), users["reviewer"], doc_date=date(2026, 9, 25),
                                 settings=RenderSettings.from_config(current_app.config), liaisons=liaisons, signed=9)
    from ..rectification.demo import load_demo_rectification

    load_demo_rectification(issued, reviewer=users["reviewer"], liaisons=liaisons, photo_dir=photo_dir,
                            limits={"max_bytes": max_bytes, "max_pixels": max_pixels})
    from ..followup.demo import load_demo_followup

    load_demo_followup(issued, users=users, organ=issued.organ, photo_dir=photo_dir,
                       limits={"max_bytes": max_bytes, "max_pixels": max_pixels})
    create_demo_circular(db.session.get(Campaign, current), users["reviewer"])
    settle_demo_times()  # 提交时间, 签收 and the like when they would have happened, not when the demo loaded
    record(users["admin"], "demo.load", "system", "", "载入示例县演示数据")
    db.session.flush()
    findings = db.session.scalar(select(func.count()).select_from(Finding))
    photos = db.session.scalar(select(func.count(func.distinct(FindingPhoto.sha256))))
    logger.info("demo loaded: %d units, %d users, %d findings in campaigns %d and %d", len(units),
                len(users), findings, earlier, current)
    return DemoSummary(units=len(units), users=len(users), findings=findings, photos=photos,
                       campaign_id=current)


def _campaign(title, start, end, status, checklist, users, units, findings_by_unit, photo_args, *,
              reviewed_all: bool, seed_base: int) -> int:
    """Create one campaign with three teams, targets, visits and findings; return its id."""
    campaign = Campaign(title=title, description="按照县纪委统一部署，采取“四不两直”方式开展明察暗访。",
                        start_date=start, end_date=end, checklist=checklist, status=status,
                        created_by_id=users["coordinator"].id)
    teams = []
    for i, name in enumerate(data.TEAMS):
        lead, second = users[f"inspector{2 * i + 1}"], users[f"inspector{2 * i + 2}"]
        teams.append(Team(name=name, leader=lead, members=[lead, second]))
    campaign.teams.extend(teams)
    db.session.add(campaign)
    db.session.flush()
    items = {item.code: item for item in checklist.items}
    shorts = [short for short in units if short != "县医院"]
    per_team = -(-len(shorts) // len(teams))
    count = 0
    for index, short in enumerate(shorts):
        team = teams[index // per_team]
        day = start + timedelta(days=index % 5)
        window_start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=CST).astimezone(UTC)
        target = Target(campaign=campaign, unit=units[short], team=team, planned_start=window_start,
                        planned_end=window_start + timedelta(hours=9))
        db.session.add(target)
        db.session.flush()
        rows = findings_by_unit.get(short, ())
        if not rows:
            continue
        visit = _visit(target, team, window_start, rows, items)
        for row in rows:
            _finding(visit, team, row, items, window_start, photo_args, seed_base + count, reviewed_all, users)
            count += 1
    if status == "active":  # one planned target not yet visited, so progress shows on the campaign page
        hospital = units.get("县医院")
        if hospital is not None:
            db.session.add(Target(campaign=campaign, unit=hospital, team=teams[-1],
                                  planned_start=datetime(2026, 11, 30, 0, 0, tzinfo=UTC),
                                  planned_end=datetime(2026, 11, 30, 9, 0, tzinfo=UTC)))
    db.session.flush()
    return campaign.id


def _visit(target, team, window_start, rows, items) -> Visit:
    """Record a visit with an answer for every checklist item (fail where a finding was made)."""
    failed = {row[0] for row in rows}
    visit = Visit(id=uuid.uuid4(), target=target, campaign_id=target.campaign_id, unit_id=target.unit_id,
                  team_id=team.id, checklist_id=target.campaign.checklist_id, created_by_id=team.leader_id,
                  started_at=window_start + timedelta(minutes=10),
                  ended_at=window_start + timedelta(minutes=max(r[3] for r in rows) + 30),
                  notes="按清单逐项检查", version=1, field_versions={}, conflicts={})
    for code, item in items.items():
        result = "fail" if code in failed else ("na" if code.startswith("GC") and code not in failed else "pass")
        visit.answers.append(ChecklistAnswer(item_id=item.id, result=result, note=""))
    db.session.add(visit)
    db.session.flush()
    return visit


def _finding(visit, team, row, items, window_start, photo_args, seed, reviewed_all, users) -> Finding:
    """Record one finding with its persons, a drawn photo and, for most, a review decision."""
    code, description, location, minutes, severity, persons = row
    item = items[code]
    occurred = window_start + timedelta(minutes=minutes)
    finding = Finding(id=uuid.uuid4(), visit_ref=visit.id, visit_id=visit.id, campaign_id=visit.campaign_id,
                      unit_id=visit.unit_id, team_id=team.id, item_id=item.id, category=item.category,
                      description=description, occurred_at=occurred, location=location, severity=severity,
                      status="submitted", version=1, field_versions={}, conflicts={},
                      created_by_id=team.leader_id)
    for position, (name, post, level) in enumerate(persons):
        finding.persons.append(InvolvedPerson(name=name, post=post, cadre_level=level, position=position))
    stamp = occurred.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    image = draw_photo(item.text[:14], [stamp, location, description[:18]], seed=seed)
    photo, _ = ingest_photo(photo_args["photo_dir"], image, expected_sha256=hashlib.sha256(image).hexdigest(),
                            actor=team.leader, max_bytes=photo_args["max_bytes"],
                            max_pixels=photo_args["max_pixels"])
    note = data.PHOTO_NOTES.get(code[:2], "")  # what the photo shows (说明); the problem is the description
    finding.photos.append(FindingPhoto(sha256=photo.sha256, caption=note, taken_at=occurred, position=0))
    db.session.add(finding)
    db.session.flush()
    finding.original = finding_data(finding)  # the team's submission, in the shape sync keeps
    decision = "confirmed" if reviewed_all or seed % 4 != 3 else None
    if not reviewed_all and seed % 13 == 5:
        decision = "returned"
    if not reviewed_all and seed % 17 == 9:
        decision = "rejected"
    if decision:
        note = {"returned": "请补充该人员的具体职务及电话核实情况", "rejected": "证据不足，不予采纳"}.get(decision, "")
        finding.status = decision
        finding.review_note = note
        finding.reviewed_by_id = users["reviewer"].id
        finding.reviewed_at = occurred + timedelta(days=1)
        db.session.add(Review(finding_id=finding.id, reviewer_id=users["reviewer"].id, decision=decision,
                              note=note, at=occurred + timedelta(days=1)))
        emit_finding_change(finding, "review", {"status": decision, "note": note})
    return finding
