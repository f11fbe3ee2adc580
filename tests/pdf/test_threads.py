"""PDFs built in several threads at once (the threaded dev server, concurrent issuing) stay intact."""
from __future__ import annotations

import threading
import time

from inspection.pdf import build_circular, layout

from . import pdftools as pt
from .pdftools import needs_poppler
from .samples import circular


def test_documents_are_drawn_one_at_a_time_so_shared_font_subsets_are_not_corrupted(monkeypatch):
    # reportlab subsets fonts by seeking in a file object shared by every document using the font
    active, overlaps = [], []
    original_save = layout.Canvas.save

    def slow_save(canvas):
        active.append(canvas)
        if len(active) > 1:
            overlaps.append(len(active))
        time.sleep(0.05)  # long enough that unguarded saves in four threads would meet here
        try:
            return original_save(canvas)
        finally:
            active.remove(canvas)

    monkeypatch.setattr(layout.Canvas, "save", slow_save)
    outputs, errors = [], []

    def build(i):
        try:
            outputs.append(build_circular(circular(copy_number=f"{i:06d}")))
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=build, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(outputs) == 4
    assert overlaps == [], "two PDFs were saved at the same time"


@needs_poppler
def test_circulars_built_in_parallel_read_back_whole(tmp_path):
    outputs = {}

    def build(i):
        outputs[i] = build_circular(circular(copy_number=f"{i:06d}"))

    threads = [threading.Thread(target=build, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    single = pt.text(pt.write(tmp_path, build_circular(circular(copy_number="000099")), "one.pdf"))
    for i, data in outputs.items():
        text = pt.text(pt.write(tmp_path, data, f"p{i}.pdf"))
        assert text.replace(f"{i:06d}", "000099") == single, i
