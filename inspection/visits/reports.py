"""A single visit's inspection report (检查记录) for the file: facts, checklist answers, findings, photos.

visit_report() gathers the plain VisitReport the PDF engine prints; views.py sends it.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from ..core.actor import Actor
from ..core.dates import date_cn, to_cst
from ..extensions import db
from ..findings.models import Finding
from ..pdf.document import ReportAnswer, ReportFinding, ReportPerson, VisitReport
from ..photos.entries import photo_entries
from ..photos.possession import visible_photos
from ..sqltypes import utcnow
from .models import ANSWER_RESULTS, Visit

WARNING_UNREVIEWED = "内部资料 未经审核 不得外传"
WARNING_REVIEWED = "内部资料 不得外传"
_ROLE_PREFIX = re.compile(r"[\u4e00-\u9fff（）()·、]+")  # 暗访员, 县纪委案件审理室 …: Chinese words only
_CJK_NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff·]{2,6}")


def visit_report(visit: Visit, *, actor, photo_dir) -> VisitReport:
    """Gather a visit's record into the plain report the PDF engine prints (for `actor`, who prints it)."""
    printed_by = Actor.of(actor).user
    findings = list(db.session.scalars(select(Finding).where(Finding.visit_id == visit.id,
                                                             Finding.status != "merged")
                                       .order_by(Finding.occurred_at, Finding.created_at)))
    when = when_cn(visit.started_at)
    if visit.ended_at:
        same_day = to_cst(visit.ended_at).date() == to_cst(visit.started_at).date()
        when += f"至{clock_cn(visit.ended_at) if same_day else when_cn(visit.ended_at)}"
    members = "、".join(person_name(u) for u in visit.team.members) if visit.team else ""
    facts = [("专项行动", visit.campaign.title), ("被检查单位", visit.unit.name),
             ("暗访组", visit.team.name if visit.team else ""), ("暗访人员", members), ("到访时间", when),
             ("记录人", person_name(visit.created_by) if visit.created_by else "")]
    if visit.lat is not None and visit.lon is not None:
        facts.append(("定位", f"北纬{visit.lat:.5f}°，东经{visit.lon:.5f}°"))
    if visit.notes:
        facts.append(("备注", visit.notes))
    answers = [ReportAnswer(code=a.item.code, category=a.item.category, text=a.item.text,
                            result=ANSWER_RESULTS.get(a.result, a.result), note=a.note) for a in visit.answers]
    printed = [ReportFinding(category=f.category, item=f.item.text if f.item else "", severity=f.severity_label,
                             status=f.status_label, description=_finding_text(f),
                             persons=[ReportPerson(p.name, p.post, p.cadre_level_label) for p in f.persons])
               for f in findings]
    reviewed = all(f.status == "confirmed" for f in findings)
    photos = photo_entries(findings, photo_dir)[0]
    seen = visible_photos(printed_by, {p.sha256 for p in photos})  # a team prints only photos it holds
    return VisitReport(title="明察暗访检查记录", facts=facts, answers=answers, findings=printed,
                       photos=[p for p in photos if p.sha256 in seen],
                       footer=f"{person_name(printed_by)} 打印于 {when_cn(utcnow())}", draft=False,
                       warning=WARNING_REVIEWED if reviewed else WARNING_UNREVIEWED)


def clock_cn(value) -> str:
    """Write a time of day in China Standard Time as official records do: 8时10分, 9时 on the hour."""
    local = to_cst(value)
    return f"{local.hour}时{local.minute}分" if local.minute else f"{local.hour}时"


def when_cn(value) -> str:
    """Write a moment in China Standard Time as 2026年11月16日 8时10分 (empty for none)."""
    return f"{date_cn(value)} {clock_cn(value)}" if value else ""


def person_name(user) -> str:
    """Return a user's name as a record prints it: "暗访员 赵一" becomes 赵一 (a role or office prefix dropped)."""
    text = " ".join((user.name or "").split())
    prefix, _, name = text.rpartition(" ")
    if prefix and _ROLE_PREFIX.fullmatch(prefix) and _CJK_NAME.fullmatch(name):
        return name
    return text


def _finding_text(finding: Finding) -> str:
    """Write a finding's time, place and description (one colon per item: the item's own)."""
    place = f"在{finding.location}" if finding.location else ""
    head = "，".join(x for x in (when_cn(finding.occurred_at), place) if x)
    return f"{head}，{finding.description}" if head else finding.description
