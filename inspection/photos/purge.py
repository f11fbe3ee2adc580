"""Unclaimed photos: uploaded but referenced by no finding; purged once they are old enough.

A photo is claimed while any finding or recheck (复核) lists it, or a finding's or recheck's first
submission (`original`) or an unresolved sync conflict names it, or a unit's 整改 evidence is it:
evidence a reviewer may still need is never purged.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, select

from ..audit.services import record
from ..extensions import db
from ..findings.models import Finding, FindingPhoto
from ..followup.models import Recheck, RecheckPhoto
from ..rectification.models import RectificationEvidence
from ..sqltypes import utcnow
from .models import Photo
from .storage import delete_files

logger = logging.getLogger(__name__)


def unclaimed_photos(older_than: datetime) -> list[Photo]:
    """Return photos uploaded before `older_than` that no finding, recheck or 整改 evidence claims."""
    candidates = db.session.scalars(select(Photo).where(
        Photo.created_at < older_than, ~exists().where(FindingPhoto.sha256 == Photo.sha256),
        ~exists().where(RecheckPhoto.sha256 == Photo.sha256),
        ~exists().where(RectificationEvidence.sha256 == Photo.sha256)).order_by(Photo.created_at))
    return [photo for photo in candidates if not _named_in_findings(photo.sha256)]


def _named_in_findings(sha256: str) -> bool:
    """Tell whether a finding's or recheck's original submission or its conflicts mention the photo."""
    text = f"%{sha256}%"
    return any(db.session.scalar(select(exists().where(
        (cast(model.original, String).like(text)) | (cast(model.conflicts, String).like(text)))))
        for model in (Finding, Recheck))


def purge_unclaimed(photo_dir: str, *, older_than_hours: int, dry_run: bool = False) -> list[str]:
    """Delete unclaimed photos older than the given age (files and rows); return their hashes."""
    photos = unclaimed_photos(utcnow() - timedelta(hours=older_than_hours))
    hashes = [photo.sha256 for photo in photos]
    if dry_run:
        return hashes
    for photo in photos:
        record(None, "photo.purge", "photo", photo.sha256, f"清理未被引用的照片 {photo.sha256[:12]}",
               before={"size": photo.size, "uploaded_by_id": photo.uploaded_by_id,
                       "created_at": photo.created_at.isoformat()})
        db.session.delete(photo)
        delete_files(photo_dir, photo.sha256)
    db.session.flush()
    logger.info("purged %d unclaimed photo(s) older than %d hours", len(hashes), older_than_hours)
    return hashes
