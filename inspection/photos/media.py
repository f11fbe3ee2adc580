"""Video and audio evidence: typed by its leading bytes, kept byte for byte under its SHA-256, no copies.

A recording is stored in the same place and table as a photo (content-addressed, the same possession and
claiming rules), with width and height 0 and only the `original` file on disk; it is never put in a PDF.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import Photo
from .possession import note_upload
from .services import PhotoError, check_hash
from .storage import variant_path

logger = logging.getLogger(__name__)

VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime"})
AUDIO_TYPES = frozenset({"audio/mp4", "audio/aac", "audio/webm", "audio/mpeg"})
# What phones' browsers call the same types (File.type): accepted when declared, never stored.
DECLARED_ALIASES = {"audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4", "audio/mp3": "audio/mpeg",
                    "audio/x-aac": "audio/aac", "video/x-m4v": "video/mp4"}
MEDIA_TYPES = VIDEO_TYPES | AUDIO_TYPES
_HEAD = 64
_BLOCK = 1024 * 1024
_AUDIO_BRANDS = {b"M4A ", b"M4B "}
_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"}  # HEIF/AVIF stills: not accepted
UNSUPPORTED_MESSAGE = "仅支持 MP4、WebM、MOV 视频和 M4A、AAC、WebM、MP3 音频"


def declared_media_type(content_type: str) -> str | None:
    """Return the accepted media type a client declared (aliases mapped), or None."""
    value = DECLARED_ALIASES.get(content_type, content_type)
    return value if value in MEDIA_TYPES else None


def sniff_media(head: bytes, declared: str | None) -> str | None:
    """Return the video or audio type from the leading bytes (the declared type only says audio or video)."""
    audio = bool(declared) and declared.startswith("audio/")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        if brand == b"qt  ":
            return "video/quicktime"
        return "audio/mp4" if brand in _AUDIO_BRANDS or audio else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ("audio/webm" if audio else "video/webm") if b"webm" in head else None
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0x03
        if layer == 0 and head[1] & 0x10:  # ADTS: MPEG-4/2 AAC, layer bits 00
            return "audio/aac"
        if layer == 1:  # MPEG audio layer III
            return "audio/mpeg"
    return None


def file_sha256(path: Path) -> str:
    """Hash a file in blocks (never all of it in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def read_head(path: Path) -> bytes:
    """Return the first bytes of a file, enough to tell its type."""
    with open(path, "rb") as handle:
        return handle.read(_HEAD)


def ingest_media_file(photo_dir: str | Path, path: Path, *, expected_sha256: str, declared: str | None,
                      actor=None, max_bytes: int, actual_sha256: str | None = None) -> tuple[Photo, bool]:
    """Store a recording once, moving the file into place: return (photo, created); raise PhotoError.

    Checks in the photo pipeline's order: size, hash (a cut-off upload is reported as such), then type.
    The uploader's possession is noted as for photos (photos.possession.note_upload).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise PhotoError(413, "too_large", f"音视频文件超过{max_bytes // (1024 * 1024)}MB上限",
                         {"max_bytes": max_bytes, "size": size})
    check_hash(actual_sha256 or file_sha256(path), expected_sha256)
    mime = sniff_media(read_head(path), declared)
    if mime is None:
        raise PhotoError(415, "unsupported_media_type", UNSUPPORTED_MESSAGE)
    existing = db.session.get(Photo, expected_sha256)
    original = variant_path(photo_dir, expected_sha256, "original")
    if not original.exists():
        _move_into_place(path, original)
    if existing is not None:
        note_upload(existing, actor, created=False)
        return existing, False
    photo = Photo(sha256=expected_sha256, mime=mime, size=size, width=0, height=0,
                  uploaded_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:  # the same recording arrived concurrently
        photo = db.session.scalar(select(Photo).where(Photo.sha256 == expected_sha256))
        note_upload(photo, actor, created=False)
        return photo, False
    note_upload(photo, actor, created=True)
    logger.info("stored recording %s (%s, %d bytes)", expected_sha256[:12], mime, size)
    return photo, True


def _move_into_place(source: Path, target: Path) -> None:
    """Move a verified, fsynced file to its place (a copy with fsync when it lives on another file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:
        temporary = target.with_name(f".tmp-{target.name}")
        with open(source, "rb") as reader, open(temporary, "wb") as writer:
            shutil.copyfileobj(reader, writer, _BLOCK)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temporary, target)
        source.unlink(missing_ok=True)
