"""Finding records from phones: merging edits field by field, conflicts kept, versions counted."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import Finding, FindingPhoto
from inspection.photos.possession import standing_links
from inspection.sync.models import ChangeEvent, RecordVersion
from inspection.sync.versions import bump_fields, finding_data

from ..records import apply, finding_record, jpeg, status_of, visit_record

SHA_X = "a" * 64
SHA_Y = "b" * 64


@pytest.fixture
def made(world):
    """A visit and a finding recorded by inspector1's phone (version 1)."""
    user = world.users["inspector1"]
    vid, fid = uuid.uuid4(), uuid.uuid4()
    results = apply(user, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)])
    assert status_of(results) == ["created", "created"]
    return user, vid, fid


def edit(user, vid, fid, base, *, device, **changes):
    """Send the finding again from a phone, with its full data and some fields changed."""
    return apply(user, [finding_record(vid, finding_id=fid, base_version=base, **changes)], device=device)[0]


def test_edits_to_different_fields_from_two_devices_both_apply(made):
    user, vid, fid = made
    first = edit(user, vid, fid, 1, device="A", description="9:40 办公室3名工作人员不在岗")
    second = edit(user, vid, fid, 1, device="B", location="四楼会议室", severity="serious")
    assert (first["status"], second["status"]) == ("updated", "updated")
    finding = db.session.get(Finding, fid)
    assert finding.description == "9:40 办公室3名工作人员不在岗"
    assert (finding.location, finding.severity) == ("四楼会议室", "serious")
    assert finding.version == 3 and not finding.in_conflict and finding.conflicts == {}
    assert finding.field_versions["description"] == 2 and finding.field_versions["location"] == 3
    assert finding.original["location"] == "三楼办公室"  # the first submission is kept as it was


def test_same_field_edited_on_two_devices_keeps_the_server_value_and_both_are_visible(made):
    user, vid, fid = made
    edit(user, vid, fid, 1, device="A", description="甲手机的描述")
    answer = edit(user, vid, fid, 1, device="B", description="乙手机的描述", location="一楼大厅")
    assert answer["status"] == "conflict" and answer["version"] == 3
    assert answer["conflicts"] == {"description": {"server": "甲手机的描述", "phone": "乙手机的描述"}}
    finding = db.session.get(Finding, fid)
    assert finding.description == "甲手机的描述" and finding.location == "一楼大厅"  # the other change merged
    assert finding.in_conflict
    entry = finding.conflicts["description"]
    assert (entry["server"], entry["phone"], entry["device"], entry["user_id"]) == (
        "甲手机的描述", "乙手机的描述", "B", user.id)
    assert entry["at"].endswith("+00:00")
    kinds = list(db.session.scalars(select(ChangeEvent.kind).where(ChangeEvent.entity_id == str(fid))
                                    .order_by(ChangeEvent.id)))
    assert kinds == ["edited", "edited", "conflict"]


def test_resending_a_conflicting_edit_records_it_once(made):
    user, vid, fid = made
    edit(user, vid, fid, 1, device="A", description="甲")
    for _ in range(2):
        assert edit(user, vid, fid, 1, device="B", description="乙")["status"] == "conflict"
    audits = db.session.scalar(select(func.count()).where(AuditEvent.action == "finding.sync_conflict"))
    assert audits == 1


def test_a_field_in_open_conflict_takes_no_phone_edit_until_the_reviewer_settles_it(made):
    user, vid, fid = made
    edit(user, vid, fid, 1, device="A", description="甲")
    assert edit(user, vid, fid, 1, device="B", description="乙")["status"] == "conflict"
    # a phone that did not adopt the server's value edits something else on the latest version
    later = edit(user, vid, fid, 3, device="B", description="乙", location="二楼")
    assert later["status"] == "conflict" and later["conflicts"] == {"description": {"server": "甲", "phone": "乙"}}
    newer = edit(user, vid, fid, later["version"], device="B", description="乙改", location="二楼")
    assert newer["status"] == "conflict"
    finding = db.session.get(Finding, fid)
    assert finding.description == "甲" and finding.location == "二楼"  # held, while the other field applied
    assert finding.conflicts["description"]["phone"] == "乙改"  # the newest phone value waits for the reviewer
    finding.conflicts, finding.in_conflict = {}, False  # settled (keeping the server's value)
    bump_fields(finding, ["description"])
    db.session.commit()
    settled = edit(user, vid, fid, finding.version, device="B", description="丙", location="二楼")
    assert settled["status"] == "updated" and db.session.get(Finding, fid).description == "丙"


def test_reviewer_edit_wins_over_a_stale_phone_and_other_fields_still_merge(made):
    user, vid, fid = made
    finding = db.session.get(Finding, fid)
    finding.description = "审核人核实后的描述"
    bump_fields(finding, ["description"])
    db.session.commit()
    stale = edit(user, vid, fid, 1, device="A", severity="serious")  # phone did not touch the description
    assert stale["status"] == "updated"
    finding = db.session.get(Finding, fid)
    assert finding.description == "审核人核实后的描述" and finding.severity == "serious"
    clash = edit(user, vid, fid, 1, device="A", description="手机改的描述", severity="serious")
    assert clash["status"] == "conflict"
    assert db.session.get(Finding, fid).description == "审核人核实后的描述"


def test_item_change_by_a_reviewer_conflicts_by_item_id(world, made):
    user, vid, fid = made
    items = {item.code: item.id for item in world.checklist.items}
    finding = db.session.get(Finding, fid)
    finding.item_id = items["A03"]
    bump_fields(finding, ["item_id"])  # the review desk's name for the item
    db.session.commit()
    answer = edit(user, vid, fid, 1, device="A", item_code="A05")
    assert answer["status"] == "conflict"
    assert answer["conflicts"]["item_id"] == {"server": items["A03"], "phone": items["A05"]}
    assert db.session.get(Finding, fid).conflicts["item_id"]["phone"] == items["A05"]


def test_unknown_base_counts_a_server_change_as_a_conflict(made):
    user, vid, fid = made
    finding = db.session.get(Finding, fid)
    finding.location = "改动但未保留版本"
    finding.version, finding.field_versions = 3, {**finding.field_versions, "location": 3}
    db.session.commit()  # versions 2 and 3 were never kept: the phone's base 2 is unknown
    answer = edit(user, vid, fid, 2, device="A")
    assert answer["status"] == "conflict" and "location" in answer["conflicts"]
    assert db.session.get(Finding, fid).location == "改动但未保留版本"


def test_photos_added_on_two_devices_are_both_kept(made):
    user, vid, fid = made
    edit(user, vid, fid, 1, device="A", photos=[{"sha256": SHA_X, "caption": "签到册"}])
    answer = edit(user, vid, fid, 1, device="B", photos=[{"sha256": SHA_Y, "caption": "空座位"}])
    assert answer["status"] == "updated" and answer["missing_photos"] == [SHA_Y]
    finding = db.session.get(Finding, fid)
    assert [p.sha256 for p in finding.photos] == [SHA_X, SHA_Y]
    removed = edit(user, vid, fid, finding.version, device="A", photos=[{"sha256": SHA_Y, "caption": "空座位"}])
    assert removed["status"] == "updated"
    assert [p.sha256 for p in db.session.get(Finding, fid).photos] == [SHA_Y]


def test_reviewed_finding_turns_phone_edits_into_conflicts(made):
    user, vid, fid = made
    finding = db.session.get(Finding, fid)
    finding.status = "confirmed"
    bump_fields(finding, ["status"])
    db.session.commit()
    answer = edit(user, vid, fid, 2, device="A", description="确认后又改")
    assert answer["status"] == "conflict"
    finding = db.session.get(Finding, fid)
    assert finding.description.startswith("9:40") and finding.in_conflict and finding.status == "confirmed"


def test_edit_of_a_returned_finding_puts_it_back_on_the_desk(made):
    user, vid, fid = made
    finding = db.session.get(Finding, fid)
    finding.status = "returned"
    bump_fields(finding, ["status"])
    db.session.commit()
    answer = edit(user, vid, fid, 2, device="A", description="补充：已电话核实，二人均无请假手续")
    assert answer["status"] == "updated"
    finding = db.session.get(Finding, fid)
    assert finding.status == "submitted" and finding.field_versions["status"] == finding.version


def test_partial_edit_changes_only_what_it_names(made):
    user, vid, fid = made
    record = {"type": "finding", "id": str(fid), "base_version": 1, "data": {"severity": "serious"}}
    assert status_of(apply(user, [record])) == ["updated"]
    finding = db.session.get(Finding, fid)
    assert finding.severity == "serious" and finding.description.startswith("9:40")
    assert [p.name for p in finding.persons] == ["张某"]


def test_visit_of_a_finding_cannot_change(made):
    user, vid, fid = made
    answer = edit(user, uuid.uuid4(), fid, 1, device="A")
    assert answer["status"] == "invalid" and "visit_id" in answer["errors"]


def test_bump_fields_counts_a_change_and_keeps_that_version(made):
    _, _, fid = made
    finding = db.session.get(Finding, fid)
    finding.severity = "serious"
    assert bump_fields(finding, ["severity"]) == 2
    db.session.commit()
    kept = db.session.scalar(select(RecordVersion).where(RecordVersion.entity_id == fid, RecordVersion.version == 2))
    assert kept.data == finding_data(finding) and kept.data["severity"] == "serious"
    assert finding.field_versions["severity"] == 2 and finding.field_versions["description"] == 1


def test_a_photo_reference_stands_once_its_bytes_are_received(app, made, client, token_for):
    user, vid, fid = made
    data, sha = jpeg(5)
    edit(user, vid, fid, 1, device="A", photos=[{"sha256": sha}, {"sha256": SHA_X}])
    assert standing_links([fid]) == set()
    assert client.put(f"/api/v1/photos/{sha}", data=data, headers=token_for("inspector1")).status_code == 201
    assert standing_links([fid]) == {(fid, sha)}
    assert db.session.scalar(select(func.count()).select_from(FindingPhoto)) == 2
