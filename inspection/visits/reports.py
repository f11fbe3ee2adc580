"""A single visit's inspection report (检查记录) for the file: facts, checklist answers, findings, photos.

visit_report() gathers the plain VisitReport the PDF engine prints; views.py sends it.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.actor import Actor
from ..core.dates import format_datetime
from ..extensions import db
from ..findings.models import Finding
from ..pdf.document import ReportAnswer, ReportFinding, ReportPerson, VisitReport
from ..photos.entries import photo_entries
from ..photos.possession import visible_photos
from ..sqltypes import utcnow
from .models import ANSWER_RESULTS, Visit

WARNING_UNREVIEWED = "内部资料 未经审核 不得外传"
WARNING_REVIEWED = "内部资料 不得外传"


def visit_report(visit: Visit, *, actor, photo_dir) -> VisitReport:
    """Gather a visit's record into the plain report the PDF engine prints (for `actor`, who prints it)."""
    printed_by = Actor.of(actor).user
    findings = list(db.session.scalars(select(Finding).where(Finding.visit_id == visit.id,
                                                             Finding.status != "merged")
                                       .order_by(Finding.occurred_at, Finding.created_at)))
    when = format_datetime(visit.started_at)
    if visit.ended_at:
        when += f" 至 {format_datetime(visit.ended_at, '%H:%M')}"
    members = "、".join(u.name for u in visit.team.members) if visit.team else ""
    facts = [("专项行动", visit.campaign.title), ("被检查单位", visit.unit.name),
             ("暗访组", visit.team.name if visit.team else ""), ("暗访人员", members), ("到访时间", when),
             ("记录人", visit.created_by.name if visit.created_by else "")]
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
                       footer=f"{printed_by.name} 打印于 {format_datetime(utcnow())}", draft=True,
                       warning=WARNING_REVIEWED if reviewed else WARNING_UNREVIEWED)


def _finding_text(finding: Finding) -> str:
    """Write a finding's time, place and description."""
    head = "，".join(x for x in (format_datetime(finding.occurred_at), finding.location) if x)
    return f"{head}：{finding.description}" if head else finding.description
