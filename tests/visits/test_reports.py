"""The visit report's data: dates as official records write them, names without role prefixes, no 草稿."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from inspection.extensions import db
from inspection.visits.reports import WARNING_UNREVIEWED, clock_cn, person_name, visit_report, when_cn

from ..factories import make_finding, make_visit


@pytest.mark.parametrize("value,text", [
    (datetime(2026, 11, 16, 0, 10, tzinfo=UTC), "2026年11月16日 8时10分"),
    (datetime(2026, 11, 16, 1, 5, tzinfo=UTC), "2026年11月16日 9时5分"),
    (datetime(2026, 11, 16, 2, 0, tzinfo=UTC), "2026年11月16日 10时"),
    (datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "2026年12月1日 0时30分"),  # China Standard Time
])
def test_moments_are_written_in_chinese(value, text):
    assert when_cn(value) == text and when_cn(None) == ""


class Named:
    def __init__(self, name):
        self.name = name


@pytest.mark.parametrize("display,printed", [
    ("暗访员 赵一", "赵一"), ("县纪委案件审理室 王审核", "王审核"), ("赵一", "赵一"),
    ("reviewer", "reviewer"), ("John Smith", "John Smith"), ("暗访员  欧阳明月", "欧阳明月"),
])
def test_names_print_without_role_prefixes(display, printed):
    assert person_name(Named(display)) == printed


def test_the_report_has_chinese_dates_plain_names_and_is_marked_internal_not_draft(app, world):
    inspector = world.users["inspector1"]
    inspector.display_name = "暗访员 赵一"
    visit = make_visit(world.targets[0], inspector, started_at=datetime(2026, 11, 16, 0, 10, tzinfo=UTC))
    visit.ended_at = datetime(2026, 11, 16, 1, 40, tzinfo=UTC)
    finding = make_finding(visit, inspector, description="签到册3人由他人代签")
    finding.occurred_at, finding.location = datetime(2026, 11, 16, 0, 35, tzinfo=UTC), "办公室"
    db.session.flush()
    report = visit_report(visit, actor=inspector, photo_dir=app.config["PHOTO_DIR"])
    facts = dict(report.facts)
    assert facts["到访时间"] == "2026年11月16日 8时10分至9时40分"
    assert facts["记录人"] == "赵一" and "暗访员" not in facts["暗访人员"]
    assert report.findings[0].description == "2026年11月16日 8时35分，在办公室，签到册3人由他人代签"
    assert report.footer.startswith("赵一 打印于 ") and not re.search(r"\d{4}-\d{2}-\d{2}", report.footer)
    assert report.draft is False and report.warning == WARNING_UNREVIEWED  # 内部资料, never a diagonal 草稿
    assert clock_cn(datetime(2026, 11, 16, 1, 0, tzinfo=UTC)) == "9时"
