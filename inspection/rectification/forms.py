"""Forms of the 整改 pages: the unit's item, its 延期申请 and 整改报告 (the desk adds its own below)."""
from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..core.forms import BaseForm, strip

MAX_TEXT = 4000


class ItemForm(BaseForm):
    """The unit's 整改措施, persons responsible and 完成情况, with evidence files sent in the same post."""

    measures = TextAreaField("整改措施", filters=[strip], validators=[Length(max=MAX_TEXT)])
    leader = StringField("责任领导", filters=[strip], validators=[Length(max=100)])
    responsible = StringField("责任人", filters=[strip], validators=[Length(max=100)])
    progress = TextAreaField("完成情况/进展", filters=[strip], validators=[Length(max=MAX_TEXT)])
    evidence = MultipleFileField("佐证材料（照片或PDF扫描件，可多选）")

    def data_for_service(self) -> dict:
        """Return the text fields save_item stores."""
        return {name: getattr(self, name).data or "" for name in ("measures", "leader", "responsible", "progress")}


class ExtensionForm(BaseForm):
    """A 延期申请: the date asked for and why."""

    new_due = DateField("申请延期至", validators=[DataRequired("请选择申请延期到的日期")])
    reason = TextAreaField("延期理由", filters=[strip],
                           validators=[DataRequired("请填写延期理由"), Length(max=MAX_TEXT)])


class ReportForm(BaseForm):
    """The unit's 整改报告: its text, and the signed scan (PDF) sent in the same post."""

    body = TextAreaField("整改报告正文", filters=[strip], validators=[Length(max=20000)])
    scan = FileField("加盖公章的扫描件（PDF）")


class DecisionForm(BaseForm):
    """The desk's 销号 note or 退回 reason on one item (required by the service), and the version it saw."""

    text = TextAreaField("审核意见", filters=[strip], validators=[Length(max=MAX_TEXT)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class BulkForm(BaseForm):
    """Bulk 销号 or 退回 of the ticked items, with one note or reason for all of them."""

    action = SelectField(choices={"accept": "销号", "return": "退回"}, validate_choice=True)
    text = TextAreaField("审核意见或退回理由", filters=[strip], validators=[Length(max=MAX_TEXT)])


class ExtensionDecisionForm(BaseForm):
    """Approve or refuse a 延期申请 (a refusal needs a note, which the service checks)."""

    decision = SelectField(choices={"approve": "同意延期", "refuse": "不同意延期"}, validate_choice=True)
    note = TextAreaField("审批意见", filters=[strip], validators=[Length(max=MAX_TEXT)])


class ReportDecisionForm(BaseForm):
    """Accept (已收悉) or return a unit's 整改报告 (a return needs a reason)."""

    decision = SelectField(choices={"accept": "已收悉", "return": "退回"}, validate_choice=True)
    reason = TextAreaField("退回理由", filters=[strip], validators=[Length(max=MAX_TEXT)])
