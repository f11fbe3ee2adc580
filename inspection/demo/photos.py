"""Draw demo evidence photos with Pillow: paper, a title and handwriting-like lines; nothing downloaded."""
from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path(__file__).resolve().parent.parent / "pdf" / "fonts",)


def _font(size: int):
    """Return a CJK-capable font shipped with the app, or Pillow's built-in font."""
    for folder in FONT_DIRS:
        for path in sorted(folder.glob("*.tt[fc]")) if folder.exists() else ():
            try:
                return ImageFont.truetype(str(path), size), True
            except OSError:
                continue
    return ImageFont.load_default(size), False


def draw_photo(title: str, lines: list[str], seed: int, size=(1600, 1200)) -> bytes:
    """Draw a photo-like JPEG of a document page with a caption; deterministic for a seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randint(70, 110), rng.randint(60, 90), rng.randint(50, 70)))
    draw = ImageDraw.Draw(image)
    w, h = size
    paper = [int(w * 0.12), int(h * 0.08), int(w * 0.88), int(h * 0.94)]
    draw.rectangle(paper, fill=(246, 243, 232))
    font, cjk = _font(46)
    small, _ = _font(30)
    draw.text((paper[0] + 40, paper[1] + 30), title if cjk else "Evidence photo", fill=(30, 30, 30), font=font)
    y = paper[1] + 120
    for i in range(12):
        draw.line([(paper[0] + 30, y), (paper[2] - 30, y)], fill=(180, 180, 200), width=2)
        if i < len(lines):
            text = lines[i] if cjk else f"row {i + 1}"
            draw.text((paper[0] + 40, y - 38), text, fill=(20, 30, 120), font=small)
        else:
            x = paper[0] + 40
            while x < paper[2] - 120 and rng.random() < 0.9:  # scribbles, as if handwritten
                x2 = x + rng.randint(20, 70)
                draw.line([(x, y - 10 - rng.randint(0, 20)), (x2, y - 10 - rng.randint(0, 20))],
                          fill=(20, 30, 120), width=3)
                x = x2 + rng.randint(5, 30)
        y += 80
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()
