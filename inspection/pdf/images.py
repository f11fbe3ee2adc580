"""Photos for print: downscaled once to the placed size at print resolution, then reused.

The usual sizes are made when a photo arrives (`prepare_in_background`, called by the photo pipeline): a
photo annex or visit report places a photo in one of `annex_boxes()` on every full page, so the first
circular built from new photos reads their print copies instead of decoding each photo. Other sizes (the
first page of an annex, a last page that leaves room for 版记, a long caption) are made when first used.

A print copy is kept twice: in memory (the next recipient's copy in the same process), and on disk as a
file beside the photo (`<photo>.print-<w>x<h>-<tag>.jpg`), so another worker process, a later preview
or the app after a restart does not decode and shrink the same photo again. The tag names what the copy
was made from (the source's size and mtime, the resolution and quality), so a changed source or setting
makes a new file. A photo directory that cannot be written to only loses the disk copy.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image, ImageOps

from .layout import BLOCK_H, BLOCK_W, MM, SMALL_SIZE

logger = logging.getLogger(__name__)

PRINT_DPI = 250  # 签到册 evidence must stay legible in print: 250–300 dpi (180 blurred handwriting)
JPEG_QUALITY = 78
CACHE_BYTES = 256 * 1024 * 1024
CAPTION_PITCH = SMALL_SIZE * 1.45  # annex.py's caption line pitch; tests/pdf/test_images.py holds the two equal

_lock = threading.Lock()
_cache: OrderedDict[tuple, tuple[bytes, int, int]] = OrderedDict()
_cache_size = 0
_PREPARING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print-copy")  # photos that just arrived


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
    result = _from_disk(path, key)
    if result is None:
        result = _downscale(path, max_w, max_h, where)
        _to_disk(path, key, result[0])
    _remember(key, result)
    return result


def annex_boxes() -> list[tuple[float, float]]:
    """Return the boxes (points) a photo gets on a full page of photos: half the text block less the caption
    (three lines, or four with a 说明) and the 8 mm under the photo, as annex.place_photos lays them out."""
    half = BLOCK_H / 2
    return [(BLOCK_W, half - lines * CAPTION_PITCH - 8 * MM) for lines in (3, 4)]


def prepare_in_background(path: str) -> Future:
    """Queue `prepare_print_copies(path)` on the print-copy thread (an upload does not wait for it)."""
    return _PREPARING.submit(prepare_print_copies, path)


def prepare_print_copies(path: str) -> None:
    """Make a newly stored photo's print copies for the usual boxes (on disk and in memory); log a failure."""
    for box_w, box_h in annex_boxes():
        try:
            print_copy(path, box_w, box_h, "新照片")
        except PhotoError as exc:
            logger.warning("print copy of %s not prepared: %s", os.path.basename(path), exc.where)
            return


def disk_copy_path(path: str, key: tuple) -> str:
    """Return where the print copy of `path` for a cache key is kept on disk, beside the photo."""
    _, mtime_ns, size, max_w, max_h = key
    tag = hashlib.sha1(f"{mtime_ns}:{size}:{PRINT_DPI}:{JPEG_QUALITY}".encode()).hexdigest()[:10]
    return f"{path}.print-{max_w}x{max_h}-{tag}.jpg"


def _from_disk(path: str, key: tuple) -> tuple[bytes, int, int] | None:
    """Read a print copy made earlier (by any process), or None."""
    try:
        with open(disk_copy_path(path, key), "rb") as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            return data, image.width, image.height
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _to_disk(path: str, key: tuple, data: bytes) -> None:
    """Keep a print copy beside the photo (written to a temporary name, then renamed into place)."""
    target = disk_copy_path(path, key)
    temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        logger.warning("print copy of %s not kept on disk: %s", path, exc)
        try:
            os.unlink(temporary)
        except OSError:
            pass


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
            image.thumbnail((max_w, max_h), Image.Resampling.BICUBIC)
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


class JpegSource:
    """JPEG bytes that reportlab's drawImage embeds as they are (DCTDecode), without decoding them.

    drawImage decodes an ImageReader to name it by its pixels; any other object is named by str() and,
    having jpeg_fh(), is passed through. The name is the bytes' digest, so a photo used twice is stored once.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.key = hashlib.sha1(data).hexdigest()

    def jpeg_fh(self) -> io.BytesIO:
        """Return a file handle on the JPEG data."""
        return io.BytesIO(self.data)

    def __str__(self) -> str:
        """Name the image by its digest (reportlab keys its image objects by this)."""
        return f"jpeg:{self.key}"


def reader(data: bytes) -> JpegSource:
    """Wrap JPEG bytes so reportlab embeds them without re-encoding."""
    return JpegSource(data)


def print_copies(requests: list[tuple[str, float, float, str]]) -> list[tuple[bytes, int, int]]:
    """Return print copies for (path, box width, box height, where) requests, downscaling in parallel."""
    workers = min(len(requests), os.cpu_count() or 1, 8)
    if workers <= 1:
        return [print_copy(*request) for request in requests]
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Pillow releases the GIL while decoding
        return list(pool.map(lambda request: print_copy(*request), requests))


def clear_cache() -> None:
    """Forget every cached print copy."""
    global _cache_size
    with _lock:
        _cache.clear()
        _cache_size = 0
