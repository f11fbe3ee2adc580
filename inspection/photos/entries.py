"""The photos printed in documents (a circular's photo annex, a visit report): display copies with captions.

A photo's 问题 is its finding's description; the photo's own caption (what it shows) is its 说明.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..core.dates import datetime_cn
from ..pdf.document import PhotoEntry
from ..pdf.fonts import font_options
from .storage import variant_path
from .watermark import watermarked_path


def problem_caption(finding) -> str:
    """Shorten a finding's description for a photo caption."""
    text = " ".join(finding.description.split())
    return text if len(text) <= 80 else text[:79] + "…"


def photo_entries(findings: list, photo_dir: str | Path) -> tuple[list[PhotoEntry], int]:
    """List the display copies of the findings' photos; also count photos not yet on the server."""
    entries, missing = [], 0
    for finding in findings:
        for link in finding.photos:
            if link.photo is not None and link.photo.is_media:
                continue  # video and audio are evidence at the review desk, never printed
            path = variant_path(photo_dir, link.sha256, "display")
            if link.photo is None or not path.exists():
                missing += 1
                continue
            if current_app.config.get("WATERMARK"):  # the 水印 band of this finding, drawn on a copy
                path = watermarked_path(photo_dir, finding, link.photo, font_options(current_app.config))
            taken = link.taken_at or link.photo.exif_taken_at or finding.occurred_at
            entries.append(PhotoEntry(path=str(path), unit=finding.unit.name if finding.unit else "",
                                      taken_at=datetime_cn(taken),
                                      place=finding.location or "", problem=problem_caption(finding),
                                      sha256=link.sha256, note=(link.caption or "").strip()))
    return entries, missing
