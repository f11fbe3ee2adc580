"""The one text check at the boundary (core/text.py), and every way text gets in: forms, imports, review."""
from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError
from sqlalchemy import select
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from inspection.checklists import services as checklist_services
from inspection.checklists.services import ItemRow
from inspection.core.forms import BaseForm
from inspection.core.text import (CONTROL_CHARACTER, INVALID_UNICODE, Text, TextError, clean_text, printable,
                                  text_problem)
from inspection.extensions import db
from inspection.review import services as review_services
from inspection.review.services import ReviewError
from inspection.units import importer
from inspection.units.models import Unit

from ..factories import make_finding, make_visit

BAD = [("\x00", CONTROL_CHARACTER), ("\x1e", CONTROL_CHARACTER), ("\x1b", CONTROL_CHARACTER),
       ("\x7f", CONTROL_CHARACTER), ("\x85", CONTROL_CHARACTER), ("\ud800", INVALID_UNICODE),
       ("\udfff", INVALID_UNICODE)]


@pytest.mark.parametrize(("char", "code"), BAD)
def test_clean_text_refuses_control_characters_and_lone_surrogates(char, code):
    with pytest.raises(TextError) as exc:
        clean_text(f"张三{char}李四")
    assert exc.value.code == code
    assert f"U+{ord(char):04X}" in exc.value.message and "第3个字符" in exc.value.message
    assert text_problem(f"张{char}") is not None


def test_clean_text_keeps_tabs_newlines_and_any_real_character():
    text = "第一行\t甲\n第二行 😀 𠀀 ½ ‰ \u3000"
    assert clean_text(text) == text and text_problem(text) is None


def test_clean_text_normalises_line_ends():
    assert clean_text("一\r\n二\r三\n四") == "一\n二\n三\n四"


def test_printable_escapes_what_cannot_be_stored():
    assert printable("a\x00b\ud800c") == "a\\u0000b\\ud800c"
    assert printable("正常") == "正常"


class _Doc(Schema):
    name = Text(required=True)


def test_marshmallow_field_refuses_with_a_coded_message_and_normalises():
    with pytest.raises(ValidationError) as exc:
        _Doc().load({"name": "张\x1e三"})
    message = exc.value.messages["name"][0]
    assert message.code == CONTROL_CHARACTER and "控制字符" in message
    assert _Doc().load({"name": "甲\r\n乙"}) == {"name": "甲\n乙"}


class _Form(BaseForm):
    name = StringField("姓名")
    note = TextAreaField("备注")
    token = HiddenField("令牌")
    password = PasswordField("密码")


def _form(app, data):
    with app.test_request_context(method="POST", data=data):
        form = _Form()
        form.validate()
        return form


def test_every_text_field_of_a_base_form_refuses_bad_text_in_chinese(app):
    form = _form(app, {"name": "张\x1e三", "note": "a\x00", "token": "\x0c", "password": "p\x01ss"})
    assert "控制字符" in form.name.errors[0] and "U+001E" in form.name.errors[0]
    assert "控制字符" in form.note.errors[0]
    assert "U+000C" in form.token.errors[0]  # (browsers cannot send a lone surrogate in a form)
    assert form.password.errors == [] and form.password.data == "p\x01ss"  # passwords as typed


def test_base_form_normalises_line_ends_and_keeps_a_fields_own_filters(app):
    form = _form(app, {"note": "一\r\n二", "name": "  张三  "})
    assert form.note.data == "一\n二" and not form.errors
    from inspection.units.forms import UnitForm
    with app.test_request_context(method="POST", data={"name": "  示例县信访局 ", "kind": "department"}):
        assert UnitForm().name.data == "示例县信访局"  # its own strip filter still runs


def test_a_unit_name_with_a_control_character_is_not_stored_through_the_form(client, auth, world):
    auth.login("coordinator")
    response = client.post("/units/new", data={"name": "示例县\x1e信访局", "short_name": "", "kind": "department"})
    assert response.status_code == 422 and "控制字符" in response.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.name.like("%信访局"))) is None


def test_the_unit_csv_import_refuses_control_characters_per_row(world):
    data = "单位名称,简称,类别\r\n示例县\x1e信访局,信访局,县直部门\r\n示例县统计局,统计局,县直部门\r\n"
    report = importer.parse_units_csv(data.encode("utf-16"))
    bad, good = report.rows
    assert any("控制字符" in e for e in bad.errors) and not good.errors and not report.ok


def test_checklist_rows_from_excel_or_the_editor_refuse_control_characters(world):
    rows = checklist_services.check_rows([
        ItemRow(row=2, code="A01", category="考勤管理", text="签到\x1e册", guidance=""),
        ItemRow(row=3, code="A02", category="考勤管理", text="请假条", guidance="核对\ud800")])
    assert ["检查内容" in e and "控制字符" in e for e in rows[0].errors] == [True]
    assert ["检查指引" in e and "编码" in e for e in rows[1].errors] == [True]


def test_the_review_desk_refuses_a_person_name_with_a_control_character(world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"], persons=(("张某", "科员", "staff"),))
    db.session.commit()
    with pytest.raises(ReviewError) as exc:
        review_services.edit_finding(finding, {"persons": [{"name": "张\x1e某", "post": "", "cadre_level": "staff"}]},
                                     actor=world.users["reviewer"])
    assert exc.value.code == "invalid_text"
    with pytest.raises(ReviewError):
        review_services.edit_finding(finding, {"description": "描述\x00"}, actor=world.users["reviewer"])
    db.session.rollback()
    assert [p.name for p in finding.persons] == ["张某"]
