"""处理意见 pages: per circular and per finding, the forms, refusals, edits, who may read and who may record."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from inspection.core.dates import today_cst
from inspection.extensions import db
from inspection.outcomes.models import Outcome

from ..circulars.helpers import confirmed_findings, make_draft
from ..rectification.helpers import issue_sample

LADDER = ["提醒谈话", "批评教育", "责令检查", "通报批评", "诫勉", "移送问题线索"]


def _form(person_id, **extra):
    return {"person_id": person_id, "measure": "criticism", "body": "县纪委监委",
            "decided_on": today_cst().isoformat(), "note": "", **extra}


def _page(client, path):
    response = client.get(path)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def _outcomes():
    return list(db.session.scalars(select(Outcome).order_by(Outcome.id)))


@pytest.fixture
def draft(world):
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    return circular


def _finding(circular, person_name):
    return next(link.finding for link in circular.items if any(p.name == person_name for p in link.finding.persons))


def test_the_circular_page_lists_units_findings_and_persons_with_a_ladder_select(client, auth, draft):
    auth.login("reviewer")
    status, page = _page(client, f"/outcomes/circulars/{draft.id}")
    assert status == 200
    for name in ("示例县教育和体育局", "示例县住房和城乡建设局", "示例县公安局", "王某某", "赵某", "钱某", "孙某", "李某"):
        assert name in page
    select_html = re.search(r'<select name="measure" required>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r">([^<]+)</option>", select_html) == LADDER  # lightest first; 约谈 has its own form
    assert page.count("录入处理意见</summary>") == 5 and page.count("负责人</summary>") == 3  # 5 persons, 3 units
    assert "暂未录入处理意见。" in page


def test_an_outcome_recorded_from_the_circular_page_shows_there(client, auth, draft, world):
    finding = _finding(draft, "赵某")
    auth.login("reviewer")
    response = client.post(f"/outcomes/findings/{finding.id}/persons",
                           data=_form(finding.persons[0].id, circular_id=draft.id, note="已当面谈话"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/outcomes/circulars/{draft.id}#f-{finding.id}")
    outcome, = _outcomes()
    assert (outcome.person_name, outcome.cadre_level, outcome.created_by_id) == ("赵某", "section_chief",
                                                                                world.users["reviewer"].id)
    _, page = _page(client, f"/outcomes/circulars/{draft.id}")
    assert "对1人次作出处理，均为批评教育；涉及正科级干部1人。" in page
    assert re.search(rf'data-outcome="{outcome.id}" data-measure="criticism"', page) and "已当面谈话" in page


def test_a_refusal_is_shown_with_the_typed_text_kept(client, auth, draft):
    finding = _finding(draft, "赵某")
    auth.login("reviewer")
    response = client.post(f"/outcomes/findings/{finding.id}/persons",
                           data=_form(finding.persons[0].id, circular_id=draft.id, decided_on="2026-11-19",
                                      body="县委组织部"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "处理日期不能早于问题发现日期（2026年11月20日）" in page
    assert 'value="县委组织部"' in page and _outcomes() == []
    response = client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(finding.persons[0].id, body=""))
    assert response.status_code == 400 and "请填写处理机关" in response.get_data(as_text=True)


def test_a_person_of_another_finding_is_not_found(client, auth, draft):
    finding, other = _finding(draft, "赵某"), _finding(draft, "王某某")
    auth.login("reviewer")
    response = client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(other.persons[0].id))
    assert response.status_code == 404 and _outcomes() == []


def test_a_unit_interview_is_filed_on_the_units_first_finding(client, auth, draft, world):
    unit = world.units[1]  # 住建局: 赵某's finding and 孙某/李某's
    first = next(link.finding for link in sorted(draft.items, key=lambda link: link.position)
                 if link.finding.unit_id == unit.id)
    auth.login("admin")
    response = client.post(f"/outcomes/circulars/{draft.id}/units/{unit.id}/interview",
                           data={"person_name": "周局长", "post": "局长", "cadre_level": "section_chief",
                                 "body": "县纪委监委", "decided_on": today_cst().isoformat(), "circular_id": draft.id})
    assert response.status_code == 303
    outcome, = _outcomes()
    assert outcome.measure == "leader_interview" and outcome.person_id is None
    assert outcome.finding_id == first.id
    _, page = _page(client, f"/outcomes/circulars/{draft.id}")
    unit_part = page.split("示例县住房和城乡建设局 <span", 1)[1].split("<article", 1)[0]
    assert "周局长（局长）" in unit_part and "未约谈" not in unit_part
    missing = client.post(f"/outcomes/circulars/{draft.id}/units/{world.units[3].id}/interview",
                          data={"person_name": "某", "cadre_level": "staff", "body": "县纪委监委",
                                "decided_on": today_cst().isoformat()})
    assert missing.status_code == 404  # 交通局 has no finding in this circular


def test_the_finding_page_records_and_is_linked_from_the_review_desk(client, auth, draft):
    finding = _finding(draft, "钱某")
    auth.login("reviewer")
    _, desk = _page(client, f"/review/findings/{finding.id}")
    assert f'href="/outcomes/findings/{finding.id}"' in desk
    status, page = _page(client, f"/outcomes/findings/{finding.id}")
    assert status == 200 and "钱某（驾驶员）" in page and "其他人员" in page
    response = client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(finding.persons[0].id,
                                                                                 measure="reminder_talk"))
    assert response.headers["Location"].endswith(f"/outcomes/findings/{finding.id}")
    response = client.post(f"/outcomes/findings/{finding.id}/interview",
                           data={"person_name": "吴局长", "cadre_level": "section_chief", "body": "县纪委监委",
                                 "decided_on": today_cst().isoformat()})
    assert response.status_code == 303
    assert [o.measure for o in _outcomes()] == ["reminder_talk", "leader_interview"]
    _, detail = _page(client, f"/circulars/{draft.id}")
    assert f'href="/outcomes/circulars/{draft.id}"' in detail


def test_edit_and_delete_on_the_version_seen(client, auth, draft):
    finding = _finding(draft, "王某某")
    auth.login("reviewer")
    client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(finding.persons[0].id))
    outcome, = _outcomes()
    status, page = _page(client, f"/outcomes/{outcome.id}/edit?circular={draft.id}")
    assert status == 200 and 'value="县纪委监委"' in page and 'name="version" value="1"' in page
    data = {"measure": "written_review", "body": "县委组织部", "decided_on": today_cst().isoformat(), "note": "",
            "version": 1}
    response = client.post(f"/outcomes/{outcome.id}/edit?circular={draft.id}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#f-{finding.id}")
    db.session.refresh(outcome)
    assert (outcome.measure, outcome.body, outcome.version) == ("written_review", "县委组织部", 2)
    stale = client.post(f"/outcomes/{outcome.id}/edit", data={**data, "body": "另一个机关"})  # still version 1
    assert stale.status_code == 400 and "刚刚已被他人修改或删除" in stale.get_data(as_text=True)
    assert client.post(f"/outcomes/{outcome.id}/delete", data={"version": 1}).status_code == 303
    assert _outcomes() == [outcome]  # the old version deleted nothing
    response = client.post(f"/outcomes/{outcome.id}/delete", data={"version": 2})
    assert response.status_code == 303 and _outcomes() == []


def test_an_unconfirmed_finding_shows_why_no_form(client, auth, draft):
    finding = _finding(draft, "王某某")
    finding.status = "submitted"
    db.session.commit()
    auth.login("reviewer")
    status, page = _page(client, f"/outcomes/findings/{finding.id}")
    assert status == 200 and "只有审核确认的问题才能录入处理意见" in page and "录入处理意见</summary>" not in page
    response = client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(finding.persons[0].id))
    assert response.status_code == 400 and _outcomes() == []
    _, circular_page = _page(client, f"/outcomes/circulars/{draft.id}")
    assert "王某某" not in circular_page  # only confirmed findings are listed


def test_coordinator_reads_without_forms_and_cannot_record(client, auth, draft):
    finding = _finding(draft, "赵某")
    auth.login("coordinator")
    status, page = _page(client, f"/outcomes/circulars/{draft.id}")
    assert status == 200 and "赵某" in page and "录入处理意见</summary>" not in page and "<form method=\"post\" action=\"/outcomes" not in page
    assert client.post(f"/outcomes/findings/{finding.id}/persons",
                       data=_form(finding.persons[0].id)).status_code == 404
    assert _outcomes() == []


def test_a_viewer_reads_issued_circulars_only(app, client, auth, world):
    circular = issue_sample(app, world)
    draft = make_draft(world, circular.organ, title="另一份草稿")
    db.session.commit()
    finding = _finding(circular, "赵某")
    auth.login("viewer")
    assert client.get(f"/outcomes/circulars/{circular.id}").status_code == 200
    assert client.get(f"/outcomes/findings/{finding.id}").status_code == 200
    assert client.get(f"/outcomes/circulars/{draft.id}").status_code == 404
    assert client.post(f"/outcomes/findings/{finding.id}/persons",
                       data=_form(finding.persons[0].id)).status_code == 404
    auth.logout()
    auth.login("liaison2")
    assert client.get(f"/outcomes/circulars/{circular.id}").status_code == 404


def test_a_viewer_does_not_see_a_finding_no_issued_circular_includes(client, auth, draft):
    auth.login("viewer")
    assert client.get(f"/outcomes/findings/{_finding(draft, '赵某').id}").status_code == 404


class TestWithCsrf:
    """With CSRF on, as in production: the forms carry a token and a forged post changes nothing."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def _login(self, client, username):
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": username, "password": "pass-1234", "csrf_token": token.group(1)})

    def test_forms_carry_a_token_and_a_forged_post_is_refused(self, client, draft):
        finding = _finding(draft, "赵某")
        self._login(client, "reviewer")
        page = client.get(f"/outcomes/circulars/{draft.id}").get_data(as_text=True)
        assert page.count('name="csrf_token"') >= 8  # five persons, three units (besides the sign-out form)
        forged = client.post(f"/outcomes/findings/{finding.id}/persons", data=_form(finding.persons[0].id))
        assert forged.status_code == 400 and _outcomes() == []
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        sent = client.post(f"/outcomes/findings/{finding.id}/persons",
                           data=_form(finding.persons[0].id, csrf_token=token))
        assert sent.status_code == 303 and len(_outcomes()) == 1
