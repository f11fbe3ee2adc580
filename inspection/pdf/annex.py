"""Attachment pages: 附件N heading and title, then text blocks, photos (two to a page) or a table."""
from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.pdfbase.pdfmetrics import stringWidth

from .document import Attachment, Block, PhotoEntry, Table
from .fonts import FontSet
from .glyphs import BLOCK_ROLE
from .images import print_copies, reader
from .layout import (BLOCK_W, BODY_SIZE, BOTTOM, LAND_BLOCK_W, LAND_BOTTOM, LAND_LEFT, LAND_TOP, LEFT, LINES, MM,
                     PITCH, SMALL_SIZE, TOP, Flow, LayoutError, Page, centred, slot_top)
from .tables import column_widths, estimated_lines, measure_table
from .titles import TITLE, balanced_title
from .typeset import Line, Style, Token, break_lines, single_line

BODY_PITCH = BLOCK_W / 28
CAPTION = Style("fangsong", SMALL_SIZE, BLOCK_W, grid_chars=31)
CAPTION_PITCH = SMALL_SIZE * 1.45
TABLE_SIZE = 12.0
TABLE_LEADING = 17.0
CELL_PAD = 3.0
LANDSCAPE_COLUMNS = 6  # a table with this many columns or more is set landscape ...
LANDSCAPE_GAIN = 0.9  # ... when its rows then take at most this share of the lines they take upright


@dataclass(frozen=True)
class Frame:
    """The text block a table is set in: a portrait page's, or a landscape page's (layout.LAND_*)."""

    left: float
    top: float
    width: float
    bottom: float
    landscape: bool = False


PORTRAIT = Frame(LEFT, TOP, BLOCK_W, BOTTOM)
LANDSCAPE = Frame(LAND_LEFT, LAND_TOP, LAND_BLOCK_W, LAND_BOTTOM, landscape=True)


def block_style(kind: str) -> Style:
    """Return the style of a body block kind (h1 黑体, h2 楷体, others 仿宋), indented two characters."""
    return Style(BLOCK_ROLE.get(kind, "fangsong"), BODY_SIZE, BLOCK_W, grid_chars=28, first_indent=2 * BODY_PITCH)


def block_paragraphs(block: Block) -> list[str | list[tuple[str, str]]]:
    """Return a block's paragraphs (one per text line); a run-in heading makes the first one two font runs."""
    parts = [part.strip() for part in block.text.splitlines() if part.strip()] or [""]
    role = BLOCK_ROLE.get(block.kind, "fangsong")
    lead = block.lead.strip()
    if lead and parts[0].startswith(lead):
        parts[0] = [(BLOCK_ROLE.get(block.lead_kind, role), lead), (role, parts[0][len(lead):])]
    return parts


def place_blocks(flow: Flow, blocks: list[Block], where_prefix: str) -> None:
    """Lay body blocks on the grid, keeping headings with the following line."""
    for index, block in enumerate(blocks, start=1):
        heading = block.kind in ("h1", "h2")
        for paragraph in block_paragraphs(block):
            flow.paragraph(paragraph, block_style(block.kind), f"{where_prefix}第{index}段",
                           keep_with_next=1 if heading and index < len(blocks) else 0)


def attachment_label(number: int, total: int) -> str:
    """Return 附件 or 附件N."""
    return "附件" if total == 1 else f"附件{number}"


def start_attachment(flow: Flow, attachment: Attachment, number: int, total: int, frame: Frame = PORTRAIT) -> None:
    """Open a new page with 附件N top left (3号 黑体) and the title centred from line 3."""
    fonts = flow.fonts
    label = attachment_label(number, total)
    mark = single_line(label, Style("heiti", BODY_SIZE, frame.width), fonts, f"{label} 标记")
    lines = balanced_title(attachment.title, fonts, f"{label} 标题", replace(TITLE, width=frame.width))
    page = flow.new_page(landscape=frame.landscape)
    if frame.landscape:  # a landscape page holds one table: its heading is drawn in the turned block
        for slot, line in [(0, mark)] + list(enumerate(lines, start=2)):
            page.text(line, frame.left, frame.top + slot * PITCH, tag="annex")
        flow.slot = 2 + len(lines) + 1
        return
    flow.place([mark], tag="annex")
    flow.slot = 2
    flow.place(lines, tag="annex")
    flow.skip(1)


def place_attachment(flow: Flow, attachment: Attachment, number: int, total: int, reserve: float = 0.0) -> None:
    """Lay out one attachment after its heading (`reserve`: room to leave on an even last page of photos)."""
    label = attachment_label(number, total)
    if attachment.kind == "table" and attachment.table is not None:
        frame, widths = table_frame(attachment.table, flow.fonts, label)
        start_attachment(flow, attachment, number, total, frame)
        place_table(flow, attachment.table, label, frame=frame, widths=widths)
        return
    start_attachment(flow, attachment, number, total)
    if attachment.kind == "photos":
        place_photos(flow, attachment.photos, label, reserve=reserve)
    else:
        place_blocks(flow, attachment.blocks, f"{label} ")


CAPTION_SHARE = 0.4  # at most this share of a photo's half page goes to its caption; the photo keeps the rest


def caption_lines(entry: PhotoEntry, number: int, fonts: FontSet, where: str, max_lines: int = 99) -> list[Line]:
    """Return the caption of one photo: number and unit, time and place, the problem, its 说明 (clipped to max_lines)."""
    problem = Style("fangsong", SMALL_SIZE, BLOCK_W, grid_chars=31, indent=3 * (BLOCK_W / 31))
    parts = [break_lines(f"照片{number}　{entry.unit}", CAPTION, fonts, where),
             break_lines(f"时间：{entry.taken_at}　地点：{entry.place}", CAPTION, fonts, where),
             break_lines(f"问题：{entry.problem}", problem, fonts, where)]
    if entry.note and entry.note != entry.problem:
        parts.append(break_lines(f"说明：{entry.note}", problem, fonts, where))
    shares, spare = [1] * len(parts), max(max_lines, len(parts)) - len(parts)
    for i in (2, *range(3, len(parts)), 1, 0):  # each keeps a line; spare lines go to 问题, 说明, time and place
        extra = min(len(parts[i]) - 1, spare)
        shares[i] += extra
        spare -= extra
    lines: list[Line] = []
    for part, share in zip(parts, shares):
        lines += part if len(part) <= share else part[:share - 1] + [_ellipsis(part[share - 1], fonts, where)]
    return lines


def _ellipsis(line: Line, fonts: FontSet, where: str) -> Line:
    """Return a line whose last character is replaced by …, marking text left out."""
    tokens = list(line.tokens)
    while tokens and tokens[-1].text == " ":
        tokens.pop()
    if tokens:
        tokens.pop()
    font = fonts.require("fangsong", "…", where).name
    tokens.append(Token("…", font, stringWidth("…", font, line.size)))
    return Line(tokens=tokens, indent=line.indent, char_space=line.char_space, size=line.size)


def place_photos(flow: Flow, photos: list[PhotoEntry], label: str, reserve: float = 0.0) -> None:
    """Put photos two to a page: each photo fitted to its half of the page, the caption beneath it.

    On the last page, if it is an even page, the photos shrink to leave `reserve` points free at the foot
    (for 版记), so that no blank page has to be added.
    """
    fonts = flow.fonts
    slots = []  # (page, top of the half, caption lines, photo box height)
    region_top = slot_top(flow.slot)
    for index, entry in enumerate(photos):
        number = index + 1
        if index and index % 2 == 0:
            flow.new_page()
            region_top = slot_top(0)
        last_page = (index // 2) == ((len(photos) - 1) // 2)
        bottom = BOTTOM - reserve if last_page and len(flow.pages) % 2 == 0 else BOTTOM
        half = (bottom - region_top) / 2
        where = f"{label} 第{number}张照片说明"
        flow.where = where
        room = int((half * CAPTION_SHARE) // CAPTION_PITCH)
        lines = caption_lines(entry, number, fonts, where, max_lines=room)
        slots.append((flow.page, region_top + (index % 2) * half, lines, half - len(lines) * CAPTION_PITCH - 8 * MM))
    copies = print_copies([(entry.path, BLOCK_W, box_h, f"{label} 第{i}张照片")
                           for i, (entry, (_, _, _, box_h)) in enumerate(zip(photos, slots), start=1)])
    for (page, top, lines, box_h), (data, px_w, px_h) in zip(slots, copies):
        scale = min(BLOCK_W / px_w, box_h / px_h)
        width, height = px_w * scale, px_h * scale
        page.image(reader(data), LEFT + (BLOCK_W - width) / 2, top, width, height)
        y = top + height + 2 * MM
        for line in lines:
            page.text(line, LEFT, y, tag="caption")
            y += CAPTION_PITCH
    flow.slot = LINES


def _cell_lines(text: str, role: str, width: float, fonts: FontSet, where: str) -> list[Line]:
    """Break a table cell's text into lines of natural spacing."""
    style = Style(role, TABLE_SIZE, width - 2 * CELL_PAD, justify=False)
    return break_lines(text or " ", style, fonts, where)


KEEP_LINES = 5  # a row of at most this many lines is never split across pages
MIN_SPLIT = 2  # a longer row split at a page end leaves at least this many lines on each side


def table_frame(table: Table, fonts: FontSet, label: str) -> tuple[Frame, list[float]]:
    """Return where a table goes and its column widths, chosen from the content.

    Widths the caller gives in points that fill the block (the visit report measures its own) are kept;
    relative weights are not: the content decides. A table of LANDSCAPE_COLUMNS columns or more turns
    landscape when the wider block saves enough lines (LANDSCAPE_GAIN).
    """
    if table.widths and abs(sum(table.widths) - BLOCK_W) <= 1.0:
        return PORTRAIT, list(table.widths)
    measured = measure_table(table.columns, table.rows, TABLE_SIZE, CELL_PAD, fonts, f"{label} 表格")
    upright = column_widths(measured, BLOCK_W)
    if len(table.columns) >= LANDSCAPE_COLUMNS and table.rows:
        wide = column_widths(measured, LAND_BLOCK_W)
        if estimated_lines(measured, wide) <= LANDSCAPE_GAIN * estimated_lines(measured, upright):
            return LANDSCAPE, wide
    return PORTRAIT, upright


def place_table(flow: Flow, table: Table, label: str, frame: Frame | None = None,
                widths: list[float] | None = None) -> None:
    """Draw a ruled table across pages, repeating the header row on each page.

    Column widths come from the content (tables.py). A row of up to KEEP_LINES lines that does not fit
    below the rows already on a page moves whole to the next page; a longer row is split there if
    MIN_SPLIT lines fit and MIN_SPLIT remain, else moved. On a fresh page (under the repeated header) a row
    is split wherever the page ends, so a row taller than a page runs on over as many pages as it needs,
    never looping. The continued part repeats the row's first line of its first column (序号 / 编号).
    """
    fonts = flow.fonts
    if frame is None or widths is None:
        frame, widths = table_frame(table, fonts, label)
    bottom, left = frame.bottom, frame.left
    header = [_cell_lines(c, "heiti", w, fonts, f"{label} 表头") for c, w in zip(table.columns, widths)]
    fresh = frame.top + _row_height(header)  # where the first row of a new page starts
    if fresh + TABLE_LEADING + 2 * CELL_PAD > bottom:
        raise LayoutError(f"{label} 表头", "表头过高，一页内放不下")
    y = frame.top + flow.slot * PITCH
    if flow.page.landscape != frame.landscape or y + _row_height(header) + TABLE_LEADING + 2 * CELL_PAD > bottom:
        flow.new_page(landscape=frame.landscape)
        y = frame.top
    y = _draw_row(flow.page, header, widths, y, left, header=True)
    for r, row in enumerate(table.rows, start=1):
        flow.where = f"{label} 表格第{r}行"
        cells = [_cell_lines(str(value), "fangsong", w, fonts, f"{label} 表格第{r}行第{c}列")
                 for c, (value, w) in enumerate(zip(row, widths), start=1)]
        while True:
            if y + _row_height(cells) <= bottom:
                y = _draw_row(flow.page, cells, widths, y, left)
                break
            fit = int((bottom - y - 2 * CELL_PAD) // TABLE_LEADING)
            tall = max(len(c) for c in cells)
            on_fresh = y <= fresh + 0.01
            if on_fresh and fit >= 1 or (tall > KEEP_LINES and fit >= MIN_SPLIT and tall - fit >= MIN_SPLIT):
                _draw_row(flow.page, [c[:fit] for c in cells], widths, y, left)
                lead = cells[0][:1]
                cells = [c[fit:] for c in cells]
                cells[0] = cells[0] or lead  # the continued row shows its number (序号/编号) again
            flow.new_page(landscape=frame.landscape)
            y = _draw_row(flow.page, header, widths, frame.top, left, header=True)
    if frame.landscape:  # nothing else goes on a turned page, nor 版记
        flow.page.bottom = BOTTOM
        flow.slot = LINES
        return
    flow.slot = min(LINES, int((y - slot_top(0)) / PITCH + 0.999))


def _row_height(cells: list[list[Line]]) -> float:
    """Return the height of a row of cells."""
    return max(len(c) for c in cells) * TABLE_LEADING + 2 * CELL_PAD


def _draw_row(page: Page, cells: list[list[Line]], widths: list[float], y: float, left: float = LEFT,
              header: bool = False) -> float:
    """Draw one row at y (its left edge at `left`) and return the y below it."""
    height = _row_height(cells)
    x = left
    for lines, width in zip(cells, widths):
        page.box(x, y, width, height)
        top = y + CELL_PAD + (TABLE_LEADING - TABLE_SIZE) / 2
        for line in lines:
            if header or (len(lines) == 1 and line.text.isdigit()):
                centred(line, width - 2 * CELL_PAD)
            page.text(line, x + CELL_PAD, top, tag="table")
            top += TABLE_LEADING
        x += width
    return y + height

