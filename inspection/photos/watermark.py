"""The 水印 band (as county staff's 水印相机 apps draw it): 时间、单位、地点 and the team, in Chinese.

Drawn server-side on a copy of a photo's display copy, for one finding (a photo may serve several),
when WATERMARK is on; the original and the display copy are never touched. Copies are cached beside
the display copy under a digest of their text (`<sha>.display.jpg.wm-<digest>.jpg`), so a corrected
finding gets a new band, and are removed with the photo (storage.delete_files).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import logging
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..core.dates import datetime_cn
from ..pdf.fonts import configured_sources, shipped_source
from .storage import variant_path, write_atomic

logger = logging.getLogger(__name__)

BAND_ROLE = "heiti"  # 黑体 reads best small on a photo


def band_lines(finding, photo) -> list[str]:
    """The band's lines for a photo as evidence of a finding: time, unit, place, team."""
    taken = photo.exif_taken_at or finding.occurred_at
    place = finding.location or ""
    if photo.gps_lat is not None and photo.gps_lon is not None:
        place = f"{place}（{photo.gps_lat:.5f}, {photo.gps_lon:.5f}）".lstrip()
    lines = [f"时间：{datetime_cn(taken)}", f"单位：{finding.unit.name if finding.unit else '—'}"]
    if place:
        lines.append(f"地点：{place}")
    if finding.team is not None:
        lines.append(f"暗访组：{finding.team.name}")
    return lines


@lru_cache(maxsize=4)
def _font_bytes(font_dir: str | None, paths: tuple) -> bytes:
    """The band's TrueType font (the configured 黑体, else the shipped one), decompressed once."""
    source = configured_sources(font_dir, dict(paths) or None).get(BAND_ROLE) or shipped_source(BAND_ROLE)
    data = Path(source.path).read_bytes()
    return gzip.decompress(data) if source.path.endswith(".gz") else data


def stamp(display: bytes, lines: list[str], font_data: bytes) -> bytes:
    """Return the display JPEG with a translucent band of white text along its bottom edge."""
    with Image.open(io.BytesIO(display)) as source:
        exif = source.info.get("exif", b"")
        image = source.convert("RGB")
    size = max(14, image.width // 40)
    font = ImageFont.truetype(io.BytesIO(font_data), size)
    pad, step = size // 2, round(size * 1.35)
    band = pad * 2 + step * len(lines)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 140))
    for n, line in enumerate(lines):
        draw.text((pad, image.height - band + pad + n * step), line, font=font, fill=(255, 255, 255, 255))
    stamped = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    stamped.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def watermarked_path(photo_dir: str | Path, finding, photo, font_options: dict) -> Path:
    """Return the path of the photo's display copy with the finding's band, making it once."""
    lines = band_lines(finding, photo)
    display = variant_path(photo_dir, photo.sha256, "display")
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    path = display.with_name(f"{display.name}.wm-{digest}.jpg")
    if not path.exists():
        paths = tuple(sorted((font_options.get("font_paths") or {}).items()))
        write_atomic(path, stamp(display.read_bytes(), lines, _font_bytes(font_options.get("font_dir"), paths)))
        logger.info("watermarked display copy of %s for finding %s", photo.sha256[:12], finding.id)
    return path
