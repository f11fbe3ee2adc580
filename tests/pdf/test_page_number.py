"""The page number's dashes sit 7 mm below the text block, measured to the ink of the dash (GB/T 9704 7.5)."""
from __future__ import annotations

from PIL import Image

from inspection.pdf import build_circular

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import circular

DPI = 300
MM_PX = DPI / 25.4
BLOCK_BOTTOM_MM = 37 + 225  # top margin + text block height


@needs_poppler
def test_page_number_dash_is_7_mm_below_the_text_block(tmp_path):
    path = pt.write(tmp_path, build_circular(circular()))
    page = pt.render(path, tmp_path, dpi=DPI, first=1, last=1)[0]
    image = Image.open(page).convert("L")
    top = round((BLOCK_BOTTOM_MM + 2) * MM_PX)  # search below the block, above the trace line
    bottom = round((BLOCK_BOTTOM_MM + 14) * MM_PX)
    right = round((28 + 156) * MM_PX)  # page 1 is odd: its number sits at the right end of the block
    band = image.crop((right - round(40 * MM_PX), top, right, bottom))
    # A dash is a wide, thin run of ink: rows where one run of dark pixels is at least 2 mm long.
    rows = []
    for y in range(band.height):
        run = best = 0
        for x in range(band.width):
            run = run + 1 if band.getpixel((x, y)) < 128 else 0
            best = max(best, run)
        if best >= 2 * MM_PX:
            rows.append(y)
    assert rows, "no dash found below the text block"
    middle_mm = (top + (rows[0] + rows[-1]) / 2) / MM_PX
    assert abs(middle_mm - BLOCK_BOTTOM_MM - 7) < 0.5, middle_mm - BLOCK_BOTTOM_MM


@needs_poppler
def test_the_pdf_says_what_it_is_in_its_metadata(tmp_path):
    import subprocess

    path = pt.write(tmp_path, build_circular(circular()))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    subject = next(line for line in info.splitlines() if line.startswith("Subject:"))
    assert "通报" in subject
