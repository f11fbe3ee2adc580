"""The review of rechecks: the reopen rule for each verdict and item status, rejection, stale versions, refusals."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from inspection.audit.models import AuditEvent
from inspection.core.actor import Actor
from inspection.extensions import db
from inspection.followup import conflicts, review
from inspection.rectification.models import RectificationEvent
from inspection.rectification.services import CHANGED_MEANWHILE, RectificationError
from inspection.sync.models import ChangeEvent, RecordVersion

from .fixtures import add_target, issued_circular, items_of, make_followup, make_recheck, set_status

TODAY = date(2026, 9, 30)  # the day before 国庆: five working days run to 10月13日 (10月10日 is 调休, worked)
WORKING_DUE = date(2026, 10, 13)
STATUSES = ("closed", "pending", "submitted", "returned")


@pytest.fixture
def setup(app, world):
    """An issued circular with a 5-working-day period; a follow-up target over unit 0's items."""
    circular = issued_circular(app, world, days=5, kind="working")
    campaign = make_followup(world, [circular])
    target = add_target(campaign, world.units[0])
    db.session.commit()
    return world, circular, target


def _recheck(target, status: str, verdict: str):
    """A submitted recheck of the target's first problem, its item put in `status` first."""
    item = set_status(target.problems[0].item, status)
    recheck = make_recheck(target.problems[0], verdict=verdict)
    db.session.commit()
    return item, recheck, item.due_date, item.version


def _events(item) -> list[str]:
    return list(db.session.scalars(select(RectificationEvent.action).where(RectificationEvent.item_id == item.id)
                                   .order_by(RectificationEvent.id)))


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("verdict,flag", [("not_rectified", "paper"), ("relapsed", "relapse")])
def test_a_confirmed_defect_on_a_closed_item_reopens_it_with_a_working_day_period(setup, verdict, flag):
    world, circular, target = setup
    item, recheck, old_due, version = _recheck(target, "closed", verdict)
    reviewer = world.users["reviewer"]
    outcome = review.confirm_recheck(recheck, note="现场核实签到册仍有代签", actor=Actor.of(reviewer), today=TODAY)
    db.session.commit()
    db.session.refresh(item)
    assert (outcome.decision, outcome.flag, outcome.due_date) == ("reopened", flag, WORKING_DUE)
    assert (item.status, item.flag, item.due_date) == ("pending", flag, WORKING_DUE)
    assert item.closed_at is None and item.reported is False and item.version == version + 1
    assert item.yellow_on == date(2026, 10, 7)  # half of the 13 calendar days, rounded up, from today
    assert (recheck.status, recheck.decision, recheck.review_note) == ("confirmed", "reopened", "现场核实签到册仍有代签")
    assert recheck.reviewed_by_id == reviewer.id and recheck.version == 2
    assert _events(item)[-1] == "reopened"
    last = item.events[-1]
    assert last.before == {"status": "closed", "flag": "", "due_date": old_due.isoformat()}
    assert last.after == {"status": "pending", "flag": flag, "due_date": "2026-10-13"}
    assert "2026年10月13日" in last.summary and ("纸上整改" if flag == "paper" else "反弹") in last.summary
    assert [e.entity_id for e in _audit("rectification.reopened")] == [str(item.id)]
    assert _audit("recheck.confirmed")[0].after["decision"] == "reopened"


def test_a_natural_day_period_is_counted_in_calendar_days(app, world):
    circular = issued_circular(app, world, days=15, kind="natural")
    target = add_target(make_followup(world, [circular]), world.units[0])
    item, recheck, *_ = _recheck(target, "closed", "not_rectified")
    review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    assert item.due_date == date(2026, 10, 15)


@pytest.mark.parametrize("status", ("pending", "submitted", "returned"))
@pytest.mark.parametrize("verdict,flag", [("not_rectified", "paper"), ("relapsed", "relapse")])
def test_a_confirmed_defect_on_an_open_item_flags_it_and_keeps_status_and_due_date(setup, status, verdict, flag):
    world, _, target = setup
    item, recheck, old_due, _ = _recheck(target, status, verdict)
    outcome = review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    db.session.commit()
    assert (item.status, item.flag, item.due_date) == (status, flag, old_due)
    assert (outcome.decision, recheck.decision, recheck.status) == ("noted", "noted", "confirmed")
    assert _events(item)[-1] == "flagged"
    assert _audit("rectification.reopened") == [] and len(_audit("rectification.flagged")) == 1


def test_rectified_on_a_closed_item_consolidates_it(setup):
    world, _, target = setup
    item, recheck, old_due, _ = _recheck(target, "closed", "rectified")
    outcome = review.confirm_recheck(recheck, note="整改到位", actor=world.users["reviewer"], today=TODAY)
    db.session.commit()
    assert (item.status, item.flag, item.due_date) == ("closed", "consolidated", old_due)
    assert item.closed_at is not None
    assert (outcome.decision, recheck.decision) == ("consolidated", "consolidated")
    assert _events(item)[-1] == "consolidated"


@pytest.mark.parametrize("verdict,status", [(v, s) for v in ("rectified", "unverifiable") for s in STATUSES
                                            if (v, s) != ("rectified", "closed")])  # that one: consolidation
def test_other_verdicts_are_only_noted(setup, status, verdict):
    world, _, target = setup
    item, recheck, old_due, version = _recheck(target, status, verdict)
    events = _events(item)
    outcome = review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    db.session.commit()
    db.session.refresh(item)
    assert (item.status, item.flag, item.due_date, item.version) == (status, "", old_due, version)
    assert (outcome.decision, recheck.decision, recheck.status) == ("noted", "noted", "confirmed")
    assert _events(item) == events


def test_the_outcome_sentence_says_what_confirming_will_do(setup):
    world, _, target = setup
    item, recheck, *_ = _recheck(target, "closed", "relapsed")
    sentence = review.outcome_for(recheck.verdict, item, TODAY).sentence()
    assert sentence.startswith("确认后该事项将重新交办，标记为反弹，新的完成时限为2026年10月13日")
    assert item.status == "closed"  # only a preview


def test_reject_needs_a_reason_and_leaves_the_item_alone(setup):
    world, _, target = setup
    item, recheck, old_due, version = _recheck(target, "closed", "not_rectified")
    with pytest.raises(RectificationError, match="不予采纳须填写理由"):
        review.reject_recheck(recheck, note="  ", actor=world.users["reviewer"])
    review.reject_recheck(recheck, note="照片拍的是另一处", actor=world.users["reviewer"])
    db.session.commit()
    db.session.refresh(item)
    assert (item.status, item.flag, item.due_date, item.version) == ("closed", "", old_due, version)
    assert (recheck.status, recheck.decision, recheck.review_note) == ("rejected", "", "照片拍的是另一处")
    assert _audit("recheck.rejected")[0].entity_id == str(recheck.id)


def test_the_team_hears_of_the_decision(setup):
    world, _, target = setup
    _, recheck, *_ = _recheck(target, "closed", "relapsed")
    review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    db.session.commit()
    changes = list(db.session.scalars(select(ChangeEvent).where(ChangeEvent.entity_type == "recheck")))
    assert {c.user_id for c in changes} == {world.users["inspector2"].id}
    assert changes[0].entity_id == str(recheck.id) and changes[0].kind == "review"
    assert changes[0].payload["decision"] == "reopened" and changes[0].payload["version"] == recheck.version
    kept = db.session.scalar(select(RecordVersion.data).where(RecordVersion.entity_type == "recheck",
                                                              RecordVersion.entity_id == recheck.id,
                                                              RecordVersion.version == 2))
    assert kept["verdict"] == "relapsed"  # the base a later phone edit merges against
    assert recheck.field_versions == {"status": 2, "decision": 2}


def test_a_pending_visit_recheck_cannot_be_reviewed(setup):
    world, _, target = setup
    set_status(target.problems[0].item, "closed")
    recheck = make_recheck(target.problems[0], verdict="relapsed", status="pending_visit")
    db.session.commit()
    for act in (lambda: review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY),
                lambda: review.reject_recheck(recheck, note="理由", actor=world.users["reviewer"])):
        with pytest.raises(RectificationError, match="到访记录尚未同步"):
            act()
    assert recheck.status == "pending_visit" and target.problems[0].item.status == "closed"


def test_a_reviewed_recheck_cannot_be_reviewed_again(setup):
    world, _, target = setup
    item, recheck, *_ = _recheck(target, "closed", "relapsed")
    review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    db.session.commit()
    due = item.due_date
    with pytest.raises(RectificationError, match="已审核"):
        review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=date(2026, 11, 2))
    assert item.due_date == due


def test_an_item_changed_meanwhile_refuses_the_decision(setup):
    world, _, target = setup
    item, recheck, *_ = _recheck(target, "closed", "not_rectified")
    db.session.execute(text("UPDATE rectification_items SET version = version + 1 WHERE id = :id"), {"id": item.id})
    with pytest.raises(RectificationError) as caught:
        review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    assert caught.value.message == CHANGED_MEANWHILE
    db.session.rollback()
    db.session.refresh(item)
    db.session.refresh(recheck)
    assert (item.status, item.flag, recheck.status) == ("closed", "", "submitted")
    assert _audit("recheck.confirmed") == []


def test_a_version_the_reviewer_did_not_see_is_refused(setup):
    world, _, target = setup
    item, recheck, _, version = _recheck(target, "closed", "not_rectified")
    with pytest.raises(RectificationError, match=CHANGED_MEANWHILE):
        review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY, item_version=version - 1)
    with pytest.raises(RectificationError, match="暗访组刚刚更新"):
        review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY, expected_version=0)
    assert item.status == "closed" and recheck.status == "submitted"


def test_confirm_many_confirms_each_and_names_each_refusal(setup):
    world, circular, target = setup
    first = make_recheck(target.problems[0], verdict="rectified")
    second = make_recheck(target.problems[1], verdict="relapsed")
    set_status(target.problems[1].item, "closed")
    other = add_target(make_followup(world, [circular], title="另一批"), world.units[1])
    waiting = make_recheck(other.problems[0], verdict="relapsed", status="pending_visit")
    db.session.commit()
    done, refused = review.confirm_many([first, second, waiting], note="批量确认", actor=world.users["reviewer"],
                                        today=TODAY, seen={str(second.id): second.version})
    db.session.commit()
    assert [o.decision for o in done] == ["noted", "reopened"]
    assert (first.status, second.status, waiting.status) == ("confirmed", "confirmed", "pending_visit")
    assert target.problems[1].item.status == "pending"
    assert len(refused) == 1 and "到访记录尚未同步" in refused[0][1] and "住建局" in refused[0][0]


def test_confirm_many_refuses_a_recheck_changed_since_the_list(setup):
    world, _, target = setup
    recheck = make_recheck(target.problems[0], verdict="relapsed")
    db.session.commit()
    done, refused = review.confirm_many([recheck], note="", actor=world.users["reviewer"], today=TODAY,
                                        seen={str(recheck.id): recheck.version - 1})
    assert done == [] and "暗访组刚刚更新" in refused[0][1] and recheck.status == "submitted"


def _in_conflict(recheck, key="verdict", server="relapsed", phone="rectified"):
    """Put a recheck in sync conflict as the applier does: the server's value stays, the phone's kept beside."""
    recheck.conflicts = {key: {"server": server, "phone": phone, "device": "1", "user_id": recheck.created_by_id,
                               "at": "2027-01-11T02:00:00+00:00"}}
    recheck.in_conflict = True
    db.session.commit()


def test_a_recheck_in_conflict_cannot_be_confirmed_until_settled(setup):
    world, _, target = setup
    item, recheck, *_ = _recheck(target, "closed", "relapsed")
    _in_conflict(recheck)
    with pytest.raises(RectificationError, match="同步冲突"):
        review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    assert item.status == "closed"
    conflicts.resolve_recheck_conflict(recheck, "verdict", "phone", actor=world.users["reviewer"])
    db.session.commit()
    assert (recheck.verdict, recheck.in_conflict, recheck.conflicts, recheck.version) == ("rectified", False, {}, 2)
    assert _audit("recheck.conflict_resolved")[0].after == {"choice": "phone", "verdict": "rectified"}
    outcome = review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY)
    assert outcome.decision == "consolidated" and item.status == "closed"


def test_keeping_the_server_value_settles_without_change(setup):
    world, _, target = setup
    item, recheck, *_ = _recheck(target, "closed", "relapsed")
    _in_conflict(recheck)
    with pytest.raises(RectificationError, match="没有待处理的冲突"):
        conflicts.resolve_recheck_conflict(recheck, "note", "server", actor=world.users["reviewer"])
    conflicts.resolve_recheck_conflict(recheck, "verdict", "server", actor=world.users["reviewer"])
    assert (recheck.verdict, recheck.in_conflict) == ("relapsed", False)
    assert review.confirm_recheck(recheck, note="", actor=world.users["reviewer"], today=TODAY).reopens


def test_a_reviewed_recheck_keeps_its_reviewed_values(setup):
    world, _, target = setup
    _, recheck, *_ = _recheck(target, "closed", "relapsed")
    review.reject_recheck(recheck, note="不采纳", actor=world.users["reviewer"])
    _in_conflict(recheck)  # a phone edited it after the review (locked: a conflict)
    with pytest.raises(RectificationError, match="只能保留"):
        conflicts.resolve_recheck_conflict(recheck, "verdict", "phone", actor=world.users["reviewer"])
    conflicts.resolve_recheck_conflict(recheck, "verdict", "server", actor=world.users["reviewer"])
    assert (recheck.verdict, recheck.status, recheck.in_conflict) == ("relapsed", "rejected", False)


def test_a_phone_photo_taken_in_a_conflict_joins_the_recheck(setup):
    world, _, target = setup
    _, recheck, *_ = _recheck(target, "closed", "relapsed")
    sha = "ab" * 32
    _in_conflict(recheck, key=f"photo:{sha}", server=None, phone={"caption": "签到册", "taken_at": None})
    conflicts.resolve_recheck_conflict(recheck, f"photo:{sha}", "phone", actor=world.users["reviewer"])
    assert [(p.sha256, p.caption) for p in recheck.photos] == [(sha, "签到册")]
