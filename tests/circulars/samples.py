"""Sample circular objects for the access-matrix walk: a draft (secret) and an issued copy for another unit."""
from __future__ import annotations

from datetime import date

from flask import current_app

from inspection.circulars.models import Circular, CircularCopy
from inspection.circulars.services import create_circular
from inspection.circulars.storage import circular_dir, store_pdf
from inspection.extensions import db
from inspection.sqltypes import utcnow

from .helpers import make_organ


def add_circular_samples(sample) -> None:
    """Give the sample a draft circular (and a section), an organ, and an issued copy addressed to unit 1.

    Unit 1 is not liaison1's unit, so liaison1 must get 404 for the copy, as for the draft.
    """
    world = sample.world
    organ = make_organ()
    draft = create_circular(organ, actor=world.users["reviewer"], title="关于明察暗访情况的通报（草稿）",
                            campaign=world.campaign)
    path, sha = store_pdf(circular_dir(current_app.config), b"%PDF-1.4\n% issued sample\n%%EOF\n")
    issued = Circular(organ=organ, title="已印发的通报", source="campaign", status="issued", signature=organ.signature,
                      year=2026, number=1, doc_number="示纪办通〔2026〕1号", doc_date=date(2026, 11, 28),
                      pdf_path=path, pdf_sha256=sha, issued_at=utcnow())
    issued.copies.append(CircularCopy(unit=world.units[1], copy_number="000001", pdf_path=path, pdf_sha256=sha))
    db.session.add(issued)
    db.session.commit()
    sample.circular_id = draft.id
    sample.section_id = draft.sections[0].id
    sample.organ_id = organ.id
    sample.copy_id = issued.copies[0].id
