"""回头看 test data for the sync tests, built with the models directly (no planning or issuing services).

    fu = make_followup_world(app, world)
    fu.targets[0]            # follow-up target at unit 0 (team 回头看组: inspector3), problems fu.problems[0]
    recheck_record(visit_id, fu.problems[0][0].finding_id, verdict="relapsed")

The source campaign is the world's (team A = inspector1 visited units 0 and 1, team B = inspector2 unit 2);
an issued circular has two items at unit 0 (one closed, with a photo and a PDF as evidence) and one at
unit 1. The follow-up campaign (kind followup, active) has one team, inspector3, with targets at units 0
and 1. `fu.stray` is a finding at unit 0 that is on no list; `fu.foreign` a finding at unit 2.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from PIL import Image

from inspection.campaigns.models import Campaign, Target, Team
from inspection.circulars.models import Circular, IssuingOrgan
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.followup.models import FollowupPlan, FollowupProblem
from inspection.photos.services import ingest_photo
from inspection.rectification.models import RectificationEvidence, RectificationItem

from ..factories import make_finding, make_visit

START = datetime(2027, 1, 11, 1, 0, tzinfo=UTC)


@dataclass
class Followup:
    """Handles to the 回头看 objects a sync test needs."""

    circular: Circular
    campaign: Campaign
    team: Team
    targets: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # per target, in position order
    items: list = field(default_factory=list)  # per target
    finding_photo: str = ""  # on the first problem's original finding (uploaded by inspector1)
    evidence_photo: str = ""  # the unit's photo evidence on the first item (uploaded by liaison1)
    stray: object = None
    foreign: object = None


def photo_bytes(seed: int, size=(640, 480)) -> tuple[bytes, str]:
    """A distinct JPEG and its SHA-256."""
    out = io.BytesIO()
    Image.new("RGB", size, ((seed * 53) % 256, (seed * 29) % 256, 90)).save(out, "JPEG", quality=85)
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def store_photo(app, seed: int, actor) -> str:
    """Ingest a photo as uploaded by `actor`; return its hash."""
    data, sha = photo_bytes(seed)
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=actor, max_bytes=10_000_000,
                 max_pixels=50_000_000)
    return sha


def _item(circular, finding, position: int, *, status: str = "pending") -> RectificationItem:
    """A rectification item for a confirmed finding, as issuing makes it."""
    item = RectificationItem(circular_id=circular.id, unit_id=finding.unit_id, finding_id=finding.id,
                             position=position, problem=f"{finding.description}（通报原文）", category=finding.category,
                             start_date=date(2026, 12, 1), due_date=date(2026, 12, 16), yellow_on=date(2026, 12, 8),
                             status=status)
    if status == "closed":
        item.measures, item.progress, item.reported = "已制定考勤制度并公示", "已完成整改", True
        item.closed_at = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
    db.session.add(item)
    return item


def make_followup_world(app, world, *, status: str = "active", include_checklist: bool = True) -> Followup:
    """Build the source findings, the issued circular with items, and the follow-up campaign (see the module)."""
    inspector1, inspector2 = world.users["inspector1"], world.users["inspector2"]
    visits = [make_visit(world.targets[i], user) for i, user in ((0, inspector1), (1, inspector1), (2, inspector2))]
    found = [make_finding(visits[0], inspector1, category="考勤管理", description="签到册有2人由他人代签",
                          status="confirmed"),
             make_finding(visits[0], inspector1, description="综合股干部王某某不在岗", status="confirmed"),
             make_finding(visits[1], inspector1, description="项目股两名工作人员在办公室玩手机游戏", status="confirmed")]
    stray = make_finding(visits[0], inspector1, description="未通报的问题")
    foreign = make_finding(visits[2], inspector2, category="公务用车", description="公务用车停放在小区内",
                           status="confirmed")
    finding_photo = store_photo(app, 1, inspector1)
    found[0].photos.append(FindingPhoto(sha256=finding_photo, caption="签到册", position=0))
    organ = IssuingOrgan(name="中共示例县纪委办公室", mark_text="中共示例县纪律检查委员会办公室", number_prefix="示纪办通",
                         signature="中共示例县纪委办公室", printer="中共示例县纪委办公室", active=True)
    db.session.add(organ)
    db.session.flush()
    circular = Circular(organ_id=organ.id, campaign_id=world.campaign.id, title="关于明察暗访情况的通报",
                        status="issued", year=2026, number=1, doc_number="示纪办通〔2026〕1号",
                        issued_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC), issued_by_id=world.users["reviewer"].id)
    db.session.add(circular)
    db.session.flush()
    items = [_item(circular, found[0], 1, status="closed"), _item(circular, found[1], 2), _item(circular, found[2], 3)]
    db.session.flush()
    evidence_photo = store_photo(app, 2, world.users["liaison1"])
    items[0].evidence.extend([RectificationEvidence(kind="photo", sha256=evidence_photo, filename="公示照片.jpg",
                                                    size=1000, uploaded_by_id=world.users["liaison1"].id),
                              RectificationEvidence(kind="pdf", sha256="ab" * 32, filename="整改报告.pdf", size=2048)])
    campaign = Campaign(title="2027年第一批整改落实情况回头看", start_date=date(2027, 1, 4), end_date=date(2027, 1, 29),
                        checklist=world.checklist, status=status, kind="followup")
    team = Team(name="回头看组", leader=world.users["inspector3"], members=[world.users["inspector3"]])
    campaign.teams.append(team)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(FollowupPlan(campaign_id=campaign.id, scope="all", include_checklist=include_checklist,
                                cross=True, circulars=[circular]))
    fu = Followup(circular=circular, campaign=campaign, team=team, finding_photo=finding_photo,
                  evidence_photo=evidence_photo, stray=stray, foreign=foreign)
    for unit, unit_items in ((world.units[0], items[:2]), (world.units[1], items[2:])):
        target = Target(campaign=campaign, unit=unit, team=team, planned_start=START, planned_end=START)
        db.session.add(target)
        db.session.flush()
        problems = [FollowupProblem(campaign_id=campaign.id, target_id=target.id, item_id=item.id,
                                    finding_id=item.finding_id, position=position)
                    for position, item in enumerate(unit_items, start=1)]
        db.session.add_all(problems)
        fu.targets.append(target)
        fu.problems.append(problems)
        fu.items.append(unit_items)
    db.session.commit()
    return fu


def recheck_record(visit_id, finding_id, *, recheck_id=None, base_version=None, **data) -> dict:
    """A recheck record as a phone sends it, with sensible data."""
    body = {"visit_id": str(visit_id), "finding_id": str(finding_id), "verdict": "not_rectified",
            "note": "签到册仍有代签痕迹", "photos": []}
    body.update(data)
    return {"type": "recheck", "id": str(recheck_id or uuid.uuid4()), "base_version": base_version, "data": body}
