"""The demo county's order and times tell its story (排序号, 提交时间, 签收)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.circulars.models import Circular
from inspection.core.dates import CST
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.units.models import Unit
from inspection.units.services import official_units
from inspection.visits.models import Visit


def test_demo_order_and_times(app, runner):
    loaded = datetime.now(UTC)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    kinds = [u.kind for u in official_units()]
    assert kinds[0] == "township" and kinds.index("department") > kinds.index("township")
    assert kinds[-1] == "institution"
    shorts = [u.short_name for u in official_units() if u.kind == "department"]
    assert shorts[:3] == ["县政府办", "县法院", "公安局"]
    assert len({u.sort_order for u in db.session.scalars(select(Unit))}) == db.session.query(Unit).count()

    findings = list(db.session.scalars(select(Finding)))
    assert findings
    for finding in findings:
        visit = db.session.get(Visit, finding.visit_id)
        assert finding.created_at.astimezone(CST).date() == visit.started_at.astimezone(CST).date()
        assert visit.ended_at <= finding.created_at < loaded
        assert finding.reviewed_at is None or finding.reviewed_at > finding.created_at

    issued = db.session.scalar(select(Circular).where(Circular.status == "issued"))
    assert issued.issued_at.astimezone(CST).date() == issued.doc_date
    signed = [c for c in issued.copies if c.received_at is not None]
    assert signed and all(issued.doc_date < c.received_at.astimezone(CST).date() for c in signed)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "circular.received")))
    assert len(events) == len(signed) and all(e.at < loaded for e in events)
    assert [c.unit.sort_order for c in issued.copies] == sorted(c.unit.sort_order for c in issued.copies)
