"""The audit log's filter form (read from the query string, no CSRF)."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..core.forms import BaseForm, strip


class AuditFilterForm(BaseForm):
    """Filters of the audit list."""

    class Meta:
        csrf = False

    actor = StringField("操作人", filters=[strip], validators=[Optional(), Length(max=64)])
    action = SelectField("操作", validate_choice=False)
    entity_type = SelectField("对象类型", validate_choice=False)
    entity_id = StringField("对象编号", filters=[strip], validators=[Optional(), Length(max=64)])
    date_from = DateField("起始日期", validators=[Optional()])
    date_to = DateField("截止日期", validators=[Optional()])
    q = StringField("摘要包含", filters=[strip], validators=[Optional(), Length(max=100)])

    def validate_date_to(self, field):
        """Refuse a range that ends before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("截止日期不能早于起始日期")
