"""Test data for circulars: an issuing organ, confirmed findings with photos, drafts and issued circulars."""
from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from datetime import UTC, datetime

from PIL import Image

from inspection.circulars import issuing, services
from inspection.circulars.models import IssuingOrgan
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.photos.services import ingest_photo

from ..factories import make_finding, make_visit

# Findings of the sample campaign: (target index, minute offset, category, description, persons).
FINDINGS = (
    (0, 0, "在岗在位", "综合股干部王某某不在岗，无请假手续", (("王某某", "综合股科员", "staff"),)),
    (1, 30, "考勤管理", "签到册显示当日应到12人，实到9人，有2人由他人代签", (("赵某", "办公室主任", "section_chief"),)),
    (0, 60, "考勤管理", "签到册无当日签到记录", ()),
    (2, 90, "公务用车", "一辆公务用车停放在某小区内，无派车单", (("钱某", "驾驶员", "other"),)),
    (1, 120, "在岗在位", "项目股两名工作人员在办公室玩手机游戏", (("孙某", "副股长", "staff"), ("李某", "科员", "staff"))),
)


def make_organ(prefix: str = "示纪办通", name: str = "中共示例县纪委办公室") -> IssuingOrgan:
    """Create an issuing organ with a document-number prefix."""
    organ = IssuingOrgan(name=name, mark_text="中共示例县纪律检查委员会办公室", number_prefix=prefix,
                         signature=name, printer=name, active=True)
    db.session.add(organ)
    db.session.flush()
    return organ


def jpeg(color=(200, 30, 30), size=(800, 600)) -> bytes:
    """Make a small JPEG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=80)
    return out.getvalue()


def add_photo(app, finding, color) -> str:
    """Store a photo and attach it to a finding; return its hash."""
    data = jpeg(color)
    sha = hashlib.sha256(data).hexdigest()
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=finding.created_by,  # as from its phone
                 max_bytes=10_000_000, max_pixels=50_000_000)
    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=len(finding.photos)))
    db.session.flush()
    return sha


def confirmed_findings(world, *, photos_app=None) -> list:
    """Record the sample findings in the active campaign, all confirmed; photos on two when asked."""
    visits = {}
    found = []
    base = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    for index, minutes, category, text, persons in FINDINGS:
        target = world.targets[index]
        user = world.users["inspector1" if target.team_id == world.teams[0].id else "inspector2"]
        if index not in visits:
            visits[index] = make_visit(target, user, started_at=base.replace(hour=1 + index))
        finding = make_finding(visits[index], user, category=category, description=text, persons=persons,
                               status="confirmed")
        finding.occurred_at = base.replace(hour=1 + index, minute=minutes % 60)
        found.append(finding)
    if photos_app is not None:
        add_photo(photos_app, found[0], (200, 30, 30))
        add_photo(photos_app, found[1], (30, 30, 200))
    db.session.flush()
    return found


def make_draft(world, organ=None, *, title="关于2026年第三批纪律作风明察暗访情况的通报"):
    """Draft a circular from the active campaign's confirmed findings."""
    organ = organ or make_organ()
    return services.create_circular(organ, actor=world.users["reviewer"], title=title, campaign=world.campaign)


def settings_for(app) -> issuing.RenderSettings:
    """Return the render settings of the test app."""
    return issuing.RenderSettings.from_config(app.config)


def pdf_text(data: bytes, tmp_path, name="out") -> str:
    """Extract a PDF's text with pdftotext, as a reader would."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    result = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
                            capture_output=True, check=True)
    return result.stdout.decode("utf-8")
