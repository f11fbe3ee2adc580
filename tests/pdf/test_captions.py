"""Photo captions: 问题 is the finding's description, the photo's own caption is printed as 说明."""
from dataclasses import replace

from inspection.pdf.annex import caption_lines
from inspection.pdf.document import PhotoEntry
from inspection.pdf.fonts import fontset


def entry(**changes) -> PhotoEntry:
    base = PhotoEntry("unused.jpg", "县教体局", "2026年11月18日 9:30", "一楼", "签到册3人笔迹一致，系他人代签")
    return replace(base, **changes)


def texts(photo: PhotoEntry, max_lines: int = 6) -> list[str]:
    return [line.text for line in caption_lines(photo, 1, fontset(None, None), "照片说明", max_lines=max_lines)]


def test_a_photo_caption_is_its_shuoming_and_the_problem_stays_the_findings():
    assert texts(entry(note="现场拍摄的签到册")) == [
        "照片1　县教体局", "时间：2026年11月18日 9:30　地点：一楼", "问题：签到册3人笔迹一致，系他人代签",
        "说明：现场拍摄的签到册"]


def test_no_caption_no_shuoming_line():
    assert texts(entry()) == ["照片1　县教体局", "时间：2026年11月18日 9:30　地点：一楼", "问题：签到册3人笔迹一致，系他人代签"]
    assert texts(entry(note="签到册3人笔迹一致，系他人代签"))[-1].startswith("问题：")  # said once, not twice


def test_the_problem_keeps_its_lines_before_the_shuoming_when_room_is_short():
    lines = texts(entry(problem="代签" * 60, note="说明文字" * 30), max_lines=5)
    assert len(lines) == 5 and lines[2].startswith("问题：") and lines[-1].startswith("说明：")
    assert lines[3].endswith("…") and lines[-1].endswith("…")  # both clipped, the problem given the spare line
