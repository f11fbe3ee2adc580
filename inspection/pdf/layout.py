"""Page geometry of GB/T 9704-2012, a page display list, grid flow of paragraphs, and the PDF renderer."""
from __future__ import annotations

import gzip
import io
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from .fonts import FontSet, shipped_source
from .pdftext import draw_line
from .typeset import Line, Style, break_lines, single_line

MM = 72 / 25.4
PAGE_W, PAGE_H = A4
LEFT = 28 * MM
TOP = 37 * MM
BLOCK_W = 156 * MM
BLOCK_H = 225 * MM
BOTTOM = TOP + BLOCK_H
LINES = 22
PITCH = BLOCK_H / LINES  # 28.99 pt
EM_TOP = 0.88  # baseline sits 0.88 em below the top of a CJK em box
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
SMALL_SIZE = 14.0  # 4号
# A landscape page (a wide table) keeps the sheet upright and turns its content a quarter turn, the top of
# the content towards the binding edge of odd pages (GB/T 9704-2012 10.1: 单页码表头在订口一边, 双页码表头在切口一边,
# which is the left edge of both). Its text block is the portrait one turned: 225 × 156 mm, 35 mm from the
# landscape left edge and 28 mm from its top. Page numbers stay where portrait pages have them.
LAND_W, LAND_H = PAGE_H, PAGE_W
LAND_LEFT = PAGE_H - BOTTOM
LAND_TOP = LEFT
LAND_BLOCK_W = BLOCK_H
LAND_BOTTOM = LAND_TOP + BLOCK_W
MAX_PAGES = 500  # hard limit of every builder: a document that needs more is refused (LayoutError), never looped on

# Binary streams: ASCII85 would add a quarter to every photo and font and cost time (process-wide setting).
rl_config.useA85 = 0

RED = CMYKColor(0, 1, 1, 0)  # 红头 red, CMYK 0/100/100/0 (0/80/80/0 prints orange)
BLACK = CMYKColor(0, 0, 0, 1)
GREY = CMYKColor(0, 0, 0, 0.45)


class LayoutError(ValueError):
    """A document cannot be laid out: it needs more than the page limit, or a part cannot fit on a page.

    `where` names the part (as MissingGlyphError does, e.g. 附件2 表格第3行第6列); `message` is Chinese and
    safe to show to the user.
    """

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        self.message = f"{reason}（位置：{where or '正文'}）。请精简该处文字后再试。"
        super().__init__(self.message)


def page_limit_error(max_pages: int, where: str) -> LayoutError:
    """Return the error for a document that would need more than `max_pages` pages."""
    return LayoutError(where, f"文档超过{max_pages}页的上限，排到此处时仍未排完")


def date_cn(value) -> str:
    """Format a date as 2026年11月28日 (Arabic numerals, no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def slot_top(slot: int) -> float:
    """Return the distance from the page top to the top of grid line `slot` (0-based)."""
    return TOP + slot * PITCH


def baseline(top: float, size: float) -> float:
    """Return the baseline for text whose em box starts at `top`."""
    return top + EM_TOP * size


@dataclass
class Page:
    """One page's drawing operations (y measured from the page top) and its furniture flags."""

    ops: list[tuple] = field(default_factory=list)
    numbered: bool = True
    bottom: float = TOP  # lowest y used by content
    landscape: bool = False  # ops are in landscape coordinates (LAND_*), drawn turned a quarter

    def text(self, line: Line, x: float, top: float, *, color=BLACK, scale: float = 100.0, tag: str = "") -> None:
        """Draw a laid-out line with its em box top at `top`."""
        self.ops.append(("line", line, x + line.indent, baseline(top, line.size), color, scale, tag))
        self.bottom = max(self.bottom, top + line.size)

    def rule(self, x1: float, x2: float, y: float, width: float, color=BLACK) -> None:
        """Draw a horizontal rule centred on y."""
        self.ops.append(("rule", x1, x2, y, width, color))
        self.bottom = max(self.bottom, y + width / 2)

    def star(self, cx: float, cy: float, radius: float, color=RED) -> None:
        """Draw a solid five-pointed star."""
        self.ops.append(("star", cx, cy, radius, color))

    def image(self, reader, x: float, top: float, width: float, height: float) -> None:
        """Draw an image with its top-left corner at (x, top)."""
        self.ops.append(("image", reader, x, top, width, height))
        self.bottom = max(self.bottom, top + height)

    def box(self, x: float, top: float, width: float, height: float, line_width: float = 0.5) -> None:
        """Draw an unfilled rectangle."""
        self.ops.append(("box", x, top, width, height, line_width))
        self.bottom = max(self.bottom, top + height)


class Flow:
    """Paragraphs laid on the 22-line grid across pages."""

    def __init__(self, fonts: FontSet, pages: list[Page], max_pages: int | None = None):
        self.fonts = fonts
        self.pages = pages
        self.slot = 0
        self.max_pages = max_pages or MAX_PAGES  # read when the document starts, so a test may lower it
        self.where = ""  # the part being laid out, named in a LayoutError

    @property
    def page(self) -> Page:
        """Return the page being filled."""
        return self.pages[-1]

    def new_page(self, numbered: bool = True, landscape: bool = False) -> Page:
        """Start a new page at grid line 1 (LayoutError past the page limit)."""
        if len(self.pages) >= self.max_pages:
            raise page_limit_error(self.max_pages, self.where)
        self.pages.append(Page(numbered=numbered, landscape=landscape))
        self.slot = 0
        return self.page

    def skip(self, lines: int = 1) -> None:
        """Leave blank grid lines (not carried over to a new page)."""
        self.slot = min(self.slot + lines, LINES)

    def snap_to(self, y: float) -> None:
        """Move to the first grid line whose top is at or below y."""
        self.slot = max(self.slot, math.ceil((y - TOP) / PITCH - 1e-6))

    def remaining(self) -> int:
        """Return the free grid lines on the current page."""
        return LINES - self.slot

    def place(self, lines: list[Line], *, color=BLACK, keep_with_next: int = 0, tag: str = "body",
              x: float = LEFT) -> None:
        """Put lines on consecutive grid lines, breaking pages; keep headings with the next line(s)."""
        if keep_with_next and len(lines) + keep_with_next > self.remaining() and self.slot > 0:
            self.new_page()
        for line in lines:
            if self.slot >= LINES:
                self.new_page()
            self.page.text(line, x, slot_top(self.slot), color=color, tag=tag)
            self.slot += 1

    def paragraph(self, text: str, style: Style, where: str, **kwargs) -> list[Line]:
        """Break and place one paragraph."""
        self.where = where
        lines = break_lines(text, style, self.fonts, where)
        self.place(lines, **kwargs)
        return lines

    def pull_back(self, count: int, tag: str = "body") -> None:
        """Move the last `count` tagged lines of the current page onto a new page (keeps a block with text)."""
        page = self.page
        moved = []
        for index in range(len(page.ops) - 1, -1, -1):
            op = page.ops[index]
            if op[0] == "line" and op[6] == tag:
                moved.insert(0, page.ops.pop(index))
                if len(moved) == count:
                    break
        self.new_page()
        for op in moved:
            kind, line, x, _base, color, scale, op_tag = op
            self.page.ops.append((kind, line, x, baseline(slot_top(self.slot), line.size), color, scale, op_tag))
            self.page.bottom = slot_top(self.slot) + line.size
            self.slot += 1


def centred(line: Line, width: float = BLOCK_W) -> Line:
    """Return the line with an indent that centres it in `width`."""
    line.indent = max((width - line.width()) / 2, 0)
    return line


def right_aligned(line: Line, right_gap: float) -> Line:
    """Return the line indented so that it ends `right_gap` points before the text block's right edge."""
    line.indent = max(BLOCK_W - right_gap - line.width(), 0)
    return line


@dataclass
class Furniture:
    """What every page carries besides its content."""

    fonts: FontSet
    trace_line: str | None = None
    draft: bool = False
    draft_text: str = "草稿 未经审核 不得外传"


def page_number_line(number: int, fonts: FontSet) -> Line:
    """Return "— n —" in the half-width proportional font, 4号."""
    style = Style(role="latin", size=SMALL_SIZE, width=BLOCK_W)
    return single_line(f"— {number} —", style, fonts, "页码")


# reportlab subsets a TrueType font by seeking and reading in the font file object it shares between
# documents, so two threads saving PDFs with the same fonts corrupt each other's subsets (seen as a
# KeyError from a glyph index read at the wrong offset). Layout runs in parallel; drawing takes turns.
_render_lock = threading.Lock()


def render(pages: list[Page], furniture: Furniture, *, title: str, author: str, subject: str = "") -> bytes:
    """Draw the pages into a PDF and return its bytes (one document at a time per process, see above)."""
    with _render_lock:
        return _render(pages, furniture, title=title, author=author, subject=subject)


def _render(pages: list[Page], furniture: Furniture, *, title: str, author: str, subject: str) -> bytes:
    """Draw the pages into a PDF and return its bytes."""
    fonts = furniture.fonts
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=fonts.primary("latin").name, initialFontSize=12,
                    pageCompression=1, invariant=0)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("inspection (GB/T 9704-2012 circular builder)")
    trace = draft = None
    if furniture.trace_line:
        trace = centred(single_line(furniture.trace_line, Style("fangsong", 7, BLOCK_W), fonts, "页脚识别行"))
    if furniture.draft:
        draft = centred(single_line(furniture.draft_text, Style("heiti", 12, BLOCK_W), fonts, "草稿标记"))
    for number, page in enumerate(pages, start=1):
        if draft is not None:
            _watermark(canvas)
        if page.landscape:
            canvas.saveState()
            canvas.translate(PAGE_W, 0)
            canvas.rotate(90)
        for op in page.ops:
            _draw(canvas, op, LAND_H if page.landscape else PAGE_H)
        if page.landscape:
            canvas.restoreState()
        if page.numbered:
            line = page_number_line(number, fonts)
            gap = SMALL_SIZE
            line.indent = BLOCK_W - gap - line.width() if number % 2 else gap
            # GB/T 9704 7.5: the dashes themselves 7 mm below the text block (not the line's em box)
            dash = BOTTOM + 7 * MM + fonts.glyph_middle("latin", "—") * SMALL_SIZE
            _draw(canvas, ("line", line, LEFT + line.indent, dash, BLACK, 100, ""))
        if trace is not None:
            _draw(canvas, ("line", trace, LEFT + trace.indent, PAGE_H - 8 * MM, GREY, 100, ""))
        if draft is not None:
            _draw(canvas, ("line", draft, LEFT + draft.indent, baseline(18 * MM, 12), RED, 100, ""))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _PathPen(BasePen):
    """Turn glyph outlines into a reportlab path (quadratic curves become cubic ones)."""

    def __init__(self, glyph_set, path, scale: float, dx: float):
        super().__init__(glyph_set)
        self.path, self.scale, self.dx = path, scale, dx

    def _point(self, point):
        """Scale a font-unit point and shift it along the line."""
        return self.dx + point[0] * self.scale, point[1] * self.scale

    def _moveTo(self, p0):
        """Start a contour."""
        self.path.moveTo(*self._point(p0))

    def _lineTo(self, p1):
        """Draw a straight segment."""
        self.path.lineTo(*self._point(p1))

    def _curveToOne(self, p1, p2, p3):
        """Draw a cubic segment."""
        self.path.curveTo(*self._point(p1), *self._point(p2), *self._point(p3))

    def _closePath(self):
        """Close the contour."""
        self.path.close()


@lru_cache(maxsize=1)
def _watermark_font() -> TTFont:
    """Open the shipped 黑体 with fontTools (for outlines only)."""
    with open(shipped_source("heiti").path, "rb") as handle:
        return TTFont(io.BytesIO(gzip.decompress(handle.read())), lazy=True)


def _watermark(canvas: Canvas, text: str = "草稿", size: float = 150) -> None:
    """Print a large, light, diagonal 草稿 under the content, as outlines so text extraction ignores it."""
    font = _watermark_font()
    glyph_set, cmap = font.getGlyphSet(), font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    names = [cmap[ord(char)] for char in text]
    width = sum(glyph_set[name].width for name in names) * scale
    canvas.saveState()
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.08)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(45)
    path = canvas.beginPath()
    x = -width / 2
    for name in names:
        glyph_set[name].draw(_PathPen(glyph_set, path, scale, x))
        x += glyph_set[name].width * scale
    canvas.translate(0, -size * 0.35)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=0)
    canvas.restoreState()


def _draw(canvas: Canvas, op: tuple, page_h: float = PAGE_H) -> None:
    """Execute one display-list operation (y from the top is flipped here, on a page `page_h` tall)."""
    kind = op[0]
    if kind == "line":
        _, line, x, base, color, scale, _tag = op
        draw_line(canvas, line, x, page_h - base, color, scale)  # Tz persists in the graphics state: always set
    elif kind == "rule":
        _, x1, x2, y, width, color = op
        canvas.setStrokeColor(color)
        canvas.setLineWidth(width)
        canvas.line(x1, page_h - y, x2, page_h - y)
    elif kind == "star":
        _, cx, cy, radius, color = op
        path = canvas.beginPath()
        for i in range(10):
            r = radius if i % 2 == 0 else radius * 0.382
            angle = math.pi / 2 + i * math.pi / 5
            point = (cx + r * math.cos(angle), page_h - cy + r * math.sin(angle))
            path.moveTo(*point) if i == 0 else path.lineTo(*point)
        path.close()
        canvas.setFillColor(color)
        canvas.drawPath(path, stroke=0, fill=1)
    elif kind == "image":
        _, reader, x, top, width, height = op
        canvas.drawImage(reader, x, page_h - top - height, width, height)
    elif kind == "box":
        _, x, top, width, height, line_width = op
        canvas.setStrokeColor(BLACK)
        canvas.setLineWidth(line_width)
        canvas.rect(x, page_h - top - height, width, height, stroke=1, fill=0)
