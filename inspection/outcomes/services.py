"""处理意见 as plain functions: record, edit and delete one outcome. Each flushes and writes the audit log.

An outcome is recorded for an involved person of a confirmed finding (name, post and cadre level copied
from the finding), or as 约谈 of the unit's leader (name, post and cadre level given; no person). The
measure is one of MEASURES, the body that decided it is required, and the date lies neither in the future
nor before the day the finding occurred (China time). Two people editing one outcome at once: the outcome
carries a version (SQLAlchemy's version counter), so the second write becomes an OutcomeError.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..core.dates import date_cn, to_cst, today_cst
from ..extensions import db
from ..findings.models import CADRE_LEVELS, FINDING_STATUSES, Finding, InvolvedPerson
from .models import MEASURES, Outcome

LEADER_INTERVIEW = "leader_interview"
LADDER = tuple(key for key in MEASURES if key != LEADER_INTERVIEW)  # what a finding's persons may be given
EDITABLE = ("measure", "body", "decided_on", "note")
LEADER_FIELDS = ("person_name", "post", "cadre_level")
MAX_BODY, MAX_NAME, MAX_POST, MAX_NOTE = 100, 40, 100, 4000
CHANGED_MEANWHILE = "该处理意见刚刚已被他人修改或删除，请刷新页面查看最新内容"


class OutcomeError(Exception):
    """An outcome the rules refuse; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _flush() -> None:
    """Flush, turning a lost race on an outcome's version into an OutcomeError."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise OutcomeError(CHANGED_MEANWHILE) from exc


def _require_confirmed(finding: Finding) -> None:
    """Refuse a finding that is not confirmed (处理意见 follow only from a confirmed finding)."""
    if finding.status != "confirmed":
        label = FINDING_STATUSES.get(finding.status, finding.status)
        raise OutcomeError(f"该问题当前状态为“{label}”，只有审核确认的问题才能录入处理意见")


def _text(data: dict, key: str, limit: int, label: str, *, required: bool) -> str:
    """Return a stripped text value, refusing it when missing (if required) or too long."""
    value = (data.get(key) or "").strip()
    if required and not value:
        raise OutcomeError(f"请填写{label}")
    if len(value) > limit:
        raise OutcomeError(f"{label}不能超过{limit}个字")
    return value


def _decided_on(finding: Finding, value, today: date) -> date:
    """Check the decision date: given, not after today, not before the day the finding occurred."""
    if not isinstance(value, date):
        raise OutcomeError("请填写处理日期")
    if value > today:
        raise OutcomeError("处理日期不能晚于今天")
    occurred = to_cst(finding.occurred_at)
    if occurred is not None and value < occurred.date():
        raise OutcomeError(f"处理日期不能早于问题发现日期（{date_cn(occurred.date())}）")
    return value


def _clean(finding: Finding, data: dict, *, leader: bool, today: date) -> dict:
    """Check and normalise the fields an outcome stores (the person's fields only for 约谈)."""
    measure = data.get("measure")
    if measure not in MEASURES:
        raise OutcomeError("请从列表中选择处理方式")
    if leader != (measure == LEADER_INTERVIEW):
        raise OutcomeError("约谈单位负责人请在“约谈”一栏录入" if not leader else "此处只能录入约谈")
    clean = {"measure": measure, "body": _text(data, "body", MAX_BODY, "处理机关", required=True),
             "decided_on": _decided_on(finding, data.get("decided_on"), today),
             "note": _text(data, "note", MAX_NOTE, "备注", required=False)}
    if leader:
        clean["person_name"] = _text(data, "person_name", MAX_NAME, "被约谈人姓名", required=True)
        clean["post"] = _text(data, "post", MAX_POST, "职务", required=False)
        if data.get("cadre_level") not in CADRE_LEVELS:
            raise OutcomeError("请选择被约谈人的干部层级")
        clean["cadre_level"] = data["cadre_level"]
    return clean


def snapshot(outcome: Outcome) -> dict:
    """Return the outcome's fields as plain values for the audit log."""
    return {"finding_id": str(outcome.finding_id), "person_name": outcome.person_name, "post": outcome.post,
            "cadre_level": outcome.cadre_level, "measure": outcome.measure, "body": outcome.body,
            "decided_on": outcome.decided_on.isoformat(), "note": outcome.note}


def _summary(verb: str, outcome: Outcome) -> str:
    """Describe an outcome for the audit log: 录入处理意见：王某（一般干部）批评教育."""
    level = CADRE_LEVELS.get(outcome.cadre_level, outcome.cadre_level)
    return f"{verb}处理意见：{outcome.person_name}（{level}）{MEASURES.get(outcome.measure, outcome.measure)}"


def _duplicate(finding: Finding, *, measure: str, person_id: int | None, name: str, exclude: int | None = None) -> bool:
    """Tell whether the finding already has this measure for this person (a double submission)."""
    query = select(Outcome.id).where(Outcome.finding_id == finding.id, Outcome.measure == measure)
    query = query.where(Outcome.person_id == person_id) if person_id is not None else query.where(
        Outcome.person_id.is_(None), Outcome.person_name == name)
    if exclude is not None:
        query = query.where(Outcome.id != exclude)
    return db.session.scalar(query.limit(1)) is not None


def record_outcome(finding: Finding, data: dict, *, actor, person: InvolvedPerson | None = None,
                   today: date | None = None) -> Outcome:
    """Record one outcome: for a person of the finding, or (person None) a 约谈 of the unit's leader."""
    _require_confirmed(finding)
    if person is not None and person.finding_id != finding.id:
        raise OutcomeError("该人员不属于这个问题")
    clean = _clean(finding, data, leader=person is None, today=today or today_cst())
    if person is not None:
        clean.update(person_name=person.name, post=person.post, cadre_level=person.cadre_level)
    if _duplicate(finding, measure=clean["measure"], person_id=getattr(person, "id", None),
                  name=clean["person_name"]):
        raise OutcomeError(f"{clean['person_name']}已有“{MEASURES[clean['measure']]}”处理意见，请勿重复录入")
    outcome = Outcome(finding_id=finding.id, person_id=getattr(person, "id", None),
                      created_by_id=getattr(actor, "id", None), **clean)
    db.session.add(outcome)
    _flush()
    record(actor, "outcome.recorded", "outcome", outcome.id, _summary("录入", outcome), after=snapshot(outcome))
    return outcome


def _check_version(outcome: Outcome, version: int | None) -> None:
    """Refuse a change made on an older version of the outcome than the stored one."""
    if version is not None and version != outcome.version:
        raise OutcomeError(CHANGED_MEANWHILE)


def edit_outcome(outcome: Outcome, data: dict, *, actor, version: int | None = None,
                 today: date | None = None) -> list[str]:
    """Change an outcome's measure, body, date and note (and a 约谈's person); return the changed fields."""
    _check_version(outcome, version)
    finding = outcome.finding
    _require_confirmed(finding)
    leader = outcome.person_id is None and outcome.measure == LEADER_INTERVIEW
    if not leader and data.get("measure") == LEADER_INTERVIEW:
        raise OutcomeError("约谈单位负责人请在“约谈”一栏录入")
    clean = _clean(finding, data, leader=leader, today=today or today_cst())
    if _duplicate(finding, measure=clean["measure"], person_id=outcome.person_id,
                  name=clean.get("person_name", outcome.person_name), exclude=outcome.id):
        raise OutcomeError(f"{outcome.person_name}已有“{MEASURES[clean['measure']]}”处理意见，请勿重复录入")
    old = snapshot(outcome)
    changed = [key for key, value in clean.items() if getattr(outcome, key) != value]
    if not changed:
        return []
    for key in changed:
        setattr(outcome, key, clean[key])
    _flush()
    new = snapshot(outcome)
    record(actor, "outcome.edited", "outcome", outcome.id, _summary("修改", outcome),
           before={key: old[key] for key in changed}, after={key: new[key] for key in changed})
    return changed


def delete_outcome(outcome: Outcome, *, actor, version: int | None = None) -> None:
    """Delete an outcome recorded in error (whatever the finding's status now), keeping it in the audit log."""
    _check_version(outcome, version)
    before = snapshot(outcome)
    outcome_id, summary = outcome.id, _summary("删除", outcome)
    db.session.delete(outcome)
    _flush()
    record(actor, "outcome.deleted", "outcome", outcome_id, summary, before=before)
