"""Photos for print: downscaled once to the placed size at print resolution, then reused from a cache."""
from __future__ import annotations

import io
import logging
import os
import threading
from collections import OrderedDict

from PIL import Image, ImageOps
from reportlab.lib.utils import ImageReader

logger = logging.getLogger(__name__)

PRINT_DPI = 200
JPEG_QUALITY = 80
CACHE_BYTES = 256 * 1024 * 1024

_lock = threading.Lock()
_cache: OrderedDict[tuple, tuple[bytes, int, int]] = OrderedDict()
_cache_size = 0


class PhotoError(ValueError):
    """A photo file is missing or unreadable."""

    def __init__(self, path: str, where: str):
        self.path = path
        self.where = where
        super().__init__(f"照片无法读取：{where}（{os.path.basename(path)}）")


def print_copy(path: str, box_w: float, box_h: float, where: str) -> tuple[bytes, int, int]:
    """Return (JPEG bytes, width px, height px) of a photo fitted to a box in points at PRINT_DPI."""
    max_w = max(int(box_w / 72 * PRINT_DPI), 16)
    max_h = max(int(box_h / 72 * PRINT_DPI), 16)
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise PhotoError(path, where) from exc
    key = (path, stat.st_mtime_ns, stat.st_size, max_w, max_h)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = _downscale(path, max_w, max_h, where)
    _remember(key, result)
    return result


def _downscale(path: str, max_w: int, max_h: int, where: str) -> tuple[bytes, int, int]:
    """Decode (using JPEG draft mode), orient, shrink and re-encode a photo."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            if image.format == "JPEG":
                ratio = min(max_w / width, max_h / height, 1.0)
                image.draft("RGB", (max(int(width * ratio), 1), max(int(height * ratio), 1)))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((max_w, max_h), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
            return out.getvalue(), image.width, image.height
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(path, where) from exc


def _remember(key: tuple, value: tuple[bytes, int, int]) -> None:
    """Keep a print copy, evicting the least recently used beyond CACHE_BYTES."""
    global _cache_size
    with _lock:
        if key in _cache:
            return
        _cache[key] = value
        _cache_size += len(value[0])
        while _cache_size > CACHE_BYTES and len(_cache) > 1:
            _, old = _cache.popitem(last=False)
            _cache_size -= len(old[0])


def reader(data: bytes) -> ImageReader:
    """Wrap JPEG bytes so reportlab embeds them without re-encoding."""
    return ImageReader(io.BytesIO(data))


def clear_cache() -> None:
    """Forget every cached print copy."""
    global _cache_size
    with _lock:
        _cache.clear()
        _cache_size = 0
