"""Sample 整改 objects for the access-matrix walk: an item of another unit with a report, evidence and an extension.

They hang on the issued sample circular (its copy goes to unit 1). Unit 1 is not liaison1's unit, so liaison1
must get 404 for every one of them; the commission and viewers see them.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from inspection.circulars.models import CircularCopy
from inspection.extensions import db
from inspection.rectification.evidence import EvidenceSettings
from inspection.circulars.storage import store_pdf
from inspection.rectification.models import (ExtensionRequest, RectificationEvidence, RectificationItem,
                                             RectificationReport)

from ..factories import make_finding, make_visit

SAMPLE_PDF = b"%PDF-1.4\n% rectification evidence sample\n%%EOF\n"


def add_rectification_samples(sample) -> None:
    """Give the sample an item of unit 1 in the issued circular, its report, a PDF evidence and an extension."""
    world = sample.world
    circular = db.session.get(CircularCopy, sample.copy_id).circular
    visit = make_visit(world.targets[1], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], status="confirmed")
    start = circular.doc_date
    item = RectificationItem(circular_id=circular.id, unit_id=world.units[1].id, finding_id=finding.id, position=1,
                             problem="示例局：干部不在岗，无请假手续", category=finding.category, start_date=start,
                             due_date=start + timedelta(days=15), yellow_on=start + timedelta(days=8))
    db.session.add(item)
    report = RectificationReport(circular_id=circular.id, unit_id=world.units[1].id, body="整改报告草稿")
    db.session.add(report)
    _, sha = store_pdf(EvidenceSettings.from_config(current_app.config).pdf_dir, SAMPLE_PDF)
    item.evidence.append(RectificationEvidence(kind="pdf", sha256=sha, filename="整改方案.pdf", size=len(SAMPLE_PDF)))
    item.extensions.append(ExtensionRequest(old_due=item.due_date, requested_due=date(2027, 1, 31),
                                            reason="需采购设备"))
    db.session.commit()
    sample.rectification_id = item.id
    sample.report_id = report.id
    sample.evidence_id = item.evidence[0].id
    sample.extension_id = item.extensions[0].id
