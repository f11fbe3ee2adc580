"""The statistics paragraph, drafted in the style of official reports, from the statistics page's numbers.

A pure function of `Statistics`: no database, no clock. Rules, as circulars write them:
- units are listed by count, largest first; units with equal counts are grouped with 各
  ("公安局、交通局、信访局各2个"), in the order the statistics give (unit order within a tie);
- categories are listed by count, largest first, each with its share; cadre levels in rank order
  (县级 → 正科 → 副科 → 一般干部 → 其他人员), each with its share of the persons involved;
- shares are the statistics' own tenths (stats/shares.py: each rounded half-up on its own, totals as they
  fall) and are written without a trailing ".0" (40%, 33.3%);
- anything counted zero is left out, and a row that is the whole (one category, one cadre level) has no
  "占100%".
"""
from __future__ import annotations

from itertools import groupby

from ..core.dates import date_cn
from ..outcomes.numbers import outcome_sentence
from ..rectification.numbers import rectification_sentence
from .queries import Share, Statistics
from .shares import format_tenths


def _period(stats: Statistics) -> str:
    """Write the period the numbers cover, or nothing when they cover all time."""
    if not stats.period:
        return ""
    start, end = stats.period
    if start and end:
        if start == end:
            return f"{date_cn(start)}，"
        same_year = start.year == end.year
        end_text = f"{end.month}月{end.day}日" if same_year else date_cn(end)
        return f"{date_cn(start)}至{end_text}，"
    if start:
        return f"{date_cn(start)}以来，"
    return f"截至{date_cn(end)}，"


def group_equal_counts(rows: list[Share], unit: str) -> str:
    """List rows as "甲5个，乙、丙各2个" (rows already ordered largest first)."""
    parts = []
    for count, group in groupby((r for r in rows if r.count > 0), key=lambda r: r.count):
        labels = [r.label for r in group]
        if len(labels) == 1:
            parts.append(f"{labels[0]}{count}{unit}")
        else:
            parts.append(f"{'、'.join(labels)}各{count}{unit}")
    return "，".join(parts)


def _with_shares(rows: list[Share], suffix: str, unit: str) -> str:
    """List rows as "甲问题8个、占40%" in the given order, leaving out zeros (a lone row has no "占100%")."""
    shown = [r for r in rows if r.count > 0]
    if len(shown) == 1:
        return f"{shown[0].label}{suffix}{shown[0].count}{unit}"
    return "，".join(f"{r.label}{suffix}{r.count}{unit}、占{format_tenths(r.tenths)}" for r in shown)


def statistics_paragraph(stats: Statistics) -> str:
    """Draft the statistics paragraph of a circular or report from the statistics."""
    opening = _period(stats)
    if stats.units_visited:
        opening += f"共暗访检查{stats.units_visited}个单位，"
    if stats.total == 0:
        return opening + ("未发现问题。" if opening else "暂无已确认的问题。") + _rectification(stats)
    found = "发现问题" if stats.units_visited else "共发现问题"
    sentences = [f"{opening}{found}{stats.total}个，涉及{stats.units_with_problems}个单位。"]
    units = group_equal_counts(stats.by_unit, "个")
    if units:
        sentences.append(f"其中{units}。")
    categories = _with_shares(stats.by_category, "问题", "个")
    if categories:
        sentences.append(f"从问题类别看，{categories}。")
    if stats.persons_total:
        levels = _with_shares(stats.by_cadre_level, "", "人")
        sentences.append(f"涉及人员{stats.persons_total}人，其中{levels}。")
    if stats.outcomes and (handled := outcome_sentence(stats.outcomes)):
        sentences.append(handled)
    return "".join(sentences) + _rectification(stats)


def _rectification(stats: Statistics) -> str:
    """The 整改 sentence (截至X月X日，通报的X个问题已整改销号X个…), when circulars in scope have items."""
    return rectification_sentence(stats.rectification) if stats.rectification else ""
