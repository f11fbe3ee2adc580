"""处理意见 figures: persons and person-times by measure and cadre level, the cross table, filters, scope, the sentence."""
from __future__ import annotations

from datetime import date

import pytest

from inspection.extensions import db
from inspection.outcomes import services
from inspection.outcomes.numbers import outcome_figures, outcome_sentence, outcomes_payload, summarise
from inspection.stats.filters import FindingFilter

from ..circulars.helpers import confirmed_findings

TODAY = date(2026, 11, 30)


def record(finding, measure, *, person_index=0, actor=None, **leader):
    """Record an outcome for one of the finding's persons, or a 约谈 when leader fields are given."""
    data = {"measure": measure, "body": "县纪委监委", "decided_on": date(2026, 11, 25), "note": "", **leader}
    person = None if leader else finding.persons[person_index]
    return services.record_outcome(finding, data, actor=actor, person=person, today=TODAY)


def sample_outcomes(world) -> list:
    """王某某 (staff) 批评教育 and 责令检查; 赵某 (正科) 提醒谈话; 钱某 (other) 批评教育; 约谈 周局长 (正科) at 住建局."""
    found = confirmed_findings(world)
    wang, zhao, _, qian, _ = found
    record(wang, "criticism")
    record(wang, "written_review")
    record(zhao, "reminder_talk")
    record(qian, "criticism")
    record(zhao, "leader_interview", person_name="周局长", post="局长", cadre_level="section_chief")
    db.session.commit()
    return found


def _by(rows, field="times"):
    return {r["key"]: r[field] for r in rows}


def test_figures_count_persons_and_person_times_by_measure_and_level(world):
    sample_outcomes(world)
    fig = outcome_figures(FindingFilter(), world.users["reviewer"])
    assert (fig.persons, fig.times) == (4, 5)
    assert [r["key"] for r in fig.by_measure] == ["reminder_talk", "criticism", "written_review", "public_criticism",
                                                 "admonishment", "referral", "leader_interview"]
    assert _by(fig.by_measure) == {"reminder_talk": 1, "criticism": 2, "written_review": 1, "public_criticism": 0,
                                   "admonishment": 0, "referral": 0, "leader_interview": 1}
    assert _by(fig.by_measure, "persons")["criticism"] == 2 and _by(fig.by_measure, "tenths")["criticism"] == 400
    assert [r["key"] for r in fig.by_level] == ["county", "section_chief", "deputy_section_chief", "staff", "other"]
    assert _by(fig.by_level, "persons") == {"county": 0, "section_chief": 2, "deputy_section_chief": 0, "staff": 1,
                                            "other": 1}
    assert _by(fig.by_level) == {"county": 0, "section_chief": 2, "deputy_section_chief": 0, "staff": 2, "other": 1}
    assert _by(fig.by_level, "tenths") == {"county": 0, "section_chief": 500, "deputy_section_chief": 0,
                                           "staff": 250, "other": 250}
    table = {r["key"]: r for r in fig.table}
    assert table["staff"]["cells"]["criticism"] == 1 and table["staff"]["cells"]["written_review"] == 1
    assert table["section_chief"]["cells"] == {"reminder_talk": 1, "criticism": 0, "written_review": 0,
                                               "public_criticism": 0, "admonishment": 0, "referral": 0,
                                               "leader_interview": 1}
    assert sum(r["total"] for r in fig.table) == fig.times


def test_the_sentence_lists_measures_in_ladder_order_and_drops_zero_parts(world):
    sample_outcomes(world)
    fig = outcome_figures(FindingFilter(), world.users["reviewer"])
    assert outcome_sentence(fig) == ("对5人次作出处理，其中提醒谈话1人次、批评教育2人次、责令检查1人次、约谈1人次；"
                                     "涉及正科级干部2人、一般干部1人、其他人员1人。")
    one = summarise([("admonishment", "county", 1, "某县长", 1)])
    assert outcome_sentence(one) == "对1人次作出处理，均为诫勉；涉及县级干部1人。"
    assert outcome_sentence(summarise([])) == ""


def test_a_person_named_in_two_findings_of_one_unit_counts_once_at_the_higher_level():
    rows = [("criticism", "staff", 7, "王某", 1), ("written_review", "deputy_section_chief", 7, "王某", 1),
            ("criticism", "staff", 8, "王某", 1)]  # a namesake at another unit is another person
    fig = summarise(rows)
    assert (fig.persons, fig.times) == (2, 3)
    assert _by(fig.by_level, "persons") == {"county": 0, "section_chief": 0, "deputy_section_chief": 1, "staff": 1,
                                            "other": 0}
    assert _by(fig.by_measure, "persons")["criticism"] == 2


def test_each_share_is_rounded_half_up_on_its_own():
    rows = [("criticism", "staff", 1, "甲", 1), ("reminder_talk", "staff", 1, "乙", 1), ("referral", "staff", 1, "丙", 1)]
    fig = summarise(rows)
    assert [r["tenths"] for r in fig.by_measure if r["times"]] == [333, 333, 333]  # 33.3% each, never 33.4%
    sixteen = summarise([("criticism", "staff", 1, "甲", 1), ("reminder_talk", "staff", 1, "乙", 15)])
    assert _by(sixteen.by_measure, "tenths")["criticism"] == 63  # 1/16 = 6.25% → 6.3%
    assert outcomes_payload(sixteen)["by_measure"][1]["percent"] == 6.3


@pytest.mark.parametrize("flt, persons, times", [
    (lambda w: FindingFilter(unit_id=w.units[1].id), 2, 2),  # 住建局: 赵某 and 周局长
    (lambda w: FindingFilter(category="公务用车"), 1, 1),  # 钱某
    (lambda w: FindingFilter(date_from=date(2026, 11, 21)), 0, 0),  # every finding occurred on 11月20日
    (lambda w: FindingFilter(campaign_id=w.draft_campaign.id), 0, 0),
])
def test_the_statistics_filters_apply(world, flt, persons, times):
    sample_outcomes(world)
    fig = outcome_figures(flt(world), world.users["admin"])
    assert (fig.persons, fig.times) == (persons, times)


def test_outcomes_of_a_finding_no_longer_confirmed_are_not_counted(world):
    found = sample_outcomes(world)
    found[0].status = "submitted"  # 王某某's finding reopened for review
    db.session.commit()
    fig = outcome_figures(FindingFilter(), world.users["reviewer"])
    assert (fig.persons, fig.times) == (3, 3)


def test_a_viewer_counts_only_campaigns_closed_or_with_an_issued_circular(world):
    sample_outcomes(world)
    viewer = world.users["viewer"]
    assert outcome_figures(FindingFilter(), viewer).times == 0  # the campaign is active, nothing issued
    world.campaign.status = "closed"
    db.session.commit()
    assert outcome_figures(FindingFilter(), viewer).times == 5
    assert outcome_figures(FindingFilter(), world.users["liaison1"]).times == 0
