"""处理意见 figures: persons handled and person-times (人次) by measure, by cadre level, and the measure ×
cadre-level table, with the sentence a report prints. One set of numbers feeds the statistics page, its
paragraph, /api/v1/stats and the statistics workbook.

Outcomes count when their finding is confirmed and inside the statistics filter and scope (the same
FindingFilter and stats/scope.py rule as every other figure). A person-time is one outcome; a person is
one name at one unit (the same 王某 of the same unit named in two findings is one person handled twice),
counted at the highest cadre level their outcomes record. Shares are each rounded half-up to one decimal
on their own (stats/shares.py): a measure's share of the person-times, a level's share of the persons.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..findings.models import CADRE_LEVELS, Finding
from ..stats.filters import FindingFilter, finding_conditions
from ..stats.scope import statistics_filter
from ..stats.shares import share_tenths
from ..stats.xlsx import Column, Sheet
from .models import MEASURES, Outcome

LEVEL_RANK = {level: i for i, level in enumerate(CADRE_LEVELS)}
NOTICE = "内部资料 注意保密 · 未经审核批准不得外传、转发或公开"


@dataclass
class OutcomeFigures:
    """The 处理意见 numbers for one scope: totals, the two breakdowns and the cross table."""

    persons: int = 0
    times: int = 0
    by_measure: list[dict] = field(default_factory=list)  # every measure in ladder order
    by_level: list[dict] = field(default_factory=list)  # every cadre level in rank order
    table: list[dict] = field(default_factory=list)  # one row per cadre level: person-times per measure

    def shown_measures(self) -> list[dict]:
        """Return the measures with any person-time (the page's table columns)."""
        return [row for row in self.by_measure if row["times"]]


def summarise(rows) -> OutcomeFigures:
    """Work out the figures from (measure, cadre level, unit id, person name, outcomes) groups."""
    fig = OutcomeFigures()
    level_of: dict[tuple, str] = {}
    persons_by_measure: dict[str, set] = {key: set() for key in MEASURES}
    times_by_measure = dict.fromkeys(MEASURES, 0)
    cells = {(level, measure): 0 for level in CADRE_LEVELS for measure in MEASURES}
    for measure, level, unit_id, name, count in rows:
        person = (unit_id, name)
        fig.times += count
        times_by_measure[measure] = times_by_measure.get(measure, 0) + count
        persons_by_measure.setdefault(measure, set()).add(person)
        cells[(level, measure)] = cells.get((level, measure), 0) + count
        known = level_of.get(person)
        if known is None or LEVEL_RANK.get(level, 99) < LEVEL_RANK.get(known, 99):
            level_of[person] = level
    fig.persons = len(level_of)
    fig.by_measure = [{"key": key, "label": label, "times": times_by_measure[key],
                       "persons": len(persons_by_measure[key]),
                       "tenths": share_tenths(times_by_measure[key], fig.times)} for key, label in MEASURES.items()]
    persons_at = {level: sum(1 for lvl in level_of.values() if lvl == level) for level in CADRE_LEVELS}
    fig.by_level = [{"key": key, "label": label, "persons": persons_at[key],
                     "times": sum(cells[(key, m)] for m in MEASURES),
                     "tenths": share_tenths(persons_at[key], fig.persons)} for key, label in CADRE_LEVELS.items()]
    fig.table = [{"key": key, "label": label, "cells": {m: cells[(key, m)] for m in MEASURES},
                  "total": sum(cells[(key, m)] for m in MEASURES)} for key, label in CADRE_LEVELS.items()]
    return fig


def outcome_conditions(flt: FindingFilter, user) -> list:
    """Return the WHERE clauses for outcomes of the confirmed findings in the filter that the user may count."""
    conds = [Finding.status == "confirmed", *finding_conditions(flt, status=False)]
    visible = statistics_filter(user, Finding.campaign_id)
    if visible is not None:
        conds.append(visible)
    return conds


def outcome_figures(flt: FindingFilter, user) -> OutcomeFigures:
    """Count the outcomes in the statistics filter, as the user may see them (one grouped query)."""
    query = (select(Outcome.measure, Outcome.cadre_level, Finding.unit_id, Outcome.person_name, func.count())
             .join(Finding, Finding.id == Outcome.finding_id).where(*outcome_conditions(flt, user))
             .group_by(Outcome.measure, Outcome.cadre_level, Finding.unit_id, Outcome.person_name))
    return summarise(db.session.execute(query).all())


def outcome_sentence(fig: OutcomeFigures) -> str:
    """Write the report's sentence: 对X人次作出处理，其中提醒谈话X人次、……；涉及县级干部X人、……（zeros left out）."""
    if not fig.times:
        return ""
    measures = [row for row in fig.by_measure if row["times"]]
    if len(measures) == 1:
        head = f"对{fig.times}人次作出处理，均为{measures[0]['label']}"
    else:
        head = f"对{fig.times}人次作出处理，其中" + "、".join(f"{r['label']}{r['times']}人次" for r in measures)
    levels = "、".join(f"{r['label']}{r['persons']}人" for r in fig.by_level if r["persons"])
    return f"{head}；涉及{levels}。"


def outcomes_payload(fig: OutcomeFigures) -> dict:
    """Arrange the figures for the API: totals, breakdowns with shares in per cent, the table, the sentence."""
    return {"persons": fig.persons, "person_times": fig.times,
            "by_measure": [{"key": r["key"], "name": r["label"], "persons": r["persons"], "person_times": r["times"],
                            "percent": r["tenths"] / 10} for r in fig.by_measure],
            "by_cadre_level": [{"key": r["key"], "name": r["label"], "persons": r["persons"],
                                "person_times": r["times"], "percent": r["tenths"] / 10} for r in fig.by_level],
            "table": [{"cadre_level": r["key"], "name": r["label"], "person_times": dict(r["cells"]),
                       "total": r["total"]} for r in fig.table],
            "sentence": outcome_sentence(fig)}


def outcome_sheets(fig: OutcomeFigures, scope_text: str) -> list[Sheet]:
    """Lay out the figures as two worksheets: 处理意见 (totals and breakdowns) and the measure × level table."""
    rows = [["总体", "处理人数", fig.persons, None, None], ["总体", "处理人次", None, fig.times, None]]
    rows += [["按处理方式", r["label"], r["persons"], r["times"], r["tenths"] / 1000] for r in fig.by_measure]
    rows += [["按干部层级", r["label"], r["persons"], r["times"], r["tenths"] / 1000] for r in fig.by_level]
    rows.append(["统计表述", outcome_sentence(fig) or "暂无处理意见", None, None, None])
    columns = [Column("项目", 12), Column("名称", 60, "wrap"), Column("人数", 8, "int"), Column("人次", 8, "int"),
               Column("占比", 9, "percent")]
    notices = ["处理意见统计", NOTICE, f"统计口径：{scope_text}中已确认问题的处理意见；处理方式占比按人次、"
               "干部层级占比按人数计算，各自四舍五入保留一位小数"]
    summary = Sheet("处理意见", columns, rows, autofilter=False, notices=notices,
                    header_text="内部资料 注意保密", footer_text="未经审核批准不得外传")
    cross_columns = [Column("干部层级", 14)] + [Column(label, 10, "int") for label in MEASURES.values()]
    cross_rows = [[r["label"], *(r["cells"][m] for m in MEASURES), r["total"]] for r in fig.table]
    cross_rows.append(["合计", *(r["times"] for r in fig.by_measure), fig.times])
    cross = Sheet("处理方式×干部层级", cross_columns + [Column("合计", 8, "int")], cross_rows, autofilter=False,
                  notices=["处理方式×干部层级（人次）", NOTICE], header_text="内部资料 注意保密",
                  footer_text="未经审核批准不得外传")
    return [summary, cross]
