"""The unit's 整改 pages through the test client: only their own unit, uploads that never lose the form,
PDFs byte for byte, submit and resubmit, 延期申请, the 整改报告."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest

from inspection.core.dates import date_cn, today_cst
from inspection.extensions import db
from inspection.rectification import services
from inspection.rectification.models import Reminder

from .helpers import issue_sample, items_of, jpeg, pdf_bytes, report_of

FIELDS = {"measures": "重新修订考勤制度，每日通报签到情况", "leader": "张局长", "responsible": "办公室李某",
          "progress": "已完成整改，制度已印发"}


@pytest.fixture
def issued(app, world):
    return issue_sample(app, world)


@pytest.fixture
def own(world, issued):
    """liaison1's first item (unit 0)."""
    return items_of(issued, world.units[0])[0]


def _post_item(client, item, fields=FIELDS, files=(), action="save"):
    data = {**fields, "action": action}
    if files:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/rectification/mine/{item.id}", data=data, content_type="multipart/form-data")


def _fetch(client, url):
    """GET a file and close the response (a sent file stays open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _reload(item):
    db.session.expire_all()
    return db.session.get(type(item), item.id)


def test_inbox_lists_only_the_units_items_with_due_date_status_and_colour(app, world, issued, auth, client):
    mine, theirs = items_of(issued, world.units[0]), items_of(issued, world.units[1])
    overdue = mine[0]
    overdue.due_date = today_cst() - timedelta(days=2)
    db.session.add(Reminder(unit_id=world.units[0].id, on_date=today_cst(), overdue=1, due_soon=0,
                            item_ids=[overdue.id], message="1个整改事项已逾期，请抓紧整改并按时报送。"))
    db.session.commit()
    auth.login("liaison1")
    page = client.get("/rectification/mine").get_data(as_text=True)
    for item in mine:
        assert f'data-item="{item.id}"' in page
    for item in theirs:
        assert f'data-item="{item.id}"' not in page
    assert date_cn(mine[-1].due_date) in page and "待整改" in page
    assert "红色（逾期）" in page and "已逾期2天" in page  # the colour in words, not colour alone
    assert "1个整改事项已逾期" in page  # the latest 催办
    assert f"/rectification/mine/reports/{report_of(issued, world.units[0]).id}" in page
    assert issued.doc_number in page
    assert "整改" in client.get("/circulars/inbox").get_data(as_text=True)


def test_another_units_item_report_and_evidence_are_404(app, world, issued, auth, client):
    theirs = items_of(issued, world.units[1])[0]
    services.add_evidence(theirs, kind="pdf", sha256="b" * 64, filename="x.pdf", size=3, actor=world.users["liaison2"])
    db.session.commit()
    auth.login("liaison1")
    assert client.get(f"/rectification/mine/{theirs.id}").status_code == 404
    assert _post_item(client, theirs).status_code == 404
    assert client.post(f"/rectification/mine/{theirs.id}/extension",
                       data={"new_due": "2027-01-01", "reason": "x"}).status_code == 404
    assert client.get(f"/rectification/mine/reports/{report_of(issued, world.units[1]).id}").status_code == 404
    assert client.get(f"/rectification/evidence/{theirs.evidence[0].id}/original").status_code == 404
    assert _reload(theirs).measures == ""


def test_a_reviewer_gets_404_on_the_units_pages(world, own, auth, client):
    auth.login("reviewer")
    assert client.get(f"/rectification/mine/{own.id}").status_code == 404
    assert client.get("/rectification/mine").status_code == 404


def test_save_draft_keeps_the_fields_and_shows_the_problem_as_issued(world, own, auth, client):
    auth.login("liaison1")
    response = _post_item(client, own)
    assert response.status_code == 302
    item = _reload(own)
    assert (item.measures, item.leader, item.responsible, item.progress) == tuple(FIELDS.values())
    assert item.status == "pending"
    page = client.get(f"/rectification/mine/{own.id}").get_data(as_text=True)
    assert own.problem in page and FIELDS["measures"] in page and "保存草稿：" in page


def test_a_wrong_type_upload_keeps_the_typed_fields_and_says_why(world, own, auth, client):
    auth.login("liaison1")
    response = _post_item(client, own, files=[("说明.docx", b"PK\x03\x04 not a photo")])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "仅支持 JPEG、PNG、WebP 照片或 PDF 扫描件" in page
    assert FIELDS["measures"] in page and FIELDS["progress"] in page  # shown again
    item = _reload(own)
    assert item.measures == FIELDS["measures"] and item.evidence == []  # and saved


def test_a_pdf_named_jpg_is_recognised_by_content(world, own, auth, client):
    auth.login("liaison1")
    assert _post_item(client, own, files=[("扫描.jpg", pdf_bytes())]).status_code == 302
    assert [e.kind for e in _reload(own).evidence] == ["pdf"]


def test_an_oversize_pdf_keeps_the_typed_fields(app, world, own, auth, client):
    app.config["RECTIFY_MAX_PDF_BYTES"] = 2048
    auth.login("liaison1")
    big = pdf_bytes() + b"%" + b"x" * 4096 + b"\n%%EOF\n"
    response = _post_item(client, own, files=[("整改方案.pdf", big)])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "超过" in page and "上限" in page and FIELDS["responsible"] in page
    assert _reload(own).evidence == [] and _reload(own).responsible == FIELDS["responsible"]


def test_a_pdf_is_kept_byte_for_byte_and_served_back(world, own, auth, client):
    auth.login("liaison1")
    pdf = pdf_bytes("rectification plan")
    assert _post_item(client, own, files=[("整改方案.pdf", pdf)]).status_code == 302
    evidence = _reload(own).evidence[0]
    assert evidence.sha256 == hashlib.sha256(pdf).hexdigest() and evidence.size == len(pdf)
    back = client.get(f"/rectification/evidence/{evidence.id}/original?download=1")
    assert back.status_code == 200 and back.mimetype == "application/pdf"
    assert hashlib.sha256(back.data).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert client.get(f"/rectification/evidence/{evidence.id}/thumb").status_code == 404
    auth.logout()
    auth.login("reviewer")  # the desk reads the same route
    assert client.get(f"/rectification/evidence/{evidence.id}/original").data == pdf


def test_a_photo_goes_through_the_photo_pipeline(app, world, own, auth, client):
    auth.login("liaison1")
    photo = jpeg((10, 120, 10))
    assert _post_item(client, own, files=[("签到册.jpg", photo)]).status_code == 302
    evidence = _reload(own).evidence[0]
    assert evidence.kind == "photo" and evidence.sha256 == hashlib.sha256(photo).hexdigest()
    assert _fetch(client, f"/rectification/evidence/{evidence.id}/original").data == photo
    thumb = _fetch(client, f"/rectification/evidence/{evidence.id}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg" and thumb.data[:2] == b"\xff\xd8"
    auth.logout()
    auth.login("viewer")
    assert _fetch(client, f"/rectification/evidence/{evidence.id}/display").data[:2] == b"\xff\xd8"


def test_remove_evidence(world, own, auth, client):
    auth.login("liaison1")
    _post_item(client, own, files=[("a.pdf", pdf_bytes())])
    evidence = _reload(own).evidence[0]
    response = client.post(f"/rectification/mine/{own.id}/evidence/{evidence.id}/delete")
    assert response.status_code == 302
    assert _reload(own).evidence == []


def test_submit_refused_without_evidence_keeps_fields(world, own, auth, client):
    auth.login("liaison1")
    response = _post_item(client, own, action="submit")
    assert response.status_code == 400
    assert "请至少上传一份佐证材料" in response.get_data(as_text=True)
    item = _reload(own)
    assert item.status == "pending" and item.measures == FIELDS["measures"]


def test_submit_return_and_resubmit(world, own, auth, client):
    auth.login("liaison1")
    assert _post_item(client, own, files=[("a.pdf", pdf_bytes())], action="submit").status_code == 302
    assert _reload(own).status == "submitted"
    assert "该事项已报送" in _post_item(client, own).get_data(as_text=True)  # no change while waiting
    services.return_item(_reload(own), "佐证材料不足，请补充签到册照片", actor=world.users["reviewer"])
    db.session.commit()
    page = client.get(f"/rectification/mine/{own.id}").get_data(as_text=True)
    assert "纪委退回" in page and "佐证材料不足，请补充签到册照片" in page and "重新报送" in page
    fields = {**FIELDS, "progress": "已补充签到册照片"}
    response = _post_item(client, own, fields, files=[("签到册.jpg", jpeg())], action="submit")
    assert response.status_code == 302
    item = _reload(own)
    assert item.status == "submitted" and item.progress == "已补充签到册照片" and len(item.evidence) == 2
    history = client.get(f"/rectification/mine/{own.id}").get_data(as_text=True)
    assert "退回后重新报送" in history and "退回：佐证材料不足" in history


def test_extension_request_and_its_status(world, own, auth, client):
    auth.login("liaison1")
    new_due = own.due_date + timedelta(days=10)
    response = client.post(f"/rectification/mine/{own.id}/extension",
                           data={"new_due": new_due.isoformat(), "reason": "需采购考勤设备"})
    assert response.status_code == 302
    item = _reload(own)
    assert item.pending_extension is not None and item.pending_extension.requested_due == new_due
    page = client.get(f"/rectification/mine/{own.id}").get_data(as_text=True)
    assert "待审批" in page and "需采购考勤设备" in page and "提交延期申请" not in page


def test_extension_to_a_past_date_is_refused_and_the_reason_kept(world, own, auth, client):
    auth.login("liaison1")
    _post_item(client, own)
    past = today_cst() - timedelta(days=1)
    response = client.post(f"/rectification/mine/{own.id}/extension",
                           data={"new_due": past.isoformat(), "reason": "需采购考勤设备"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "不能早于今天" in page and "需采购考勤设备" in page
    assert FIELDS["measures"] in page  # the item's own form still shows what is saved, not the extension's post
    assert _reload(own).extensions == []


def test_report_submit_refused_until_every_item_is_reported(app, world, issued, auth, client):
    report = report_of(issued, world.units[0])
    scan_pdf = pdf_bytes("signed report")
    auth.login("liaison1")
    response = client.post(f"/rectification/mine/reports/{report.id}",
                           data={"body": "我局高度重视……", "scan": (io.BytesIO(scan_pdf), "整改报告.pdf"),
                                 "action": "submit"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "个整改事项未报送" in response.get_data(as_text=True)
    db.session.expire_all()
    assert report.status == "pending" and report.body == "我局高度重视……" and report.scan_sha256
    for item in items_of(issued, world.units[0]):
        _post_item(client, item, files=[(f"{item.id}.pdf", pdf_bytes(str(item.id)))], action="submit")
    response = client.post(f"/rectification/mine/reports/{report.id}", data={"body": "我局高度重视……",
                                                                          "action": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status == "submitted"
    scan = client.get(f"/rectification/reports/{report.id}/scan.pdf")
    assert scan.status_code == 200 and scan.data == scan_pdf


def test_report_scan_must_be_a_pdf(world, issued, auth, client):
    report = report_of(issued, world.units[0])
    auth.login("liaison1")
    response = client.post(f"/rectification/mine/reports/{report.id}",
                           data={"body": "正文", "scan": (io.BytesIO(jpeg()), "扫描.jpg"), "action": "save"},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "须为PDF文件" in response.get_data(as_text=True)
    db.session.expire_all()
    assert report.body == "正文" and report.scan_sha256 == ""
