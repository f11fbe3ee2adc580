"""Issued PDFs on disk: content-addressed by SHA-256 under CIRCULAR_DIR, verified when read back."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from ..photos.storage import write_atomic

logger = logging.getLogger(__name__)


class TamperedFile(RuntimeError):
    """An issued PDF on disk no longer matches the hash stored when it was issued."""


def circular_dir(config) -> Path:
    """Return the folder for issued PDFs: CIRCULAR_DIR, or `circulars` beside PHOTO_DIR."""
    configured = config.get("CIRCULAR_DIR")
    if configured:
        return Path(configured)
    return Path(config["PHOTO_DIR"]).parent / "circulars"


def store_pdf(base: Path, data: bytes) -> tuple[str, str]:
    """Write PDF bytes once under their hash; return (relative path, sha256)."""
    sha = hashlib.sha256(data).hexdigest()
    relative = f"{sha[:2]}/{sha}.pdf"
    path = base / relative
    if not path.exists():
        write_atomic(path, data)
    return relative, sha


def store_parts(base: Path, parts: list[bytes], sha256: str) -> str:
    """Write a PDF given as consecutive parts (a stamped copy: shared bytes, its own tail) under its known
    hash, without joining them in memory; return the relative path."""
    relative = f"{sha256[:2]}/{sha256}.pdf"
    path = base / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for part in parts:
                    handle.write(part)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return relative


def read_pdf(base: Path, relative: str, sha256: str) -> bytes:
    """Read an issued PDF and check it is byte for byte what was issued."""
    data = (base / relative).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        logger.error("issued PDF %s does not match its stored hash", relative)
        raise TamperedFile(relative)
    return data
