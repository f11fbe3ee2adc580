"""What the circular's page shows besides the circular itself: warnings, diffs, receipts, versions."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .access import can_edit_circular
from ..photos.entries import photo_entries
from .assemble import drafted_order
from .drafters import BUILT_IN, section_labels, source_warnings
from .models import Circular
from .services import new_findings_count, section_diff, unconfirmed_items


def detail_context(circular: Circular, user, *, photo_dir) -> dict:
    """Gather the page's warnings, pending diffs, receipts and version links."""
    editable = can_edit_circular(user) and not circular.is_issued
    findings = drafted_order(circular)
    missing_photos = photo_entries(findings, photo_dir)[1] if circular.photo_annex and not circular.is_issued else 0
    diffs = {s.id: section_diff(s.body, s.pending) for s in circular.sections if s.pending is not None}
    copies = circular.copies
    newer = db.session.scalar(select(Circular).where(Circular.supersedes_id == circular.id))
    return {
        "editable": editable,
        "can_edit": can_edit_circular(user),
        "findings": findings,
        "excluded": [item for item in circular.items if not item.included],
        "new_findings": new_findings_count(circular),
        "unconfirmed": unconfirmed_items(circular),
        "missing_photos": missing_photos,
        "diffs": diffs,
        "labels": section_labels(circular),
        "source_warnings": source_warnings(circular),
        "picks_findings": circular.source in BUILT_IN,  # other sources draw on no findings of their own
        "unsigned": [c for c in copies if c.received_at is None],
        "signed": [c for c in copies if c.received_at is not None],
        "newer": newer,
        "show_copies": user.role != "viewer",
    }
