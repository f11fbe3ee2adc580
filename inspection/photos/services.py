"""The photo pipeline: verify, keep the original byte for byte, make display and thumbnail copies.

Fast on 12-megapixel JPEGs: Pillow's draft mode decodes at a reduced scale close to the display size,
orientation is applied after resizing, on the small image, and the hash check and the durable write of
the original (fsync) run on a worker thread while the image decodes.
"""
from __future__ import annotations

import hashlib
import io
import logging
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.dates import CST
from ..extensions import db
from ..pdf.images import prepare_in_background
from .models import Photo
from .possession import note_upload
from .storage import SHA256_RE, has_all_variants, variant_path, write_atomic

logger = logging.getLogger(__name__)

_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="photo-io")  # hashing and fsync (GIL released)
DISPLAY_EDGE = 1600
THUMB_EDGE = 320
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_TRANSPOSE = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


class PhotoError(Exception):
    """A photo was refused; `status` and `code` go into the API's error envelope."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass
class PhotoMeta:
    """What the pipeline learned from a photo's header and EXIF."""

    mime: str
    width: int
    height: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None


def sniff_mime(data: bytes) -> str | None:
    """Return the image type from the leading bytes (never from a client's header)."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def ingest_photo(photo_dir: str | Path, data: bytes, *, expected_sha256: str, actor=None,
                 max_bytes: int, max_pixels: int, provenance: dict | None = None) -> tuple[Photo, bool]:
    """Store a photo once and audit the upload: return (photo, created); raise PhotoError if unacceptable.

    The actor's upload is written as a `photo.upload` event when it proves for the first time that they
    hold the bytes (photos.possession.note_upload); a resend adds nothing. `provenance` (photos/provenance.py:
    the original of a phone-downscaled copy) is recorded when the photo has none yet.
    """
    photo, created = _store_photo(photo_dir, data, expected_sha256=expected_sha256, uploader=actor,
                                  max_bytes=max_bytes, max_pixels=max_pixels)
    if provenance and photo.original_sha256 is None:
        for key, value in provenance.items():
            setattr(photo, key, value)
    note_upload(photo, actor, created=created)
    return photo, created


def _store_photo(photo_dir: str | Path, data: bytes, *, expected_sha256: str, uploader,
                 max_bytes: int, max_pixels: int) -> tuple[Photo, bool]:
    """Store a photo's bytes and copies once: return (photo, created)."""
    if len(data) > max_bytes:
        raise PhotoError(413, "too_large", f"照片超过{max_bytes // (1024 * 1024)}MB上限",
                         {"max_bytes": max_bytes, "size": len(data)})
    if not SHA256_RE.match(expected_sha256):
        check_hash(hashlib.sha256(data).hexdigest(), expected_sha256)
    existing = db.session.get(Photo, expected_sha256)
    if existing is not None and has_all_variants(photo_dir, expected_sha256):
        check_hash(hashlib.sha256(data).hexdigest(), expected_sha256)
        return existing, False
    original = variant_path(photo_dir, expected_sha256, "original")
    keeping = _BACKGROUND.submit(_hash_and_keep, data, expected_sha256, original)
    try:
        mime = sniff_mime(data)
        if mime is None:
            raise PhotoError(415, "unsupported_media_type", "仅支持 JPEG、PNG、WebP 格式的照片")
        meta, display, thumb = render_copies(data, mime, max_pixels=max_pixels)
    except BaseException as exc:
        actual = keeping.result()
        if actual == expected_sha256 and existing is None:
            original.unlink(missing_ok=True)  # kept while decoding, but the photo is refused
        if isinstance(exc, PhotoError):
            check_hash(actual, expected_sha256)  # a cut-off upload is reported as such, not as a bad image
        raise
    actual = keeping.result()
    check_hash(actual, expected_sha256)
    writes = [_BACKGROUND.submit(write_atomic, variant_path(photo_dir, actual, variant), copy)
              for variant, copy in (("display", display), ("thumb", thumb))]
    for write in writes:
        write.result()
    prepare_in_background(str(variant_path(photo_dir, actual, "display")))  # print copies, so no circular decodes it
    if existing is not None:  # the row survived but a file was lost: files rewritten above
        return existing, False
    photo = Photo(sha256=actual, mime=meta.mime, size=len(data), width=meta.width, height=meta.height,
                  exif_taken_at=meta.taken_at, gps_lat=meta.gps_lat, gps_lon=meta.gps_lon,
                  uploaded_by_id=getattr(uploader, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:  # the same photo arrived concurrently: theirs is as good as ours
        return db.session.scalar(select(Photo).where(Photo.sha256 == actual)), False
    logger.info("stored photo %s (%s, %dx%d, %d bytes)", actual[:12], mime, meta.width, meta.height, len(data))
    return photo, True


def _hash_and_keep(data: bytes, expected_sha256: str, original: Path) -> str:
    """Hash the bytes and, when they match, write them durably as the original; return the hash."""
    actual = hashlib.sha256(data).hexdigest()
    if actual == expected_sha256:
        write_atomic(original, data)
    return actual


def check_hash(actual: str, expected: str) -> None:
    """Refuse bytes whose SHA-256 is not the one the phone named."""
    if actual != expected:
        raise PhotoError(422, "hash_mismatch", "照片内容与校验值不符，可能传输不完整，请重新上传",
                         {"expected": expected, "actual": actual})


def render_copies(data: bytes, mime: str, *, max_pixels: int) -> tuple[PhotoMeta, bytes, bytes]:
    """Decode once at reduced scale; return metadata, a display JPEG and a thumbnail JPEG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoError(422, "too_many_pixels", "照片像素过多，疑似异常文件",
                                 {"pixels": width * height, "max_pixels": max_pixels})
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise PhotoError(415, "unsupported_media_type", "仅支持 JPEG、PNG、WebP 格式的照片")
            exif = image.getexif()
            meta = PhotoMeta(mime=mime, width=width, height=height, taken_at=_exif_time(exif),
                             gps_lat=None, gps_lon=None)
            meta.gps_lat, meta.gps_lon = _exif_gps(exif)
            orientation = exif.get(0x0112, 1)
            if orientation in (5, 6, 7, 8):
                meta.width, meta.height = height, width
            scale = DISPLAY_EDGE / max(width, height)
            if image.format == "JPEG" and scale < 1:
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PhotoError(422, "too_many_pixels", "照片像素过多，疑似异常文件") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(415, "unreadable_image", "无法识别的图片文件") from exc
    image = _to_rgb(image)
    if max(image.size) > DISPLAY_EDGE:
        image.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.BOX, reducing_gap=2.0)
    for op in _TRANSPOSE.get(orientation, ()):
        image = image.transpose(op)
    thumbnailing = _BACKGROUND.submit(_thumbnail, image)  # reads the display image while it is encoded
    display = _jpeg(image, quality=85, exif=_display_exif(exif))
    return meta, display, thumbnailing.result()


def _thumbnail(image: Image.Image) -> bytes:
    """Return a thumbnail JPEG of at most THUMB_EDGE pixels a side (the image itself is left as it is)."""
    ratio = min(THUMB_EDGE / image.width, THUMB_EDGE / image.height, 1.0)
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    return _jpeg(image.resize(size, Image.Resampling.BOX, reducing_gap=2.0), quality=80)


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white and convert to RGB."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, quality: int, exif: bytes = b"") -> bytes:
    """Encode as a JPEG carrying only the EXIF given (none by default: nothing is carried over)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False, progressive=False, exif=exif)
    return out.getvalue()


def _display_exif(exif) -> bytes:
    """The EXIF a display copy keeps: capture time, GPS, make and model; orientation 1 (already applied)."""
    kept = Image.Exif()
    for tag in (0x010F, 0x0110, 0x0132):  # Make, Model, DateTime
        if tag in exif:
            kept[tag] = exif[tag]
    try:
        times = {tag: value for tag, value in exif.get_ifd(0x8769).items() if tag in (0x9003, 0x9011)}
        gps = dict(exif.get_ifd(0x8825))
    except (KeyError, TypeError, ValueError, AttributeError):  # a malformed sub-IFD: keep what is readable
        times, gps = {}, {}
    if times:
        kept.get_ifd(0x8769).update(times)
    if gps:
        kept.get_ifd(0x8825).update(gps)
    if not (len(kept) or times or gps):
        return b""
    kept[0x0112] = 1  # the pixels are upright now: a viewer must not rotate them again
    return kept.tobytes()


def _exif_time(exif) -> datetime | None:
    """Read DateTimeOriginal (with its offset when present; China Standard Time otherwise) as UTC."""
    try:
        sub = exif.get_ifd(0x8769)
        raw = sub.get(0x9003) or exif.get(0x0132)
        if not raw:
            return None
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        offset = sub.get(0x9011)
        tz = CST
        if offset and len(str(offset)) >= 6:
            sign = -1 if str(offset)[0] == "-" else 1
            hours, minutes = int(str(offset)[1:3]), int(str(offset)[4:6])
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return moment.replace(tzinfo=tz).astimezone(UTC)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _exif_gps(exif) -> tuple[float | None, float | None]:
    """Read GPS latitude and longitude in decimal degrees, if the photo carries them."""
    try:
        gps = exif.get_ifd(0x8825)
        if not gps or 2 not in gps or 4 not in gps:
            return None, None

        def degrees(value, ref) -> float:
            d, m, s = (float(x) for x in value)
            result = d + m / 60 + s / 3600
            return -result if ref in ("S", "W") else result

        lat, lon = degrees(gps[2], gps.get(1, "N")), degrees(gps[4], gps.get(3, "E"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None, None
        return round(lat, 7), round(lon, 7)
    except (ValueError, TypeError, KeyError, ZeroDivisionError, AttributeError):
        return None, None
