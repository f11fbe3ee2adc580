"""The demo county's 回头看 (called by `flask demo` after the 整改 demo): a closed follow-up of
示纪办通〔2026〕1号 with rechecks of every verdict, one item reopened as 纸上整改, outcomes (处理意见) on the
circular's findings and a drafted 整改情况通报; and an active follow-up whose team (inspector3, inspector4) sees
its targets on the phone.

The closed follow-up ran 2026-11-02 to 11-06 with teams crossed over the first campaign's (交叉回访); the
teams' phones sent visits and rechecks through the sync applier as any phone does; the reviewer decided them
on 11-20. Times are set to when each step happened.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ..audit.models import AuditEvent
from ..campaigns.models import Campaign, Team
from ..campaigns.services import transition
from ..core.dates import CST
from ..demo.photos import draw_photo
from ..extensions import db
from ..outcomes.services import record_outcome
from ..photos.services import ingest_photo
from ..rectification.models import RectificationEvent, RectificationItem
from ..sync.applier import apply_records
from ..sync.schemas import SyncRequestSchema
from . import planning, review
from .models import FollowupPlan, FollowupProblem, Recheck
from .report_circular import create_report_circular

logger = logging.getLogger(__name__)

CLOSED_TITLE = "示纪办通〔2026〕1号通报问题整改情况“回头看”"
ACTIVE_TITLE = "逾期未完成整改事项“回头看”"
REVIEW_DAY = date(2026, 11, 20)
# What each team saw, by the item's state then: (verdict, note, photo heading).
SEEN = {
    "paper": ("not_rectified", "签到册仍有代签笔迹，所称人脸识别考勤机未安装，整改报告所述与现场不符", "签到册（回头看）"),
    "consolidated": ("rectified", "人脸识别考勤机已启用，近两周签到记录完整，请销假台账逐笔对应", "考勤记录（回头看）"),
    "relapse": ("relapsed", "上午10时抽查，2名工作人员不在岗且无请假手续，问题反弹", "空岗工位（回头看）"),
    "unverifiable": ("unverifiable", "该股室整体搬迁至新址，原办公场所已封存，当日无法核实", "搬迁告示（回头看）"),
    "rejected": ("rectified", "据单位介绍已整改到位", "单位介绍材料"),
}
OUTCOMES = (("reminder_talk", "县纪委监委第一监督检查室"), ("criticism", "县纪委监委第一监督检查室"),
            ("written_review", "所在单位党组"), ("admonishment", "县纪委监委"))


def _when(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a China Standard Time moment on a day, as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST).astimezone(UTC)


def _teams(campaign: Campaign, users: dict, pairs) -> list[Team]:
    """Give the campaign one team per (name, leader, second) pair."""
    teams = [Team(name=name, leader=users[lead], members=[users[lead], users[second]]) for name, lead, second in pairs]
    campaign.teams.extend(teams)
    db.session.flush()
    return teams


def _photo(user, heading: str, lines: list[str], seed: int, photo_dir: str, limits: dict) -> str:
    """Draw and store a photo the team took, as its phone would have uploaded it; return its hash."""
    image = draw_photo(heading, lines, seed)
    sha = hashlib.sha256(image).hexdigest()
    ingest_photo(photo_dir, image, expected_sha256=sha, actor=user, **limits)
    return sha


def _send(user, records: list[dict], moment: datetime) -> list[dict]:
    """Apply records as the team's phone sent them at `moment` (validated like any batch)."""
    loaded = SyncRequestSchema().load({"device_id": "demo-phone", "batch_id": str(uuid.uuid4()),
                                       "records": records})["records"]
    results = apply_records(user, loaded, device_id="demo-phone", now=moment)
    refused = [r for r in results if r["status"] not in ("created", "updated", "unchanged")]
    if refused:
        raise RuntimeError(f"demo records refused: {refused}")
    return results


def _visit_record(target, day: date) -> tuple[str, dict]:
    """Return a finished visit record at a follow-up target on `day`."""
    visit_id = str(uuid.uuid4())
    return visit_id, {"type": "visit", "id": visit_id, "base_version": None, "data": {
        "target_id": target.id, "started_at": _when(day, 9, 5).isoformat(),
        "ended_at": _when(day, 10, 40).isoformat(), "notes": "交叉回访，逐项核对整改报告", "answers": []}}


def _plan_verdicts(targets) -> list[tuple]:
    """Choose what each visited target's team saw, so every verdict and one reopened item appear."""
    wanted, chosen = ["paper", "consolidated", "relapse", "unverifiable", "rejected"], []
    for target in targets:
        for problem in sorted(target_problems(target), key=lambda p: p.position):
            item = problem.item
            for kind in list(wanted):
                closed_kind = kind in ("paper", "consolidated", "rejected")
                if (item.status == "closed") == closed_kind:
                    chosen.append((target, problem, kind))
                    wanted.remove(kind)
                    break
    return chosen


def target_problems(target) -> list[FollowupProblem]:
    """Return a follow-up target's frozen problems, in order."""
    return list(db.session.scalars(select(FollowupProblem).where(FollowupProblem.target_id == target.id)
                                   .order_by(FollowupProblem.position)))


def _closed_followup(circular, users: dict, photo_dir: str, limits: dict) -> Campaign:
    """Run the closed follow-up: plan, crossed teams, visits and rechecks sent by phone, the desk's decisions."""
    campaign = planning.create_followup(
        title=CLOSED_TITLE, description="对通报问题整改情况开展交叉回访，逐项核实整改报告与现场情况。",
        start_date=date(2026, 11, 2), end_date=date(2026, 11, 6), circulars=[circular], scope="all",
        include_checklist=False, checklist=circular.campaign.checklist, actor=users["coordinator"])
    _teams(campaign, users, (("回访一组", "inspector1", "inspector2"), ("回访二组", "inspector3", "inspector4"),
                             ("回访三组", "inspector5", "inspector6")))
    plan = db.session.get(FollowupPlan, campaign.id)
    result = planning.auto_assign(plan, actor=users["coordinator"], today=date(2026, 10, 30))
    for i, target in enumerate(result.assigned):
        target.planned_start = _when(date(2026, 11, 2) + timedelta(days=i % 5), 8)
        target.planned_end = target.planned_start + timedelta(hours=9)
    transition(campaign, "activate", actor=users["coordinator"])
    chosen = _plan_verdicts(result.assigned)
    for seed, (target, problem, kind) in enumerate(chosen):
        day = date(2026, 11, 2) + timedelta(days=seed % 5)
        verdict, note, heading = SEEN[kind]
        user = target.team.leader
        visit_id, visit = _visit_record(target, day)
        sha = _photo(user, heading, [f"{day.isoformat()} 10:0{seed}", target.unit.name, note[:16]], 7000 + seed,
                     photo_dir, limits)
        recheck = {"type": "recheck", "id": str(uuid.uuid4()), "base_version": None, "data": {
            "visit_id": visit_id, "finding_id": str(problem.finding_id), "verdict": verdict, "note": note,
            "photos": [{"sha256": sha, "caption": heading, "taken_at": _when(day, 10, seed).isoformat()}]}}
        _send(user, [visit, recheck], _when(day, 10, 55))
        row = db.session.get(Recheck, uuid.UUID(recheck["id"]))
        if kind == "rejected":
            review.reject_recheck(row, note="未见现场核实记录，仅凭单位介绍不能认定整改到位", actor=users["reviewer"])
        else:
            review.confirm_recheck(row, actor=users["reviewer"], today=REVIEW_DAY,
                                   note="复核属实" if kind != "unverifiable" else "下次回访时重点核实")
        row.reviewed_at = _when(REVIEW_DAY, 15, seed)
    _date_review_history(campaign)
    transition(campaign, "close", actor=users["coordinator"])
    return campaign


def _date_review_history(campaign: Campaign) -> None:
    """Date the desk's decisions (item history and audit lines of the review) on the review day."""
    moment = _when(REVIEW_DAY, 15)
    items = select(FollowupProblem.item_id).where(FollowupProblem.campaign_id == campaign.id)
    for event in db.session.scalars(select(RectificationEvent).where(RectificationEvent.item_id.in_(items),
                                                                     RectificationEvent.action.in_(
                                                                         ("reopened", "consolidated", "flagged")))):
        event.created_at = moment
    for item in db.session.scalars(select(RectificationItem).where(RectificationItem.id.in_(items),
                                                                   RectificationItem.flag != "")):
        item.updated_at = moment
    ids = [str(r.id) for r in db.session.scalars(select(Recheck).where(Recheck.campaign_id == campaign.id))]
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "recheck",
                                                             AuditEvent.entity_id.in_(ids or ["-"]))):
        event.at = moment


def _outcomes(circular, users: dict) -> None:
    """Record 处理意见 for the first persons of the circular's confirmed findings, and one 约谈."""
    items = db.session.scalars(select(RectificationItem).where(RectificationItem.circular_id == circular.id)
                               .order_by(RectificationItem.position)).all()
    persons = [(item.finding, person) for item in items for person in item.finding.persons][:len(OUTCOMES)]
    for (finding, person), (measure, body) in zip(persons, OUTCOMES):
        record_outcome(finding, {"measure": measure, "body": body, "decided_on": date(2026, 10, 12),
                                 "note": ""}, person=person, actor=users["reviewer"], today=date(2026, 10, 12))
    if items:
        record_outcome(items[0].finding, {"measure": "leader_interview", "body": "县纪委监委",
                                          "decided_on": date(2026, 10, 15), "person_name": "王某",
                                          "post": "党组书记、局长", "cadre_level": "section_chief",
                                          "note": "就本单位作风问题约谈主要负责人"},
                       actor=users["reviewer"], today=date(2026, 10, 15))


def _active_followup(circular, users: dict) -> Campaign:
    """Plan an active follow-up of overdue items for inspector3's team, crossed (units it never inspected)."""
    campaign = planning.create_followup(
        title=ACTIVE_TITLE, description="对逾期未完成整改的事项开展回头看，现场核实进展。",
        start_date=date(2026, 11, 30), end_date=date(2026, 12, 11), circulars=[circular], scope="overdue",
        include_checklist=True, checklist=circular.campaign.checklist, actor=users["coordinator"])
    (team,) = _teams(campaign, users, (("回访二组", "inspector3", "inspector4"),))
    plan = db.session.get(FollowupPlan, campaign.id)
    result = planning.auto_assign(plan, actor=users["coordinator"], today=date(2026, 11, 29))
    for i, target in enumerate(result.assigned):
        target.planned_start = _when(date(2026, 12, 1) + timedelta(days=i % 3), 8)
        target.planned_end = target.planned_start + timedelta(hours=9)
    transition(campaign, "activate", actor=users["coordinator"])
    logger.info("demo follow-up %s: %d targets for %s, %d units left (交叉)", campaign.id, len(result.assigned),
                team.name, len(result.unassigned))
    return campaign


def load_demo_followup(circular, *, users: dict, organ, photo_dir: str, limits: dict) -> None:
    """Create the demo's two follow-up campaigns, its outcomes and the drafted 整改情况通报."""
    _outcomes(circular, users)
    closed = _closed_followup(circular, users, photo_dir, limits)
    create_report_circular(closed, organ, actor=users["reviewer"])
    _active_followup(circular, users)
    db.session.flush()
