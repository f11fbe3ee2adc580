"""Numbered copies stamped onto one build look exactly like copies built in full, each with its own hash."""
from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from inspection.pdf import MissingGlyphError, build_circular, stamping
from inspection.pdf.stamping import Stamp, StampError, build_copies

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import circular, photo, photo_annex, table_annex

pytestmark = needs_poppler

ARCHIVE = Stamp(None, "发文机关存档")
COPIES = [Stamp(f"{i:06d}", f"发示例县{unit}　份号{i:06d}") for i, unit in enumerate(("住房和城乡建设局", "公安局", "喆堃镕乡"), 1)]


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stamping")
    return circular(attachments=[photo_annex([photo(tmp, f"p{i}.jpg") for i in range(3)]), table_annex(30)])


@pytest.fixture(scope="module")
def copies(doc):
    return build_copies(doc, [ARCHIVE, *COPIES])


def squeeze(text: str) -> str:
    """Drop whitespace (pdftotext splits the trace line at its ideographic space)."""
    return re.sub(r"\s+", "", text)


def pixels(path, out_dir) -> list[Image.Image]:
    out_dir.mkdir()
    return [Image.open(p).convert("RGB") for p in pt.render(path, out_dir, dpi=60)]


def test_a_stamped_copy_renders_exactly_as_the_copy_built_in_full(doc, copies, tmp_path):
    stamp = COPIES[2]
    stamped = pt.write(tmp_path, copies[3].data, "stamped.pdf")
    full = pt.write(tmp_path, build_circular(replace(doc, copy_number=stamp.copy_number, trace_line=stamp.trace_line)),
                    "full.pdf")
    ours, theirs = pixels(stamped, tmp_path / "a"), pixels(full, tmp_path / "b")
    assert len(ours) == len(theirs) > 4
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} differs"
    info = subprocess.run(["pdfinfo", str(stamped)], capture_output=True, text=True)
    assert info.returncode == 0 and "Error" not in info.stderr, info.stderr


def test_each_copy_carries_only_its_own_number_and_trace_line_and_its_own_hash(copies, tmp_path):
    assert len({c.sha256 for c in copies}) == len(copies)
    for index, copy in enumerate(copies):
        assert hashlib.sha256(copy.data).hexdigest() == copy.sha256 and copy.size == len(copy.data)
        pages = pt.pages(pt.write(tmp_path, copy.data, f"c{index}.pdf"))
        stamp = [ARCHIVE, *COPIES][index]
        assert all(squeeze(stamp.trace_line) in squeeze(page) for page in pages), index
        others = [s for s in COPIES if s is not stamp]
        text = squeeze("".join(pages))
        assert not any(s.copy_number in text or squeeze(s.trace_line) in text for s in others), index
        assert stamping.PLACEHOLDER not in text
        if stamp.copy_number:
            assert pages[0].split()[0] == stamp.copy_number  # 份号 top left, line 1
    assert copies[0].shared is copies[1].shared  # laid out and drawn once, shared by every copy


def test_copies_are_no_larger_than_copies_built_in_full(doc, copies):
    full = build_circular(replace(doc, copy_number=COPIES[0].copy_number, trace_line=COPIES[0].trace_line))
    assert copies[1].size <= len(full) + 4_000  # the other copies' trace glyphs (喆堃镕 …), a few small streams


def test_what_cannot_be_stamped_is_refused_for_a_full_build_instead(doc):
    with pytest.raises(StampError):
        build_copies(doc, [Stamp("A-1", "发某局")])
    with pytest.raises(MissingGlyphError) as caught:
        build_copies(doc, [Stamp("000001", "发\U0010fffd局")])
    assert caught.value.where == "页脚识别行"


def test_every_cross_reference_points_at_its_object(copies):
    for copy in copies:
        data = copy.data
        start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
        size = int(re.match(rb"xref\n0 (\d+)\n", data[start:]).group(1))
        rows = data[start:].split(b"\n", 2)[2]
        for number in range(1, size):
            offset, _gen, kind = rows[20 * number:20 * number + 18].split()
            if kind == b"n":
                assert data[int(offset):].startswith(b"%d 0 obj\n" % number), number
        assert re.search(rb"/Count (\d+)", data).group(1) == str(len(pt_pages(copy))).encode()


def pt_pages(copy) -> list:
    """Return the page objects a copy's page tree lists."""
    kids = re.search(rb"/Kids \[([^\]]*)\]", copy.shared).group(1)
    return re.findall(rb"(\d+) 0 R", kids)
