"""The rectification blueprint and what its route modules share.

Routes join it from liaison_views.py (the unit's side), desk_views.py (the commission's 整改 desk),
calendar_views.py (the working-day table); create_app imports each of them.
"""
from __future__ import annotations

from flask import Blueprint, current_app

from ..core.dates import today_cst
from .deadlines import ColourRule

bp = Blueprint("rectification", __name__, url_prefix="/rectification")


def colour_rule() -> ColourRule:
    """Return today's 督办 thresholds from the config."""
    return ColourRule.from_config(current_app.config, today_cst())
