"""Campaign, team and target services, called directly."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.auth.services import create_user
from inspection.campaigns import services, targets, teams
from inspection.campaigns.models import Team
from inspection.campaigns.services import CampaignError
from inspection.extensions import db

from ..factories import PASSWORD, make_finding, make_visit


def _draft(world, **kw):
    return services.create_campaign(title=kw.get("title", "2027年第一批"), start_date=date(2027, 1, 4),
                                    end_date=date(2027, 1, 29), checklist=world.checklist,
                                    actor=world.users["coordinator"])


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_create_campaign_checks_the_period(world):
    with pytest.raises(CampaignError) as exc:
        services.create_campaign(title="x", start_date=date(2027, 2, 1), end_date=date(2027, 1, 1),
                                 checklist=world.checklist, actor=None)
    assert exc.value.field == "end_date"
    campaign = _draft(world)
    assert campaign.status == "draft" and campaign.created_by_id == world.users["coordinator"].id
    assert _actions()[-1] == "campaign.create"


def test_checklist_version_is_fixed_once_active(world):
    other = world.checklist  # same version is fine
    assert not services.update_campaign(world.campaign, title=world.campaign.title, start_date=world.campaign.start_date,
                                        end_date=world.campaign.end_date, checklist=other, actor=None)
    from inspection.checklists.services import check_rows, publish, rows_from_items

    v2 = publish(other.name, check_rows(rows_from_items(other.items)[1:]), actor=None, base=other)
    with pytest.raises(CampaignError) as exc:
        services.update_campaign(world.campaign, title="改", start_date=world.campaign.start_date,
                                 end_date=world.campaign.end_date, checklist=v2, actor=None)
    assert exc.value.field == "checklist_id"
    assert services.update_campaign(world.draft_campaign, title="改", start_date=world.draft_campaign.start_date,
                                    end_date=world.draft_campaign.end_date, checklist=v2, actor=None)
    assert world.draft_campaign.checklist_id == v2.id


def test_period_cannot_shrink_past_planned_targets(world):
    with pytest.raises(CampaignError) as exc:
        services.update_campaign(world.campaign, title=world.campaign.title, start_date=date(2026, 11, 21),
                                 end_date=date(2026, 11, 30), checklist=world.checklist, actor=None)
    assert "3个检查目标" in exc.value.message


def test_activation_needs_a_team_and_a_target(world):
    campaign = _draft(world)
    with pytest.raises(CampaignError) as exc:
        services.transition(campaign, "activate", actor=world.users["coordinator"])
    assert exc.value.problems == ["还没有暗访组", "还没有检查目标"]
    team = teams.create_team(campaign, name="第一组", leader=None, members=[], actor=None)
    targets.create_target(campaign, unit=world.units[0], team=team, planned_start=None, planned_end=None, actor=None)
    with pytest.raises(CampaignError) as exc:
        services.transition(campaign, "activate", actor=world.users["coordinator"])
    assert exc.value.problems == ["“第一组”有检查目标但没有组员"]
    teams.update_team(team, name="第一组", leader=world.users["inspector3"], members=[], actor=None)
    services.transition(campaign, "activate", actor=world.users["coordinator"])
    assert campaign.status == "active"
    assert _actions()[-1] == "campaign.activate"


def test_close_is_final_unless_an_admin_reopens(world):
    campaign = world.campaign
    services.transition(campaign, "close", actor=world.users["coordinator"])
    assert campaign.status == "closed"
    with pytest.raises(CampaignError):
        services.transition(campaign, "activate", actor=world.users["coordinator"])
    with pytest.raises(CampaignError) as exc:
        services.transition(campaign, "reopen", actor=world.users["coordinator"])
    assert "系统管理员" in exc.value.message
    with pytest.raises(CampaignError):
        teams.create_team(campaign, name="新组", leader=None, members=[], actor=None)
    with pytest.raises(CampaignError):
        targets.delete_target(world.targets[2], actor=None)
    services.transition(campaign, "reopen", actor=world.users["admin"])
    assert campaign.status == "active"
    assert _actions()[-2:] == ["campaign.close", "campaign.reopen"]


def test_an_inspector_is_on_one_team_per_campaign(world):
    campaign = world.campaign
    with pytest.raises(CampaignError) as exc:
        teams.create_team(campaign, name="第三暗访组", leader=world.users["inspector3"],
                          members=[world.users["inspector1"]], actor=None)
    assert exc.value.field == "member_ids" and "inspector1（已在“第一暗访组”）" in exc.value.message
    team = teams.create_team(campaign, name="第三暗访组", leader=world.users["inspector3"], members=[], actor=None)
    assert team.members == [world.users["inspector3"]]  # the leader is a member
    # inspector1 is on team A here and on the draft campaign's team as well: different campaigns are fine
    assert world.users["inspector1"] in world.draft_campaign.teams[0].members


def test_team_rules(world):
    campaign = world.campaign
    with pytest.raises(CampaignError) as exc:
        teams.create_team(campaign, name="第一暗访组", leader=None, members=[], actor=None)
    assert exc.value.field == "name"
    with pytest.raises(CampaignError) as exc:
        teams.create_team(campaign, name="第三组", leader=None, members=[world.users["reviewer"]], actor=None)
    assert "不是启用的暗访员账号" in exc.value.message
    with pytest.raises(CampaignError) as exc:
        teams.delete_team(world.teams[0], actor=None)
    assert "还有2个检查目标" in exc.value.message
    spare = teams.create_team(campaign, name="备用组", leader=None, members=[], actor=None)
    teams.delete_team(spare, actor=world.users["coordinator"])
    assert db.session.scalar(select(Team).where(Team.name == "备用组")) is None
    assert _actions()[-2:] == ["team.create", "team.delete"]


def test_update_team_moves_members_and_is_audited(world):
    team_a, team_b = world.teams
    new = create_user("inspector7", PASSWORD, "inspector")
    assert teams.update_team(team_b, name="第二暗访组", leader=world.users["inspector2"],
                             members=[world.users["inspector2"], new], actor=world.users["coordinator"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.update"))
    assert event.before == {"members": ["inspector2"]}
    assert event.after == {"members": ["inspector2", "inspector7"]}


def test_one_target_per_unit_and_windows_inside_the_period(world):
    campaign = world.campaign
    team = world.teams[1]
    with pytest.raises(CampaignError) as exc:
        targets.create_target(campaign, unit=world.units[0], team=team, planned_start=None, planned_end=None,
                              actor=None)
    assert exc.value.field == "unit_id" and "已是本专项行动的检查目标" in exc.value.message
    unit = world.units[3]
    with pytest.raises(CampaignError) as exc:
        targets.create_target(campaign, unit=unit, team=team, planned_start=datetime(2026, 11, 3, 2, tzinfo=UTC),
                              planned_end=datetime(2026, 11, 3, 1, tzinfo=UTC), actor=None)
    assert exc.value.field == "planned_end"
    with pytest.raises(CampaignError) as exc:  # 2026-12-01 00:30 CST is past the campaign's last day
        targets.create_target(campaign, unit=unit, team=team, planned_start=datetime(2026, 11, 30, 8, tzinfo=UTC),
                              planned_end=datetime(2026, 11, 30, 16, 30, tzinfo=UTC), actor=None)
    assert "专项行动期间" in exc.value.message
    with pytest.raises(CampaignError):
        targets.create_target(campaign, unit=unit, team=world.draft_campaign.teams[0], planned_start=None,
                              planned_end=None, actor=None)
    target = targets.create_target(campaign, unit=unit, team=team,
                                   planned_start=datetime(2026, 11, 30, 0, tzinfo=UTC),
                                   planned_end=datetime(2026, 11, 30, 8, tzinfo=UTC), actor=None)
    assert target.id and _actions()[-1] == "target.create"


def test_inactive_unit_cannot_become_a_target(world):
    world.units[3].active = False
    with pytest.raises(CampaignError) as exc:
        targets.create_target(world.campaign, unit=world.units[3], team=world.teams[0], planned_start=None,
                              planned_end=None, actor=None)
    assert "已停用" in exc.value.message


def test_targets_with_visits_keep_their_unit_and_cannot_be_deleted(world):
    target = world.targets[0]
    make_visit(target, world.users["inspector1"])
    with pytest.raises(CampaignError):
        targets.delete_target(target, actor=None)
    with pytest.raises(CampaignError) as exc:
        targets.update_target(target, unit=world.units[3], team=target.team, planned_start=target.planned_start,
                              planned_end=target.planned_end, actor=None)
    assert exc.value.field == "unit_id"
    assert targets.update_target(target, unit=target.unit, team=world.teams[1], planned_start=None,
                                 planned_end=None, note="改派第二组", actor=None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target.update"))
    assert event.after["team_id"] == world.teams[1].id and event.after["planned_start"] is None
    targets.delete_target(world.targets[2], actor=None)
    assert len(world.campaign.targets) == 2


def test_progress_counts_visits_and_findings(world):
    t0, t1, t2 = world.targets
    visit = make_visit(t0, world.users["inspector1"])
    make_visit(t0, world.users["inspector1"], started_at=datetime(2026, 11, 21, 2, tzinfo=UTC))
    make_finding(visit, world.users["inspector1"])
    make_finding(visit, world.users["inspector1"], status="confirmed")
    make_finding(visit, world.users["inspector1"], status="merged")
    other = make_visit(t2, world.users["inspector2"])
    make_finding(other, world.users["inspector2"], status="confirmed")
    progress = services.progress(world.campaign)
    assert (progress[t0.id].visits, progress[t0.id].findings, progress[t0.id].confirmed) == (2, 2, 1)
    assert progress[t0.id].last_visit == datetime(2026, 11, 21, 2, tzinfo=UTC)
    assert not progress[t1.id].visited and progress[t1.id].findings == 0
    assert (progress[t2.id].findings, progress[t2.id].confirmed) == (1, 1)
    counts = services.summary_counts([world.campaign.id, world.draft_campaign.id])
    assert counts[world.campaign.id] == {"teams": 2, "targets": 3, "visited": 2, "findings": 3}
    assert counts[world.draft_campaign.id] == {"teams": 1, "targets": 1, "visited": 0, "findings": 0}


def test_can_transition_is_the_rule_transition_applies(world):
    """The status page and the campaign page ask can_transition; only an admin may reopen, from closed only."""
    campaign, coordinator, admin = world.campaign, world.users["coordinator"], world.users["admin"]
    assert services.can_transition(campaign, "close", actor=coordinator)
    assert not services.can_transition(campaign, "reopen", actor=admin)  # still active
    assert not services.can_transition(campaign, "no_such_action", actor=admin)
    services.transition(campaign, "close", actor=coordinator)
    assert not services.can_transition(campaign, "reopen", actor=coordinator)
    assert services.transition_refusal(campaign, "reopen", actor=coordinator) == \
        "只有系统管理员可以重新开启已结束的专项行动"
    assert services.can_transition(campaign, "reopen", actor=admin)
    assert not services.can_transition(campaign, "close", actor=admin)


def test_the_reopen_button_follows_can_transition(client, auth, world):
    """A closed campaign's page offers 重新开启 to an admin only."""
    services.transition(world.campaign, "close", actor=world.users["coordinator"])
    db.session.commit()
    reopen = f'/campaigns/{world.campaign.id}/status?action=reopen'
    auth.login("coordinator")
    assert reopen not in client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert reopen in client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
