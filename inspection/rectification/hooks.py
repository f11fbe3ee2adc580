"""Make the 整改 items the moment a circular is issued (connected in create_app)."""
from __future__ import annotations

from flask import current_app

from ..circulars.signals import circular_issued
from .services import create_items


def _on_issued(circular, *, actor, **_) -> None:
    """Create the issued circular's items inside the issuing transaction."""
    if circular.source == "followup":
        return  # a 整改情况通报 reports on earlier items; it is no new list of problems to rectify
    create_items(circular, actor=actor, yellow_percent=current_app.config["RECTIFY_YELLOW_PERCENT"])


def connect() -> None:
    """Listen for issued circulars (idempotent: blinker keeps one connection per receiver)."""
    circular_issued.connect(_on_issued)
