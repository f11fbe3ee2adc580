"""GET /api/v1/bootstrap and /api/v1/changes: what phones download."""
from __future__ import annotations

import uuid
from datetime import datetime

from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.sync.changes import emit_finding_change

from ..records import finding_record, push, visit_record


def test_bootstrap_gives_only_the_teams_targets_in_active_campaigns(client, world, h1):
    response = client.get("/api/v1/bootstrap", headers=h1)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["username"] == "inspector1"
    assert [c["id"] for c in body["campaigns"]] == [world.campaign.id]  # not the draft campaign
    campaign = body["campaigns"][0]
    assert [t["id"] for t in campaign["targets"]] == [world.targets[0].id, world.targets[1].id]
    assert [t["name"] for t in campaign["teams"]] == ["第一暗访组"]
    assert campaign["targets"][0]["planned_start"] == "2026-11-20T01:00:00+00:00"
    assert {u["id"] for u in body["units"]} == {world.units[0].id, world.units[1].id}
    assert [i["code"] for i in body["checklists"][0]["items"]] == ["A01", "A02", "A03", "A04", "A05"]
    assert body["checklists"][0]["items"][0]["photo_required"] is True
    assert body["cadre_levels"]["section_chief"] == "正科级干部" and "考勤管理" in body["categories"]
    assert body["limits"]["max_photo_bytes"] == 15 * 1024 * 1024 and body["cursor"] == "0"
    assert "公安局" not in response.get_data(as_text=True)  # team B's target stays secret


def test_bootstrap_marks_targets_a_teammate_has_visited(client, world, h1, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    h3 = token_for("inspector3")
    first = client.get("/api/v1/bootstrap", headers=h3).get_json()["campaigns"][0]["targets"]
    assert [(t["visit_count"], t["last_visit_at"]) for t in first] == [(0, None), (0, None)]
    open_visit, finished = visit_record(world.targets[1]), visit_record(world.targets[0])
    open_visit["data"]["ended_at"] = None
    push(client, h1, [open_visit, finished])  # inspector1 visits; their teammate's phone learns of it
    targets = client.get("/api/v1/bootstrap", headers=h3).get_json()["campaigns"][0]["targets"]
    assert targets[0]["visit_count"] == 1
    assert datetime.fromisoformat(targets[0]["last_visit_at"]) == datetime.fromisoformat(finished["data"]["ended_at"])
    assert (targets[1]["visit_count"], targets[1]["last_visit_at"]) == (0, None)  # still in progress


def test_bootstrap_for_an_inspector_on_no_team_is_empty_and_others_get_404(client, world, token_for):
    body = client.get("/api/v1/bootstrap", headers=token_for("inspector3")).get_json()
    assert body["campaigns"] == [] and body["units"] == [] and body["checklists"] == []
    for username in ("viewer", "liaison1", "coordinator"):
        assert client.get("/api/v1/bootstrap", headers=token_for(username)).status_code == 404


def test_changes_feed_pages_by_cursor_and_is_per_user(client, world, h1, h2):
    vid, fid = uuid.uuid4(), uuid.uuid4()
    push(client, h1, [visit_record(world.targets[0], visit_id=vid), finding_record(vid, finding_id=fid)])
    finding = db.session.get(Finding, fid)
    emit_finding_change(finding, "review", {"status": "returned", "note": "请补充请假条照片", "version": 2})
    emit_finding_change(finding, "conflict_resolved", {"field": "description", "version": 3})
    db.session.commit()
    first = client.get("/api/v1/changes?since=0&limit=1", headers=h1).get_json()
    assert first["has_more"] is True and len(first["changes"]) == 1
    change = first["changes"][0]
    assert (change["kind"], change["entity_id"], change["payload"]["note"]) == ("review", str(fid), "请补充请假条照片")
    second = client.get(f"/api/v1/changes?since={first['cursor']}", headers=h1).get_json()
    assert [c["kind"] for c in second["changes"]] == ["conflict_resolved"] and second["has_more"] is False
    rest = client.get(f"/api/v1/changes?since={second['cursor']}", headers=h1).get_json()
    assert rest == {"changes": [], "cursor": second["cursor"], "has_more": False}
    assert client.get("/api/v1/changes", headers=h2).get_json()["changes"] == []  # team B hears nothing
    synced = push(client, h1, [finding_record(vid, finding_id=fid, base_version=1, location="档案室")])
    assert int(synced.get_json()["cursor"]) > int(second["cursor"])  # the edit itself is in the feed


def test_changes_refuses_a_bad_cursor(client, world, h1):
    response = client.get("/api/v1/changes?since=abc", headers=h1)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"
