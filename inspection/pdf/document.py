"""Plain data a PDF builder needs; builders take these and return bytes, never touching the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Block:
    """One paragraph of a document body.

    kind: "h1" (一、 黑体), "h2" (（一） 楷体), "h3" (1. 仿宋), "h4" ((1) 仿宋) or "p" (body paragraph);
    the numbering is part of `text`, written by the drafter. `lead` is a run-in heading at the start of a
    paragraph's text ("（一）立行立改。" of "（一）立行立改。各单位要……"), set in the face of the heading level
    `lead_kind` while the rest of the paragraph keeps the block's own face.
    """

    kind: str
    text: str
    lead: str = ""
    lead_kind: str = "h2"


@dataclass
class PhotoEntry:
    """One photo for the photo annex: the display copy's file path and what it shows."""

    path: str
    unit: str
    taken_at: str  # already formatted, e.g. "2026年11月20日 9:30"
    place: str
    problem: str  # the finding's description, printed after 问题：
    sha256: str = ""
    note: str = ""  # the photo's own caption (what it shows), printed after 说明： when given


@dataclass
class Table:
    """A simple table for the findings annex."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative widths; None for equal


@dataclass
class Attachment:
    """An annex: "photos" (two to a page), "table", or "text" (blocks)."""

    title: str
    kind: str
    photos: list[PhotoEntry] = field(default_factory=list)
    table: Table | None = None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class CircularDocument:
    """Everything printed on a circular (通报), per GB/T 9704-2012."""

    organ_mark: str  # 发文机关标志, e.g. 中共示例县纪律检查委员会办公室 (printed red; 文件 is not appended)
    doc_number: str  # e.g. 示纪办通〔2026〕7号
    title: str
    recipients: str  # 主送, ending in a full-width colon
    body: list[Block]
    signature: str  # 发文机关署名
    date: date  # 成文日期
    attachments: list[Attachment] = field(default_factory=list)
    copy_number: str | None = None  # 份号, six digits
    security: str | None = None  # 密级和保密期限, e.g. 秘密★1年
    urgency: str | None = None  # 紧急程度, e.g. 特急
    cc: str | None = None  # 抄送
    printer: str = ""  # 印发机关
    print_date: date | None = None  # 印发日期
    trace_line: str | None = None  # unobtrusive recipient line in the footer of each page
    draft: bool = False  # a draft carries a warning on every page that it is not for release
    sealed: bool = True  # a copy that goes out without the seal (e.g. electronic) uses the unsealed layout
    annotation: str | None = None  # 附注, e.g. 此件公开发布 (printed in parentheses under the date)


@dataclass
class ReportPerson:
    """A person involved in a finding, as printed (labels already in Chinese)."""

    name: str
    post: str = ""
    level: str = ""  # 县级 / 正科 / 副科 / 一般干部 / 其他


@dataclass
class ReportFinding:
    """One finding of a visit, as printed on the visit report."""

    category: str  # label, e.g. 考勤管理
    description: str  # 时间、地点、人员、经过
    item: str = ""  # checklist item text, if any
    severity: str = ""
    status: str = ""  # review status label
    persons: list[ReportPerson] = field(default_factory=list)


@dataclass
class ReportAnswer:
    """One checklist answer of a visit."""

    code: str
    category: str
    text: str
    result: str  # label, e.g. 符合 / 不符合 / 未检查
    note: str = ""


@dataclass
class VisitReport:
    """The team's record of one visit (检查记录), printed for the file."""

    title: str  # e.g. 明察暗访检查记录
    facts: list[tuple[str, str]]  # (label, value): 专项行动, 被检查单位, 暗访组, 暗访人员, 到访时间, 地点 …
    answers: list[ReportAnswer] = field(default_factory=list)
    findings: list[ReportFinding] = field(default_factory=list)
    photos: list[PhotoEntry] = field(default_factory=list)
    footer: str | None = None  # e.g. who printed it and when
    draft: bool = True  # a record not yet confirmed carries the warning on every page
    warning: str = "内部资料 未经审核 不得外传"
