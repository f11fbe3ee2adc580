"""Review services: decisions, corrections, conflict resolution and merging, called directly."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import FindingPhoto
from inspection.review import services
from inspection.review.models import Review
from inspection.review.services import ReviewError
from inspection.sync.models import ChangeEvent, RecordVersion

from ..factories import make_finding, make_visit


@pytest.fixture
def finding(world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    f = make_finding(visit, world.users["inspector1"], description="9:30 科员张某不在岗",
                     persons=(("张某", "科员", "staff"),))
    db.session.commit()
    return f


def events(finding, kind=None):
    query = select(ChangeEvent).where(ChangeEvent.entity_id == str(finding.id)).order_by(ChangeEvent.id)
    return [e for e in db.session.scalars(query) if kind is None or e.kind == kind]


def audits(finding, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == str(finding.id),
                                                            AuditEvent.action == action)))


def test_confirm_records_review_audit_version_and_tells_the_team(world, finding):
    reviewer = world.users["reviewer"]
    services.decide(finding, "confirm", actor=reviewer, note="属实", expected_version=1)
    db.session.commit()
    assert finding.status == "confirmed"
    assert finding.reviewed_by_id == reviewer.id and finding.reviewed_at is not None
    assert finding.version == 2 and finding.field_versions["status"] == 2
    review = db.session.scalar(select(Review).where(Review.finding_id == finding.id))
    assert (review.decision, review.note, review.reviewer_id) == ("confirmed", "属实", reviewer.id)
    (audit,) = audits(finding, "finding.confirmed")
    assert audit.before == {"status": "submitted", "review_note": ""}
    assert audit.after == {"status": "confirmed", "review_note": "属实"}
    sent = events(finding, "review")
    assert [e.user_id for e in sent] == [world.users["inspector1"].id]  # author, team A's leader and member
    assert sent[0].payload["status"] == "confirmed" and sent[0].payload["version"] == 2
    kept = db.session.scalar(select(RecordVersion).where(RecordVersion.entity_id == finding.id,
                                                         RecordVersion.version == 2))
    assert kept is not None  # the sync merge base for version 2


@pytest.mark.parametrize("action,status", [("return", "returned"), ("reject", "rejected")])
def test_return_and_reject_need_a_note(world, finding, action, status):
    with pytest.raises(ReviewError) as exc:
        services.decide(finding, action, actor=world.users["reviewer"], note="  ")
    assert exc.value.code == "note_required"
    assert finding.status == "submitted" and finding.version == 1
    services.decide(finding, action, actor=world.users["reviewer"], note="请补充请假条照片")
    assert finding.status == status and finding.review_note == "请补充请假条照片"
    assert events(finding, "review")[0].payload["note"] == "请补充请假条照片"


def test_confirm_is_refused_while_in_conflict(world, finding):
    finding.in_conflict = True
    finding.conflicts = {"description": {"server": "a", "phone": "b", "device": "d", "user_id": 1,
                                         "at": "2026-11-20T02:00:00+00:00"}}
    with pytest.raises(ReviewError) as exc:
        services.decide(finding, "confirm", actor=world.users["reviewer"])
    assert exc.value.code == "in_conflict" and finding.status == "submitted"


def test_stale_version_is_refused(world, finding):
    with pytest.raises(ReviewError) as exc:
        services.decide(finding, "confirm", actor=world.users["reviewer"], expected_version=0)
    assert exc.value.code == "stale" and finding.status == "submitted"


def test_decided_findings_can_only_be_reopened(world, finding):
    reviewer = world.users["reviewer"]
    services.decide(finding, "reject", actor=reviewer, note="不属实")
    with pytest.raises(ReviewError) as exc:
        services.decide(finding, "confirm", actor=reviewer)
    assert exc.value.code == "not_decidable"
    services.reopen(finding, actor=reviewer, note="复核")
    assert finding.status == "submitted" and finding.reviewed_by_id is None
    assert [r.decision for r in db.session.scalars(select(Review).order_by(Review.id))] == ["rejected", "reopened"]
    assert events(finding, "review")[-1].payload["status"] == "submitted"
    with pytest.raises(ReviewError):
        services.reopen(finding, actor=reviewer)


def test_edit_keeps_the_original_and_audits_before_and_after(world, finding):
    reviewer = world.users["reviewer"]
    changed = services.edit_finding(finding, {
        "description": "9时30分，科员张某不在岗，无请假手续", "category": "在岗在位",
        "persons": [{"name": "张某", "post": "股长", "cadre_level": "deputy_section_chief"}]},
        actor=reviewer, expected_version=1)
    db.session.commit()
    assert set(changed) == {"description", "persons"}  # the category did not change
    assert finding.original == {"description": "9:30 科员张某不在岗"}
    assert [(p.post, p.cadre_level) for p in finding.persons] == [("股长", "deputy_section_chief")]
    assert finding.field_versions["description"] == finding.field_versions["persons"] == 2
    (audit,) = audits(finding, "finding.edited")
    assert audit.before["description"] == "9:30 科员张某不在岗"
    assert audit.before["persons"] == [{"name": "张某", "post": "科员", "cadre_level": "staff"}]
    assert audit.after["persons"][0]["cadre_level"] == "deputy_section_chief"
    (event,) = events(finding, "edited")
    assert event.payload["fields"]["description"].startswith("9时30分") and event.payload["version"] == 2


def test_edit_of_the_item_reaches_the_synced_data_kept_for_merging(world, finding):
    item = world.checklist.items[2]
    services.edit_finding(finding, {"item_id": str(item.id)}, actor=world.users["reviewer"])
    db.session.commit()
    assert finding.item_id == item.id and finding.field_versions["item_id"] == 2
    kept = db.session.scalar(select(RecordVersion.data).where(RecordVersion.entity_id == finding.id,
                                                              RecordVersion.version == 2))
    assert kept["item_code"] == item.code


def test_edit_without_change_does_nothing(world, finding):
    assert services.edit_finding(finding, {"description": "9:30 科员张某不在岗"},
                                 actor=world.users["reviewer"]) == {}
    assert finding.version == 1 and audits(finding, "finding.edited") == [] and events(finding) == []


def test_edit_refuses_bad_values_and_fields_in_conflict(world, finding):
    reviewer = world.users["reviewer"]
    with pytest.raises(ReviewError):
        services.edit_finding(finding, {"persons": [{"name": "张某", "cadre_level": "mayor"}]}, actor=reviewer)
    with pytest.raises(ReviewError):
        services.edit_finding(finding, {"description": "   "}, actor=reviewer)
    finding.conflicts = {"description": {"server": "x", "phone": "y"}}
    with pytest.raises(ReviewError) as exc:
        services.edit_finding(finding, {"description": "新的描述"}, actor=reviewer)
    assert exc.value.code == "in_conflict"


def conflict(server, phone):
    return {"server": server, "phone": phone, "device": "手机A", "user_id": 1, "at": "2026-11-20T03:00:00+00:00"}


def test_resolve_conflict_takes_the_phone_value_and_clears_the_flag(world, finding):
    finding.conflicts = {"description": conflict("9:30 科员张某不在岗", "9:30 科员张某、李某不在岗"),
                         "location": conflict("办公室", "二楼办公室")}
    finding.in_conflict = True
    db.session.commit()
    reviewer = world.users["reviewer"]
    services.resolve_conflict(finding, "description", "phone", actor=reviewer, expected_version=1)
    assert finding.description == "9:30 科员张某、李某不在岗"
    assert finding.in_conflict is True and list(finding.conflicts) == ["location"]
    services.resolve_conflict(finding, "location", "server", actor=reviewer)
    db.session.commit()
    assert finding.location == "办公室" and finding.in_conflict is False and finding.conflicts == {}
    assert finding.field_versions["description"] == 2 and finding.field_versions["location"] == 3
    sent = events(finding, "conflict_resolved")
    assert [(e.payload["field"], e.payload["value"], e.payload["choice"]) for e in sent] == [
        ("description", "9:30 科员张某、李某不在岗", "phone"), ("location", "办公室", "server")]
    (audit,) = audits(finding, "finding.conflict_resolved")[:1]
    assert audit.before["conflict"]["phone"] == "9:30 科员张某、李某不在岗"


def test_resolve_conflict_by_merging_text(world, finding):
    finding.conflicts = {"description": conflict("甲", "乙")}
    finding.in_conflict = True
    services.resolve_conflict(finding, "description", "merge", value="甲；乙", actor=world.users["reviewer"])
    assert finding.description == "甲；乙" and not finding.in_conflict
    with pytest.raises(ReviewError) as exc:
        services.resolve_conflict(finding, "description", "phone", actor=world.users["reviewer"])
    assert exc.value.code == "no_conflict"


def test_resolve_item_and_photo_conflicts(world, finding):
    items = world.checklist.items
    sha = hashlib.sha256(b"p").hexdigest()
    finding.photos.append(FindingPhoto(sha256=sha, caption="签到册", position=0))
    finding.item_id = items[0].id
    finding.conflicts = {"item_id": conflict(items[0].id, items[1].id), f"photo:{sha}": conflict({"caption": "签到册"}, None)}
    finding.in_conflict = True
    db.session.commit()
    reviewer = world.users["reviewer"]
    services.resolve_conflict(finding, "item_id", "phone", actor=reviewer)
    services.resolve_conflict(finding, f"photo:{sha}", "phone", actor=reviewer)
    db.session.commit()
    assert finding.item_id == items[1].id and finding.photos == [] and not finding.in_conflict


def test_merge_keeps_both_photo_sets_and_links(world, finding):
    reviewer = world.users["reviewer"]
    other_visit = make_visit(world.targets[0], world.users["inspector1"])
    keep = make_finding(other_visit, world.users["inspector1"], persons=(("张某", "科员", "staff"),))
    sha_a, sha_b = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b"))
    keep.photos.append(FindingPhoto(sha256=sha_a, position=0))
    finding.photos.extend([FindingPhoto(sha256=sha_a, position=0), FindingPhoto(sha256=sha_b, position=1)])
    finding.persons[0].name = "张某"
    from inspection.findings.models import InvolvedPerson
    finding.persons.append(InvolvedPerson(name="李某", post="", cadre_level="staff", position=1))
    db.session.commit()
    added = services.merge_findings(finding, keep, actor=reviewer, note="同一事项", expected_version=1)
    db.session.commit()
    assert added == {"photos": [sha_b], "persons": [{"name": "李某", "post": "", "cadre_level": "staff"}]}
    assert finding.status == "merged" and finding.merged_into_id == keep.id
    assert sorted(p.sha256 for p in keep.photos) == sorted([sha_a, sha_b])
    assert sorted(p.sha256 for p in finding.photos) == sorted([sha_a, sha_b])  # the duplicate keeps its own
    assert [p.name for p in keep.persons] == ["张某", "李某"]
    assert events(finding, "review")[0].payload["merged_into"] == str(keep.id)
    assert events(keep, "edited")[0].payload["photos_added"] == [sha_b]
    assert audits(finding, "finding.merged") and audits(keep, "finding.merged_in")
    with pytest.raises(ReviewError):
        services.merge_findings(keep, finding, actor=reviewer)


def test_merge_refuses_findings_of_different_units(world, finding):
    visit = make_visit(world.targets[1], world.users["inspector1"])
    elsewhere = make_finding(visit, world.users["inspector1"])
    with pytest.raises(ReviewError) as exc:
        services.merge_findings(finding, elsewhere, actor=world.users["reviewer"])
    assert exc.value.code == "different_unit" and finding.status == "submitted"


@pytest.mark.parametrize("bad", ["需补充\x1e照片", "需补充\x00", "需补充\ud800"])
@pytest.mark.parametrize("act", ["return", "reopen", "merge"])
def test_decision_notes_are_checked_at_the_boundary(world, finding, bad, act):
    """A note typed on the desk reaches phones and the audit log: control characters are refused there too."""
    reviewer = world.users["reviewer"]
    other = make_finding(make_visit(world.targets[0], world.users["inspector1"]), world.users["inspector1"])
    if act == "reopen":
        services.decide(finding, "confirm", actor=reviewer)
        db.session.commit()
    calls = {"return": lambda: services.decide(finding, "return", actor=reviewer, note=bad),
             "reopen": lambda: services.reopen(finding, actor=reviewer, note=bad),
             "merge": lambda: services.merge_findings(finding, other, actor=reviewer, note=bad)}
    status = finding.status
    with pytest.raises(ReviewError) as exc:
        calls[act]()
    assert exc.value.code == "invalid_text" and "审核意见" in exc.value.message
    assert finding.status == status
