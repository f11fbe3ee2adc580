"""The demo county's 整改 (called by `flask demo` after 示纪办通〔2026〕1号 is issued): items in every state,
dated as the story goes, so a new user finds a live desk and liaison1 has work to do.

The circular was issued on 2026-09-25 with 15 days to report; the demo is seen around 2026-12-01, so
open items without an extension are overdue. Times are set after each step to the day it happened.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ..demo.photos import draw_photo
from ..extensions import db
from ..photos.services import ingest_photo
from . import services
from .models import RectificationItem, RectificationReport

FILLED = {
    "measures": "一是召开全体干部职工大会通报问题、开展警示教育；二是修订考勤和请销假制度，启用人脸识别考勤；"
                "三是对相关责任人进行批评教育并责令书面检查。",
    "leader": "党组书记、局长",
    "responsible": "办公室主任",
    "progress": "已完成制度修订并张贴上墙，考勤机已安装启用，相关人员书面检查已存档。",
}
# What happens to each item, taken unit by unit as liaisons are numbered (liaison1 first).
PLAN = ("returned", "closed", "submitted", "extended", "extension_pending", "overdue", "closed", "draft",
        "submitted", "closed", "overdue", "returned", "closed", "overdue")


def _when(day: date, hour: int = 10) -> datetime:
    """Return a China-time office hour of a day as UTC."""
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


def _dated(item: RectificationItem, moment: datetime) -> None:
    """Date the item's latest history line (and its matching timestamp) to when it happened."""
    item.events[-1].created_at = moment


def _evidence(item, liaison, photo_dir: str, limits: dict, seed: int, day: date) -> None:
    """Attach a demo photo of the rectified register, taken on `day`, as the item's evidence."""
    data = draw_photo("整改后考勤签到记录", [f"{day.isoformat()} 09:30", item.unit.name, "整改后启用人脸识别考勤"], seed)
    sha = hashlib.sha256(data).hexdigest()
    ingest_photo(photo_dir, data, expected_sha256=sha, actor=liaison, **limits)
    services.add_evidence(item, kind="photo", sha256=sha, filename="整改后签到记录.jpg", size=len(data), actor=liaison)


def _report(item, liaison, photo_dir, limits, seed, day: date) -> None:
    """Fill the item and attach evidence as the unit did on `day`."""
    services.save_item(item, FILLED, actor=liaison)
    _dated(item, _when(day, 9))
    _evidence(item, liaison, photo_dir, limits, seed, day)
    _dated(item, _when(day, 9))


def load_demo_rectification(circular, *, reviewer, liaisons: dict, photo_dir: str, limits: dict) -> None:
    """Move the issued demo circular's items through the states of PLAN, dated from October on."""
    items = db.session.scalars(select(RectificationItem).where(RectificationItem.circular_id == circular.id)
                               .order_by(RectificationItem.unit_id, RectificationItem.position)).all()
    issued = circular.doc_date
    for item in items:  # made when the circular was issued, not when the demo loaded
        for event in item.events:
            event.created_at = _when(issued, 9)
    for index, (item, state) in enumerate(zip(items, PLAN)):
        liaison = liaisons[item.unit_id]
        seed = 5000 + index
        reported = issued + timedelta(days=9 + index % 4)
        if state in ("returned", "closed", "submitted"):
            _report(item, liaison, photo_dir, limits, seed, reported)
            services.submit_item(item, actor=liaison)
            item.submitted_at = _when(reported, 11)
            _dated(item, item.submitted_at)
        if state == "closed":
            services.accept_item(item, "佐证材料齐全，整改到位，同意销号。", actor=reviewer)
            item.closed_at = _when(reported + timedelta(days=3), 15)
            _dated(item, item.closed_at)
        elif state == "returned":
            services.return_item(item, "佐证材料只有制度文本，缺少对相关责任人的处理材料，请补充后重新报送。",
                                 actor=reviewer)
            item.returned_at = _when(reported + timedelta(days=2), 16)
            _dated(item, item.returned_at)
        elif state == "draft":
            services.save_item(item, {"measures": FILLED["measures"], "leader": FILLED["leader"]}, actor=liaison)
            _dated(item, _when(reported))
        elif state in ("extended", "extension_pending"):
            services.save_item(item, {"measures": FILLED["measures"], "leader": FILLED["leader"],
                                      "responsible": FILLED["responsible"]}, actor=liaison)
            _dated(item, _when(issued + timedelta(days=5)))
            asked = issued + timedelta(days=12)
            new_due = date(2026, 12, 3) if state == "extended" else date(2026, 12, 20)
            request = services.request_extension(item, new_due=new_due, reason="考勤设备需走政府采购程序，预计11月底前安装到位。",
                                                 today=asked, actor=liaison)
            request.requested_at = _when(asked)
            _dated(item, request.requested_at)
            if state == "extended":
                services.decide_extension(request, approve=True, note="同意延期，请按期完成。", today=asked,
                                          yellow_percent=50, actor=reviewer)
                request.decided_at = _when(asked + timedelta(days=1), 15)
                _dated(item, request.decided_at)
    for report in db.session.scalars(select(RectificationReport).where(RectificationReport.circular_id == circular.id)):
        unit_items = [i for i in items if i.unit_id == report.unit_id]
        if unit_items and all(i.status == "closed" for i in unit_items):
            report.body = "按照通报要求，我局立即召开党组会议专题研究整改工作，逐项制定整改措施，现将整改情况报告如下：……"
    db.session.flush()
