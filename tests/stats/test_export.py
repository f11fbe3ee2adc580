"""/stats/statistics.xlsx: the statistics page's figures as a workbook, for every reader of the page."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db

from .data import build_county, closed_campaign


def _rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_holds_the_api_figures_and_is_audited(client, auth, world):
    build_county(world)
    auth.login("reviewer")
    api = client.get(f"/api/v1/stats?campaign={world.campaign.id}").get_json()
    response = client.get(f"/stats/statistics.xlsx?campaign={world.campaign.id}")
    assert response.status_code == 200 and "statistics.xlsx" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert ("总体", "已确认问题", api["total_findings"], "个") in rows
    by_unit = [(row[1], row[2]) for row in rows if row[0] == "按单位"]
    assert by_unit == [(r["name"], r["count"]) for r in api["by_unit"]]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stats.exported"))
    assert event is not None and event.actor_id == world.users["reviewer"].id


def test_viewer_workbook_counts_only_what_the_viewer_may_see(client, auth, world):
    build_county(world)
    closed = closed_campaign(world)
    auth.login("viewer")
    rows = _rows(client.get("/stats/statistics.xlsx"))
    assert ("总体", "已确认问题", 2, "个") in rows
    assert world.campaign.title not in str(rows) and closed.title in str(rows)


def test_bad_filter_is_refused(client, auth, world):
    auth.login("reviewer")
    assert client.get("/stats/statistics.xlsx?from=2026-13-01").status_code == 400
