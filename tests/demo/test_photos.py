"""Demo evidence photos: drawn in Chinese with the shipped .ttf.gz fonts, the scene chosen by the checklist item."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageFont

from inspection.demo import photos

ITEMS = {
    "有无他人代签、补签现象": ("signin", "干部职工考勤签到册"),
    "请假是否履行审批手续": ("leave", "请　假　条"),
    "工作人员是否在岗在位": ("desk", "工作时间　8:30—12:00　14:30—17:30"),
    "公务用车是否登记使用": ("form", "公务用车使用登记表"),
    "办公用房是否超标": ("form", "办公用房使用情况登记表"),
}


def test_fonts_come_from_the_shipped_gzip_files():
    font = photos._font("fangsong", 30)
    assert isinstance(font, ImageFont.FreeTypeFont)  # was Pillow's built-in bitmap font: no .tt[fc] files ship
    assert font.getmask("签").getbbox() is not None


@pytest.mark.parametrize("title", list(ITEMS))
def test_each_scene_is_drawn_in_chinese_only(title):
    scene, heading = ITEMS[title]
    assert photos.scene_for(title) == scene
    image, texts = photos.render_photo(title, ["2026-11-16 08:10", "办公室", "发现问题"], seed=3)
    assert heading in texts
    assert "2026年11月16日 08:10" in texts and "办公室" in texts
    assert not any(re.search("[A-Za-z]", text) for text in texts), texts
    assert title not in texts  # the checklist question is not printed on the evidence
    picture = Image.open(io.BytesIO(image))
    assert picture.format == "JPEG" and picture.size == (1600, 1200)


def test_photos_are_deterministic_for_a_seed():
    first = photos.draw_photo("有无他人代签、补签现象", ["2026-11-16 08:10", "办公室"], seed=7)
    assert first == photos.draw_photo("有无他人代签、补签现象", ["2026-11-16 08:10", "办公室"], seed=7)
    assert first != photos.draw_photo("有无他人代签、补签现象", ["2026-11-16 08:10", "办公室"], seed=8)


def test_every_default_checklist_item_gets_a_chinese_scene_of_its_own_kind():
    from inspection.checklists.defaults import DEFAULT_ITEMS

    headings = set()
    for _code, _category, text, _guidance, _photo in DEFAULT_ITEMS:
        _image, texts = photos.render_photo(text[:14], ["2026-11-16 08:10", "办公室"], seed=1)
        assert not any(re.search("[A-Za-z]", t) for t in texts), (text, texts)
        headings.add(texts[0])
    assert "工作登记簿" not in headings  # each of the 34 items finds its own register, slip, sheet or desk
    assert len(headings) >= 9
