"""GB 18030-2022 coverage: every role's face by name in pdffonts, and Extension A/B names in body, title, headings."""
from __future__ import annotations

import re
import subprocess
from html import unescape

import pytest
from PIL import Image

from inspection.pdf import build_circular, build_visit_report, check_glyphs
from inspection.pdf.document import Block
from inspection.pdf.fonts import fontset

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import PLAIN, body_blocks, circular, visit_report

EXT_A, EXT_B = "䶮", "𠮷"  # U+4DAE (Extension A), U+20BB7 (Extension B), both seen in 户籍 names
# role → the family name fontprep gave the shipped face (what pdffonts prints after the subset tag)
FAMILIES = {
    "fangsong": "Inspection-fangsong-FandolFang-Subset",
    "xiaobiaosong": "Inspection-xiaobiaosong-NotoSerifCJKSCBold-Subset",
    "heiti": "Inspection-heiti-WenQuanYiZenHei-Subset",
    "kaiti": "Inspection-kaiti-ARPLUKaiCN-Subset",
    "latin": "Inspection-latin-NotoSerifCJKSC-Subset",
    "latin-bold": "Inspection-latin-bold-NotoSerifCJKSCBold-Subset",
}


def _words(path) -> list[pt.Word]:
    """Return pdftotext -bbox words; poppler 22 writes a non-BMP <title> as CESU-8, so decode leniently."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    words, page = [], 0
    for line in out.splitlines():
        page += "<page " in line
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            words.append(pt.Word(page, unescape(match.group(5)), *(float(match.group(i)) for i in range(1, 5))))
    return words


def _families(path) -> set[str]:
    """Return the font names pdffonts lists, without the six-letter subset tag."""
    return {row["name"].split("+", 1)[-1] for row in pt.fonts(path)}


@needs_poppler
def test_every_role_embeds_its_shipped_face_by_name(tmp_path):
    path = pt.write(tmp_path, build_circular(circular()))
    families = _families(path)
    for role, family in FAMILIES.items():
        assert family in families, (role, sorted(families))
    assert all(row["emb"] == "yes" and row["type"] == "TrueType" for row in pt.fonts(path))
    plain = pt.write(tmp_path, build_circular(circular(body=[Block("p", PLAIN)])), "plain.pdf")
    assert not any("ARPLUMing" in name for name in _families(plain))  # the song face is no longer the body face


@needs_poppler
def test_an_office_font_replaces_its_role_by_name(tmp_path):
    fonts = fontset()
    kaiti = fonts.primary("kaiti").source.path
    path = pt.write(tmp_path, build_circular(circular(), font_paths={"fangsong": kaiti}))
    families = _families(path)
    assert "Inspection-kaiti-ARPLUKaiCN-Subset" in families
    assert FAMILIES["fangsong"] not in families


def _rare_circular():
    """A circular with Extension A and B characters in the title, both heading levels and the body."""
    body = [Block("p", f"现将有关情况通报如下，涉及人员：王{EXT_A}、李{EXT_B}。")] + body_blocks()[1:]
    body.insert(1, Block("h1", f"一、关于张{EXT_A}{EXT_B}同志的问题"))
    body.insert(2, Block("h2", f"（一）刘{EXT_B}{EXT_A}代签问题"))
    return circular(body=body, title=f"关于赵{EXT_A}、孙{EXT_B}等同志违反工作纪律情况的通报")


def test_extension_names_pass_the_glyph_check():
    check_glyphs(_rare_circular())  # raised MissingGlyphError: the user was told to change the person's name


@needs_poppler
def test_extension_names_print_and_extract_in_title_headings_and_body(tmp_path):
    path = pt.write(tmp_path, build_circular(_rare_circular()))
    text = pt.text(path).replace("\n", "")
    for snippet in (f"赵{EXT_A}", f"孙{EXT_B}", f"张{EXT_A}{EXT_B}同志", f"刘{EXT_B}{EXT_A}代签", f"王{EXT_A}、李{EXT_B}"):
        assert snippet in text, snippet  # Extension B extracted as U+20BB7, not U+20BB (ToUnicode fix)
    families = _families(path)
    assert "Inspection-rare-a-GlyphWikiMinchoA-Subset" in families  # 䶮 in the body (title and 黑体 have it)
    assert "Inspection-rare-b-GlyphWikiMinchoB-Subset" in families
    # each occurrence is drawn with ink, not left as an empty box
    words = [w for w in _words(path) if EXT_B in w.text]
    assert len(words) >= 4
    scale = 144 / 72
    for word in words:
        image = Image.open(pt.render(path, tmp_path, dpi=144, first=word.page, last=word.page)[0]).convert("L")
        index = word.text.index(EXT_B)
        step = (word.x1 - word.x0) / len(word.text)
        box = (int((word.x0 + index * step) * scale), int(word.y0 * scale),
               int((word.x0 + (index + 1) * step) * scale), int(word.y1 * scale))
        dark = sum(1 for value in image.crop(box).tobytes() if value < 128)
        assert dark > 30, (word.text, dark)


@pytest.mark.parametrize("role,char,face", [
    ("fangsong", EXT_A, "rare-a"), ("fangsong", EXT_B, "rare-b"), ("kaiti", EXT_B, "rare-b"),
    ("xiaobiaosong", EXT_A, "xiaobiaosong"), ("heiti", EXT_A, "heiti"), ("xiaobiaosong", EXT_B, "rare-b"),
])
def test_light_roles_fall_back_to_light_faces_and_heavy_roles_keep_weight(role, char, face):
    font = fontset().font_for(role, char)
    assert font is not None and font.source.path.endswith(f"/{face}.ttf.gz")


def test_page_number_dash_height_is_read_from_the_latin_face():
    """The dash of "— 1 —" sits about a quarter em above the baseline (Noto Serif: 242–293 of 1000 units)."""
    fonts = fontset()
    assert fonts.glyph_middle("latin", "—") == pytest.approx(0.2675, abs=0.001)
    assert fonts.glyph_middle("latin", "1") == pytest.approx(0.3685, abs=0.001)


@needs_poppler
def test_extension_names_print_on_the_visit_report(tmp_path):
    report = visit_report([])
    report.findings[0].persons[0].name = f"王{EXT_A}{EXT_B}"
    path = pt.write(tmp_path, build_visit_report(report))
    assert f"王{EXT_A}{EXT_B}" in pt.text(path)
