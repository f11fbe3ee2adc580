"""Attachment pages: 附件N heading and title, then text blocks, photos (two to a page) or a table."""
from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from .document import Attachment, Block, PhotoEntry, Table
from .fonts import FontSet
from .images import print_copies, reader
from .layout import (BLOCK_W, BODY_SIZE, BOTTOM, LEFT, LINES, MM, PITCH, SMALL_SIZE, Flow, LayoutError, Page,
                     centred, slot_top)
from .typeset import Line, Style, Token, break_lines, single_line
from .titles import balanced_title

BODY_PITCH = BLOCK_W / 28
CAPTION = Style("fangsong", SMALL_SIZE, BLOCK_W, grid_chars=31)
CAPTION_PITCH = SMALL_SIZE * 1.45
TABLE_SIZE = 12.0
TABLE_LEADING = 17.0
CELL_PAD = 3.0


def block_style(kind: str) -> Style:
    """Return the style of a body block kind (h1 黑体, h2 楷体, others 仿宋), indented two characters."""
    role = {"h1": "heiti", "h2": "kaiti"}.get(kind, "fangsong")
    return Style(role, BODY_SIZE, BLOCK_W, grid_chars=28, first_indent=2 * BODY_PITCH)


def place_blocks(flow: Flow, blocks: list[Block], where_prefix: str) -> None:
    """Lay body blocks on the grid, keeping headings with the following line."""
    for index, block in enumerate(blocks, start=1):
        heading = block.kind in ("h1", "h2")
        for text in [part for part in block.text.splitlines() if part.strip()] or [""]:
            flow.paragraph(text.strip(), block_style(block.kind), f"{where_prefix}第{index}段",
                           keep_with_next=1 if heading and index < len(blocks) else 0)


def attachment_label(number: int, total: int) -> str:
    """Return 附件 or 附件N."""
    return "附件" if total == 1 else f"附件{number}"


def start_attachment(flow: Flow, attachment: Attachment, number: int, total: int) -> None:
    """Open a new page with 附件N top left (3号 黑体) and the title centred from line 3."""
    fonts = flow.fonts
    label = attachment_label(number, total)
    flow.new_page()
    flow.place([single_line(label, Style("heiti", BODY_SIZE, BLOCK_W), fonts, f"{label} 标记")], tag="annex")
    flow.slot = 2
    lines = balanced_title(attachment.title, fonts, f"{label} 标题")
    flow.place(lines, tag="annex")
    flow.skip(1)


def place_attachment(flow: Flow, attachment: Attachment, number: int, total: int, reserve: float = 0.0) -> None:
    """Lay out one attachment after its heading (`reserve`: room to leave on an even last page of photos)."""
    start_attachment(flow, attachment, number, total)
    label = attachment_label(number, total)
    if attachment.kind == "photos":
        place_photos(flow, attachment.photos, label, reserve=reserve)
    elif attachment.kind == "table" and attachment.table is not None:
        place_table(flow, attachment.table, label)
    else:
        place_blocks(flow, attachment.blocks, f"{label} ")


CAPTION_SHARE = 0.4  # at most this share of a photo's half page goes to its caption; the photo keeps the rest


def caption_lines(entry: PhotoEntry, number: int, fonts: FontSet, where: str, max_lines: int = 99) -> list[Line]:
    """Return the caption of one photo: number and unit, time and place, the problem (clipped to max_lines)."""
    problem = Style("fangsong", SMALL_SIZE, BLOCK_W, grid_chars=31, indent=3 * (BLOCK_W / 31))
    parts = [break_lines(f"照片{number}　{entry.unit}", CAPTION, fonts, where),
             break_lines(f"时间：{entry.taken_at}　地点：{entry.place}", CAPTION, fonts, where),
             break_lines(f"问题：{entry.problem}", problem, fonts, where)]
    shares, spare = [1, 1, 1], max(max_lines, 3) - 3
    for i in (2, 1, 0):  # each part keeps a line; the problem gets the spare lines first, then time and place
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


def place_table(flow: Flow, table: Table, label: str) -> None:
    """Draw a ruled table across pages, repeating the header row on each page.

    A row that does not fit below the rows already on a page is split there if two or more of its lines fit,
    else moved to the next page; on a fresh page (under the repeated header) a row is split wherever the
    page ends, so a row taller than a page runs on over as many pages as it needs, never looping. The
    continued part repeats the row's first line of its first column (序号 / 编号).
    """
    fonts = flow.fonts
    weights = table.widths or [1.0] * len(table.columns)
    widths = [BLOCK_W * w / sum(weights) for w in weights]
    header = [_cell_lines(c, "heiti", w, fonts, f"{label} 表头") for c, w in zip(table.columns, widths)]
    fresh = slot_top(0) + _row_height(header)  # where the first row of a new page starts
    if fresh + TABLE_LEADING + 2 * CELL_PAD > BOTTOM:
        raise LayoutError(f"{label} 表头", "表头过高，一页内放不下")
    y = slot_top(flow.slot)
    if y + _row_height(header) + TABLE_LEADING + 2 * CELL_PAD > BOTTOM:
        flow.new_page()
        y = slot_top(0)
    y = _draw_row(flow.page, header, widths, y, header=True)
    for r, row in enumerate(table.rows, start=1):
        flow.where = f"{label} 表格第{r}行"
        cells = [_cell_lines(str(value), "fangsong", w, fonts, f"{label} 表格第{r}行第{c}列")
                 for c, (value, w) in enumerate(zip(row, widths), start=1)]
        while True:
            if y + _row_height(cells) <= BOTTOM:
                y = _draw_row(flow.page, cells, widths, y)
                break
            fit = int((BOTTOM - y - 2 * CELL_PAD) // TABLE_LEADING)
            if fit >= (1 if y <= fresh + 0.01 else 2):
                _draw_row(flow.page, [c[:fit] for c in cells], widths, y)
                lead = cells[0][:1]
                cells = [c[fit:] for c in cells]
                cells[0] = cells[0] or lead  # the continued row shows its number (序号/编号) again
            flow.new_page()
            y = _draw_row(flow.page, header, widths, slot_top(0), header=True)
    flow.slot = min(LINES, int((y - slot_top(0)) / PITCH + 0.999))


def _row_height(cells: list[list[Line]]) -> float:
    """Return the height of a row of cells."""
    return max(len(c) for c in cells) * TABLE_LEADING + 2 * CELL_PAD


def _draw_row(page: Page, cells: list[list[Line]], widths: list[float], y: float, header: bool = False) -> float:
    """Draw one row at y and return the y below it."""
    height = _row_height(cells)
    x = LEFT
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

