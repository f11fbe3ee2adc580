"""Sample documents for the PDF engine tests."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw

from inspection.pdf.document import (Attachment, Block, CircularDocument, PhotoEntry, ReportAnswer, ReportFinding,
                                     ReportPerson, Table, VisitReport)

# CJK text with no punctuation, digits or Latin: every full line of it holds exactly 28 characters.
PLAIN = "各单位要切实加强干部作风建设严肃工作纪律认真落实请销假制度坚决杜绝脱岗溜号"


def photo(tmp_path: Path, name: str, size=(1600, 1200), colour=(150, 170, 200)) -> str:
    """Write a JPEG photo with some structure and return its path."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 80):
        draw.line([(i, 0), (size[0] - i, size[1])], fill=(40, 60, 90), width=6)
    draw.rectangle([size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4], fill=(245, 240, 225))
    path = tmp_path / name
    image.save(path, "JPEG", quality=85)
    return str(path)


def body_blocks() -> list[Block]:
    """Return a realistic 通报 body with the usual heading levels."""
    return [
        Block("p", "为进一步加强干部作风建设，严肃工作纪律，根据县纪委监委工作安排，11月18日至20日，县纪委监委机关"
                   "联合县委组织部组成4个暗访组，采取“四不两直”方式，对全县26个县直单位进行了明察暗访。现将有关情况通报如下。"),
        Block("h1", "一、基本情况"),
        Block("p", "此次暗访共检查县直单位26个，发现问题18个，涉及单位11个、干部职工23人。其中，考勤管理问题7个，占38.9%。"),
        Block("h1", "二、发现的主要问题"),
        Block("h2", "（一）考勤管理不严格"),
        Block("h3", "1. 县住建局：11月18日9:30，暗访组发现该局签到册人数不全，多人由他人代签，王堃（办公室副主任）未到岗。"),
        Block("h3", "2. 县教体局：11月19日15:10，暗访组发现该局张喆昇（股长）不在岗，无请假手续。"),
        Block("h4", "（1）电话核实称“外出办事”，经查无外出审批。"),
        Block("h1", "三、处理意见"),
        Block("p", "对上述问题，由相关单位主要负责人对责任人进行提醒谈话；情节较重的，依规依纪严肃处理。"),
        Block("h1", "四、工作要求"),
        Block("p", "各单位要举一反三、立行立改，于12月10日前将整改情况书面报送县纪委监委。"),
    ]


def circular(body: list[Block] | None = None, attachments: list[Attachment] | None = None, **overrides):
    """Return a CircularDocument with every element of the format filled in."""
    values = dict(
        organ_mark="中共示例县纪律检查委员会办公室",
        doc_number="示纪办通〔2026〕7号",
        title="关于2026年第三批“三查三治”纪律作风明察暗访情况的通报",
        recipients="各乡镇党委、县直各单位：",
        body=body_blocks() if body is None else body,
        signature="中共示例县纪律检查委员会办公室",
        date=date(2026, 11, 8),
        attachments=attachments or [],
        copy_number="000012",
        security="秘密★1年",
        urgency="特急",
        cc="县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。",
        printer="中共示例县纪律检查委员会办公室",
        print_date=date(2026, 11, 9),
        trace_line="本件发：示例县住房和城乡建设局 份号000012",
    )
    values.update(overrides)
    return CircularDocument(**values)


def photo_annex(paths: list[str], title: str = "暗访照片") -> Attachment:
    """Return a photo attachment of the given photos."""
    return Attachment(title, "photos", photos=[
        PhotoEntry(path, f"县第{i}局", f"2026年11月18日 9:{i:02d}", "办公楼三楼", f"第{i}张照片所示问题：签到册他人代签")
        for i, path in enumerate(paths, start=1)
    ])


def table_annex(rows: int) -> Attachment:
    """Return a findings table attachment."""
    return Attachment("问题清单", "table", table=Table(
        columns=["序号", "单位", "问题", "涉及人员"], widths=[1, 3, 6, 3],
        rows=[[str(i), "县住房和城乡建设局", f"签到册他人代签（第{i}项）", "王堃"] for i in range(1, rows + 1)]))


def visit_report(photos: list[str]) -> VisitReport:
    """Return a visit report with every section filled in."""
    return VisitReport(
        title="明察暗访检查记录",
        facts=[("专项行动", "2026年第三批纪律作风明察暗访"), ("被检查单位", "县住房和城乡建设局"),
               ("暗访组", "第一暗访组"), ("暗访人员", "赵一、钱二"), ("到访时间", "2026年11月18日 9:30")],
        answers=[ReportAnswer("A01", "考勤管理", "签到册是否人数齐全、本人签到", "不符合", "3人代签"),
                 ReportAnswer("A02", "在岗在位", "工作时间是否在岗", "符合")],
        findings=[ReportFinding("考勤管理", "11月18日9:30，签到册3人由他人代签。", item="签到册是否人数齐全",
                                severity="一般", status="已确认",
                                persons=[ReportPerson("王堃", "办公室副主任", "副科"), ReportPerson("李玥")])],
        photos=[PhotoEntry(p, "县住房和城乡建设局", "2026年11月18日 9:31", "办公楼一楼", "签到册代签") for p in photos],
        footer="打印：reviewer 2026年11月20日",
    )
