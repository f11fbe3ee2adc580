"""Forms of the recheck desk: confirm (an optional note), reject (a reason), bulk confirm."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..core.forms import BaseForm, strip

MAX_NOTE = 4000


class ConfirmForm(BaseForm):
    """确认 a recheck on the versions of the recheck and its item the reviewer saw."""

    note = TextAreaField("审核意见（选填）", filters=[strip], validators=[Length(max=MAX_NOTE)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    item_version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class RejectForm(BaseForm):
    """不予采纳 a recheck, with the reason (required)."""

    note = TextAreaField("不予采纳的理由（必填）", filters=[strip],
                         validators=[DataRequired("不予采纳须填写理由"), Length(max=MAX_NOTE)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class BulkConfirmForm(BaseForm):
    """Confirm the ticked rechecks with one optional note."""

    note = TextAreaField("审核意见（选填）", filters=[strip], validators=[Length(max=MAX_NOTE)])


class ConflictForm(BaseForm):
    """Settle one conflicting key of a recheck: keep the server's value or take the other phone's."""

    key = HiddenField(validators=[DataRequired("请选择要处理的冲突"), Length(max=80)])
    choice = SelectField(choices={"server": "保留现有内容", "phone": "采用另一部手机的内容"}, validate_choice=True)
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
