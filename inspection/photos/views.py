"""Serve photo files to those allowed to see the findings they belong to."""
from __future__ import annotations

from flask import Blueprint, current_app, send_file
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COMMISSION, COORDINATOR, INSPECTOR, REVIEWER
from ..campaigns.visibility import findings_filter
from ..extensions import db
from ..findings.models import Finding, FindingPhoto
from ..pdf.fonts import font_options
from .models import Photo
from .possession import followup_problems, standing, visible_photos
from .storage import SHA256_RE, VARIANTS, variant_path
from .watermark import watermarked_path

bp = Blueprint("photos", __name__, url_prefix="/photos")

# Evidence is secret like every other signed-in answer: never kept in a browser's or proxy's cache, so nothing
# stays on a shared office computer after sign-out and each view is authorised afresh (docs/deployment.md).
PHOTO_CACHE_CONTROL = "private, no-store"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4", "video/webm": "webm",
              "video/quicktime": "mov", "audio/mp4": "m4a", "audio/aac": "aac", "audio/webm": "weba",
              "audio/mpeg": "mp3"}


def can_see_photo(user, photo: Photo, variant: str | None = None) -> bool:
    """Tell whether the user may see a photo: commission always, inspectors one they hold or whose
    reference on a finding they may see stands (a hash named by another team's finding is not enough);
    thumbnail and display copies of a 回头看 target's earlier problems too (photos/possession.py)."""
    return photo.sha256 in visible_photos(user, [photo.sha256], variant=variant)


@bp.route("/<sha256>/<variant>")
@roles_required(ADMIN, COORDINATOR, REVIEWER, INSPECTOR, hidden=True)
def file(sha256: str, variant: str):
    """Send one variant of a photo (original bytes as evidence, display copy or thumbnail)."""
    if not SHA256_RE.match(sha256) or variant not in VARIANTS:
        hidden_404()
    photo = db.session.get(Photo, sha256)
    if photo is None or not can_see_photo(current_user, photo, variant):
        hidden_404()
    if photo.is_media and variant == "thumb":
        hidden_404()
    # a recording has only its original: `display` plays it inline (with Range requests), `original` downloads it
    stored = "original" if photo.is_media else variant
    path = variant_path(current_app.config["PHOTO_DIR"], sha256, stored)
    if not path.exists():
        hidden_404()
    if variant == "display" and not photo.is_media and current_app.config["WATERMARK"]:
        finding = band_finding(current_user, sha256)
        if finding is not None:  # a photo no finding names yet has no unit or team to print
            path = watermarked_path(current_app.config["PHOTO_DIR"], finding, photo, font_options(current_app.config))
    mime = photo.mime if stored == "original" else "image/jpeg"
    extension = EXTENSIONS.get(mime, "bin")
    response = send_file(path, mimetype=mime, conditional=True, as_attachment=variant == "original",
                         download_name=f"{sha256}.{extension}" if variant == "original" else None)
    response.headers["Cache-Control"] = PHOTO_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def band_finding(user, sha256: str):
    """The finding whose 水印 band a photo carries for this user: the first one naming it that they may see.

    A 回头看 team sees an earlier problem's photo (possession.followup_photos) with that finding's band, as the
    commission does; the unit's evidence photos name no finding and carry none.
    """
    query = (select(Finding).join(FindingPhoto, FindingPhoto.finding_id == Finding.id)
             .where(FindingPhoto.sha256 == sha256).order_by(Finding.created_at, Finding.id).limit(1))
    if user.role in COMMISSION:
        return db.session.scalars(query).first()
    return (db.session.scalars(query.where(findings_filter(user, Finding), standing())).first()
            or db.session.scalars(query.where(Finding.id.in_(select(followup_problems(user).c.finding_id)),
                                              standing())).first())
