"""Check, before typesetting, that every character of a document can be drawn by some font."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from .document import Block, CircularDocument, VisitReport
from .fonts import FontSet, MissingGlyphError, fontset

BLOCK_ROLE = {"h1": "heiti", "h2": "kaiti"}


def block_texts(block: Block, where: str) -> Iterator[tuple[str, str, str]]:
    """Yield (text, font role, where) for a body block: its run-in heading in the heading's face, the rest in its own."""
    role = BLOCK_ROLE.get(block.kind, "fangsong")
    text = block.text.strip()
    lead = block.lead.strip()
    if lead and text.startswith(lead):
        yield lead, BLOCK_ROLE.get(block.lead_kind, role), where
        text = text[len(lead):]
    yield text, role, where


def circular_texts(doc: CircularDocument) -> Iterator[tuple[str, str, str]]:
    """Yield (text, font role, where) for everything printed on a circular."""
    yield doc.organ_mark, "xiaobiaosong", "发文机关标志"
    yield doc.doc_number, "fangsong", "发文字号"
    yield doc.title, "xiaobiaosong", "标题"
    yield doc.recipients, "fangsong", "主送"
    for index, block in enumerate(doc.body, start=1):
        yield from block_texts(block, f"正文第{index}段")
    yield doc.signature, "fangsong", "发文机关署名"
    yield doc.annotation or "", "fangsong", "附注"
    yield doc.copy_number or "", "latin", "份号"
    yield doc.security or "", "heiti", "密级和保密期限"
    yield doc.urgency or "", "heiti", "紧急程度"
    yield doc.cc or "", "fangsong", "抄送"
    yield doc.printer, "fangsong", "印发机关"
    yield doc.trace_line or "", "fangsong", "页脚识别行"
    total = len(doc.attachments)
    for number, attachment in enumerate(doc.attachments, start=1):
        label = "附件" if total == 1 else f"附件{number}"
        yield attachment.title, "xiaobiaosong", f"{label} 标题"
        yield attachment.title, "fangsong", f"附件说明第{number}项"
        for k, photo in enumerate(attachment.photos, start=1):
            for text in (photo.unit, photo.taken_at, photo.place, photo.problem, photo.note):
                yield text, "fangsong", f"{label} 第{k}张照片说明"
        if attachment.table is not None:
            for c, column in enumerate(attachment.table.columns, start=1):
                yield column, "heiti", f"{label} 表头第{c}列"
            for r, row in enumerate(attachment.table.rows, start=1):
                for c, value in enumerate(row, start=1):
                    yield str(value), "fangsong", f"{label} 表格第{r}行第{c}列"
        for index, block in enumerate(attachment.blocks, start=1):
            yield from block_texts(block, f"{label} 第{index}段")


def report_texts(report: VisitReport) -> Iterator[tuple[str, str, str]]:
    """Yield (text, font role, where) for everything printed on a visit report."""
    yield report.title, "xiaobiaosong", "标题"
    for index, (label, value) in enumerate(report.facts, start=1):
        yield f"{label}{value}", "fangsong", f"基本情况第{index}项"
    for index, answer in enumerate(report.answers, start=1):
        for text in (answer.code, answer.category, answer.text, answer.result, answer.note):
            yield text, "fangsong", f"检查清单第{index}项"
    for index, finding in enumerate(report.findings, start=1):
        where = f"问题{index}"
        for text in (finding.category, finding.item, finding.description, finding.severity, finding.status):
            yield text, "fangsong", where
        for p, person in enumerate(finding.persons, start=1):
            for text in (person.name, person.post, person.level):
                yield text, "fangsong", f"{where} 第{p}名涉及人员"
    for index, photo in enumerate(report.photos, start=1):
        for text in (photo.unit, photo.taken_at, photo.place, photo.problem, photo.note):
            yield text, "fangsong", f"第{index}张照片说明"
    yield report.footer or "", "fangsong", "页脚"
    yield report.warning if report.draft else "", "heiti", "草稿标记"


def check_glyphs(doc: CircularDocument | VisitReport, *, fonts: FontSet | None = None, font_dir: str | None = None,
                 font_paths: Mapping[str, str] | None = None) -> None:
    """Raise MissingGlyphError for the first character no configured or shipped font can draw."""
    fonts = fonts or fontset(font_dir, font_paths)
    texts = report_texts(doc) if isinstance(doc, VisitReport) else circular_texts(doc)
    for text, role, where in texts:
        for char in text or "":
            if char in "\r\n\t":
                continue
            if fonts.font_for(role, char) is None:
                raise MissingGlyphError(char, where)


def glyph_message(exc: MissingGlyphError) -> str:
    """Explain a missing glyph to people: which character (and its code point) and where it is."""
    char = getattr(exc, "char", "") or ""
    where = getattr(exc, "where", "") or "正文"
    code = " ".join(f"U+{ord(c):04X}" for c in char)
    return (f"字符“{char}”（{code}）在已配置的所有字体中都没有，位置：{where}。"
            "请修改该处文字，或在字体配置中加入包含该字的字体后再试。")
