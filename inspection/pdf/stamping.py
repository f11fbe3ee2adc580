"""Numbered copies without typesetting each one: lay the circular out once, stamp 份号 and trace line per copy.

Issuing used to build every recipient's copy in full (30 copies of a 200-finding circular: 30 layouts and
30 renders). Here the circular is built once (the base), with a placeholder 份号 and no trace line; the
trace line of every copy is drawn by the same renderer on extra pages at the end of the base, so its glyphs
join the base's font subsets; then each copy is assembled from bytes:

    [base objects, shared]        every page's /Contents becomes [q, page, Q, trace] (page 1: + 份号)
    [份号 and trace streams]      this copy's own, taken from the extra pages (dropped from every copy)
    [xref, trailer]

A copy is one revision (no incremental update to strip), its own bytes and its own SHA-256: the shared part
is hashed once and each copy's hash continues from it. The 份号 line is the base's placeholder line with its
digits replaced (the placeholder holds every digit, so the subset has them all). The base's font subsets
hold the glyphs (not the text) of every copy's trace line.

Only reportlab's own output is read: a classic xref table, one flat page tree, one content stream per page.
Anything else (or a 份号 that is not all digits) raises StampError, and the caller builds copies in full.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .circular import build_circular
from .document import CircularDocument
from .layout import BLOCK_W, GREY, LEFT, MM, PAGE_H, Page, centred
from .text import printable
from .typeset import Style, single_line

PLACEHOLDER = "0123456789"  # laid out where 份号 goes: every digit in the subset, the line's slot reserved
_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_REF = re.compile(rb"(\d+) 0 R")
_TRACE_STYLE = Style("fangsong", 7, BLOCK_W)  # as layout.render draws the trace line (页脚识别行) …
TRACE_BASELINE = PAGE_H - 8 * MM  # … and where (tests/pdf/test_stamping.py compares renders pixel for pixel)


class StampError(ValueError):
    """The base PDF is not in the shape stamping expects; build the copies in full instead."""


@dataclass(frozen=True)
class Stamp:
    """What one copy carries of its own: its 份号 (six digits, or none) and its trace line (or none)."""

    copy_number: str | None
    trace_line: str | None


@dataclass
class StampedCopy:
    """One copy: the bytes shared with the other copies of the same build, its own tail, and its hash."""

    shared: bytes
    tail: bytes
    sha256: str

    @property
    def data(self) -> bytes:
        """Return the whole PDF."""
        return self.shared + self.tail

    @property
    def size(self) -> int:
        """Return the PDF's size in bytes."""
        return len(self.shared) + len(self.tail)


@dataclass
class _Pdf:
    """reportlab output cut into objects: number → bytes from "n 0 obj" to the next object."""

    header: bytes
    objects: dict[int, bytes]
    order: list[int]
    size: int
    root: int
    info: int
    file_id: bytes


def build_copies(doc: CircularDocument, stamps: list[Stamp], *, font_dir: str | None = None,
                 font_paths: Mapping[str, str] | None = None, max_pages: int | None = None) -> list[StampedCopy]:
    """Build the circular once and return one PDF per stamp, in order (MissingGlyphError, LayoutError as build_circular)."""
    stamps = [Stamp(_copy_number(s.copy_number), printable(s.trace_line) if s.trace_line else None) for s in stamps]
    if not stamps:
        return []
    base_doc = replace(doc, copy_number=PLACEHOLDER, trace_line=None, draft=False)

    def trace_pages(fonts) -> list[Page]:
        """Return one page per stamp holding its trace line, drawn as a full build draws it."""
        pages = []
        for stamp in stamps:
            page = Page(numbered=False)
            if stamp.trace_line:
                line = centred(single_line(stamp.trace_line, _TRACE_STYLE, fonts, "页脚识别行"))
                page.ops.append(("line", line, LEFT + line.indent, TRACE_BASELINE, GREY, 100, ""))
            pages.append(page)
        return pages

    base = _parse(build_circular(base_doc, font_dir=font_dir, font_paths=font_paths, max_pages=max_pages,
                                 extra_pages=trace_pages))
    template = _Template(base, len(stamps))
    return [template.copy(stamp, trace) for stamp, trace in zip(stamps, template.traces)]


def _copy_number(value: str | None) -> str | None:
    """Return a 份号 as printed (six digits); StampError for one that is not digits."""
    if not value:
        return None
    if not value.isdigit():
        raise StampError("only a numeric 份号 can be stamped")
    return value.zfill(6)


class _Template:
    """The shared part of every copy, laid out once; `copy` adds one copy's stamps, xref and trailer."""

    def __init__(self, base: _Pdf, extra: int):
        self.base = base
        every = _pages(base)
        if len(every) <= extra:
            raise StampError("the stamp pages are missing")
        pages, stamp_pages = every[:-extra], every[-extra:]
        dropped = set(stamp_pages) | {_content_ref(base.objects[n]) for n in stamp_pages}
        self.traces = [b"\n".join(l for l in _content(base, n).splitlines() if l.startswith(b"BT ")) for n in stamp_pages]
        first_content = _content_ref(base.objects[pages[0]])
        kept, number_line = [], None
        for line in _content(base, pages[0]).splitlines():
            if number_line is None and line.startswith(b"BT ") and b"(" + PLACEHOLDER.encode() + b") Tj" in line:
                number_line = line
            else:
                kept.append(line)
        if number_line is None:
            raise StampError("the 份号 placeholder is not on page 1")
        self.number_line = number_line
        tree = _tree(base)
        self.open_q, self.close_q, self.number_obj, self.trace_obj = range(base.size, base.size + 4)
        self.size = base.size + 4
        parts, offsets, page_set = [base.header], {}, set(pages)
        at = len(base.header)

        def put(number: int, body: bytes) -> None:
            nonlocal at
            blob = b"%d 0 obj\n" % number + body + b"\nendobj\n"
            offsets[number] = at
            parts.append(blob)
            at += len(blob)

        for number in base.order:
            if number in dropped:
                continue
            body = _body(base.objects[number])
            if number == first_content:
                body = _stream(zlib.compress(b"\n".join(kept) + b"\n"), compressed=True)
            elif number in page_set:
                body = self._page(body, first=number == pages[0])
            elif number == tree:
                body = re.sub(rb"/Kids \[[^\]]*\]", b"/Kids [ " + b" ".join(b"%d 0 R" % n for n in pages) + b" ]",
                              body, count=1)
                body = re.sub(rb"/Count \d+", b"/Count %d" % len(pages), body, count=1)
            put(number, body)
        put(self.open_q, _stream(b"q\n"))
        put(self.close_q, _stream(b"Q\n"))
        self.offsets = offsets
        self.shared = b"".join(parts)
        self.hasher = hashlib.sha256(self.shared)

    def _page(self, body: bytes, *, first: bool) -> bytes:
        """Point a page's contents at the shared q and Q streams and at this copy's stamps."""
        content = _content_ref(b"0 obj\n" + body)
        extra = b" %d 0 R" % self.number_obj if first else b""
        refs = b"[ %d 0 R %d 0 R %d 0 R %d 0 R%s ]" % (self.open_q, content, self.close_q, self.trace_obj, extra)
        body, count = re.subn(rb"/Contents \d+ 0 R", b"/Contents " + refs, body, count=1)
        if count != 1:
            raise StampError("unexpected page dictionary")
        return body

    def copy(self, stamp: Stamp, trace_line: bytes) -> StampedCopy:
        """Assemble one copy: its 份号 stream, its trace stream, the xref and the trailer."""
        number = trace = b""
        if stamp.copy_number:
            number = b"q\n" + self.number_line.replace(b"(" + PLACEHOLDER.encode() + b")",
                                                       b"(" + stamp.copy_number.encode() + b")") + b"\nQ\n"
        if trace_line:
            trace = b"q\n" + trace_line + b"\nQ\n"
        offsets = dict(self.offsets)
        at = len(self.shared)
        tail = []
        for obj, data in ((self.number_obj, number), (self.trace_obj, trace)):
            blob = b"%d 0 obj\n" % obj + _stream(data) + b"\nendobj\n"
            offsets[obj] = at
            tail.append(blob)
            at += len(blob)
        tail.append(self._xref(offsets, at, hashlib.sha256(number + trace).hexdigest()[:32].encode()))
        tail = b"".join(tail)
        hasher = self.hasher.copy()
        hasher.update(tail)
        return StampedCopy(shared=self.shared, tail=tail, sha256=hasher.hexdigest())

    def _xref(self, offsets: dict[int, int], at: int, second_id: bytes) -> bytes:
        """Write the cross-reference table (objects left out of the copy are free) and the trailer."""
        free = [n for n in range(1, self.size) if n not in offsets]
        next_free = dict(zip(free, free[1:] + [0]))
        rows = [b"%010d 65535 f \n" % (free[0] if free else 0)]
        for n in range(1, self.size):
            rows.append(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"%010d 00001 f \n" % next_free[n])
        trailer = (b"trailer\n<<\n/ID [<%s><%s>]\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                   % (self.base.file_id, second_id, self.base.info, self.base.root, self.size, at))
        return b"xref\n0 %d\n" % self.size + b"".join(rows) + trailer


def _parse(data: bytes) -> _Pdf:
    """Cut reportlab's output into objects by its xref table."""
    match = _XREF.search(data[-64:])
    if match is None:
        raise StampError("no startxref")
    xref_at = int(match.group(1))
    head = re.match(rb"xref\n0 (\d+)\n", data[xref_at:xref_at + 32])
    if head is None:
        raise StampError("not a classic xref table")
    size = int(head.group(1))
    rows_at = xref_at + head.end()
    offsets = {}
    for n in range(1, size):
        row = data[rows_at + 20 * n:rows_at + 20 * n + 20]
        if row[17:18] == b"n":
            offsets[n] = int(row[:10])
    order = sorted(offsets, key=offsets.get)
    bounds = [offsets[n] for n in order] + [xref_at]
    objects = {n: data[bounds[i]:bounds[i + 1]] for i, n in enumerate(order)}
    trailer = data[rows_at + 20 * size:]
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    info = re.search(rb"/Info (\d+) 0 R", trailer)
    file_id = re.search(rb"/ID\s*\[<([0-9a-fA-F]+)>", trailer)
    if not (root and info and file_id):
        raise StampError("trailer without /Root, /Info or /ID")
    return _Pdf(header=data[:bounds[0]], objects=objects, order=order, size=size, root=int(root.group(1)),
                info=int(info.group(1)), file_id=file_id.group(1))


def _body(obj: bytes) -> bytes:
    """Return what lies between "n 0 obj\\n" and "endobj"."""
    start = obj.index(b" 0 obj\n") + len(b" 0 obj\n")
    end = obj.rindex(b"endobj")
    return obj[start:end].rstrip(b"\n")


def _dict_part(obj: bytes) -> bytes:
    """Return an object's text before its stream data (all of it when it has none)."""
    cut = obj.find(b"\nstream\n")
    return obj if cut < 0 else obj[:cut]


def _tree(pdf: _Pdf) -> int:
    """Return the object number of the page tree's root."""
    tree = re.search(rb"/Pages (\d+) 0 R", _dict_part(pdf.objects[pdf.root]))
    if tree is None:
        raise StampError("no page tree")
    return int(tree.group(1))


def _pages(pdf: _Pdf) -> list[int]:
    """Return the page objects in order (reportlab writes one flat /Kids list)."""
    kids = re.search(rb"/Kids \[([^\]]*)\]", _dict_part(pdf.objects[_tree(pdf)]))
    if kids is None:
        raise StampError("no flat page tree")
    pages = [int(n) for n in _REF.findall(kids.group(1))]
    if any(b"/Type /Pages" in _dict_part(pdf.objects[n]) for n in pages):
        raise StampError("nested page tree")
    return pages


def _content_ref(page: bytes) -> int:
    """Return the object number of a page's one content stream."""
    match = re.search(rb"/Contents (\d+) 0 R", page)
    if match is None:
        raise StampError("page without a single content stream")
    return int(match.group(1))


def _content(pdf: _Pdf, page: int) -> bytes:
    """Return a page's content stream, inflated."""
    obj = pdf.objects[_content_ref(pdf.objects[page])]
    head = _dict_part(obj)
    data = obj[len(head) + len(b"\nstream\n"):obj.rindex(b"endstream")]
    length = re.search(rb"/Length (\d+)", head)
    if length:
        data = data[:int(length.group(1))]
    return zlib.decompress(data) if b"/FlateDecode" in head else data


def _stream(data: bytes, *, compressed: bool = False) -> bytes:
    """Return a stream object's body."""
    flt = b"/Filter [ /FlateDecode ] " if compressed else b""
    return b"<<\n%s/Length %d\n>>\nstream\n%s\nendstream" % (flt, len(data), data)
