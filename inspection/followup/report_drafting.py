"""Draft the 整改情况通报 of a follow-up campaign from plain facts: the texts of its sections.

Nothing here touches the database (report_facts.py gathers the facts). The counts of 一、整改总体情况 are the
整改 figures of rectification/numbers.py, written by its own sentence; every share is rounded half-up on its
own (stats/shares.py). The texts follow the circular editor's conventions (circulars/drafting.py): one
paragraph per line, （一） / 1. / （1） numbered in order when the document is built.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from ..circulars.drafting import SectionDraft
from ..core.dates import date_cn
from ..rectification.numbers import RectificationFigures, month_day_cn, rectification_sentence
from ..stats.shares import format_tenths, share_tenths
from .models import VERDICTS

# Section keys in their default order, with their level-1 headings (the opening has none).
REPORT_SECTIONS = (
    ("opening", ""),
    ("overall", "整改总体情况"),
    ("good", "整改成效较好的单位"),
    ("problems", "存在的问题"),
    ("handling", "处理意见"),
    ("requirements", "工作要求"),
)
REPORT_LABELS = {"opening": "开头", **{key: heading for key, heading in REPORT_SECTIONS if heading}}
# The verdicts 三、存在的问题 names units for, with the heading of their part.
NAMED = (("not_rectified", "纸上整改、整改不实"), ("relapsed", "问题反弹"))
_CN = "一二三四五六七八九"


@dataclass
class SourceCircular:
    """A circular the follow-up checks: its number and title as issued."""

    doc_number: str
    title: str


@dataclass
class RecheckFact:
    """One confirmed 复核: the problem as issued, what the unit claimed, what the team saw, what was done."""

    unit: str
    verdict: str  # a VERDICTS key
    checked_on: date | None  # the day of the team's visit (China time)
    note: str  # what the team saw
    problem: str  # the item as the circular printed it
    doc_number: str = ""  # the item's circular
    claimed: str = ""  # the unit's reported measures
    decision: str = ""  # reopened | consolidated | noted
    due_date: date | None = None  # a reopened item's new due date
    unit_rank: tuple = ()


@dataclass
class UnitFact:
    """One unit of the follow-up: its items of the source circulars, closed ones, and its confirmed verdicts."""

    name: str
    items: int
    closed: int
    verdicts: list[str] = field(default_factory=list)
    unit_rank: tuple = ()


@dataclass
class OutcomeFact:
    """One 处理意见 taken against a person for a problem the follow-up found still there."""

    unit: str
    person: str
    post: str
    measure: str  # a MEASURES key
    measure_label: str
    body: str
    decided_on: date
    unit_rank: tuple = ()


@dataclass
class ReportFacts:
    """Everything the 整改情况通报 is drafted from."""

    sources: list[SourceCircular]
    start: date | None
    end: date | None
    team_count: int
    cross: bool
    units_checked: list[str]
    problems_checked: int
    figures: RectificationFigures
    rechecks: list[RecheckFact] = field(default_factory=list)  # confirmed ones, every verdict
    units: list[UnitFact] = field(default_factory=list)
    outcomes: list[OutcomeFact] = field(default_factory=list)
    issuer: str = "县纪委监委"


def _numeral(n: int) -> str:
    """Write 1..99 as 一 … 九十九 (the editor renumbers anyway)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens - 1] + "十")
    return head + (_CN[ones - 1] if ones else "")


def _clause(text: str) -> str:
    """Collapse whitespace and drop a final full stop, so the text can sit inside a sentence or quotes."""
    return " ".join(text.split()).rstrip("。；;.")


def _quoted(text: str) -> str:
    """Quote a clause as GB/T 15834 nests quotes: double outside, the clause's own double quotes made single."""
    return "“" + _clause(text).replace("“", "‘").replace("”", "’") + "”"


def period_cn(start: date | None, end: date | None) -> str:
    """Write when the follow-up ran: 2027年1月11日, 2027年1月11日至1月15日, or 近期."""
    if start and end and start == end:
        return date_cn(start)
    if start and end:
        tail = f"{end.month}月{end.day}日" if start.year == end.year else date_cn(end)
        return f"{date_cn(start)}至{tail}"
    return "近期"


def sources_phrase(sources: list[SourceCircular]) -> str:
    """Name the source circulars: 《关于……的通报》（示纪办通〔2026〕1号）、《……》（……）."""
    return "、".join(f"《{s.title}》（{s.doc_number}）" if s.doc_number else f"《{s.title}》" for s in sources)


def opening_text(facts: ReportFacts) -> str:
    """Write the opening: basis (which circulars), when the 回头看 ran, teams, method, units and problems covered."""
    basis = f"为检验{sources_phrase(facts.sources)}通报问题的整改成效，" if facts.sources else "为检验通报问题的整改成效，"
    teams = f"组成{facts.team_count}个暗访组，" if facts.team_count else ""
    method = "采取“四不两直”、交叉回访的方式" if facts.cross else "采取“四不两直”方式"
    problems = f"{facts.problems_checked}个问题的" if facts.problems_checked else ""
    return (f"{basis}{period_cn(facts.start, facts.end)}，{facts.issuer}{teams}{method}，"
            f"对{len(facts.units_checked)}个单位{problems}整改情况开展了“回头看”。现将有关情况通报如下。")


def verdict_sentence(rechecks: list[RecheckFact]) -> str:
    """Count the confirmed verdicts with their shares: 共复核问题X个，经审核确认，已整改X个、占X%，…"""
    if not rechecks:
        return "此次“回头看”的复核结果尚在审核中。"
    total = len(rechecks)
    parts = []
    for code, label in VERDICTS.items():
        count = sum(1 for r in rechecks if r.verdict == code)
        if count:
            parts.append(f"{label}{count}个、占{format_tenths(share_tenths(count, total))}")
    return f"此次“回头看”共复核问题{total}个，经审核确认，{'，'.join(parts)}。"


def overall_text(facts: ReportFacts) -> str:
    """Write 整改总体情况: the 整改 figures (问题、已整改销号、整改率), the verdicts, reopened and consolidated items."""
    lines = [rectification_sentence(facts.figures) or "通报问题尚未生成整改事项。", verdict_sentence(facts.rechecks)]
    reopened = sum(1 for r in facts.rechecks if r.decision == "reopened")
    consolidated = sum(1 for r in facts.rechecks if r.decision == "consolidated")
    parts = []
    if reopened:
        parts.append(f"{reopened}个已销号的问题因纸上整改或问题反弹被重新交办")
    if consolidated:
        parts.append(f"{consolidated}个已销号的问题经复核巩固了整改成果")
    if parts:
        lines.append(f"其中，{'；'.join(parts)}。")
    return "\n".join(lines)


def good_units(facts: ReportFacts) -> list[UnitFact]:
    """Return the units that did well: every item closed, and every confirmed recheck (at least one) 已整改."""
    return [u for u in sorted(facts.units, key=lambda u: (u.unit_rank, u.name))
            if u.items and u.closed == u.items and u.verdicts and all(v == "rectified" for v in u.verdicts)]


def good_text(facts: ReportFacts) -> str:
    """Write 整改成效较好的单位, naming them."""
    units = good_units(facts)
    if not units:
        return "此次“回头看”中，暂无通报问题全部整改销号且经复核均整改到位的单位。"
    names = "、".join(u.name for u in units)
    who = names if len(units) == 1 else f"{names}{len(units)}个单位"
    return (f"{who}高度重视整改工作，通报问题已全部整改销号，经“回头看”复核均已整改到位，"
            "整改成效较好，予以肯定。")


def recheck_sentence(fact: RecheckFact) -> str:
    """Describe one named problem: as issued, what the unit claimed, what the team saw and when, what follows."""
    doc = f"{fact.doc_number}通报的" if fact.doc_number else "通报的"
    head = f"{doc}{_quoted(fact.problem)}问题"
    if fact.claimed:
        head += f"，单位报称{_quoted(fact.claimed)}" + ("，并已销号" if fact.decision == "reopened" else "")
    elif fact.decision == "reopened":
        head += "，已整改销号"
    when = f"{month_day_cn(fact.checked_on)}，" if fact.checked_on else ""
    saw = _clause(fact.note) or ("问题仍然存在" if fact.verdict == "not_rectified" else "问题再次出现")
    text = f"{head}。{when}暗访组回访发现，{saw}。"
    if fact.decision == "reopened" and fact.due_date:
        text += f"该问题已重新交办，完成时限为{date_cn(fact.due_date)}。"
    return text


def named_units(facts: ReportFacts) -> list[str]:
    """Return the units named for 纸上整改 or 反弹, in official order."""
    named = [r for r in facts.rechecks if r.verdict in dict(NAMED)]
    return list(OrderedDict.fromkeys(r.unit for r in sorted(named, key=lambda r: (r.unit_rank, r.unit))))


def problems_text(facts: ReportFacts) -> str:
    """Write 存在的问题: （一） per verdict named, 1. per unit, （1） per problem when a unit has several."""
    lines, part = [], 0
    for verdict, heading in NAMED:
        grouped: OrderedDict[str, list[RecheckFact]] = OrderedDict()
        chosen = [r for r in facts.rechecks if r.verdict == verdict]
        for fact in sorted(chosen, key=lambda r: (r.unit_rank, r.unit, r.checked_on or date.min, r.problem)):
            grouped.setdefault(fact.unit, []).append(fact)
        if not grouped:
            continue
        part += 1
        lines.append(f"（{_numeral(part)}）{heading}")
        for u, (unit, unit_facts) in enumerate(grouped.items(), start=1):
            if len(unit_facts) == 1:
                lines.append(f"{u}.{unit}：{recheck_sentence(unit_facts[0])}")
                continue
            lines.append(f"{u}.{unit}：有{len(unit_facts)}个问题{VERDICTS[verdict]}。")
            lines += [f"（{i}）{recheck_sentence(f)}" for i, f in enumerate(unit_facts, start=1)]
    return "\n".join(lines) or "此次“回头看”未发现纸上整改、问题反弹的情况。"


def outcome_sentence(fact: OutcomeFact) -> str:
    """Write one 处理意见: 县纪委监委于1月20日对某单位某职务某某予以批评教育。"""
    who = f"{fact.unit}{fact.post}{fact.person}"
    when = f"于{month_day_cn(fact.decided_on)}" if fact.decided_on else ""
    if fact.measure == "leader_interview":
        return f"{fact.body}{when}约谈{who}。"
    return f"{fact.body}{when}对{who}予以{fact.measure_label}。"


def handling_text(facts: ReportFacts) -> str:
    """Write 处理意见: the outcomes recorded, else what the commission will do about the named units."""
    if facts.outcomes:
        ordered = sorted(facts.outcomes, key=lambda o: (o.unit_rank, o.unit, o.decided_on, o.person))
        lines = ["对此次“回头看”发现的问题，已作出如下处理："]
        lines += [f"（{_numeral(i)}）{outcome_sentence(o)}" for i, o in enumerate(ordered, start=1)]
        return "\n".join(lines)
    if named_units(facts):
        return ("对纸上整改、问题反弹的单位，由县纪委监委约谈单位主要负责人，责令限期重新整改；对相关责任人员，"
                "按照干部管理权限依规依纪严肃处理。")
    return "此次“回头看”未发现需要追究责任的问题。"


def requirements_text(facts: ReportFacts) -> str:
    """Write 工作要求: rectify again, keep the results, own the responsibility, follow-up continues."""
    first = ("（一）限期重新整改。被点名的单位要深刻剖析纸上整改、问题反弹的原因，对重新交办的问题逐项整改到位，"
             "在完成时限内将整改情况书面报送县纪委监委。" if named_units(facts) else
             "（一）巩固整改成果。各单位要对照通报问题逐项回顾，确保已整改的问题不反弹、不回潮。")
    return "\n".join([
        first,
        "（二）举一反三。各单位要以此次通报为鉴，全面自查自纠，健全考勤、请销假等管理制度，防止类似问题反弹回潮。",
        "（三）压实责任。各单位主要负责人要切实履行第一责任人职责，对整改工作亲自部署、亲自督办，杜绝敷衍整改、虚假整改。",
        "（四）持续跟踪。县纪委监委将继续对整改情况跟踪督查，对整改不力、弄虚作假的，严肃追究相关人员责任。",
    ])


def draft_report(facts: ReportFacts) -> list[SectionDraft]:
    """Draft every section of the 整改情况通报."""
    texts = {"opening": opening_text(facts), "overall": overall_text(facts), "good": good_text(facts),
             "problems": problems_text(facts), "handling": handling_text(facts),
             "requirements": requirements_text(facts)}
    return [SectionDraft(key, heading, texts[key]) for key, heading in REPORT_SECTIONS]
