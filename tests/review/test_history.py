"""The review desk's 处理记录: every line Chinese, every change listed (a phone's edit that sends a returned
finding back to the desk shows 需补充 → 待审核)."""
from __future__ import annotations

import re
import uuid

from flask import render_template_string

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.findings.models import Finding
from inspection.review.history import history_lines
from inspection.review.pages import show_value
from inspection.review.queries import history

from ..records import finding_record, push, statuses, visit_record


def _history_html(page: str) -> str:
    return page[page.index('id="history-h"'):page.index("</section>", page.index('id="history-h"'))]


def test_a_phones_edit_of_a_returned_finding_lists_the_status_change(client, auth, world, token_for):
    phone = token_for("inspector1")
    vid, fid = uuid.uuid4(), uuid.uuid4()
    assert statuses(push(client, phone, [visit_record(world.targets[0], visit_id=vid),
                                         finding_record(vid, finding_id=fid)])) == ["created", "created"]
    auth.login("reviewer")
    response = client.post(f"/review/findings/{fid}/decide", data={"version": "1", "action": "return",
                                                                  "note": "请补充请假条照片"})
    assert response.status_code == 303
    db.session.expire_all()
    version = db.session.get(Finding, fid).version
    edit = finding_record(vid, finding_id=fid, base_version=version, description="补充：二人均无请假条")
    assert statuses(push(client, phone, [edit])) == ["updated"]
    html = _history_html(client.get(f"/review/findings/{fid}").get_data(as_text=True))
    assert "同步修改问题：问题描述；状态：需补充 → 待审核" in html
    assert "<b>状态</b>：<span class=\"new\">待审核</span>" in html
    for raw in ("description", "persons", "device", "version"):
        assert raw not in html, raw


def test_old_rows_with_raw_keys_read_in_chinese(app, world):
    event = AuditEvent(action="finding.sync_update", entity_type="finding", entity_id="x",
                       summary="同步修改问题：description、persons、photo:" + "a" * 64,
                       before={"description": "旧"}, after={"description": "新", "version": 3, "device": "d-1"})
    line = history_lines([event], show_value)[0]
    assert line.text == "同步修改问题：问题描述、涉及人员、照片 aaaaaaaaaaaa…"
    assert line.after == [("问题描述", "新"), ("设备", "d-1"), ("版本", "3")]
