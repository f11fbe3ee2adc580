"""佐证材料 files: photos through the photo pipeline (original kept, hashed), scanned PDFs kept byte for byte.

A PDF is recognised by its content (the `%PDF-` header and an `%%EOF` trailer), never by the name or the
browser's type; it is stored once under its SHA-256 beside the issued circulars' own store.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..circulars.storage import read_pdf, store_pdf
from ..photos.services import PhotoError, ingest_photo, sniff_mime


@dataclass
class EvidenceSettings:
    """Limits and folders for evidence uploads, from the app's config."""

    photo_dir: str
    pdf_dir: Path
    max_pdf_bytes: int
    max_photo_bytes: int
    max_photo_pixels: int

    @classmethod
    def from_config(cls, config) -> "EvidenceSettings":
        """Read PHOTO_DIR, EVIDENCE_DIR and the size limits."""
        configured = config.get("EVIDENCE_DIR")
        pdf_dir = Path(configured) if configured else Path(config["PHOTO_DIR"]).parent / "evidence"
        return cls(photo_dir=config["PHOTO_DIR"], pdf_dir=pdf_dir, max_pdf_bytes=config["RECTIFY_MAX_PDF_BYTES"],
                   max_photo_bytes=config["MAX_PHOTO_BYTES"], max_photo_pixels=config["MAX_PHOTO_PIXELS"])


class EvidenceError(Exception):
    """An upload refused; `message` says why in words the unit understands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_pdf(data: bytes) -> bool:
    """Tell whether the bytes are a PDF by content: the header at the start and a trailer near the end."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def store_evidence(data: bytes, filename: str, *, settings: EvidenceSettings, actor) -> tuple[str, str]:
    """Store one uploaded file; return (kind, sha256); raise EvidenceError for an empty, large or foreign file."""
    if not data:
        raise EvidenceError("文件为空，请重新选择")
    if is_pdf(data):
        if len(data) > settings.max_pdf_bytes:
            raise EvidenceError(f"扫描件超过{settings.max_pdf_bytes // (1024 * 1024)}MB上限，请压缩后再上传")
        _, sha = store_pdf(settings.pdf_dir, data)
        return "pdf", sha
    if sniff_mime(data) is None:
        raise EvidenceError("仅支持 JPEG、PNG、WebP 照片或 PDF 扫描件")
    sha = hashlib.sha256(data).hexdigest()
    try:
        photo, _ = ingest_photo(settings.photo_dir, data, expected_sha256=sha, actor=actor,
                                max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels)
    except PhotoError as exc:
        raise EvidenceError(exc.message) from exc
    return "photo", photo.sha256


def read_evidence_pdf(sha256: str, settings: EvidenceSettings) -> bytes:
    """Read a stored scan back, checked against its hash."""
    return read_pdf(settings.pdf_dir, f"{sha256[:2]}/{sha256}.pdf", sha256)


def safe_filename(name: str) -> str:
    """Keep the last part of an uploaded file's name, without path separators or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "未命名文件"
