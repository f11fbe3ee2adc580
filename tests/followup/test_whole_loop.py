"""The issue's "done when", through the pages and the sync API on the demo county: a 回头看 created from the
issued circular with 交叉 teams, visited by a phone, reviewed (an item reopened), ending in an issued
整改情况通报 whose PDF names the unit — on whichever database the suite runs against."""
from __future__ import annotations

import hashlib
import subprocess
import uuid

from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Team
from inspection.circulars.models import Circular, IssuingOrgan
from inspection.extensions import db
from inspection.followup.crossing import former_inspectors
from inspection.followup.models import FollowupPlan, Recheck
from inspection.rectification.models import RectificationItem

from ..records import jpeg


DEMO_PASSWORD = "demo-pass-2026"


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _plan(client, auth, circular) -> Campaign:
    """The coordinator creates the follow-up, its teams, assigns by 交叉 and activates it."""
    auth.login("coordinator", DEMO_PASSWORD)
    response = client.post("/followup/new", data={
        "title": "示纪办通〔2026〕1号销号事项回头看", "start_date": "2026-12-01", "end_date": "2026-12-31",
        "checklist_id": str(circular.campaign.checklist_id), "circular_ids": [str(circular.id)], "scope": "closed",
        "cross": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalar(select(Campaign).where(Campaign.title == "示纪办通〔2026〕1号销号事项回头看"))
    for name, lead, second in (("甲组", "inspector1", "inspector2"), ("乙组", "inspector5", "inspector6")):
        response = client.post(f"/campaigns/{campaign.id}/teams/new", data={
            "name": name, "leader_id": str(_user(lead).id), "member_ids": [str(_user(lead).id), str(_user(second).id)]})
        assert response.status_code == 302, response.get_data(as_text=True)
    plan = db.session.get(FollowupPlan, campaign.id)
    db.session.refresh(campaign)
    unit_id = next(i.unit_id for i in db.session.scalars(select(RectificationItem).where(
        RectificationItem.circular_id == circular.id, RectificationItem.status == "closed")))
    own = next(t for t in campaign.teams if set(former_inspectors(plan, unit_id)) & {u.id for u in t.members})
    refused = client.post(f"/followup/{campaign.id}/plan/assign", data={"unit_id": str(unit_id),
                                                                        "team_id": str(own.id)},
                          follow_redirects=True)
    assert "交叉回访" in refused.get_data(as_text=True)  # its own unit: refused with the reason
    assert client.post(f"/followup/{campaign.id}/plan/auto").status_code in (302, 303)
    response = client.post(f"/campaigns/{campaign.id}/status", data={"action": "activate", "confirm": "yes"})
    assert response.status_code in (302, 303)
    db.session.refresh(campaign)
    assert campaign.status == "active" and campaign.targets
    for target in campaign.targets:
        people = {u.id for u in target.team.members}
        assert not people & set(former_inspectors(plan, target.unit_id))
    auth.logout()
    return campaign


def _visit_by_phone(client, campaign) -> tuple[Recheck, RectificationItem]:
    """A team leader's phone takes its bootstrap, then sends a visit, a 未整改 recheck and its photo."""
    target = campaign.targets[0]
    leader = db.session.get(Team, target.team_id).leader
    token = client.post("/api/v1/auth/token", json={"username": leader.username, "password": DEMO_PASSWORD,
                                                    "device_name": "回访手机"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    boot = client.get("/api/v1/bootstrap", headers=headers).get_json()
    out = next(c for c in boot["campaigns"] if c["id"] == campaign.id)
    assert out["kind"] == "followup"
    target_out = next(t for t in out["targets"] if t["id"] == target.id)
    problem = target_out["rechecks"][0]
    assert problem["rectification"]["status"] == "closed" and problem["description"]
    data, sha = jpeg(41)
    visit_id, recheck_id = str(uuid.uuid4()), str(uuid.uuid4())
    records = [
        {"type": "visit", "id": visit_id, "base_version": None, "data": {
            "target_id": target.id, "started_at": "2026-12-01T09:05:00+08:00",
            "ended_at": "2026-12-01T10:20:00+08:00", "notes": "交叉回访", "answers": []}},
        {"type": "recheck", "id": recheck_id, "base_version": None, "data": {
            "visit_id": visit_id, "finding_id": problem["finding_id"], "verdict": "not_rectified",
            "note": "签到册仍有代签笔迹，整改报告所述与现场不符",
            "photos": [{"sha256": sha, "caption": "签到册", "taken_at": "2026-12-01T09:30:00+08:00"}]}}]
    answer = client.post("/api/v1/sync", headers=headers, json={
        "device_id": "phone-x", "batch_id": str(uuid.uuid4()), "records": records}).get_json()
    assert [r["status"] for r in answer["results"]] == ["created", "created"], answer
    assert answer["results"][1]["missing_photos"] == [sha]
    put = client.put(f"/api/v1/photos/{sha}", data=data, headers={**headers, "Content-Type": "image/jpeg"})
    assert put.status_code in (200, 201), put.get_json()
    assert hashlib.sha256(data).hexdigest() == sha
    recheck = db.session.get(Recheck, uuid.UUID(recheck_id))
    return recheck, recheck.problem.item


def test_followup_from_demo_circular_to_issued_report(app, runner, client, auth, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    circular = db.session.scalar(select(Circular).where(Circular.doc_number == "示纪办通〔2026〕1号"))
    campaign = _plan(client, auth, circular)
    recheck, item = _visit_by_phone(client, campaign)

    auth.login("reviewer", DEMO_PASSWORD)
    page = client.get(f"/followup/rechecks/{recheck.id}").get_data(as_text=True)
    assert "签到册仍有代签笔迹" in page and item.measures[:10] in page  # the team's view beside the unit's
    response = client.post(f"/followup/rechecks/{recheck.id}/confirm", data={
        "note": "复核属实", "version": str(recheck.version), "item_version": str(item.version)})
    assert response.status_code in (302, 303)
    db.session.refresh(item)
    assert item.status == "pending" and item.flag == "paper"

    organ = db.session.scalar(select(IssuingOrgan))
    response = client.post(f"/followup/{campaign.id}/report-circular", data={"organ_id": str(organ.id)})
    assert response.status_code == 303
    report = db.session.scalar(select(Circular).where(Circular.campaign_id == campaign.id))
    assert report.source == "followup"
    response = client.post(f"/circulars/{report.id}/issue")
    assert response.status_code in (302, 303)
    db.session.refresh(report)
    assert report.status == "issued" and report.doc_number and report.pdf_sha256 and report.copies
    pdf = client.get(f"/circulars/{report.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    assert item.unit.name in text and "纸上整改" in text
    auth.logout()

    liaison = db.session.scalar(select(User).where(User.role == "liaison", User.unit_id == item.unit_id))
    auth.login(liaison.username, DEMO_PASSWORD)
    page = client.get(f"/rectification/mine/{item.id}").get_data(as_text=True)
    assert "纸上整改" in page
