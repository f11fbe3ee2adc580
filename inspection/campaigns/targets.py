"""Targets (检查目标): which unit a team visits in a campaign, and when it plans to; secret.

One target per unit per campaign. Planned windows are entered in China Standard Time and stored in UTC.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..audit.services import changed_fields, record
from ..core.dates import format_datetime
from ..extensions import db
from ..units.models import Unit
from ..visits.models import Visit
from . import hooks
from .models import Campaign, Target, Team
from .services import CampaignError, ensure_editable, window_outside


def _check(campaign: Campaign, target: Target | None, unit: Unit | None, team: Team | None,
           start: datetime | None, end: datetime | None) -> None:
    """Check a target's unit, team and planned window."""
    ensure_editable(campaign)
    if unit is None:
        raise CampaignError("请选择被检查单位", "unit_id")
    if team is None or team.campaign_id != campaign.id:
        raise CampaignError("请选择本专项行动的暗访组", "team_id")
    if target is None or target.unit_id != unit.id:
        if not unit.active:
            raise CampaignError(f"“{unit.name}”已停用，不能作为检查目标", "unit_id")
        if any(t.unit_id == unit.id for t in campaign.targets if target is None or t.id != target.id):
            raise CampaignError(f"“{unit.name}”已是本专项行动的检查目标", "unit_id")
    if (start is None) != (end is None):
        raise CampaignError("请同时填写计划开始和结束时间，或都不填", "planned_end" if end is None else "planned_start")
    if start is not None and end <= start:
        raise CampaignError("计划结束时间应晚于开始时间", "planned_end")
    if window_outside(start, end, campaign.start_date, campaign.end_date):
        raise CampaignError(f"计划时间应在专项行动期间（{campaign.start_date.isoformat()} 至 "
                            f"{campaign.end_date.isoformat()}）内", "planned_start")
    hooks.run(hooks.target_checks, campaign, target, unit, team)


def _label(target_unit: Unit, start: datetime | None) -> str:
    """Describe a target for the audit summary."""
    return target_unit.name + (f"（计划 {format_datetime(start)}）" if start else "")


def create_target(campaign: Campaign, *, unit: Unit | None, team: Team | None, planned_start: datetime | None,
                  planned_end: datetime | None, note: str = "", actor) -> Target:
    """Add a target unit to a campaign."""
    _check(campaign, None, unit, team, planned_start, planned_end)
    target = Target(campaign=campaign, unit=unit, team=team, planned_start=planned_start, planned_end=planned_end,
                    note=note.strip())
    db.session.add(target)
    db.session.flush()
    hooks.run(hooks.target_saved, target, created=True, unit_changed=True)
    record(actor, "target.create", "target", target.id,
           f"在“{campaign.title}”中新增检查目标 {_label(unit, planned_start)}，由“{team.name}”负责",
           after={"campaign_id": campaign.id, "unit_id": unit.id, "team_id": team.id,
                  "planned_start": planned_start.isoformat() if planned_start else None,
                  "planned_end": planned_end.isoformat() if planned_end else None})
    return target


def update_target(target: Target, *, unit: Unit | None, team: Team | None, planned_start: datetime | None,
                  planned_end: datetime | None, note: str = "", actor) -> bool:
    """Change a target's unit, team, window or note; the unit is fixed once a visit exists."""
    _check(target.campaign, target, unit, team, planned_start, planned_end)
    unit_changed = unit.id != target.unit_id
    if unit_changed and _visit_count(target):
        raise CampaignError("该目标已有暗访记录，不能更换被检查单位", "unit_id")
    before, after = changed_fields(target, {"unit_id": unit.id, "team_id": team.id, "planned_start": planned_start,
                                            "planned_end": planned_end, "note": note.strip()})
    if not after:
        return False
    target.unit, target.team = unit, team
    record(actor, "target.update", "target", target.id,
           f"修改“{target.campaign.title}”的检查目标 {unit.name}", before=before, after=after)
    db.session.flush()
    hooks.run(hooks.target_saved, target, created=False, unit_changed=unit_changed)
    return True


def _visit_count(target: Target) -> int:
    """Count the visits recorded at a target."""
    return db.session.scalar(select(func.count()).select_from(Visit).where(Visit.target_id == target.id)) or 0


def delete_target(target: Target, *, actor) -> None:
    """Remove a target that has no visits yet."""
    ensure_editable(target.campaign)
    if _visit_count(target):
        raise CampaignError(f"“{target.unit.name}”已有暗访记录，不能删除该检查目标")
    record(actor, "target.delete", "target", target.id,
           f"删除“{target.campaign.title}”的检查目标 {target.unit.name}",
           before={"unit_id": target.unit_id, "team_id": target.team_id})
    target.campaign.targets.remove(target)
    db.session.flush()
