"""`flask demo` builds the demo county once, with everything a new user needs to try the app."""
from __future__ import annotations

from sqlalchemy import func, select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Target, Team
from inspection.checklists.models import ChecklistItem
from inspection.extensions import db
from inspection.findings.models import CADRE_LEVELS, CATEGORIES, Finding, FindingPhoto, InvolvedPerson
from inspection.photos.storage import variant_path
from inspection.units.models import Unit


def test_demo_fills_an_empty_database(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo-pass-2026" in result.output
    departments = db.session.scalars(select(Unit.short_name).where(Unit.kind == "department")).all()
    for short in ("教体局", "住建局", "公安局", "交通局", "信访局", "县法院", "工信局", "县政府办", "市场监管局",
                  "卫健委", "自然资源局", "综合执法局"):
        assert short in departments
    items = db.session.scalars(select(ChecklistItem)).all()
    assert len(items) >= 30
    assert {item.category for item in items} == set(CATEGORIES)
    active = db.session.scalar(select(Campaign).where(Campaign.status == "active", Campaign.kind == "ordinary"))
    assert len(active.teams) == 3
    team_one = active.teams[0]
    assert {u.username for u in team_one.members} == {"inspector1", "inspector2"}
    assert all(len(team.members) == 2 for team in active.teams)
    assert db.session.scalar(select(func.count()).select_from(Finding).where(Finding.campaign_id == active.id)) >= 40
    levels = set(db.session.scalars(select(InvolvedPerson.cadre_level).distinct()))
    assert levels == set(CADRE_LEVELS)
    usernames = set(db.session.scalars(select(User.username)))
    assert {"admin", "coordinator", "reviewer", "viewer"} | {f"inspector{i}" for i in range(1, 7)} <= usernames
    first_unit = db.session.scalar(select(Unit).order_by(Unit.id))
    liaison1 = db.session.scalar(select(User).where(User.username == "liaison1"))
    assert liaison1.unit_id == first_unit.id
    for sha in db.session.scalars(select(FindingPhoto.sha256)):
        assert variant_path(app.config["PHOTO_DIR"], sha, "display").exists()
    assert db.session.scalar(select(func.count()).select_from(Target).where(Target.campaign_id == active.id)) >= 12
    from inspection.circulars.models import Circular

    circular = db.session.scalar(select(Circular).where(Circular.campaign_id == active.id))
    assert circular is not None and circular.status == "draft"
    closed = db.session.scalar(select(Campaign).where(Campaign.status == "closed", Campaign.kind == "ordinary"))
    issued = db.session.scalar(select(Circular).where(Circular.campaign_id == closed.id))
    assert issued.status == "issued" and issued.doc_number == "示纪办通〔2026〕1号"
    assert {c.unit_id for c in issued.copies} == {t.unit_id for t in closed.targets}
    assert sum(c.received_at is not None for c in issued.copies) == 9  # the rest show as not yet signed for


def test_demo_refuses_a_non_empty_database_unless_forced(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = db.session.scalar(select(func.count()).select_from(Finding))
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Finding)) == before
    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(func.count()).select_from(Finding)) == before
    assert db.session.scalar(select(func.count()).select_from(Team)) == 10  # 3 + 3, and the follow-ups' 3 + 1
    from inspection.circulars.models import Circular

    numbers = set(db.session.scalars(select(Circular.doc_number).where(Circular.status == "issued")))
    assert numbers == {"示纪办通〔2026〕1号"}  # the counter was reset with everything else


def test_every_demo_user_can_sign_in_and_reach_a_home_page(app, runner, client):
    from flask import url_for

    from inspection.core.views import ROLE_HOME

    assert runner.invoke(args=["demo"]).exit_code == 0
    for username in ("admin", "coordinator", "reviewer", "viewer", "inspector1", "liaison1"):
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": "demo-pass-2026"})
        assert response.status_code == 302, username
        home = client.get("/home", follow_redirects=True)
        assert home.status_code == 200, username
        role = db.session.scalar(select(User.role).where(User.username == username))
        with app.test_request_context():
            expected = url_for(ROLE_HOME[role][0])
        assert home.request.path == expected, (username, home.request.path)
        if username == "liaison1":  # the inbox holds the issued circular's copy for their unit
            assert "示纪办通〔2026〕1号" in home.get_data(as_text=True)


def test_demo_photo_captions_say_what_the_photo_shows_and_texts_name_no_month(app, runner):
    """A caption is the photo's 说明, never the checklist question; a finding's text fits any month's circular."""
    import re

    from inspection.demo import data

    assert runner.invoke(args=["demo"]).exit_code == 0
    questions = set(db.session.scalars(select(ChecklistItem.text)))
    captions = set(db.session.scalars(select(FindingPhoto.caption)))
    assert captions and not captions & questions and captions <= set(data.PHOTO_NOTES.values())
    for rows in data.FINDINGS.values():
        for row in rows:
            assert not re.search(r"\d{1,2}月", row[1]), row[1]
