"""The 整改情况通报 as a circular of source "followup": created here, then edited and issued by circulars/.

Importing this module registers the drafter with the circulars feature (circulars/drafters.py), so its
"重新生成草稿", pending regenerated text, issuing, numbered copies and 签收 work unchanged; the circulars
feature never imports this one. Issuing it makes no 整改 items (rectification/hooks.py skips the source).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..campaigns.models import Campaign
from ..circulars import drafters
from ..circulars.drafting import SectionDraft
from ..circulars.models import Circular, IssuingOrgan
from ..circulars.services import CircularError, create_drafted
from ..extensions import db
from ..units.services import sort_units
from .models import FollowupPlan, Recheck
from .report_drafting import REPORT_LABELS, draft_report
from .report_facts import gather, source_circulars, unreviewed_counts

logger = logging.getLogger(__name__)

SOURCE = "followup"


def report_sections(circular: Circular) -> list[SectionDraft]:
    """Draft the sections of a 整改情况通报 from its follow-up campaign as it stands now."""
    campaign = db.session.get(Campaign, circular.campaign_id) if circular.campaign_id else None
    if campaign is None or not campaign.is_followup:
        raise CircularError("该整改情况通报没有对应的回头看批次")
    return draft_report(gather(campaign))


def unreviewed_warnings(campaign_id: int) -> list[str]:
    """Say how many of the campaign's rechecks the draft does not count yet (not reviewed)."""
    counts = unreviewed_counts(campaign_id)
    warnings = []
    if counts.get("submitted"):
        warnings.append(f"该回头看还有{counts['submitted']}条复核记录待审核，未计入本通报；"
                        "审核后请点击“重新生成草稿”。")
    if counts.get("pending_visit"):
        warnings.append(f"该回头看还有{counts['pending_visit']}条复核记录的到访记录尚未同步，暂不能审核。")
    return warnings


def report_warnings(circular: Circular) -> list[str]:
    """Return the draft page's warnings for a 整改情况通报."""
    return unreviewed_warnings(circular.campaign_id) if circular.campaign_id else []


def default_title(sources: list[Circular]) -> str:
    """Suggest a title: 关于《…》通报问题整改情况的通报, after the source circular's own title."""
    if len(sources) == 1:
        core = sources[0].title.strip()
        core = core.removeprefix("关于").removesuffix("的通报").removesuffix("情况")
        return f"关于{core}发现问题整改情况的通报"
    return "关于明察暗访发现问题整改情况“回头看”的通报"


def _shared(values: list[str]) -> str:
    """Return the one non-empty value the sources agree on, else ''."""
    distinct = {v.strip() for v in values if v and v.strip()}
    return distinct.pop() if len(distinct) == 1 else ""


def create_report_circular(campaign: Campaign, organ: IssuingOrgan, *, actor, title: str = "") -> Circular:
    """Draft the 整改情况通报 of a follow-up campaign, addressed and copied like its source circulars."""
    plan = db.session.get(FollowupPlan, campaign.id) if campaign.is_followup else None
    if plan is None:
        raise CircularError("只能为回头看批次起草整改情况通报")
    sources = source_circulars(plan)
    if not sources:
        raise CircularError("该回头看没有已印发的通报，无法起草整改情况通报")
    units = {r.unit.id: r.unit for c in sources for r in c.recipients}
    units.update({t.unit.id: t.unit for t in campaign.targets})  # every unit the follow-up names
    circular = create_drafted(organ, actor=actor, title=title.strip() or default_title(sources), source=SOURCE,
                              campaign_id=campaign.id, units=sort_units(units.values()),
                              recipients_line=_shared([c.recipients_line for c in sources]),
                              cc=_shared([c.cc for c in sources]))
    circular.photo_annex = False  # it names no findings of its own: nothing to annex
    db.session.flush()
    logger.info("follow-up campaign %s: 整改情况通报 drafted as circular %s", campaign.id, circular.id)
    return circular


@dataclass
class ReportRow:
    """One follow-up campaign on the 整改情况通报 page: its rechecks by status and its 通报 so far."""

    campaign: Campaign
    statuses: dict = field(default_factory=dict)
    circulars: list = field(default_factory=list)

    @property
    def unreviewed(self) -> int:
        return self.statuses.get("submitted", 0) + self.statuses.get("pending_visit", 0)


def report_overview(campaigns: list[Campaign]) -> list[ReportRow]:
    """Describe each follow-up campaign for the page: rechecks by status, 整改情况通报 drafted or issued."""
    ids = [c.id for c in campaigns]
    rows = {c.id: ReportRow(campaign=c) for c in campaigns}
    if not ids:
        return []
    for campaign_id, status, count in db.session.execute(
            select(Recheck.campaign_id, Recheck.status, func.count(Recheck.id))
            .where(Recheck.campaign_id.in_(ids)).group_by(Recheck.campaign_id, Recheck.status)):
        rows[campaign_id].statuses[status] = int(count)
    for circular in db.session.scalars(select(Circular).where(Circular.source == SOURCE, Circular.campaign_id.in_(ids))
                                       .order_by(Circular.id)):
        rows[circular.campaign_id].circulars.append(circular)
    return [rows[i] for i in ids]


drafters.register(SOURCE, drafters.Drafter(sections=report_sections, labels=REPORT_LABELS,
                                           warnings=report_warnings))
