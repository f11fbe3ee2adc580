"""Fonts: shipped defaults, office-configured fonts, per-character fallback and the missing-glyph error."""
from __future__ import annotations

import gzip
import io

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image

from inspection.pdf import FontConfigError, MissingGlyphError, build_circular, build_visit_report, check_glyphs
from inspection.pdf.document import Block
from inspection.pdf.fontprep import SPECS, gb2312_chars, gbk_chars
from inspection.pdf.fonts import FALLBACK_FACES, ROLE_ENV, SHIPPED_DIR, font_options, fontset

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import circular, photo, photo_annex, visit_report

RARE = "镕堃喆昇玥珺赟"
NOWHERE = "\U00030000"  # 𰀀, CJK Extension G (Unicode 13): in no shipped font


@pytest.fixture(scope="module")
def office_font_dir(tmp_path_factory):
    """A FONT_DIR holding a GB2312-only 仿宋_GB2312.ttf, like the licensed font offices own."""
    directory = tmp_path_factory.mktemp("office-fonts")
    font = TTFont(io.BytesIO(gzip.decompress((SHIPPED_DIR / "fangsong.ttf.gz").read_bytes())))
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=gb2312_chars())
    subsetter.subset(font)
    font.save(directory / "仿宋_GB2312.ttf")
    return directory


def test_shipped_fonts_are_small_and_licensed():
    files = list(SHIPPED_DIR.glob("*.ttf.gz"))
    assert {f.name for f in files} == {f"{r}.ttf.gz" for r in ROLE_ENV} | {f"{f}.ttf.gz" for f in FALLBACK_FACES}
    assert sum(f.stat().st_size for f in files) < 60_000_000
    for licence in ("ARPHICPL.TXT", "WQY-COPYING.txt", "OFL.txt", "FANDOL-COPYING.txt", "FANDOL-README.txt",
                    "HANAZONO-LICENSE.txt"):
        assert (SHIPPED_DIR / licence).stat().st_size > 1000
    for face, (_src, _index, _chars, licence, _description) in SPECS.items():
        assert (SHIPPED_DIR / licence).is_file(), face


def test_body_is_fangsong_with_the_song_face_only_as_per_character_fallback():
    fonts = fontset()
    body = fonts.primary("fangsong")
    assert body.source.path.endswith("fangsong.ttf.gz")
    assert all(body.has(chr(c)) for c in gb2312_chars() if 0x4E00 <= c < 0xA000)  # FandolFang: all of GB 2312
    assert fonts.font_for("fangsong", "通") is body
    song = fonts.font_for("fangsong", "堃")  # GBK, not in FandolFang
    assert not body.has("堃") and song.source.path.endswith("song.ttf.gz")
    for char in RARE:
        assert fonts.font_for("fangsong", char) is not None


@pytest.mark.parametrize("role", ["fangsong", "heiti", "kaiti", "xiaobiaosong"])
def test_every_role_prints_all_of_gbk(role):
    fonts = fontset()
    missing = [chr(c) for c in gbk_chars() if fonts.font_for(role, chr(c)) is None]
    assert not missing, "".join(missing[:20])


@pytest.mark.parametrize("role", ["heiti", "kaiti", "xiaobiaosong"])
def test_titles_and_headings_keep_their_own_face_for_gbk_names(role):
    """镕堃喆 in a title or heading print in that role's face, not in the thin body face (subsets were GB 2312)."""
    fonts = fontset()
    for char in "镕堃喆":
        assert fonts.font_for(role, char) is fonts.primary(role), (role, char)


def test_extension_a_and_b_print_in_every_role():
    fonts = fontset()
    chars = [chr(c) for c in range(0x3400, 0x4DC0)] + [chr(c) for c in range(0x20000, 0x2A6E0)]
    for role in ("fangsong", "heiti", "kaiti", "xiaobiaosong"):
        missing = [c for c in chars if fonts.font_for(role, c) is None]
        assert len(missing) < 30, (role, len(missing))  # the last-resort faces lack a handful of late additions
        assert fonts.font_for(role, "䶮") is not None and fonts.font_for(role, "𠮷") is not None


def test_heading_character_missing_from_kaiti_falls_back():
    fonts = fontset()
    kaiti = fonts.primary("kaiti")
    gap = next(chr(c) for c in sorted(gbk_chars()) if 0x4E00 <= c < 0xA000 and not kaiti.has(chr(c)))
    assert fonts.font_for("kaiti", gap) is not None and fonts.font_for("kaiti", gap) is not kaiti
    assert fonts.font_for("kaiti", "王") is kaiti
    assert fonts.font_for("fangsong", "7") is fonts.primary("latin")


def test_missing_glyph_names_character_and_place(tmp_path):
    body = [Block("p", "第一段"), Block("p", "第二段"), Block("p", f"涉及人员：张{NOWHERE}")]
    with pytest.raises(MissingGlyphError) as caught:
        build_circular(circular(body=body))
    assert caught.value.char == NOWHERE
    assert caught.value.where == "正文第3段"
    assert NOWHERE in str(caught.value) and "正文第3段" in str(caught.value)

    annex = photo_annex([photo(tmp_path, "a.jpg"), photo(tmp_path, "b.jpg")], title="暗访照片")
    annex.photos[1].problem = f"李{NOWHERE}代签"
    doc = circular(attachments=[annex])
    with pytest.raises(MissingGlyphError) as caught:
        check_glyphs(doc)
    assert caught.value.where == "附件 第2张照片说明"
    report = visit_report([])
    report.findings[0].persons[0].name = f"王{NOWHERE}"
    with pytest.raises(MissingGlyphError) as caught:
        build_visit_report(report)
    assert caught.value.where == "问题1 第1名涉及人员"


@needs_poppler
def test_rare_names_render_through_fallback_from_office_font(tmp_path, office_font_dir):
    options = {"font_dir": str(office_font_dir)}
    fonts = fontset(**options)
    office = fonts.primary("fangsong")
    assert office.source.path.endswith("仿宋_GB2312.ttf")
    assert all(not office.has(c) for c in RARE)
    body = [Block("p", f"涉及人员：{'、'.join(RARE)}。"), Block("h2", "（一）堃")]
    path = pt.write(tmp_path, build_circular(circular(body=body), **options))
    assert "、".join(RARE) in pt.text(path)
    names = [row["name"] for row in pt.fonts(path)]
    assert any("fangsong-FandolFang" in n for n in names), "fallback glyphs come from the shipped 仿宋"
    assert any("song-ARPLUMing" in n for n in names), "GBK names beyond FandolFang come from the song face"
    assert all(row["emb"] == "yes" for row in pt.fonts(path))
    # the lone fallback character in the 楷体 heading is drawn, not an empty box
    word = next(w for w in pt.words(path) if w.text == "（一）堃")
    files = pt.render(path, tmp_path, dpi=144, first=word.page, last=word.page)
    image = Image.open(files[0]).convert("L")
    scale = 144 / 72
    width = word.x1 - word.x0
    glyph = image.crop((int((word.x1 - width / 4) * scale), int(word.y0 * scale),
                        int(word.x1 * scale), int(word.y1 * scale)))
    dark = sum(1 for value in glyph.tobytes() if value < 100)
    assert dark > 40


def test_per_role_path_wins_over_font_dir(office_font_dir):
    shipped_kaiti = str(SHIPPED_DIR / "kaiti.ttf.gz")
    fonts = fontset(str(office_font_dir), {"fangsong": shipped_kaiti})
    assert fonts.primary("fangsong").source.path == shipped_kaiti


def test_bad_font_configuration_is_refused(tmp_path):
    with pytest.raises(FontConfigError):
        fontset(str(tmp_path / "nowhere"))
    with pytest.raises(FontConfigError):
        fontset(None, {"fangsong": str(tmp_path / "missing.ttf")})
    with pytest.raises(FontConfigError):
        fontset(None, {"songti": str(tmp_path / "x.ttf")})
    not_a_font = tmp_path / "simfang.ttf"
    not_a_font.write_bytes(b"not a font at all")
    with pytest.raises(FontConfigError):
        fontset(str(tmp_path))


def test_font_options_reads_config_then_environment(monkeypatch):
    monkeypatch.setenv("FONT_KAITI", "/fonts/simkai.ttf")
    options = font_options({"FONT_DIR": "/fonts", "FONT_FANGSONG": "/fonts/fs.ttc#1"})
    assert options == {"font_dir": "/fonts", "font_paths": {"fangsong": "/fonts/fs.ttc#1", "kaiti": "/fonts/simkai.ttf"}}
    monkeypatch.delenv("FONT_KAITI")
    monkeypatch.delenv("FONT_DIR", raising=False)
    assert font_options({}) == {"font_dir": None, "font_paths": None}


def test_cff_font_is_refused_with_advice_and_converts(tmp_path):
    """An OpenType/CFF file is refused with a pointer to the converter, which makes it usable."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    from inspection.pdf.fontprep import convert

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "uni5B57"])
    builder.setupCharacterMap({0x5B57: "uni5B57"})
    pen = T2CharStringPen(1000, None)
    pen.moveTo((100, -120)), pen.lineTo((900, -120)), pen.lineTo((900, 880)), pen.lineTo((100, 880)), pen.closePath()
    square = pen.getCharString()
    builder.setupCFF("TestCFF", {"FullName": "Test CFF"}, {".notdef": square, "uni5B57": square}, {})
    builder.setupHorizontalMetrics({".notdef": (1000, 100), "uni5B57": (1000, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Test CFF", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    otf = tmp_path / "office.otf"
    builder.save(otf)
    with pytest.raises(FontConfigError, match="docs/fonts.md"):
        fontset(None, {"xiaobiaosong": str(otf)})
    ttf = tmp_path / "office.ttf"
    convert(otf, ttf)
    fonts = fontset(None, {"xiaobiaosong": str(ttf)})
    assert fonts.font_for("xiaobiaosong", "字").source.path == str(ttf)
    shipped = fonts.font_for("xiaobiaosong", "堃")  # not in the office font: the shipped 小标宋 draws it
    assert shipped.source.path.endswith("xiaobiaosong.ttf.gz")
