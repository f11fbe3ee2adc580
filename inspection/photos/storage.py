"""Where photo files live on disk: one folder per hash prefix, written atomically."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

VARIANTS = ("original", "display", "thumb")
_SUFFIX = {"original": ".orig", "display": ".display.jpg", "thumb": ".thumb.jpg"}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def variant_path(photo_dir: str | Path, sha256: str, variant: str) -> Path:
    """Return the file path of one variant of a photo (original bytes, display copy or thumbnail)."""
    if not SHA256_RE.match(sha256):
        raise ValueError("not a lower-case hex SHA-256")
    if variant not in VARIANTS:
        raise ValueError(f"unknown photo variant {variant!r}")
    return Path(photo_dir) / sha256[:2] / f"{sha256}{_SUFFIX[variant]}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside `path`, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def has_all_variants(photo_dir: str | Path, sha256: str) -> bool:
    """Tell whether every file of a photo is on disk."""
    return all(variant_path(photo_dir, sha256, v).exists() for v in VARIANTS)


def delete_files(photo_dir: str | Path, sha256: str) -> None:
    """Remove every file of a photo, print copies made for circulars too (used when purging unclaimed uploads)."""
    for variant in VARIANTS:
        path = variant_path(photo_dir, sha256, variant)
        for pattern in (f"{path.name}.print-*.jpg", f"{path.name}.wm-*.jpg"):  # print and 水印 copies
            for copy in path.parent.glob(pattern):
                copy.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
