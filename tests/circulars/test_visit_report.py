"""A single visit's inspection report PDF: the commission and the visiting team only."""
from __future__ import annotations

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.visits.models import ChecklistAnswer

from ..factories import make_finding, make_visit
from .helpers import add_photo, pdf_text


def test_visit_report_prints_answers_findings_and_photos(app, world, client, auth, tmp_path):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    visit.answers.append(ChecklistAnswer(item=world.checklist.items[1], result="fail", note="二楼办公室无人"))
    finding = make_finding(visit, world.users["inspector1"], description="综合股干部王某某不在岗",
                           persons=(("王某某", "科员", "staff"),))
    add_photo(app, finding, (10, 120, 10))
    db.session.commit()
    auth.login("inspector1")
    response = client.get(f"/visits/{visit.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path).replace(" ", "")
    for expected in ("明察暗访检查记录", world.units[0].name, world.campaign.title, "二楼办公室无人",
                     "综合股干部王某某不在岗", "王某某", "未经审核"):
        assert expected in text, expected
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.report_printed"))
    assert event.entity_id == str(visit.id) and event.actor_id == world.users["inspector1"].id


def test_visit_report_is_hidden_from_everyone_else(world, client, auth):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    db.session.commit()
    for username in ("inspector2", "inspector3", "viewer", "liaison1"):
        auth.login(username)
        assert client.get(f"/visits/{visit.id}/report.pdf").status_code == 404, username
        auth.logout()
    auth.login("reviewer")
    assert client.get(f"/visits/{visit.id}/report.pdf").status_code == 200


def test_finding_page_and_campaign_page_link_to_the_visit_report(world, client, auth):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], description="值班室无人")
    db.session.commit()
    link = f"/visits/{visit.id}/report.pdf"
    for username, page in (("reviewer", f"/review/findings/{finding.id}"),
                           ("coordinator", f"/campaigns/{world.campaign.id}")):
        auth.login(username)
        html = client.get(page).get_data(as_text=True)
        assert link in html, (username, page)
        assert client.get(link).status_code == 200
        auth.logout()
