"""Font roles, configuration (FONT_DIR and per-role paths), registration and per-character fallback.

Roles: fangsong (仿宋, body), xiaobiaosong (小标宋, organ mark and titles), heiti (黑体), kaiti (楷体),
latin and latin-bold (half-width proportional digits and letters). The shipped defaults live in
inspection/pdf/fonts/*.ttf.gz (see docs/fonts.md); an office may point at licensed files instead. Besides the
roles, three shipped faces serve only as per-character fallbacks: song (AR PL UMing, GBK), and rare-a / rare-b
(GlyphWiki Mincho: CJK Extension A and the supplementary planes, loaded only when a character needs them).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont as FTFont

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "fonts"
ROLES = ("fangsong", "xiaobiaosong", "heiti", "kaiti", "latin", "latin-bold")

# Environment variables (and Flask config keys) naming one font file per role; "path.ttc#1" picks a face.
ROLE_ENV = {
    "fangsong": "FONT_FANGSONG",
    "xiaobiaosong": "FONT_XIAOBIAOSONG",
    "heiti": "FONT_HEITI",
    "kaiti": "FONT_KAITI",
    "latin": "FONT_LATIN",
    "latin-bold": "FONT_LATIN_BOLD",
}

# File names looked for (case-insensitively) in FONT_DIR, most specific first.
DIR_NAMES = {
    "xiaobiaosong": ("方正小标宋简体.ttf", "方正小标宋_gbk.ttf", "fzxbsjw.ttf", "fzxbsk.ttf", "fzxbsjw--gb1-0.ttf",
                     "xiaobiaosong.ttf"),
    "fangsong": ("仿宋_gb2312.ttf", "fangsong_gb2312.ttf", "fs_gb2312.ttf", "方正仿宋_gbk.ttf", "simfang.ttf",
                 "fangsong.ttf"),
    "heiti": ("黑体.ttf", "方正黑体_gbk.ttf", "simhei.ttf", "heiti.ttf"),
    "kaiti": ("楷体_gb2312.ttf", "kaiti_gb2312.ttf", "方正楷体_gbk.ttf", "simkai.ttf", "kaiti.ttf"),
    "latin": ("times.ttf", "timesnewroman.ttf", "latin.ttf"),
    "latin-bold": ("timesbd.ttf", "latin-bold.ttf"),
}

# Shipped faces that are no role: per-character fallbacks only, registered lazily, the first time a character
# in their blocks reaches them (most circulars never need them: 15 MB of song and 34 MB of rare faces unparsed).
FALLBACK_FACES = ("song", "rare-a", "rare-b")
LAZY_BLOCKS = {"song": ((0x80, 0x110000),), "rare-a": ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)),
               "rare-b": ((0x20000, 0x40000),)}
# Where a character missing from a role's fonts is looked for next (shipped faces), in order: light faces for
# the light roles, heavy ones for the heavy roles, the rare faces last but one so that a name always prints.
LIGHT_ORDER = ("fangsong", "song", "kaiti", "rare-a", "rare-b", "heiti", "xiaobiaosong")
HEAVY_ORDER = ("xiaobiaosong", "heiti", "fangsong", "song", "kaiti", "rare-a", "rare-b")
FALLBACK_ORDER = {
    "fangsong": LIGHT_ORDER,
    "kaiti": ("kaiti", "fangsong", "song", "rare-a", "rare-b", "heiti", "xiaobiaosong"),
    "heiti": ("heiti", "xiaobiaosong", "fangsong", "song", "kaiti", "rare-a", "rare-b"),
    "xiaobiaosong": HEAVY_ORDER,
    "latin": LIGHT_ORDER,
    "latin-bold": HEAVY_ORDER,
}
HALF_WIDTH = frozenset(chr(c) for c in range(0x20, 0x7F))
LATIN_FOR = {"fangsong": "latin", "kaiti": "latin", "heiti": "latin-bold", "xiaobiaosong": "latin-bold",
             "latin": "latin", "latin-bold": "latin-bold"}


class FontConfigError(RuntimeError):
    """A configured font path is missing or not a usable TrueType font."""


class MissingGlyphError(ValueError):
    """No configured or shipped font can draw a character."""

    def __init__(self, char: str, where: str):
        self.char = char
        self.where = where
        super().__init__(f"字符“{char}”(U+{ord(char):04X}) 在所有可用字体中都没有字形，位置：{where}")


@dataclass(frozen=True)
class FontSource:
    """One font file (optionally a face of a collection) to register."""

    path: str
    index: int = 0

    @property
    def key(self) -> str:
        """Return a short stable name for reportlab's registry."""
        return hashlib.sha1(f"{self.path}#{self.index}".encode()).hexdigest()[:10]


@dataclass
class LoadedFont:
    """A registered reportlab font with its character map."""

    name: str
    source: FontSource
    cmap: frozenset[int]
    ascent: float  # fraction of the em

    def has(self, char: str) -> bool:
        """Tell whether the font has a glyph for `char`."""
        return ord(char) in self.cmap


class LazyFont:
    """A shipped fallback face registered only when a character in its blocks is first needed."""

    def __init__(self, source: FontSource, role: str, blocks: tuple[tuple[int, int], ...]):
        self.source, self.role, self.blocks = source, role, blocks

    def has(self, char: str) -> bool:
        """Tell whether the face draws `char` (loading it only for a character inside its blocks)."""
        code = ord(char)
        if not any(low <= code < high for low, high in self.blocks):
            return False
        return self.load().has(char)

    def load(self) -> LoadedFont:
        """Register the face (once per process) and return it."""
        return load_font(self.source, self.role)


_lock = threading.Lock()
_loaded: dict[FontSource, LoadedFont] = {}
_fontsets: dict[tuple, FontSet] = {}


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """Return reportlab's ToUnicode CMap with characters beyond the BMP written as UTF-16 surrogate pairs.

    reportlab 5 writes "<%04X>" for every code point, so U+20BB7 (𠮷) became five hex digits that readers
    take as U+20BB: the glyph printed but extracted text and search were wrong.
    """
    entries = [f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *entries,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by name when a subset is written


def parse_source(value: str) -> FontSource:
    """Parse "path" or "path#index" into a FontSource."""
    path, _, index = value.partition("#")
    if index and not index.isdigit():
        raise FontConfigError(f"font face index must be a number: {value!r}")
    return FontSource(path=path, index=int(index or 0))


def load_font(source: FontSource, role: str) -> LoadedFont:
    """Register a font file with reportlab once per process and return it."""
    with _lock:
        if source in _loaded:
            return _loaded[source]
        path = Path(source.path)
        if not path.is_file():
            raise FontConfigError(f"font file for {role} not found: {source.path}")
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        name = f"{role}-{source.key}"
        try:
            font = TTFont(name, io.BytesIO(data), subfontIndex=source.index)
        except (TTFError, OSError, ValueError) as exc:
            raise FontConfigError(f"font file for {role} is not a usable TrueType font ({exc}); CFF/OpenType "
                                  f"fonts must be converted first, see docs/fonts.md: {source.path}") from exc
        pdfmetrics.registerFont(font)
        cmap = frozenset(c for c, g in font.face.charToGlyph.items() if g)
        loaded = LoadedFont(name=name, source=source, cmap=cmap, ascent=font.face.ascent / 1000)
        _loaded[source] = loaded
        logger.info("registered font %s for %s (%d characters)", path.name, role, len(cmap))
        return loaded


def shipped_source(role: str) -> FontSource:
    """Return the shipped default font for a role or a shipped fallback face."""
    return FontSource(str(SHIPPED_DIR / f"{role}.ttf.gz"))


def _find_in_dir(font_dir: Path, role: str) -> FontSource | None:
    """Return the first well-known file name for a role present in font_dir."""
    by_lower = {p.name.lower(): p for p in font_dir.iterdir() if p.is_file()}
    for candidate in DIR_NAMES[role]:
        for suffix in ("", ".gz"):
            for ext_variant in (candidate, candidate[:-4] + ".ttc", candidate[:-4] + ".otf"):
                hit = by_lower.get(ext_variant + suffix)
                if hit is not None:
                    return FontSource(str(hit))
    return None


def configured_sources(font_dir: str | None, font_paths: Mapping[str, str] | None) -> dict[str, FontSource]:
    """Resolve per-role paths, then FONT_DIR names, into the office's configured fonts."""
    found: dict[str, FontSource] = {}
    if font_dir:
        directory = Path(font_dir)
        if not directory.is_dir():
            raise FontConfigError(f"FONT_DIR is not a directory: {font_dir}")
        for role in ROLES:
            source = _find_in_dir(directory, role)
            if source is not None:
                found[role] = source
    for role, value in (font_paths or {}).items():
        if role not in ROLES:
            raise FontConfigError(f"unknown font role {role!r}; expected one of {', '.join(ROLES)}")
        if value:
            found[role] = parse_source(value)
    return found


class FontSet:
    """The fonts of one configuration: a fallback chain per role and a per-character choice."""

    def __init__(self, configured: dict[str, FontSource]):
        self.configured = dict(configured)
        self.chains: dict[str, list[LoadedFont | LazyFont]] = {}
        shipped: dict[str, LoadedFont | LazyFont] = {}
        for face in ROLES + FALLBACK_FACES:
            source = shipped_source(face)
            shipped[face] = (LazyFont(source, face, LAZY_BLOCKS[face]) if face in LAZY_BLOCKS
                             else load_font(source, face))
        for role in ROLES:
            chain: list[LoadedFont | LazyFont] = [load_font(configured[role], role)] if role in configured else []
            chain.append(shipped[role])
            chain += [shipped[face] for face in FALLBACK_ORDER[role] if face != role]
            self.chains[role] = chain
        self._cache: dict[tuple[str, str], LoadedFont | None] = {}

    def primary(self, role: str) -> LoadedFont:
        """Return the first-choice font of a role (always a role's own font, never a lazy fallback)."""
        return self.chains[role][0]  # type: ignore[return-value]  # roles are never lazy

    def font_for(self, role: str, char: str) -> LoadedFont | None:
        """Return the font that draws `char` in `role` (half-width characters in the Latin role), or None."""
        key = (role, char)
        if key in self._cache:
            return self._cache[key]
        chain = self.chains[role]
        if char in HALF_WIDTH:
            chain = self.chains[LATIN_FOR[role]][:1] + chain
        found = next((f for f in chain if f.has(char)), None)
        font = found.load() if isinstance(found, LazyFont) else found
        self._cache[key] = font
        return font

    def glyph_middle(self, role: str, char: str) -> float:
        """Return the vertical middle of the outline that draws `char` in `role`, in em above the baseline.

        The page number's dashes sit 7 mm below the text block measured to the dash itself (GB/T 9704 7.5):
        baseline = BOTTOM + 7 mm + glyph_middle("latin", "—") * size.
        """
        font = self.font_for(role, char)
        if font is None:
            raise MissingGlyphError(char, "页码")
        return _glyph_middle(font.source, ord(char))

    def require(self, role: str, char: str, where: str) -> LoadedFont:
        """Return the font for `char`, or raise MissingGlyphError naming the character and where it is."""
        font = self.font_for(role, char)
        if font is None:
            raise MissingGlyphError(char, where)
        return font


@lru_cache(maxsize=64)
def _glyph_middle(source: FontSource, code: int) -> float:
    """Read one glyph's vertical extent with fontTools and return its middle in em."""
    data = Path(source.path).read_bytes()
    if source.path.endswith(".gz"):
        data = gzip.decompress(data)
    font = FTFont(io.BytesIO(data), fontNumber=source.index, lazy=True)
    glyph_set = font.getGlyphSet()
    pen = BoundsPen(glyph_set)
    glyph_set[font.getBestCmap()[code]].draw(pen)
    if pen.bounds is None:
        return 0.0
    return (pen.bounds[1] + pen.bounds[3]) / 2 / font["head"].unitsPerEm


def fontset(font_dir: str | None = None, font_paths: Mapping[str, str] | None = None) -> FontSet:
    """Return the (cached) FontSet for a configuration."""
    key = (font_dir or "", tuple(sorted((font_paths or {}).items())))
    with _lock:
        cached = _fontsets.get(key)
    if cached is not None:
        return cached
    built = FontSet(configured_sources(font_dir, font_paths))
    with _lock:
        _fontsets[key] = built
    return built


def font_options(config: Mapping) -> dict:
    """Return build_* keyword arguments (font_dir, font_paths) from a Flask config or the environment."""
    font_dir = config.get("FONT_DIR") or os.environ.get("FONT_DIR") or None
    paths = {}
    for role, env in ROLE_ENV.items():
        value = config.get(env) or os.environ.get(env)
        if value:
            paths[role] = value
    return {"font_dir": font_dir, "font_paths": paths or None}
