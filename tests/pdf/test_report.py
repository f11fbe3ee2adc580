"""The visit report PDF, the draft warning, and the photo print-copy cache."""
from __future__ import annotations

import os
import re

from inspection.pdf import build_circular, build_visit_report, images

from . import pdftools as pt
from .pdftools import needs_poppler
from inspection.pdf.document import ReportAnswer

from .samples import circular, photo, photo_annex, visit_report

pytestmark = needs_poppler


def test_visit_report_lists_facts_answers_findings_and_photos(tmp_path):
    photos = [photo(tmp_path, f"v{i}.jpg") for i in range(3)]
    report = visit_report(photos)
    path = pt.write(tmp_path, build_visit_report(report))
    text = re.sub(r"\s+", "", pt.text(path))
    for expected in ("明察暗访检查记录", "被检查单位：县住房和城乡建设局", "一、检查清单", "签到册是否人数齐全、本人签到",
                     "不符合", "二、发现的问题", "1.考勤管理（签到册是否人数齐全）：11月18日9:30，签到册3人由他人代签。",
                     "涉及人员：王堃（办公室副主任，副科）；李玥", "三、现场照片", "照片3"):
        assert expected in text, expected
    assert sum(pt.images_per_page(path).values()) == 3
    assert all(row["emb"] == "yes" for row in pt.fonts(path))
    for page in pt.pages(path):
        assert report.warning in page
        assert report.footer in page
    pt.render(path, tmp_path)


def test_a_record_that_is_not_a_draft_is_marked_internal_without_a_diagonal_draft_mark(tmp_path):
    report = visit_report([])
    report.draft, report.warning = False, "内部资料 不得外传"
    path = pt.write(tmp_path, build_visit_report(report))
    for page in pt.pages(path):
        assert "内部资料 不得外传" in page and "草稿" not in page
    assert b"/ca" not in path.read_bytes()  # no translucent diagonal 草稿 drawn as outlines
    assert "现场照片" not in pt.text(path)
    report.warning = ""
    assert "内部资料" not in pt.text(pt.write(tmp_path, build_visit_report(report), "bare.pdf"))


def test_no_category_is_split_inside_a_word(tmp_path):
    report = visit_report([])
    report.answers = [ReportAnswer("QX01", "请销假管理", "请假人员是否有请假条", "不符合"),
                      ReportAnswer("FW01", "服务群众与工作作风", "窗口是否有人值守", "符合")]
    words = [w.text for w in pt.words(pt.write(tmp_path, build_visit_report(report)))]
    assert "请销假管理" in words  # on one line (was 请销假管/理)
    assert "服务群众与" in words and "工作作风" in words  # a longer name wraps between words


def test_draft_watermark_is_drawn_but_not_extracted(tmp_path):
    draft = pt.write(tmp_path, build_circular(circular(draft=True)), "draft.pdf")
    final = pt.write(tmp_path, build_circular(circular()), "final.pdf")
    for page in pt.pages(draft):
        assert page.count("草稿") == 1  # the banner; the big diagonal mark is outlines, not text
    assert b"/ca .08" in draft.read_bytes() or b"/ca 0.08" in draft.read_bytes()
    assert b"/ca" not in final.read_bytes()


def test_photos_are_downscaled_once_and_reused(tmp_path, monkeypatch):
    images.clear_cache()
    calls = []
    original = images._downscale
    monkeypatch.setattr(images, "_downscale", lambda *a: calls.append(a[0]) or original(*a))
    paths = [photo(tmp_path, f"c{i}.jpg") for i in range(4)]
    doc = circular(attachments=[photo_annex(paths)])
    first = build_circular(doc)
    assert sorted(calls) == sorted(paths)
    doc.copy_number, doc.trace_line = "000013", "本件发：县公安局 份号000013"
    second = build_circular(doc)
    assert len(calls) == 4, "the second copy reuses the print copies"
    assert first != second
    images.clear_cache()  # another worker process, or after a restart: the copies on disk are used
    third = build_circular(doc)
    assert len(calls) == 4, "print copies kept beside the photos are read back, not made again"
    assert len(third) == len(second)  # the same images (the PDF differs only in its creation stamp)
    kept = sorted(tmp_path.glob("c0.jpg.print-*.jpg"))
    assert len(kept) == 1


def test_print_copy_follows_a_changed_photo_and_survives_an_unwritable_folder(tmp_path, monkeypatch):
    images.clear_cache()
    path = photo(tmp_path, "p.jpg")
    images.print_copy(path, 300, 200, "测试")
    os.utime(path, ns=(1, 1))  # the source changed: a new print copy, not the old one from disk
    images.clear_cache()
    calls = []
    original = images._downscale
    monkeypatch.setattr(images, "_downscale", lambda *a: calls.append(a[0]) or original(*a))
    images.print_copy(path, 300, 200, "测试")
    assert calls == [path] and len(list(tmp_path.glob("p.jpg.print-*.jpg"))) == 2
    images.clear_cache()  # a folder the app cannot write to: the copy is made, only not kept
    monkeypatch.setattr(images, "disk_copy_path", lambda p, k: str(tmp_path / "no-such-dir" / "copy.jpg"))
    data, width, height = images.print_copy(path, 300, 200, "测试")
    assert data[:2] == b"\xff\xd8" and width and height and len(calls) == 2
