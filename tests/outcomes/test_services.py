"""处理意见 services: record, edit and delete, with the rules on finding status, measure, body, date and version."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from inspection.audit.labels import ACTION_LABELS, ENTITY_LABELS, field_label
from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.outcomes import services
from inspection.outcomes.models import Outcome
from inspection.outcomes.services import OutcomeError

from ..circulars.helpers import confirmed_findings
from ..factories import make_finding, make_visit

TODAY = date(2026, 11, 30)  # the sample findings occurred on 2026-11-20 (China time)
DATA = {"measure": "criticism", "body": "县纪委监委", "decided_on": date(2026, 11, 25), "note": ""}


@pytest.fixture
def found(world):
    findings = confirmed_findings(world)
    db.session.commit()
    return findings


def _record(finding, *, person="first", today=TODAY, actor=None, **data):
    person = finding.persons[0] if person == "first" else person
    return services.record_outcome(finding, {**DATA, **data}, actor=actor, person=person, today=today)


def _events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_outcome_copies_the_persons_name_post_and_cadre_level(world, found):
    finding = found[1]  # 赵某, 办公室主任, section_chief
    outcome = _record(finding, actor=world.users["reviewer"], note="当面谈话")
    db.session.commit()
    assert (outcome.person_name, outcome.post, outcome.cadre_level) == ("赵某", "办公室主任", "section_chief")
    assert outcome.person_id == finding.persons[0].id and outcome.measure_label == "批评教育"
    assert outcome.created_by_id == world.users["reviewer"].id and outcome.version == 1
    event, = _events("outcome.recorded")
    assert event.entity_type == "outcome" and event.entity_id == str(outcome.id)
    assert event.summary == "录入处理意见：赵某（正科级干部）批评教育"
    assert event.after["body"] == "县纪委监委" and event.after["decided_on"] == "2026-11-25"
    assert ACTION_LABELS["outcome.recorded"] == "录入处理意见" and ENTITY_LABELS["outcome"] == "处理意见"
    assert field_label("body", "outcome") == "处理机关" and field_label("body", "circular") == "正文"


@pytest.mark.parametrize("status, label", [("submitted", "待审核"), ("returned", "需补充"), ("rejected", "不予采纳")])
def test_only_a_confirmed_finding_takes_outcomes(world, status, label):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], status=status)
    with pytest.raises(OutcomeError) as refused:
        _record(finding)
    assert refused.value.message == f"该问题当前状态为“{label}”，只有审核确认的问题才能录入处理意见"
    assert db.session.scalar(select(Outcome.id)) is None


@pytest.mark.parametrize("data, message", [
    ({"measure": "dismissal"}, "请从列表中选择处理方式"),
    ({"measure": "leader_interview"}, "约谈单位负责人请在“约谈”一栏录入"),
    ({"body": "  "}, "请填写处理机关"),
    ({"body": "县" * 101}, "处理机关不能超过100个字"),
    ({"decided_on": None}, "请填写处理日期"),
    ({"decided_on": date(2026, 12, 1)}, "处理日期不能晚于今天"),
    ({"decided_on": date(2026, 11, 19)}, "处理日期不能早于问题发现日期（2026年11月20日）"),
])
def test_bad_fields_are_refused_with_a_clear_message(world, found, data, message):
    with pytest.raises(OutcomeError) as refused:
        _record(found[0], **data)
    assert refused.value.message == message


def test_the_day_the_finding_occurred_and_today_are_both_allowed(world, found):
    assert _record(found[0], decided_on=date(2026, 11, 20)).decided_on == date(2026, 11, 20)
    assert _record(found[0], measure="reminder_talk", decided_on=TODAY).decided_on == TODAY


def test_a_person_of_another_finding_is_refused(world, found):
    with pytest.raises(OutcomeError, match="该人员不属于这个问题"):
        _record(found[0], person=found[1].persons[0])


def test_the_same_measure_twice_for_one_person_is_refused(world, found):
    _record(found[0])
    with pytest.raises(OutcomeError) as refused:
        _record(found[0])
    assert refused.value.message == "王某某已有“批评教育”处理意见，请勿重复录入"
    assert _record(found[0], measure="written_review").measure == "written_review"  # another rung is fine


def test_a_leader_interview_names_its_person_and_has_no_person_id(world, found):
    data = {"measure": "leader_interview", "person_name": "周局长", "post": "局长", "cadre_level": "section_chief"}
    outcome = _record(found[0], person=None, **data)
    assert (outcome.person_id, outcome.person_name, outcome.post, outcome.cadre_level) == (
        None, "周局长", "局长", "section_chief")
    with pytest.raises(OutcomeError, match="请填写被约谈人姓名"):
        _record(found[0], person=None, **{**data, "person_name": ""})
    with pytest.raises(OutcomeError, match="请选择被约谈人的干部层级"):
        _record(found[0], person=None, **{**data, "person_name": "吴某", "cadre_level": "minister"})
    with pytest.raises(OutcomeError, match="此处只能录入约谈"):
        _record(found[0], person=None, measure="criticism", person_name="吴某", cadre_level="staff")


def test_an_edit_changes_the_fields_and_logs_before_and_after(world, found):
    outcome = _record(found[0])
    db.session.commit()
    changed = services.edit_outcome(outcome, {**DATA, "measure": "written_review", "body": "县委组织部"},
                                    actor=world.users["admin"], version=1, today=TODAY)
    db.session.commit()
    assert changed == ["measure", "body"] and outcome.version == 2
    event, = _events("outcome.edited")
    assert event.before == {"measure": "criticism", "body": "县纪委监委"}
    assert event.after == {"measure": "written_review", "body": "县委组织部"}
    assert services.edit_outcome(outcome, {**DATA, "measure": "written_review", "body": "县委组织部"},
                                 actor=None, version=2, today=TODAY) == []  # nothing changed: no event
    assert len(_events("outcome.edited")) == 1


def test_an_edit_on_an_old_version_is_refused(world, found):
    outcome = _record(found[0])
    db.session.commit()
    services.edit_outcome(outcome, {**DATA, "body": "县委组织部"}, actor=None, version=1, today=TODAY)
    db.session.commit()
    with pytest.raises(OutcomeError, match="刚刚已被他人修改或删除"):
        services.edit_outcome(outcome, {**DATA, "body": "另一个机关"}, actor=None, version=1, today=TODAY)
    with pytest.raises(OutcomeError, match="刚刚已被他人修改或删除"):
        services.delete_outcome(outcome, actor=None, version=1)
    assert outcome.body == "县委组织部"


def test_a_write_lost_to_another_session_is_refused(world, found):
    outcome = _record(found[0])
    db.session.commit()
    db.session.execute(update(Outcome).where(Outcome.id == outcome.id).values(version=Outcome.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(OutcomeError, match="刚刚已被他人修改或删除"):
        services.edit_outcome(outcome, {**DATA, "body": "县委组织部"}, actor=None, today=TODAY)


def test_an_edit_keeps_the_rules_and_a_leader_interviews_person(world, found):
    person_outcome = _record(found[0])
    with pytest.raises(OutcomeError, match="约谈单位负责人请在“约谈”一栏录入"):
        services.edit_outcome(person_outcome, {**DATA, "measure": "leader_interview"}, actor=None, today=TODAY)
    with pytest.raises(OutcomeError, match="处理日期不能晚于今天"):
        services.edit_outcome(person_outcome, {**DATA, "decided_on": date(2026, 12, 31)}, actor=None, today=TODAY)
    leader = _record(found[0], person=None, measure="leader_interview", person_name="周局长", post="局长",
                     cadre_level="section_chief")
    services.edit_outcome(leader, {**DATA, "measure": "leader_interview", "person_name": "周某", "post": "党组书记",
                                   "cadre_level": "county"}, actor=None, today=TODAY)
    assert (leader.person_name, leader.post, leader.cadre_level) == ("周某", "党组书记", "county")


def test_no_edit_once_the_finding_is_no_longer_confirmed_but_a_deletion_is_possible(world, found):
    outcome = _record(found[0])
    found[0].status = "submitted"  # reopened for review
    db.session.commit()
    with pytest.raises(OutcomeError, match="只有审核确认的问题"):
        services.edit_outcome(outcome, {**DATA, "body": "县委组织部"}, actor=None, today=TODAY)
    outcome_id = outcome.id
    services.delete_outcome(outcome, actor=world.users["reviewer"], version=1)
    db.session.commit()
    assert db.session.get(Outcome, outcome_id) is None
    event, = _events("outcome.deleted")
    assert event.entity_id == str(outcome_id) and event.before["person_name"] == "王某某"
    assert event.summary == "删除处理意见：王某某（一般干部）批评教育"


def test_the_person_removed_from_the_finding_leaves_the_outcome_with_its_copied_name(world, found):
    outcome = _record(found[4])  # 孙某 of two persons
    found[4].persons.pop(0)
    db.session.commit()
    db.session.refresh(outcome)
    assert outcome.person_id is None and outcome.person_name == "孙某" and outcome.cadre_level == "staff"
