"""Draft a circular's body from plain facts about confirmed findings, and turn edited text into blocks.

Nothing here touches the database: assemble.py gathers the facts. The body text the reviewer edits is
one paragraph per line; a line starting with （一） / 1. / （1） is a level-2 heading, a numbered item or a
numbered sub-item, and its number is rewritten in order when the document is built, so reordering
paragraphs never leaves the numbering wrong.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

from ..core.dates import date_cn, to_cst
from ..findings.models import CATEGORIES
from ..pdf.document import Block
from .paragraph import statistics_paragraph

# Keys of the sections the drafter writes, in their default order, with their level-1 headings.
AUTO_SECTIONS = (
    ("opening", ""),
    ("basic", "基本情况"),
    ("problems", "发现的主要问题"),
    ("handling", "处理意见"),
    ("requirements", "工作要求"),
)
SECTION_LABELS = {"opening": "开头", "basic": "基本情况", "problems": "发现的主要问题",
                  "handling": "处理意见", "requirements": "工作要求", "custom": "自定义"}

_CN_DIGITS = "零一二三四五六七八九"
_H2 = re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*")
_H3 = re.compile(r"^\d{1,3}\s*[.．、](?!\d)\s*")
_H4 = re.compile(r"^[（(]\s*\d{1,3}\s*[）)]\s*")


@dataclass
class PersonFact:
    """A person named in a finding."""

    name: str
    post: str
    cadre_level: str
    cadre_label: str


@dataclass
class OutcomeFact:
    """A 处理意见 recorded for a finding: whom (post as recorded) and which measure."""

    name: str
    post: str
    measure: str
    measure_label: str


@dataclass
class FindingFact:
    """What the drafter needs to know about one confirmed finding."""

    id: str
    unit: str
    category: str
    occurred_at: datetime | None
    location: str
    description: str
    persons: list[PersonFact] = field(default_factory=list)
    unit_rank: tuple = ()  # the unit's place in the official order (排序号, id); empty: unknown
    outcomes: list[OutcomeFact] = field(default_factory=list)  # 处理意见 recorded so far


@dataclass
class DraftContext:
    """Facts about the inspection as a whole."""

    start: date | None
    end: date | None
    team_count: int
    units_checked: list[str]
    campaign_title: str = ""
    rectify_days: int = 15
    issuer: str = "县纪委监委"  # who sent the teams: the subject of the opening sentence
    rectify_kind: str = "natural"  # natural | working


@dataclass
class SectionDraft:
    """One drafted section: its key, level-1 heading (empty for the opening) and body text."""

    key: str
    heading: str
    text: str


def chinese_numeral(n: int) -> str:
    """Write 1..99 as 一 … 九十九."""
    if n < 1 or n > 99:
        raise ValueError("numbering runs from 1 to 99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return head + (_CN_DIGITS[ones] if ones else "")


def when_cn(value: datetime | None) -> str:
    """Write a finding's time in China Standard Time as 11月20日9:30."""
    if value is None:
        return ""
    local = to_cst(value)
    return f"{local.month}月{local.day}日{local.hour}:{local.minute:02d}"


def _sentence(text: str) -> str:
    """Strip the text and make sure it ends with a full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    return text if text[-1] in "。！？；" else text + "。"


def ordered_findings(facts: list[FindingFact]) -> list[FindingFact]:
    """Order findings as the circular lists them: by category, then unit (official order, else first visited), then time."""
    rank = {name: i for i, name in enumerate(CATEGORIES)}

    def stamp(fact: FindingFact) -> float:
        return fact.occurred_at.timestamp() if fact.occurred_at else 0.0

    first_seen: dict[tuple[str, str], float] = {}
    for fact in facts:
        key = (fact.category, fact.unit)
        first_seen[key] = min(first_seen.get(key, stamp(fact)), stamp(fact))
    return sorted(facts, key=lambda f: (rank.get(f.category, len(rank)), f.category, f.unit_rank,
                                        first_seen[(f.category, f.unit)], f.unit, stamp(f), f.id))


def finding_sentence(fact: FindingFact) -> str:
    """Describe one finding: time, place, what was seen and the people involved.

    The item already opens with "1.县法院：", so the sentence holds no colon of its own (GB/T 15834 advises
    against a colon inside a colon's scope): "11月20日9:30，暗访组在办公室发现签到册人数不全。涉及王某（科员）。"
    """
    parts = []
    when = when_cn(fact.occurred_at)
    place = f"在{fact.location}" if fact.location else ""
    if when or place:
        parts.append(f"{when}，" if when else "")
        parts.append(f"暗访组{place}发现")
    parts.append(_sentence(fact.description))
    if fact.persons:
        people = "、".join(f"{p.name}（{p.post}）" if p.post else p.name for p in fact.persons)
        parts.append(f"涉及{people}。")
    return "".join(parts)


def problems_text(facts: list[FindingFact]) -> str:
    """Write 发现的主要问题: （一） per category, 1. per unit, （1） per finding when a unit has several."""
    grouped: OrderedDict[str, OrderedDict[str, list[FindingFact]]] = OrderedDict()
    for fact in ordered_findings(facts):
        grouped.setdefault(fact.category, OrderedDict()).setdefault(fact.unit, []).append(fact)
    if not grouped:
        return "此次明察暗访未发现需要通报的问题。"
    lines = []
    for c, (category, units) in enumerate(grouped.items(), start=1):
        lines.append(f"（{chinese_numeral(c)}）{category}方面")
        for u, (unit, unit_facts) in enumerate(units.items(), start=1):
            if len(unit_facts) == 1:
                lines.append(f"{u}.{unit}：{finding_sentence(unit_facts[0])}")
                continue
            lines.append(f"{u}.{unit}：共发现{len(unit_facts)}个问题。")
            for i, fact in enumerate(unit_facts, start=1):
                lines.append(f"（{i}）{finding_sentence(fact)}")
    return "\n".join(lines)


def opening_text(ctx: DraftContext) -> str:
    """Write the opening paragraph: basis, dates, teams, method and units covered."""
    if ctx.start and ctx.end and ctx.start == ctx.end:
        period = date_cn(ctx.start)
    elif ctx.start and ctx.end:
        end = f"{ctx.end.month}月{ctx.end.day}日" if ctx.start.year == ctx.end.year else date_cn(ctx.end)
        period = f"{date_cn(ctx.start)}至{end}"
    else:
        period = "近期"
    teams = f"组成{ctx.team_count}个暗访组，" if ctx.team_count else ""
    return (f"为进一步严明工作纪律，持续深化作风建设，{period}，{ctx.issuer}{teams}采取“四不两直”方式，"
            f"对{len(ctx.units_checked)}个单位的工作纪律和作风情况开展了明察暗访。现将有关情况通报如下。")


def basic_text(facts: list[FindingFact], ctx: DraftContext) -> str:
    """Write 基本情况: units covered and the statistics paragraph."""
    with_problems = {f.unit for f in facts}
    clean = [u for u in ctx.units_checked if u not in with_problems]
    lines = [statistics_paragraph(ordered_findings(facts), ctx)]
    if len(clean) == 1:
        lines.append(f"{clean[0]}此次未发现明显问题。")
    elif clean:
        lines.append(f"{'、'.join(clean)}{len(clean)}个单位此次未发现明显问题。")
    return "\n".join(lines)


def handled_text(facts: list[FindingFact]) -> str:
    """Write what has been done so far: 已对X人次作出处理：对甲单位王某（科员）作出批评教育处理；约谈乙单位周某（局长）。"""
    done: OrderedDict[tuple, list[str]] = OrderedDict()
    times = 0
    for fact in ordered_findings(facts):
        for o in fact.outcomes:
            times += 1
            labels = done.setdefault((fact.unit, o.name, o.post, o.measure == "leader_interview"), [])
            if o.measure_label not in labels:
                labels.append(o.measure_label)
    if not done:
        return ""
    parts = []
    for (unit, name, post, interview), labels in done.items():
        who = f"{unit}{name}（{post}）" if post else f"{unit}{name}"
        parts.append(f"约谈{who}" if interview else f"对{who}作出{'、'.join(labels)}处理")
    return f"截至目前，已对{times}人次作出处理：{'；'.join(parts)}。"


def handling_text(facts: list[FindingFact]) -> str:
    """Write 处理意见: what has been done so far (when outcomes are recorded), then who handles whom by the ladder."""
    levels = {p.cadre_level for f in facts for p in f.persons}
    items = [handled] if (handled := handled_text(facts)) else []
    if "county" in levels:
        items.append("涉及县级干部的问题，按程序报县委主要领导，由县纪委监委依规依纪依法处理。")
    if levels & {"section_chief", "deputy_section_chief"}:
        items.append("涉及科级干部的问题，由县纪委监委视情节轻重，分别予以提醒谈话、批评教育、"
                     "责令书面检查或通报批评；情节严重的，依规依纪依法追究责任。")
    items.append("涉及一般干部和其他人员的问题，由所在单位按照管理权限予以批评教育或作出相应处理，"
                 "处理结果随整改报告一并报送。")
    items.append("对问题较多的单位，约谈单位主要负责人，督促落实主体责任。")
    lines = ["对此次明察暗访发现的问题，按照干部管理权限和问题性质，区分情况予以处理："]
    lines += [f"（{chinese_numeral(i)}）{text}" for i, text in enumerate(items, start=1)]
    return "\n".join(lines)


def period_phrase(days: int, kind: str) -> str:
    """Write the rectification period as the requirements say it: 15日内, or 10个工作日内."""
    return f"{days}个工作日内" if kind == "working" else f"{days}日内"


def requirements_text(ctx: DraftContext) -> str:
    """Write 工作要求: rectify at once, report in writing within N days, follow-up checks."""
    return "\n".join([
        "（一）立行立改。各被通报单位要高度重视，认真对照通报问题，逐条剖析原因，立即整改到位。",
        f"（二）按时报告。各被通报单位要于通报印发之日起{period_phrase(ctx.rectify_days, ctx.rectify_kind)}，将整改情况和对相关人员的"
        "处理情况书面报送县纪委监委。",
        "（三）举一反三。各单位要以此次通报为鉴，全面自查自纠，健全考勤、请销假等管理制度，"
        "坚决防止类似问题反弹回潮。",
        "（四）持续督查。县纪委监委将对整改情况开展“回头看”，对整改不力、问题反复出现的，严肃追究责任。",
    ])


def draft_sections(facts: list[FindingFact], ctx: DraftContext) -> list[SectionDraft]:
    """Draft every automatic section of the body."""
    texts = {
        "opening": opening_text(ctx),
        "basic": basic_text(facts, ctx),
        "problems": problems_text(facts),
        "handling": handling_text(facts),
        "requirements": requirements_text(ctx),
    }
    return [SectionDraft(key, heading, texts[key]) for key, heading in AUTO_SECTIONS]


def _run_in(rest: str) -> bool:
    """Tell whether a （一） line is a numbered paragraph ("立行立改。各单位要……"), not a bare heading.

    A heading fits on one line (28 characters with its number) and holds no full stop but a final one.
    """
    rest = rest.rstrip().rstrip("。！？")
    return any(mark in rest for mark in "。！？") or len(rest) > 24


def _run_in_lead(rest: str) -> str:
    """Return the heading phrase a run-in （一） paragraph opens with ("立行立改。"), or "" if it has none.

    The phrase runs to the first full stop and fits on a heading's line; a paragraph that is one long
    sentence ("涉及县级干部的问题，……处理。") has no heading phrase and is set all in 仿宋.
    """
    stop = min((rest.find(mark) for mark in "。！？" if mark in rest), default=-1)
    if stop <= 0 or stop + 1 > 24 or not rest[stop + 1:].strip():
        return ""
    return rest[:stop + 1]


def text_to_blocks(text: str) -> list[Block]:
    """Turn one section's edited text into blocks, renumbering （一） 1. （1） in order.

    A （一） line that runs on into a paragraph is body text whose heading phrase ("（一）立行立改。") is a
    run-in `lead`, set in 楷体 as GB/T 9704 practice has it; a bare heading is all 楷体.
    """
    blocks: list[Block] = []
    h2 = h3 = h4 = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if match := _H4.match(line):
            h4 += 1
            blocks.append(Block("h4", f"（{h4}）{line[match.end():]}"))
        elif match := _H2.match(line):
            h2, h3, h4 = h2 + 1, 0, 0
            rest = line[match.end():]
            number = f"（{chinese_numeral(h2)}）"
            if not _run_in(rest):
                blocks.append(Block("h2", number + rest))
            else:
                lead = _run_in_lead(rest)
                blocks.append(Block("p", number + rest, lead=number + lead if lead else "", lead_kind="h2"))
        elif match := _H3.match(line):
            h3, h4 = h3 + 1, 0
            blocks.append(Block("h3", f"{h3}.{line[match.end():]}"))
        else:
            blocks.append(Block("p", line))
    return blocks


def body_blocks(sections) -> list[Block]:
    """Build the whole body from (heading, text) sections, numbering level-1 headings 一、二、…"""
    blocks: list[Block] = []
    n = 0
    for heading, text in sections:
        if heading:
            n += 1
            blocks.append(Block("h1", f"{chinese_numeral(n)}、{heading}"))
        blocks.extend(text_to_blocks(text))
    return blocks
