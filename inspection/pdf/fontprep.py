"""Build the shipped default fonts (subset, TrueType, gzip) from Debian's free CJK fonts.

Run once by a maintainer on a machine with fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei,
fonts-noto-cjk, fonts-hanazono and texlive-lang-chinese (FandolFang) installed; the results are committed under
inspection/pdf/fonts/ so that a fresh checkout needs no apt:
python -m inspection.pdf.fontprep [--src /usr/share] [--out inspection/pdf/fonts] [name ...]
An office whose licensed font is OpenType/CFF (reportlab refuses CFF) converts it once with
python -m inspection.pdf.fontprep --convert 方正小标宋.otf xiaobiaosong.ttf
"""
from __future__ import annotations

import argparse
import gzip
import io
import logging
import time
from datetime import date
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

logger = logging.getLogger(__name__)

OUT_DIR = Path(__file__).resolve().parent / "fonts"

# Symbols a circular uses beyond the national character sets (most are in GBK already).
EXTRA = "★☆●○■□◆◇△▲※→←↑↓①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽℃№×÷±≤≥≈≠‰·•…—–‘’“”〔〕〈〉《》「」『』【】〖〗"


def gb2312_chars() -> set[int]:
    """Return the code points of GB 2312."""
    return _decodable("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def gbk_chars() -> set[int]:
    """Return the code points of GBK (a superset of GB 2312)."""
    return _decodable("gbk", range(0x81, 0xFF), range(0x40, 0xFF))


def _decodable(codec: str, leads: range, trails: range) -> set[int]:
    """Return every character a two-byte codec decodes, plus printable ASCII and EXTRA."""
    chars = set(range(0x20, 0x7F)) | {ord(c) for c in EXTRA} | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F))
    for lead in leads:
        for trail in trails:
            try:
                chars.add(ord(bytes([lead, trail]).decode(codec)))
            except UnicodeDecodeError:
                continue
    return chars


def latin_chars() -> set[int]:
    """Return the half-width set for dates, numbers and page numbers."""
    return set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | {ord(c) for c in "—–‘’“”•…‰×÷±·№℃"}


def gbk_ext_a_chars() -> set[int]:
    """Return GBK plus CJK Extension A (the BMP part of GB 18030-2022)."""
    return gbk_chars() | set(range(0x3400, 0x4DC0))


def rare_bmp_chars() -> set[int]:
    """Return Extension A, the URO beyond GBK and all compatibility ideographs (GBK has 12 no other face has)."""
    return set(range(0x3400, 0x4DC0)) | (set(range(0x4E00, 0xA000)) - gbk_chars()) | set(range(0xF900, 0xFB00))


def rare_sip_chars() -> set[int]:
    """Return the supplementary ideographic planes: Extension B to F and the compatibility supplement."""
    return set(range(0x20000, 0x3FFFF))


FANDOL = "texlive/texmf-dist/fonts/opentype/public/fandol/"

# name → (source file under --src, index in the collection, character set, licence file, description).
# Roles (fonts.ROLES) are the faces an office may replace; "song", "rare-a" and "rare-b" are shipped fallbacks only.
SPECS = {
    "fangsong": (FANDOL + "FandolFang-Regular.otf", 0, gbk_chars, "FANDOL-COPYING.txt", "FandolFang"),
    "song": ("fonts/truetype/arphic/uming.ttc", 0, gbk_chars, "ARPHICPL.TXT", "AR PL UMing CN"),
    "heiti": ("fonts/truetype/wqy/wqy-zenhei.ttc", 0, gbk_ext_a_chars, "WQY-COPYING.txt", "WenQuanYi Zen Hei"),
    "kaiti": ("fonts/truetype/arphic/ukai.ttc", 0, gbk_chars, "ARPHICPL.TXT", "AR PL UKai CN"),
    "xiaobiaosong": ("fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, gbk_ext_a_chars, "OFL.txt",
                     "Noto Serif CJK SC Bold"),
    "latin": ("fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, latin_chars, "OFL.txt", "Noto Serif CJK SC"),
    "latin-bold": ("fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, latin_chars, "OFL.txt", "Noto Serif CJK SC Bold"),
    "rare-a": ("fonts/truetype/hanazono/HanaMinA.ttf", 0, rare_bmp_chars, "HANAZONO-LICENSE.txt",
               "GlyphWiki Mincho A"),
    "rare-b": ("fonts/truetype/hanazono/HanaMinB.ttf", 0, rare_sip_chars, "HANAZONO-LICENSE.txt",
               "GlyphWiki Mincho B"),
}


def subset_font(font: TTFont, chars: set[int]) -> None:
    """Keep only `chars` and what a PDF embedder needs (no layout tables, no bitmaps, no hinting)."""
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "vhea", "vmtx", "VORG",
                            "EBDT", "EBLC", "EBSC", "BDF ", "FFTM", "bdat", "bloc", "gasp"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Convert CFF (cubic) outlines to TrueType (quadratic) glyf outlines in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr, value in (("maxZones", 1), ("maxTwilightPoints", 0), ("maxStorage", 0), ("maxFunctionDefs", 0),
                        ("maxInstructionDefs", 0), ("maxStackElements", 0), ("maxSizeOfInstructions", 0),
                        ("maxComponentElements", max(len(g.components) if g.isComposite() else 0
                                                     for g in glyphs.values()))):
        setattr(maxp, attr, value)
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def mark_modified(font: TTFont, name: str, description: str) -> None:
    """Rename the font so the subset is not mistaken for the original (Arphic and OFL terms)."""
    family = f"Inspection {name} ({description} subset)"
    postscript = f"Inspection-{name}-{description.replace(' ', '')}-Subset"[:63]
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)
    table.setName(family, 1, 3, 1, 0x409)
    table.setName("Regular", 2, 3, 1, 0x409)
    table.setName(postscript, 3, 3, 1, 0x409)
    table.setName(family, 4, 3, 1, 0x409)
    table.setName(postscript, 6, 3, 1, 0x409)
    table.setName(f"Modified {date.today().isoformat()} by inspection/pdf/fontprep.py: subset of {description} "
                  f"(characters outside the shipped set and layout, bitmap and hinting tables removed; CFF outlines "
                  f"converted to TrueType where the source is CFF) and renamed.", 10, 3, 1, 0x409)


def build(name: str, src: Path, out: Path) -> Path:
    """Build one shipped font and return its path."""
    rel, index, charset, _licence, description = SPECS[name]
    start = time.monotonic()
    font = TTFont(src / rel, fontNumber=index, lazy=False)
    subset_font(font, charset())
    if "CFF " in font:
        cff_to_truetype(font)
    mark_modified(font, name, description)
    buffer = io.BytesIO()
    font.save(buffer)
    target = out / f"{name}.ttf.gz"
    target.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0))
    logger.info("%s: %d glyphs, %.2f MB raw, %.2f MB gzip, %.1f s", name, len(font.getGlyphOrder()),
                len(buffer.getvalue()) / 1e6, target.stat().st_size / 1e6, time.monotonic() - start)
    return target


def convert(source: Path, target: Path, index: int = 0) -> None:
    """Convert an OpenType/CFF font (e.g. an office's licensed .otf) to a TrueType file reportlab accepts."""
    font = TTFont(source, fontNumber=index, lazy=False)
    if "CFF " not in font:
        raise SystemExit(f"{source} already has TrueType outlines; use it as it is")
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "VORG"):
        if table in font:
            del font[table]
    cff_to_truetype(font)
    font.save(target)
    logger.info("%s → %s: %d glyphs", source, target, len(font.getGlyphOrder()))


def main(argv: list[str] | None = None) -> None:
    """Build every shipped font (or the named ones), or convert one CFF font with --convert."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, default=Path("/usr/share"))
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--convert", nargs=2, type=Path, metavar=("IN.otf", "OUT.ttf"),
                        help="convert one CFF/OpenType font to TrueType (no subsetting) and stop")
    parser.add_argument("--index", type=int, default=0, help="face index in a collection, for --convert")
    parser.add_argument("names", nargs="*", default=list(SPECS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if args.convert:
        convert(*args.convert, index=args.index)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names:
        build(name, args.src, args.out)


if __name__ == "__main__":
    main()
