"""The 督办通知 (rectification reminder notice) to one unit, in the circular's GB/T 9704 format.

Plain data in (NoticeDocument), PDF bytes out: the notice is laid out as a document of the issuing organ
(red mark and line, title, 主送 the unit, body, signature and date, 版记) with the unit's open items as its
attachment table (序号, 问题, 完成时限, 状态, 督办等级), so it prints like the circular it follows up.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .circular import build_circular
from .document import Attachment, Block, CircularDocument, Table
from .layout import date_cn

TITLE = "整改督办通知"
TABLE_TITLE = "未完成整改事项清单"
# Column widths in points of the 442 pt text block: 序号, 问题, 完成时限 (2026年12月13日), 状态, 督办等级 (红色（逾期）).
COLUMNS = ["序号", "问题", "完成时限", "状态", "督办等级"]
WIDTHS = [32, 184, 102, 44, 80]


@dataclass
class NoticeItem:
    """One open item as the notice lists it (labels already in Chinese)."""

    problem: str
    circular: str  # the circular's document number, e.g. 示纪办通〔2026〕1号
    due: date
    status: str  # 待整改 / 已报送 / 退回
    colour: str  # red / yellow / blue / none
    colour_label: str  # 红色（逾期） …


@dataclass
class NoticeDocument:
    """Everything printed on one unit's 督办通知."""

    organ_mark: str  # 发文机关标志, printed red
    signature: str  # 发文机关署名
    unit: str  # the unit it is sent to (主送)
    date: date  # 成文日期: the day it is printed
    circulars: list[tuple[str, str]]  # (title, document number) of the circulars the items come from
    items: list[NoticeItem]
    blue_days: int = 3  # 蓝色督办: due within this many days
    printer: str = ""  # 印发机关
    doc_number: str = ""  # 发文字号, if the office numbers its notices
    trace_line: str | None = None
    extra: list[str] = field(default_factory=list)  # further paragraphs, as written by the office


def _counts_sentence(items: list[NoticeItem], blue_days: int) -> str:
    """Say how many of the open items are overdue, behind or due soon."""
    red = sum(1 for i in items if i.colour == "red")
    yellow = sum(1 for i in items if i.colour == "yellow")
    blue = sum(1 for i in items if i.colour == "blue")
    parts = [text for count, text in ((red, f"已逾期{red}个"), (yellow, f"进度滞后、尚未报送整改情况{yellow}个"),
                                      (blue, f"将在{blue_days}天内到期{blue}个")) if count]
    return f"，其中{'，'.join(parts)}" if parts else ""


def notice_body(doc: NoticeDocument) -> list[Block]:
    """Write the notice's paragraphs: basis and counts, what the unit must do, the extra paragraphs."""
    basis = "、".join(f"《{title}》（{number}）" for title, number in doc.circulars)
    opening = (f"根据{basis}要求，你单位应在规定时限内完成整改并报送整改情况。截至{date_cn(doc.date)}，"
               f"你单位尚有{len(doc.items)}个整改事项未完成销号{_counts_sentence(doc.items, doc.blue_days)}，"
               "具体见附件。")
    demand = ("请你单位高度重视，对照问题清单逐项落实整改措施，明确责任领导和责任人，按期报送整改情况和佐证材料；"
              "确因客观原因不能按期完成的，应在完成时限前提出延期申请。对逾期未完成整改或整改不到位的，"
              "将视情予以通报、约谈，并依规依纪严肃问责。")
    return [Block("p", opening), Block("p", demand), *(Block("p", text) for text in doc.extra)]


def notice_table(doc: NoticeDocument) -> Table:
    """Lay the open items out as the attachment's table; from several circulars, each names its own."""
    several = len({item.circular for item in doc.items}) > 1
    rows = [[str(n), f"{item.problem}（{item.circular}）" if several else item.problem, date_cn(item.due),
             item.status, item.colour_label] for n, item in enumerate(doc.items, start=1)]
    return Table(columns=COLUMNS, rows=rows, widths=WIDTHS)


def notice_document(doc: NoticeDocument) -> CircularDocument:
    """Turn the notice into the document the circular builder typesets."""
    return CircularDocument(organ_mark=doc.organ_mark, doc_number=doc.doc_number, title=TITLE,
                            recipients=f"{doc.unit}：", body=notice_body(doc), signature=doc.signature,
                            date=doc.date, printer=doc.printer or doc.signature, trace_line=doc.trace_line,
                            attachments=[Attachment(title=TABLE_TITLE, kind="table", table=notice_table(doc))])


def build_notice(doc: NoticeDocument, *, font_dir: str | None = None, font_paths: Mapping[str, str] | None = None,
                 max_pages: int | None = None) -> bytes:
    """Typeset a 督办通知 and return the PDF bytes (MissingGlyphError, LayoutError as build_circular)."""
    return build_circular(notice_document(doc), font_dir=font_dir, font_paths=font_paths, max_pages=max_pages)
