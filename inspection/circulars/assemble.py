"""Gather the facts a circular is drafted from, and assemble the plain document the PDF engine prints."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import distinct, func, select

from ..core.dates import datetime_cn, to_cst, today_cst
from ..extensions import db
from ..findings.models import Finding
from ..pdf.document import Attachment, CircularDocument, Table
from ..photos.entries import photo_entries
from ..units.models import Unit
from ..units.services import official_key, official_order
from ..visits.models import Visit
from ..outcomes.models import MEASURES, Outcome
from .drafting import DraftContext, FindingFact, OutcomeFact, PersonFact, body_blocks, ordered_findings
from .models import Circular
from .numbering import format_doc_number

logger = logging.getLogger(__name__)

PHOTO_ANNEX_TITLE = "暗访问题照片"
TABLE_ANNEX_TITLE = "暗访发现问题清单"
TABLE_COLUMNS = ["序号", "单位", "时间", "地点", "问题类别", "问题描述", "涉及人员"]
TABLE_WIDTHS = [0.8, 1.8, 1.8, 1.0, 1.5, 3.1, 1.5]


@dataclass
class CopySpec:
    """What differs between the copies of one issued circular."""

    copy_number: str | None = None
    trace_line: str | None = None


def included_findings(circular: Circular) -> list[Finding]:
    """Return the confirmed findings the circular includes."""
    return [item.finding for item in circular.items if item.included and item.finding.status == "confirmed"]


def finding_fact(finding: Finding) -> FindingFact:
    """Reduce a finding to the plain facts the drafter uses."""
    persons = [PersonFact(p.name, p.post, p.cadre_level, p.cadre_level_label) for p in finding.persons]
    unit = finding.unit.name if finding.unit else "（未知单位）"
    return FindingFact(id=str(finding.id), unit=unit, category=finding.category, occurred_at=finding.occurred_at,
                       location=finding.location or "", description=finding.description or "", persons=persons,
                       unit_rank=official_key(finding.unit))


def _units_in_order(findings: list[Finding]) -> list[FindingFact]:
    """Return one fact per unit of the findings, the units in official order."""
    first: dict[str, FindingFact] = {}
    for fact in (finding_fact(f) for f in findings):
        first.setdefault(fact.unit, fact)
    return sorted(first.values(), key=lambda fact: (fact.unit_rank, fact.unit))


def draft_context(circular: Circular, findings: list[Finding]) -> DraftContext:
    """Describe the inspection: period, number of teams, units covered."""
    campaign = circular.campaign if circular.source == "campaign" else None
    if campaign is not None:
        visited = select(Visit.unit_id).where(Visit.campaign_id == campaign.id)
        names = list(db.session.scalars(select(Unit.name).where(Unit.id.in_(visited)).order_by(*official_order())))
        names += [fact.unit for fact in _units_in_order(findings) if fact.unit not in names]
        teams = db.session.scalar(select(func.count(distinct(Visit.team_id)))
                                  .where(Visit.campaign_id == campaign.id)) or len(campaign.teams)
        return DraftContext(start=campaign.start_date, end=campaign.end_date, team_count=teams,
                            units_checked=names, campaign_title=campaign.title)
    times = [to_cst(f.occurred_at).date() for f in findings if f.occurred_at]
    return DraftContext(start=min(times) if times else None, end=max(times) if times else None,
                        team_count=len({f.team_id for f in findings if f.team_id}),
                        units_checked=[fact.unit for fact in _units_in_order(findings)])


def facts_and_context(circular: Circular) -> tuple[list[FindingFact], DraftContext]:
    """Return the drafter's inputs for a circular."""
    findings = included_findings(circular)
    ctx = draft_context(circular, findings)
    ctx.rectify_days, ctx.rectify_kind = circular.rectify_days, circular.rectify_day_kind  # the one period
    facts = [finding_fact(f) for f in findings]
    outcomes = db.session.scalars(select(Outcome).where(Outcome.finding_id.in_([f.id for f in findings]))
                                  .order_by(Outcome.decided_on, Outcome.id)) if findings else []
    by_finding = {fact.id: fact for fact in facts}
    for o in outcomes:  # 处理意见 recorded so far, for the handling section
        by_finding[str(o.finding_id)].outcomes.append(OutcomeFact(o.person_name, o.post, o.measure,
                                                                  MEASURES.get(o.measure, o.measure)))
    return facts, ctx


def recipients_text(circular: Circular) -> str:
    """Return the 主送 line as printed, ending in a full-width colon."""
    text = circular.recipients_line.strip() or "、".join(r.unit.name for r in circular.recipients)
    text = text.rstrip(":：")
    return text + "：" if text else ""


def findings_table(findings: list[Finding]) -> Table:
    """Tabulate the findings for the table annex."""
    rows = []
    for i, finding in enumerate(findings, start=1):
        people = "、".join(f"{p.name}（{p.post}）" if p.post else p.name for p in finding.persons)
        rows.append([str(i), finding.unit.name if finding.unit else "", datetime_cn(finding.occurred_at, year=False),
                     finding.location or "", finding.category, " ".join(finding.description.split()), people])
    return Table(columns=list(TABLE_COLUMNS), rows=rows, widths=list(TABLE_WIDTHS))


def drafted_order(circular: Circular) -> list[Finding]:
    """Return the included findings in the order the problems section lists them."""
    findings = included_findings(circular)
    by_id = {str(f.id): f for f in findings}
    return [by_id[fact.id] for fact in ordered_findings([finding_fact(f) for f in findings])]


def attachments(circular: Circular, photo_dir: str | Path) -> list[Attachment]:
    """Build the annexes the circular asks for (photos, findings table)."""
    findings = drafted_order(circular)
    annexes = []
    if circular.photo_annex:
        entries, missing = photo_entries(findings, photo_dir)
        if missing:
            logger.info("circular %s: %d photos not on the server, left out of the annex", circular.id, missing)
        if entries:
            annexes.append(Attachment(title=PHOTO_ANNEX_TITLE, kind="photos", photos=entries))
    if circular.table_annex and findings:
        annexes.append(Attachment(title=TABLE_ANNEX_TITLE, kind="table", table=findings_table(findings)))
    return annexes


def document_for(circular: Circular, *, photo_dir: str | Path, number: int | None = None,
                 year: int | None = None, doc_date: date | None = None, copy: CopySpec | None = None,
                 draft: bool = True) -> CircularDocument:
    """Assemble everything printed on the circular; a draft carries a watermark and no number."""
    organ = circular.organ
    doc_date = doc_date or circular.doc_date or today_cst()
    year = year or circular.year or doc_date.year
    sections = [(s.heading, s.body) for s in circular.sections if s.included]
    copy = copy or CopySpec()
    return CircularDocument(
        organ_mark=organ.mark_text,
        doc_number=format_doc_number(organ.number_prefix, year, number),
        title=circular.title,
        recipients=recipients_text(circular),
        body=body_blocks(sections),
        signature=circular.signature or organ.signature,
        date=doc_date,
        attachments=attachments(circular, photo_dir),
        copy_number=copy.copy_number,
        security=circular.security_text or None,
        urgency=circular.urgency or None,
        cc=circular.cc.strip() or None,
        printer=circular.printer or organ.printer or organ.signature,
        print_date=circular.print_date or doc_date,
        trace_line=copy.trace_line,
        draft=draft,
        annotation=circular.annotation.strip() or None,
        sealed=False,  # the copies go out electronically, without the seal: GB/T 9704's unsealed layout
    )
