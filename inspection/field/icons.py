"""Draw the field app's home-screen icons with Pillow: `python -m inspection.field.icons`.

A plain clipboard with a tick on a dark ground: calm and unremarkable on a phone's home screen.
The PNGs are committed (a few KB each); rerun this after changing the design.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

from ..config import ROOT

GROUND = (31, 35, 41, 255)
PAPER = (236, 239, 244, 255)
CLIP = (142, 160, 186, 255)
TICK = (46, 160, 67, 255)


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    """Return one icon; a maskable icon fills the square and keeps the glyph inside the safe circle."""
    scale = 4  # draw large, then downsample for smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, s, s), fill=GROUND)
        inset = 0.24
    else:
        draw.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.2), fill=GROUND)
        inset = 0.18
    left, right = s * (inset + 0.06), s * (1 - inset - 0.06)
    top, bottom = s * inset, s * (1 - inset)
    draw.rounded_rectangle((left, top + s * 0.05, right, bottom), radius=int(s * 0.05), fill=PAPER)
    clip_w = (right - left) * 0.46
    cx = s / 2
    draw.rounded_rectangle((cx - clip_w / 2, top, cx + clip_w / 2, top + s * 0.1), radius=int(s * 0.03), fill=CLIP)
    width = max(1, int(s * 0.06))
    points = [(s * 0.36, s * 0.55), (s * 0.46, s * 0.65), (s * 0.65, s * 0.43)]
    draw.line(points, fill=TICK, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=TICK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(target: Path) -> list[Path]:
    """Write the icons the manifest names into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True)):
        path = target / name
        draw_icon(size, maskable=maskable).save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_icons(ROOT / "static" / "field" / "icons"):
        sys.stdout.write(f"{written_path} {written_path.stat().st_size} bytes\n")
