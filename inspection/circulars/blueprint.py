"""The circulars blueprint and what its route modules share.

Routes join it from views.py (list, draft, issue, copies), editor.py (sections), inbox.py (the liaison
inbox), organ_views.py (issuing organs); create_app imports each of them.
"""
from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from ..auth.access import hidden_404
from ..extensions import db
from . import issuing
from .access import can_see_circular
from .models import Circular

bp = Blueprint("circulars", __name__)


def render_settings() -> issuing.RenderSettings:
    """Return where PDFs find photos and fonts and where issued ones are kept, from the config."""
    return issuing.RenderSettings.from_config(current_app.config)


def visible_circular(circular_id: int) -> Circular:
    """Load a circular the current user may see, or answer 404."""
    circular = db.session.get(Circular, circular_id)
    if not can_see_circular(current_user, circular):
        hidden_404()
    return circular
