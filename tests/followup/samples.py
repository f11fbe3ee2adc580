"""A sample recheck for the access-matrix walk: a follow-up of the issued sample circular, rechecking unit 1's item.

Made on first use (tests/access_params.py asks for recheck_id), so the matrix's other samples stay as they are.
"""
from __future__ import annotations

from inspection.circulars.models import CircularCopy
from inspection.extensions import db
from inspection.rectification.models import RectificationItem

from .fixtures import add_target, make_followup, make_recheck


def sample_recheck(sample) -> str:
    """Return the id of a submitted recheck of the sample 整改 item (unit 1, not liaison1's unit)."""
    if "recheck_id" not in sample.__dict__:
        world = sample.world
        item = db.session.get(RectificationItem, sample.rectification_id)
        circular = db.session.get(CircularCopy, sample.copy_id).circular
        target = add_target(make_followup(world, [circular]), world.units[1], items=[item])
        sample.recheck_id = str(make_recheck(target.problems[0], verdict="relapsed").id)
        db.session.commit()
    return sample.recheck_id
