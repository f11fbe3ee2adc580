"""The circular's 三、处理意见 names the outcomes recorded so far (and reads as before when there are none)."""
from __future__ import annotations

from inspection.circulars import services as circular_services
from inspection.circulars.drafting import FindingFact, OutcomeFact, handled_text, handling_text
from inspection.extensions import db

from ..circulars.helpers import make_draft
from .test_numbers import sample_outcomes


def _fact(unit, *outcomes, rank=1):
    return FindingFact(id=unit, unit=unit, category="在岗在位", occurred_at=None, location="", description="不在岗",
                       unit_rank=(rank,), outcomes=list(outcomes))


def test_the_handling_text_names_what_was_done_per_person():
    facts = [_fact("教体局", OutcomeFact("王某", "科员", "criticism", "批评教育"),
                   OutcomeFact("王某", "科员", "written_review", "责令检查")),
             _fact("住建局", OutcomeFact("周某", "局长", "leader_interview", "约谈"), rank=2)]
    assert handled_text(facts) == ("截至目前，已对3人次作出处理：对教体局王某（科员）作出批评教育、责令检查处理；"
                                   "约谈住建局周某（局长）。")
    text = handling_text(facts)
    assert text.splitlines()[1] == "（一）" + handled_text(facts)
    assert handled_text([_fact("教体局")]) == ""
    assert handling_text([_fact("教体局")]) == handling_text([])  # nothing recorded: the text as before


def test_regenerating_a_draft_brings_the_recorded_outcomes_into_its_handling_section(world):
    circular = make_draft(world)  # made before any outcome: the generic handling text
    handling = next(s for s in circular.sections if s.key == "handling")
    before = handling.body
    assert "已对" not in before
    sample_outcomes(world)
    circular_services.regenerate(circular, actor=world.users["reviewer"])
    db.session.commit()
    assert handling.body.startswith(before.splitlines()[0])
    assert "截至目前，已对5人次作出处理：" in handling.body
    assert "约谈示例县住房和城乡建设局周局长（局长）" in handling.body
    assert "对示例县教育和体育局王某某（综合股科员）作出批评教育、责令检查处理" in handling.body
