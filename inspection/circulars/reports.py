"""A single visit's inspection report PDF (检查记录) for the file: facts, checklist answers, findings, photos."""
from __future__ import annotations

import uuid

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from ..audit.services import record
from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, INSPECTOR, REVIEWER
from ..campaigns.visibility import can_see_team_record
from ..core.templating import format_datetime
from ..errors import error_response
from ..extensions import db
from ..findings.models import Finding
from ..pdf import LayoutError, MissingGlyphError, PhotoError, build_visit_report
from ..pdf.document import ReportAnswer, ReportFinding, ReportPerson, VisitReport
from ..pdf.fonts import font_options
from ..photos.possession import visible_photos
from ..sqltypes import utcnow
from ..visits.models import ANSWER_RESULTS, Visit
from .assemble import photo_entries
from .issuing import glyph_message
from ..core.responses import pdf_response
from .blueprint import bp

WARNING_UNREVIEWED = "内部资料 未经审核 不得外传"
WARNING_REVIEWED = "内部资料 不得外传"


def visit_report(visit: Visit, *, printed_by, photo_dir) -> VisitReport:
    """Gather a visit's record into the plain report the PDF engine prints."""
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


@bp.route("/visits/<uuid:visit_id>/report.pdf")
@roles_required(ADMIN, COORDINATOR, REVIEWER, INSPECTOR, hidden=True)
def visit_report_pdf(visit_id: uuid.UUID):
    """Send a visit's inspection report PDF to the commission or the visiting team."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_see_team_record(current_user, visit.team_id, visit.created_by_id):
        hidden_404()
    report = visit_report(visit, printed_by=current_user, photo_dir=current_app.config["PHOTO_DIR"])
    try:
        data = build_visit_report(report, **font_options(current_app.config))
    except MissingGlyphError as exc:
        return error_response(422, "missing_glyph", glyph_message(exc))
    except LayoutError as exc:
        return error_response(422, "document_too_long", f"检查记录无法排版：{exc.message}")
    except PhotoError as exc:
        return error_response(422, "photo_unreadable", f"照片无法读取（{exc.where}），请检查照片文件后再试")
    record(current_user, "visit.report_printed", "visit", visit.id, f"打印{visit.unit.name}的检查记录")
    db.session.commit()
    return pdf_response(data, f"检查记录-{visit.unit.name}-{format_datetime(visit.started_at, '%Y%m%d')}.pdf",
                        download=False)
