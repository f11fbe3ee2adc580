"""Print copies made when a photo arrives are the ones a photo annex asks for on its full pages."""
from __future__ import annotations

import hashlib
import io
from dataclasses import replace

from PIL import Image

from inspection.pdf import annex, build_circular, images

from .samples import circular, photo, photo_annex


def test_the_annex_places_photos_on_full_pages_in_the_prepared_boxes(tmp_path, monkeypatch):
    assert annex.CAPTION_PITCH == images.CAPTION_PITCH
    requested = []
    original = annex.print_copies
    monkeypatch.setattr(annex, "print_copies", lambda reqs: requested.extend(reqs) or original(reqs))
    paths = [photo(tmp_path, f"b{i}.jpg") for i in range(8)]
    attachment = photo_annex(paths)
    attachment.photos[3:] = [replace(p, note="现场拍摄的签到册") for p in attachment.photos[3:]]  # a 说明 line
    build_circular(circular(attachments=[attachment]))
    full_pages = requested[2:-2]  # the annex's first page is shorter; its last leaves room for 版记
    boxes = {(round(w, 3), round(h, 3)) for w, h in images.annex_boxes()}
    assert {(round(w, 3), round(h, 3)) for _, w, h, _ in full_pages} == boxes  # with and without a 说明


def test_photos_prepared_on_arrival_are_not_decoded_again_by_the_first_build(tmp_path, monkeypatch):
    images.clear_cache()
    paths = [photo(tmp_path, f"a{i}.jpg") for i in range(6)]
    for path in paths:
        images.prepare_print_copies(path)
    images.clear_cache()  # another process builds the circular: only the files beside the photos remain
    calls = []
    original = images._downscale
    monkeypatch.setattr(images, "_downscale", lambda *a: calls.append(a[0]) or original(*a))
    build_circular(circular(attachments=[photo_annex(paths)]))
    assert set(paths[:2]) <= set(calls) <= set(paths[:2] + paths[-2:])  # the first page's smaller boxes (and a
    # last page that leaves room for 版记) are made at first use; every full page reads what arrival made


def test_an_arriving_photo_has_its_print_copies_queued(app, world, monkeypatch):
    from inspection.photos import services

    queued = []
    monkeypatch.setattr(services, "prepare_in_background", queued.append)
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 90, 160)).save(out, "JPEG", quality=80)
    data = out.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    services.ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=world.users["inspector1"],
                          max_bytes=10_000_000, max_pixels=50_000_000)
    assert queued == [str(services.variant_path(app.config["PHOTO_DIR"], sha, "display"))]


def test_a_photo_that_cannot_be_read_is_left_to_its_first_use(tmp_path, caplog):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    images.prepare_in_background(str(broken)).result()
    assert "not prepared" in caplog.text and not list(tmp_path.glob("broken.jpg.print-*"))
