"""The review desk and the phones' sync, end to end: corrections, conflicts and decisions travel both ways."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.visits.models import Visit

from ..records import finding_record, push, statuses, visit_record


def changes(client, headers, since=0):
    response = client.get(f"/api/v1/changes?since={since}", headers=headers)
    assert response.status_code == 200
    return response.get_json()["changes"]


def version_of(finding_id) -> Finding:
    db.session.expire_all()
    return db.session.get(Finding, finding_id)


def test_correction_conflict_resolution_and_decision_round_trip(client, auth, world, token_for):
    phone = token_for("inspector1")
    vid, fid = uuid.uuid4(), uuid.uuid4()
    assert statuses(push(client, phone, [visit_record(world.targets[0], visit_id=vid),
                                         finding_record(vid, finding_id=fid)])) == ["created", "created"]

    auth.login("reviewer")  # the reviewer corrects the wording and a cadre level
    response = client.post(f"/review/findings/{fid}/edit", data={
        "version": "1", "persons_present": "1", "description": "9时40分，三楼办公室2名工作人员不在岗，无请假手续",
        "category": "在岗在位", "location": "三楼办公室", "severity": "moderate",
        "item_id": str(version_of(fid).item_id),
        "person-0-name": "张某", "person-0-post": "科员", "person-0-level": "deputy_section_chief"})
    assert response.status_code == 303 and version_of(fid).version == 2

    # the phone, still on version 1, edits the description too (conflict) and the place (merges)
    edit = finding_record(vid, finding_id=fid, base_version=1, description="手机上补充：2人为张某、李某",
                          location="三楼东侧办公室")
    assert statuses(push(client, phone, [edit])) == ["conflict"]
    finding = version_of(fid)
    assert finding.in_conflict and set(finding.conflicts) == {"description"}
    assert finding.location == "三楼东侧办公室"  # the phone's change to another field merged
    assert finding.persons[0].cadre_level == "deputy_section_chief"  # the reviewer's correction kept

    page = client.get(f"/review/findings/{fid}").get_data(as_text=True)
    assert "手机上补充：2人为张某、李某" in page and "9时40分" in page
    response = client.post(f"/review/findings/{fid}/resolve", data={
        "version": str(finding.version), "field": "description", "choice": "merge",
        "value": "9时40分，三楼办公室张某、李某2名工作人员不在岗，无请假手续"})
    assert response.status_code == 303
    finding = version_of(fid)
    assert not finding.in_conflict and finding.description.startswith("9时40分，三楼办公室张某、李某")

    response = client.post(f"/review/findings/{fid}/decide", data={
        "version": str(finding.version), "action": "return", "note": "请补充请假条照片"})
    assert response.status_code == 303 and version_of(fid).status == "returned"

    feed = [c for c in changes(client, phone) if c["entity_id"] == str(fid)]
    kinds = [c["kind"] for c in feed]
    assert "edited" in kinds and "conflict_resolved" in kinds and kinds[-1] == "review"
    resolved = next(c for c in feed if c["kind"] == "conflict_resolved")["payload"]
    assert resolved["field"] == "description" and resolved["value"].startswith("9时40分，三楼办公室张某、李某")
    review = feed[-1]["payload"]
    assert review["status"] == "returned" and review["note"] == "请补充请假条照片"

    # the phone applies what it pulled, then adds the detail: it applies and goes back on the desk
    edited = next(c for c in feed if c["kind"] == "edited")["payload"]["fields"]
    assert edited["persons"] == [{"name": "张某", "post": "科员", "cadre_level": "deputy_section_chief"}]
    again = finding_record(vid, finding_id=fid, base_version=review["version"], persons=edited["persons"],
                           location="三楼东侧办公室", description=resolved["value"] + "（已补充请假条）")
    assert statuses(push(client, phone, [again])) == ["updated"]
    finding = version_of(fid)
    assert finding.status == "submitted" and finding.description.endswith("（已补充请假条）")
    assert finding.persons[0].cadre_level == "deputy_section_chief"


def test_conflicting_visit_edits_from_two_phones_show_on_the_finding_page(client, auth, world, token_for):
    phone, tablet = token_for("inspector1", "手机"), token_for("inspector1", "平板")
    vid, fid = uuid.uuid4(), uuid.uuid4()
    push(client, phone, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)])
    answers = [{"item_code": "A01", "result": "fail", "note": "签到册缺3人"},
               {"item_code": "A02", "result": "pass", "note": ""}]
    first = visit_record(world.targets[0], visit_id=vid, base_version=1, notes="从正门进入",
                         answers=[answers[0], {"item_code": "A02", "result": "fail", "note": "办公室无人"}])
    assert statuses(push(client, phone, [first], device="手机")) == ["updated"]
    second = visit_record(world.targets[0], visit_id=vid, base_version=1, notes="从侧门进入，门卫未登记",
                          answers=[answers[0], {"item_code": "A02", "result": "na", "note": "当天闭馆"}])
    assert statuses(push(client, tablet, [second], device="平板")) == ["conflict"]

    auth.login("reviewer")
    html = client.get(f"/review/findings/{fid}").get_data(as_text=True)
    assert "到访记录的同步冲突（2 项）" in html
    assert "从正门进入" in html and "从侧门进入，门卫未登记" in html
    assert "不符合：办公室无人" in html and "不适用：当天闭馆" in html and "设备 平板" in html
    assert 'name="key" value="answer:A02"' in html and 'name="key" value="notes"' in html

    def settle(key, choice):
        return client.post(f"/review/findings/{fid}/visit-conflict", data={"key": key, "choice": choice})

    refused = settle("answer:A02", "both")  # not a choice: refused, the conflict stays
    assert refused.status_code == 422 and "请选择保留哪一方的内容" in refused.get_data(as_text=True)
    assert settle("answer:A02", "phone").status_code == 303
    assert settle("notes", "server").status_code == 303
    visit = db.session.get(Visit, vid)
    db.session.refresh(visit)
    a02 = next(a for a in visit.answers if a.item.code == "A02")
    assert (a02.result, a02.note) == ("na", "当天闭馆")  # the phone's answer taken
    assert visit.notes == "从正门进入" and visit.conflicts == {}  # the server's note kept
    assert visit.version == 3 and visit.field_versions["answer:A02"] == 3
    html = client.get(f"/review/findings/{fid}").get_data(as_text=True)
    assert "到访记录的同步冲突" not in html
    again = settle("notes", "phone")  # settled already (say, by a colleague): refused, nothing changed
    assert again.status_code == 422 and "没有待处理的冲突" in again.get_data(as_text=True)
    summaries = list(db.session.scalars(select(AuditEvent.summary).where(
        AuditEvent.entity_id == str(vid), AuditEvent.action == "visit.conflict_resolved").order_by(AuditEvent.id)))
    assert summaries == ["处理到访记录的同步冲突：检查项 A02（采用手机内容）", "处理到访记录的同步冲突：到访备注（保留服务器内容）"]
