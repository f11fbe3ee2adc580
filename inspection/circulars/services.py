"""Create and edit circular drafts: metadata, recipients, findings, sections, regeneration, corrections.

Services take explicit arguments, flush, and write an audit event; the caller commits. An issued
circular is frozen: every edit here refuses it, and `revise` makes a new draft version instead.
"""
from __future__ import annotations

import difflib
import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit.services import changed_fields, record
from ..extensions import db
from ..findings.models import Finding
from ..sqltypes import utcnow
from ..units.services import official_key, sort_units
from .assemble import facts_and_context
from .drafters import BUILT_IN, drafter_for
from .drafting import SECTION_LABELS, SectionDraft, draft_sections
from .models import (Circular, CircularFinding, CircularRecipient, CircularSection, IssuingOrgan)
from .period import PERIOD_FIELDS, carry_period, current_phrase

logger = logging.getLogger(__name__)

META_FIELDS = ("title", "organ_id", "recipients_line", "cc", "security_level", "security_period", "urgency",
               "signature", "doc_date", "printer", "print_date", "photo_annex", "table_annex",
               "annotation", *PERIOD_FIELDS)


class CircularError(Exception):
    """A circular operation refused, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RegenerateReport:
    """What a regeneration did: sections replaced, sections awaiting a decision, findings added or dropped."""

    updated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    added: int = 0
    dropped: int = 0


def ensure_draft(circular: Circular) -> None:
    """Refuse to change an issued circular."""
    if circular.is_issued:
        raise CircularError("已印发的通报不能修改；如需更正，请制作更正版本")


def confirmed_campaign_findings(campaign_id: int) -> list[Finding]:
    """Return a campaign's confirmed findings, oldest first."""
    return list(db.session.scalars(select(Finding).where(Finding.campaign_id == campaign_id,
                                                         Finding.status == "confirmed")
                                   .order_by(Finding.occurred_at, Finding.created_at)))


def _sync_items(circular: Circular, findings: list[Finding]) -> tuple[int, int]:
    """Make the circular's findings match `findings` (keeping exclusions); return (added, dropped)."""
    wanted = {f.id: f for f in findings}
    dropped = 0
    for item in list(circular.items):
        if item.finding_id not in wanted:
            circular.items.remove(item)
            dropped += 1
    have = {item.finding_id for item in circular.items}
    position = max((item.position for item in circular.items), default=-1) + 1
    added = 0
    for finding in findings:
        if finding.id not in have:
            circular.items.append(CircularFinding(finding=finding, included=True, position=position))
            position += 1
            added += 1
    return added, dropped


def create_circular(organ: IssuingOrgan, *, actor, title: str, campaign=None,
                    finding_ids: list | None = None) -> Circular:
    """Create a draft from a campaign's confirmed findings, or from hand-picked confirmed findings."""
    if campaign is not None:
        findings = confirmed_campaign_findings(campaign.id)
        campaign_id = campaign.id
    else:
        ids = [uuid.UUID(str(i)) for i in finding_ids or []]
        findings = list(db.session.scalars(select(Finding).where(Finding.id.in_(ids))))
        if not findings or len(findings) != len(set(ids)) or any(f.status != "confirmed" for f in findings):
            raise CircularError("请选择至少一个已确认的问题")
        campaigns = {f.campaign_id for f in findings}
        campaign_id = campaigns.pop() if len(campaigns) == 1 else None
    circular = Circular(organ=organ, title=title.strip(), campaign_id=campaign_id, status="draft", version=1,
                        source="campaign" if campaign is not None else "picked", signature=organ.signature,
                        printer=organ.printer, created_by_id=getattr(actor, "id", None))
    db.session.add(circular)
    _sync_items(circular, findings)
    units = []
    for finding in findings:
        if finding.unit is not None and finding.unit not in units:
            units.append(finding.unit)
    for i, unit in enumerate(sort_units(units)):
        circular.recipients.append(CircularRecipient(unit=unit, position=i))
    db.session.flush()
    _write_sections(circular)
    record(actor, "circular.created", "circular", circular.id, f"起草通报“{circular.title}”",
           after={"source": circular.source, "findings": len(findings)})
    return circular


def create_drafted(organ: IssuingOrgan, *, actor, title: str, source: str, campaign_id: int | None, units: list,
                   recipients_line: str = "", cc: str = "") -> Circular:
    """Create a draft whose body a registered drafter writes (drafters.py), addressed to the given units."""
    if drafter_for(source) is None:
        raise CircularError("无法起草该类通报")
    circular = Circular(organ=organ, title=title.strip(), campaign_id=campaign_id, status="draft", version=1,
                        source=source, signature=organ.signature, printer=organ.printer,
                        recipients_line=recipients_line, cc=cc, created_by_id=getattr(actor, "id", None))
    db.session.add(circular)
    for i, unit in enumerate(sort_units(units)):
        circular.recipients.append(CircularRecipient(unit=unit, position=i))
    db.session.flush()
    _write_sections(circular)
    record(actor, "circular.created", "circular", circular.id, f"起草通报“{circular.title}”",
           after={"source": circular.source, "units": len(units)})
    return circular


def _drafts(circular: Circular) -> list[SectionDraft]:
    """Draft the automatic sections: from the confirmed findings, or by the source's registered drafter."""
    drafter = drafter_for(circular.source)
    if drafter is not None:
        return drafter.sections(circular)
    if circular.source not in BUILT_IN:
        raise CircularError("无法起草该类通报")
    facts, ctx = facts_and_context(circular)
    return draft_sections(facts, ctx)


def _write_sections(circular: Circular) -> None:
    """Draft every automatic section of a new circular."""
    for position, draft in enumerate(_drafts(circular)):
        circular.sections.append(CircularSection(key=draft.key, heading=draft.heading, body=draft.text,
                                                 generated=draft.text, position=position))
    circular.drafted_at = utcnow()
    db.session.flush()


def update_circular(circular: Circular, data: dict, *, actor) -> dict:
    """Change the circular's metadata; return the changed fields."""
    ensure_draft(circular)
    old_phrase = current_phrase(circular)
    before, after = changed_fields(circular, {k: v for k, v in data.items() if k in META_FIELDS})
    carry_period(circular, old_phrase)
    if after:
        db.session.flush()
        record(actor, "circular.updated", "circular", circular.id, "修改通报信息", before=before, after=after)
    return after


def set_recipients(circular: Circular, units: list, *, actor) -> None:
    """Replace the 主送 units; they are kept in the units' official order (排序号), whatever order they came in."""
    ensure_draft(circular)
    units = sort_units(units)
    before = [r.unit_id for r in circular.recipients]
    after = [u.id for u in units]
    if before == after:
        return
    circular.recipients.clear()
    db.session.flush()
    for i, unit in enumerate(units):
        circular.recipients.append(CircularRecipient(unit=unit, position=i))
    db.session.flush()
    record(actor, "circular.recipients", "circular", circular.id, "修改主送单位",
           before={"units": before}, after={"units": after})


def order_recipients(circular: Circular) -> None:
    """Put the recipients in the units' official order as it stands now (at issue, so 份号 follow it)."""
    circular.recipients.sort(key=lambda r: official_key(r.unit))
    for i, recipient in enumerate(circular.recipients):
        recipient.position = i
    db.session.flush()


def set_included(circular: Circular, included_ids: set[str], *, actor) -> None:
    """Include exactly the given findings (by id) among those the circular draws on."""
    ensure_draft(circular)
    before, after = {}, {}
    for item in circular.items:
        wanted = str(item.finding_id) in included_ids
        if item.included != wanted:
            before[str(item.finding_id)], after[str(item.finding_id)] = item.included, wanted
            item.included = wanted
    if after:
        db.session.flush()
        record(actor, "circular.findings", "circular", circular.id, "调整纳入通报的问题", before=before, after=after)


def save_section(section: CircularSection, *, heading: str, body: str, included: bool, actor) -> None:
    """Save the reviewer's text for one section."""
    ensure_draft(section.circular)
    body = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n")).strip()
    data = {"heading": heading.strip(), "body": body, "included": included}
    if section.key == "opening":
        data["heading"] = ""
    before, after = changed_fields(section, data)
    if after:
        db.session.flush()
        record(actor, "circular.section_saved", "circular", section.circular_id,
               f"修改通报正文“{section.heading or SECTION_LABELS.get(section.key, '')}”", before=before, after=after)


def add_section(circular: Circular, *, heading: str, body: str, actor) -> CircularSection:
    """Add a section of the reviewer's own at the end of the body."""
    ensure_draft(circular)
    if not heading.strip():
        raise CircularError("请填写新增部分的标题")
    position = max((s.position for s in circular.sections), default=-1) + 1
    section = CircularSection(key="custom", heading=heading.strip(), body=body.strip(), generated="",
                              position=position)
    circular.sections.append(section)
    db.session.flush()
    record(actor, "circular.section_added", "circular", circular.id, f"新增正文部分“{section.heading}”")
    return section


def delete_section(section: CircularSection, *, actor) -> None:
    """Delete a section the reviewer added (drafted sections can only be left out)."""
    circular = section.circular
    ensure_draft(circular)
    if section.key != "custom":
        raise CircularError("自动起草的部分不能删除，可取消“纳入正文”")
    circular.sections.remove(section)
    db.session.flush()
    record(actor, "circular.section_deleted", "circular", circular.id, f"删除正文部分“{section.heading}”",
           before={"heading": section.heading, "body": section.body})


def move_section(section: CircularSection, direction: int, *, actor) -> None:
    """Move a section one place up (-1) or down (+1)."""
    circular = section.circular
    ensure_draft(circular)
    ordered = sorted(circular.sections, key=lambda s: s.position)
    index = ordered.index(section)
    other = index + direction
    if direction not in (-1, 1) or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()
    db.session.expire(circular, ["sections"])
    record(actor, "circular.section_moved", "circular", circular.id, "调整正文顺序",
           after={"order": [s.id for s in ordered]})


def regenerate(circular: Circular, *, actor) -> RegenerateReport:
    """Redraft the automatic sections; an edited section whose draft changed keeps its text and waits."""
    ensure_draft(circular)
    report = RegenerateReport()
    if circular.source == "campaign" and circular.campaign_id:
        report.added, report.dropped = _sync_items(circular, confirmed_campaign_findings(circular.campaign_id))
        db.session.flush()
    by_key = {s.key: s for s in circular.sections}
    position = max((s.position for s in circular.sections), default=-1) + 1
    for draft in _drafts(circular):
        section = by_key.get(draft.key)
        if section is None:
            circular.sections.append(CircularSection(key=draft.key, heading=draft.heading, body=draft.text,
                                                     generated=draft.text, position=position))
            position += 1
            report.updated.append(draft.key)
        elif section.body == section.generated:
            if section.body != draft.text:
                report.updated.append(draft.key)
            section.body = section.generated = draft.text
            section.pending = None
        elif draft.text != section.generated:
            section.pending = draft.text
            report.conflicts.append(draft.key)
    circular.drafted_at = utcnow()
    db.session.flush()
    record(actor, "circular.regenerated", "circular", circular.id, "重新生成通报草稿",
           after={"updated": report.updated, "conflicts": report.conflicts,
                  "added": report.added, "dropped": report.dropped})
    return report


def resolve_section(section: CircularSection, *, accept: bool, actor) -> None:
    """Settle a regenerated section: take the new draft over the edits, or keep the edits."""
    ensure_draft(section.circular)
    if section.pending is None:
        return
    before = {"body": section.body}
    if accept:
        section.body = section.pending
    section.generated = section.pending
    section.pending = None
    db.session.flush()
    record(actor, "circular.section_resolved", "circular", section.circular_id,
           "采用新生成的正文" if accept else "保留已修改的正文", before=before if accept else None,
           after={"section": section.key, "accepted": accept})


def section_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Compare two texts line by line for display: ('same'|'removed'|'added', line)."""
    ops = {" ": "same", "-": "removed", "+": "added"}
    return [(ops[line[0]], line[2:]) for line in difflib.ndiff(old.splitlines(), new.splitlines())
            if line[0] in ops]


def new_findings_count(circular: Circular) -> int:
    """Count a campaign's confirmed findings not yet drawn into the draft."""
    if circular.is_issued or circular.source != "campaign" or not circular.campaign_id:
        return 0
    have = {item.finding_id for item in circular.items}
    return sum(1 for f in confirmed_campaign_findings(circular.campaign_id) if f.id not in have)


def unconfirmed_items(circular: Circular) -> list[CircularFinding]:
    """Return included findings that are no longer confirmed (reopened, returned, merged)."""
    return [item for item in circular.items if item.included and item.finding.status != "confirmed"]


def delete_draft(circular: Circular, *, actor) -> None:
    """Delete a draft (it never had a number, so no number is lost)."""
    ensure_draft(circular)
    record(actor, "circular.deleted", "circular", circular.id, f"删除通报草稿“{circular.title}”")
    db.session.delete(circular)
    db.session.flush()


def revise(circular: Circular, *, actor) -> Circular:
    """Start a corrected version of an issued circular as a new draft; the issued one stays as it is."""
    if not circular.is_issued:
        raise CircularError("草稿可直接修改，无需制作更正版本")
    newer = db.session.scalar(select(Circular).where(Circular.supersedes_id == circular.id))
    if newer is not None:
        raise CircularError("该通报已有更正版本")
    copy = Circular(organ_id=circular.organ_id, campaign_id=circular.campaign_id, source=circular.source,
                    status="draft", version=circular.version + 1, supersedes_id=circular.id,
                    created_by_id=getattr(actor, "id", None), drafted_at=circular.drafted_at,
                    **{f: getattr(circular, f) for f in META_FIELDS if f not in ("organ_id", "doc_date",
                                                                                 "print_date")})
    db.session.add(copy)
    for item in circular.items:
        copy.items.append(CircularFinding(finding_id=item.finding_id, included=item.included,
                                          position=item.position))
    for r in circular.recipients:
        copy.recipients.append(CircularRecipient(unit_id=r.unit_id, position=r.position))
    for s in circular.sections:
        copy.sections.append(CircularSection(key=s.key, heading=s.heading, body=s.body, generated=s.generated,
                                             included=s.included, position=s.position))
    db.session.flush()
    record(actor, "circular.revised", "circular", copy.id, f"制作“{circular.title}”的更正版本",
           after={"supersedes": circular.id, "version": copy.version})
    return copy

