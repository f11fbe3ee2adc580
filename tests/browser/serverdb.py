"""Read what arrived on the server, straight from its database and photo store."""
from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import func, select

from inspection.extensions import db
from inspection.findings.models import Finding, FindingPhoto
from inspection.photos.models import Photo
from inspection.photos.storage import variant_path
from inspection.sync.models import SyncBatch
from inspection.visits.models import Visit


def arrived(server, visit_id: str) -> dict:
    """Return the visit's rows on the server: counts, findings and photos with their stored hashes."""
    vid = uuid.UUID(visit_id)
    with server.app.app_context():
        try:
            findings = db.session.scalars(select(Finding).where(Finding.visit_ref == vid)
                                          .order_by(Finding.created_at)).all()
            refs = db.session.scalars(select(FindingPhoto).where(
                FindingPhoto.finding_id.in_([f.id for f in findings] or [uuid.uuid4()]))).all()
            shas = sorted({r.sha256 for r in refs})
            photos = db.session.scalars(select(Photo).where(Photo.sha256.in_(shas or ["-"]))).all()
            on_disk = {}
            for photo in photos:
                path = variant_path(server.photo_dir, photo.sha256, "original")
                on_disk[photo.sha256] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
            return {
                "visits": db.session.scalar(select(func.count()).select_from(Visit).where(Visit.id == vid)),
                "answers": _answers(db.session.get(Visit, vid)),
                "position": _position(db.session.get(Visit, vid)),
                "findings": {str(f.id): {"description": f.description, "category": f.category,
                                         "severity": f.severity, "in_conflict": f.in_conflict,
                                         "conflicts": f.conflicts, "version": f.version,
                                         "persons": [(p.name, p.post, p.cadre_level) for p in f.persons]}
                             for f in findings},
                "finding_ids": sorted(str(f.id) for f in findings),
                "photo_refs": len(refs),
                "photo_refs_by_finding": {str(f.id): sorted(p.sha256 for p in f.photos) for f in findings},
                "photos": {p.sha256: p.size for p in photos},
                "on_disk": on_disk,
                "batches": db.session.scalar(select(func.count()).select_from(SyncBatch)),
            }
        finally:
            db.session.remove()


def _answers(visit) -> dict:
    """Return a visit's checklist answers as {item code: result}."""
    if visit is None:
        return {}
    return {a.item.code: a.result for a in visit.answers}


def _position(visit) -> tuple | None:
    """Return a visit's recorded position (lat, lon, accuracy)."""
    return None if visit is None or visit.lat is None else (visit.lat, visit.lon, visit.accuracy)


def batch_count(server, status: str | None = None) -> int:
    """Count stored sync batches (optionally only those with a status)."""
    with server.app.app_context():
        try:
            query = select(func.count()).select_from(SyncBatch)
            if status:
                query = query.where(SyncBatch.status == status)
            return db.session.scalar(query)
        finally:
            db.session.remove()


def photo_count(server, shas) -> int:
    """Count how many of these photos the server holds."""
    with server.app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Photo).where(Photo.sha256.in_(list(shas))))
        finally:
            db.session.remove()
