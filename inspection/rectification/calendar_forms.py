"""The form of the working-day table."""
from __future__ import annotations

from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..core.forms import BaseForm, strip


class CalendarDayForm(BaseForm):
    """One local change: a day made a working day or a day off, with a note."""

    day = DateField("日期", validators=[DataRequired("请选择日期")])
    kind = RadioField("设为", choices={"off": "休息日", "work": "工作日"}, default="off")
    note = StringField("说明", filters=[strip], validators=[Length(max=100)])

    def validate_day(self, field) -> None:
        """Keep to the years a document can carry."""
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError("日期应在2000年至2100年之间")
