"""After signing in again a phone lists what its team has sent: bootstrap's compact `team_records`
(only the team's, only active campaigns, descriptions clipped, no persons or photos)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from inspection.campaigns.models import Target, Team
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.review.services import decide
from inspection.sync import team_records as module

from ..factories import make_finding, make_visit
from ..records import finding_record, push, statuses, visit_record

LONG = "9:40 办公室2名工作人员不在岗，无请假手续，" + "经电话核实二人均称外出办事但无外出登记，" * 4


def _records(client, headers) -> list[dict]:
    """The team records a phone downloads at sign-in."""
    response = client.get("/api/v1/bootstrap", headers=headers)
    assert response.status_code == 200
    return response.get_json()["team_records"]


def test_a_new_phone_lists_the_teams_visits_and_findings_read_only(client, world, h1, token_for):
    world.teams[0].members.append(world.users["inspector3"])
    db.session.commit()
    vid, fid = uuid.uuid4(), uuid.uuid4()
    assert statuses(push(client, h1, [visit_record(world.targets[0], visit_id=vid),
                                      finding_record(vid, finding_id=fid, description=LONG)])) == ["created"] * 2
    decide(db.session.get(Finding, fid), "return", actor=world.users["reviewer"], note="请补充")
    db.session.commit()
    listed = {r["id"]: r for r in _records(client, token_for("inspector3"))}  # a teammate's fresh phone
    assert set(listed) == {str(vid), str(fid)}
    visit, finding = listed[str(vid)], listed[str(fid)]
    assert visit == {"id": str(vid), "type": "visit", "campaign_id": world.campaign.id,
                     "unit_id": world.units[0].id, "visit_id": None, "status": "ended", "status_label": "已结束",
                     "occurred_at": "2026-11-20T01:30:00+00:00", "description": "从侧门进入，未出示证件",
                     "created_by": "inspector1"}
    assert finding["type"] == "finding" and finding["visit_id"] == str(vid)
    assert finding["status"] == "returned" and finding["status_label"] == "需补充"
    assert finding["occurred_at"] == "2026-11-20T01:40:00+00:00"
    assert len(finding["description"]) == 60 and finding["description"].endswith("…")
    assert LONG.startswith(finding["description"][:-1])
    assert "persons" not in finding and "photos" not in finding  # compact: the list, not the record


def test_other_teams_and_campaigns_that_are_not_active_stay_out(client, world, h1, h2):
    ours = make_visit(world.targets[0], world.users["inspector1"])
    theirs = make_visit(world.targets[2], world.users["inspector2"])
    secret = make_finding(theirs, world.users["inspector2"], description="公安局脱岗")
    team_c = db.session.scalar(db.select(Team).where(Team.campaign_id == world.draft_campaign.id))
    draft = make_visit(db.session.scalar(db.select(Target).where(Target.team_id == team_c.id)),
                       world.users["inspector1"])
    db.session.commit()
    mine = [r["id"] for r in _records(client, h1)]
    assert mine == [str(ours.id)]
    text = client.get("/api/v1/bootstrap", headers=h1).get_data(as_text=True)
    assert str(theirs.id) not in text and "公安局脱岗" not in text and str(draft.id) not in text
    assert {r["id"] for r in _records(client, h2)} == {str(theirs.id), str(secret.id)}
    world.campaign.status = "closed"
    db.session.commit()
    assert _records(client, h1) == []


def test_newest_first_and_capped(client, world, h1, monkeypatch):
    monkeypatch.setattr(module, "TEAM_RECORDS_MAX", 2)
    for day in (17, 18, 19):
        make_visit(world.targets[0], world.users["inspector1"], started_at=datetime(2026, 11, day, 1, tzinfo=UTC))
    db.session.commit()
    assert [r["occurred_at"][:10] for r in _records(client, h1)] == ["2026-11-19", "2026-11-18"]


def test_a_visit_not_ended_is_listed_as_open(client, world, h1):
    vid = uuid.uuid4()
    assert statuses(push(client, h1, [visit_record(world.targets[1], visit_id=vid, ended_at=None)])) == ["created"]
    [visit] = _records(client, h1)
    assert visit["status"] == "open" and visit["status_label"] == "进行中"


def test_the_contract_documents_team_records(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["Bootstrap"]["properties"]["team_records"]["items"] == {"$ref": "#/components/schemas/TeamRecord"}
    assert {"id", "type", "unit_id", "status_label", "occurred_at", "description"} <= set(
        schemas["TeamRecord"]["properties"])
