"""A small county with known numbers, shared by the review and statistics tests."""
from __future__ import annotations

from datetime import UTC, date, datetime

from inspection.campaigns.models import Campaign, Target, Team
from inspection.extensions import db
from inspection.units.models import Unit

from ..factories import make_finding, make_visit


def add_units(world, names):
    """Add units with these short names; return them."""
    units = []
    for short in names:
        unit = Unit(name=f"示例县{short}", short_name=short, kind="department")
        db.session.add(unit)
        units.append(unit)
    db.session.flush()
    return units


def build_county(world) -> dict:
    """Confirmed findings with known counts in the active campaign, plus noise that must not be counted.

    Units (confirmed findings): 教体局 3, 住建局 2, 公安局 1, 交通局 1, 信访局 1  → total 8, 5 units.
    Persons: staff 5, section_chief 2, county 1, other 1 (deputy_section_chief none) → 9.
    Six units visited (卫健委 visited with no problems). Not counted: a submitted, a rejected, a merged finding.
    """
    extra = add_units(world, ["信访局", "卫健委"])
    units = {u.short_name: u for u in (*world.units, *extra)}
    team_a, team_b = world.teams
    campaign = world.campaign
    for short, team in (("交通局", team_b), ("信访局", team_b), ("卫健委", team_a)):
        db.session.add(Target(campaign=campaign, unit=units[short], team=team))
    db.session.flush()
    targets = {t.unit.short_name: t for t in campaign.targets}
    inspector = {team_a.id: world.users["inspector1"], team_b.id: world.users["inspector2"]}
    visits = {}
    for short, target in targets.items():
        visits[short] = make_visit(target, inspector[target.team_id],
                                   started_at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC))
    spec = [
        ("教体局", "考勤管理", (("张一", "科员", "staff"), ("张二", "科员", "staff"))),
        ("教体局", "在岗在位", (("王局", "局长", "section_chief"),)),
        ("教体局", "在岗在位", (("李三", "科员", "staff"),)),
        ("住建局", "在岗在位", (("赵副县", "副县长", "county"),)),
        ("住建局", "公务用车", (("钱四", "司机", "other"),)),
        ("公安局", "考勤管理", (("孙五", "民警", "staff"),)),
        ("交通局", "财经纪律", (("周六", "股长", "section_chief"),)),
        ("信访局", "在岗在位", (("吴七", "科员", "staff"),)),
    ]
    confirmed = []
    for short, category, persons in spec:
        visit = visits[short]
        finding = make_finding(visit, inspector[visit.team_id], category=category, persons=persons,
                               status="confirmed", description=f"{short}{category}问题")
        confirmed.append(finding)
    noise = {
        "submitted": make_finding(visits["公安局"], world.users["inspector2"], category="公务接待",
                                  persons=(("郑八", "", "county"),)),
        "rejected": make_finding(visits["教体局"], world.users["inspector1"], status="rejected",
                                 persons=(("冯九", "", "county"),)),
        "merged": make_finding(visits["教体局"], world.users["inspector1"], status="merged",
                               persons=(("陈十", "", "county"),)),
    }
    db.session.commit()
    return {"units": units, "visits": visits, "confirmed": confirmed, "noise": noise}


def closed_campaign(world, title="2026年第二批纪律作风明察暗访", findings=2) -> Campaign:
    """Add a closed campaign with one team, one visit and `findings` confirmed findings at 教体局."""
    campaign = Campaign(title=title, start_date=date(2026, 9, 1), end_date=date(2026, 9, 30),
                        checklist=world.checklist, status="closed")
    team = Team(name="第一暗访组", leader=world.users["inspector1"], members=[world.users["inspector1"]])
    campaign.teams.append(team)
    db.session.add(campaign)
    db.session.flush()
    target = Target(campaign=campaign, unit=world.units[0], team=team)
    db.session.add(target)
    db.session.flush()
    visit = make_visit(target, world.users["inspector1"], started_at=datetime(2026, 9, 10, 2, 0, tzinfo=UTC))
    for _ in range(findings):
        make_finding(visit, world.users["inspector1"], status="confirmed", category="考勤管理",
                     persons=(("旧人", "", "staff"),))
    db.session.commit()
    return campaign
