"""Circular pages: who sees what, drafting and editing through the browser forms, the liaison inbox."""
from __future__ import annotations

from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.circulars.models import Circular, CircularSection, IssuingOrgan
from inspection.extensions import db
from inspection.units.services import sort_units

from .helpers import confirmed_findings, make_draft, make_organ


def test_organ_setup_and_draft_creation_through_the_pages(world, client, auth):
    confirmed_findings(world)
    db.session.commit()
    auth.login("reviewer")
    page = client.get("/circulars/new")
    assert "尚未设置发文机关" in page.get_data(as_text=True)
    response = client.post("/circulars/organs/new", data={
        "name": "中共示例县纪委办公室", "mark_text": "中共示例县纪律检查委员会办公室", "number_prefix": "示纪办通",
        "signature": "中共示例县纪委办公室", "printer": "", "active": "y"})
    assert response.status_code == 302
    organ = db.session.scalar(select(IssuingOrgan))
    duplicate = client.post("/circulars/organs/new", data={
        "name": "另一个机关", "mark_text": "红头", "number_prefix": "示纪办通", "signature": "署名", "active": "y"})
    assert "已被其他发文机关使用" in duplicate.get_data(as_text=True)
    response = client.post("/circulars/new", data={"organ_id": organ.id, "title": "关于明察暗访情况的通报",
                                                   "source": "campaign", "campaign_id": world.campaign.id})
    assert response.status_code == 302
    circular = db.session.scalar(select(Circular))
    assert response.headers["Location"].endswith(f"/circulars/{circular.id}")
    page = client.get(f"/circulars/{circular.id}").get_data(as_text=True)
    assert "签到册显示当日应到12人" in page and "预览PDF（草稿）" in page and "印发" in page


def test_hand_picked_draft_through_the_page(world, client, auth):
    found = confirmed_findings(world)
    organ = make_organ()
    db.session.commit()
    auth.login("admin")
    picked = [str(found[1].id), str(found[3].id)]
    response = client.post("/circulars/new", data={"organ_id": organ.id, "title": "关于两个问题的通报",
                                                   "source": "picked", "finding_ids": picked})
    assert response.status_code == 302
    circular = db.session.scalar(select(Circular))
    assert {i.finding_id for i in circular.items} == {found[1].id, found[3].id}
    empty = client.post("/circulars/new", data={"organ_id": organ.id, "title": "空", "source": "picked"})
    assert "请选择至少一个已确认的问题" in empty.get_data(as_text=True)


def test_section_edit_move_and_regenerate_through_the_pages(world, client, auth):
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    auth.login("reviewer")
    problems = next(s for s in circular.sections if s.key == "problems")
    response = client.post(f"/circulars/{circular.id}/sections/{problems.id}",
                           data={"heading": "发现的主要问题", "body": "（一）审核人重写的问题\n1. 某局：某事", "included": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CircularSection, problems.id).body == "（一）审核人重写的问题\n1. 某局：某事"
    client.post(f"/circulars/{circular.id}/sections/{problems.id}/move", data={"direction": "up"})
    db.session.expire_all()
    order = [s.key for s in db.session.get(Circular, circular.id).sections]
    assert order.index("problems") < order.index("basic")
    finding = db.session.get(Circular, circular.id).items[0].finding
    finding.description = "描述已被审核人更正"
    db.session.commit()
    page = client.post(f"/circulars/{circular.id}/regenerate", follow_redirects=True).get_data(as_text=True)
    assert "已保留您的修改" in page and "采用新生成的内容" in page and "描述已被审核人更正" in page
    client.post(f"/circulars/{circular.id}/sections/{problems.id}/resolve", data={"choice": "keep"})
    db.session.expire_all()
    kept = db.session.get(CircularSection, problems.id)
    assert kept.pending is None and kept.body.startswith("（一）审核人重写的问题")


def test_metadata_and_recipients_form(world, client, auth):
    confirmed_findings(world)
    circular = make_draft(world)
    db.session.commit()
    auth.login("reviewer")
    response = client.post(f"/circulars/{circular.id}/edit", data={
        "title": "关于第三批明察暗访情况的通报", "organ_id": circular.organ_id, "recipients_line": "各乡镇党委，县直各单位",
        "cc": "县委办公室", "security_level": "", "security_period": "", "urgency": "加急",
        "signature": "中共示例县纪委办公室", "doc_date": "2026-11-28", "printer": "", "print_date": "",
        "photo_annex": "y", "unit_ids": [str(world.units[0].id), str(world.units[3].id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    circular = db.session.get(Circular, circular.id)
    assert circular.urgency == "加急" and circular.doc_date.isoformat() == "2026-11-28"
    chosen = sort_units([world.units[3], world.units[0]])  # listed, and kept, in official order (排序号, id)
    assert [r.unit_id for r in circular.recipients] == [u.id for u in chosen]
    assert not circular.table_annex
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"circular.updated", "circular.recipients"} <= actions


def test_viewer_sees_only_issued_circulars_and_cannot_edit(world, client, auth):
    confirmed_findings(world)
    draft = make_draft(world)
    db.session.commit()
    auth.login("viewer")
    assert "暂无已印发的通报" in client.get("/circulars/").get_data(as_text=True)
    assert client.get(f"/circulars/{draft.id}").status_code == 404
    assert client.get(f"/circulars/{draft.id}.pdf").status_code == 404
    assert client.post(f"/circulars/{draft.id}/issue").status_code == 404
    assert client.get("/circulars/new").status_code == 404


def test_liaison_and_inspector_learn_nothing_of_drafts(world, client, auth):
    confirmed_findings(world)
    draft = make_draft(world)
    db.session.commit()
    for username in ("liaison1", "inspector1"):
        auth.login(username)
        for path in ("/circulars/", f"/circulars/{draft.id}", f"/circulars/{draft.id}.pdf"):
            assert client.get(path).status_code == 404, (username, path)
        auth.logout()


def test_issued_circular_cannot_be_edited_through_the_pages(world, client, auth):
    confirmed_findings(world)
    draft = make_draft(world)
    draft.status = "issued"
    db.session.commit()
    auth.login("reviewer")
    section = draft.sections[0]
    before = section.body
    response = client.post(f"/circulars/{draft.id}/sections/{section.id}",
                           data={"heading": "", "body": "改掉已印发的正文", "included": "y"}, follow_redirects=True)
    assert "已印发的通报不能修改" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CircularSection, section.id).body == before
    assert client.get(f"/circulars/{draft.id}/edit").status_code == 302


def test_the_new_circular_form_requires_an_offered_campaign(app, world):
    """The campaign requirement lives in NewCircularForm: none chosen, or one not offered, is a field error."""
    from inspection.circulars.forms import NewCircularForm

    def form(**data):
        with app.test_request_context("/circulars/new", method="POST",
                                      data={"organ_id": "1", "title": "关于明察暗访情况的通报", **data}):
            f = NewCircularForm(meta={"csrf": False})
            f.organ_id.choices = {"1": "机关"}
            f.campaign_id.choices = {"": "（请选择）", str(world.campaign.id): world.campaign.title}
            valid = f.validate()
            return valid, f.errors.get("campaign_id"), f.chosen_campaign([world.campaign]) if valid else None

    assert form(source="campaign", campaign_id="")[:2] == (False, ["请选择专项行动"])
    assert form(source="campaign", campaign_id="99999")[:2] == (False, ["请选择专项行动"])
    assert form(source="campaign", campaign_id=str(world.campaign.id)) == (True, None, world.campaign)
    assert form(source="picked", campaign_id="") == (True, None, None)


def test_a_draft_from_no_campaign_is_refused_on_the_page(world, client, auth):
    """Choosing 某次专项行动 without a campaign shows the field's error and makes no draft."""
    organ = make_organ()
    db.session.commit()
    auth.login("reviewer")
    page = client.post("/circulars/new", data={"organ_id": organ.id, "title": "关于明察暗访情况的通报",
                                               "source": "campaign", "campaign_id": ""}).get_data(as_text=True)
    assert "请选择专项行动" in page and db.session.scalar(select(Circular)) is None
