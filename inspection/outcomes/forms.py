"""Forms of the 处理意见 pages: an outcome for a person, a 约谈 of a unit's leader, an edit, a deletion."""
from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..core.forms import BaseForm, strip
from ..findings.models import CADRE_LEVELS
from .models import MEASURES
from .services import LADDER, MAX_BODY, MAX_NAME, MAX_NOTE, MAX_POST

LADDER_CHOICES = {key: MEASURES[key] for key in LADDER}  # lightest first, as the select lists them


class OutcomeForm(BaseForm):
    """One measure for one person of the finding, by which body, on what date."""

    person_id = IntegerField(widget=HiddenInput(), validators=[DataRequired("请选择涉及人员")])
    measure = SelectField("处理方式", choices=LADDER_CHOICES, validate_choice=True)
    body = StringField("处理机关", filters=[strip], validators=[DataRequired("请填写处理机关"), Length(max=MAX_BODY)])
    decided_on = DateField("处理日期", validators=[DataRequired("请填写处理日期")])
    note = TextAreaField("备注", filters=[strip], validators=[Length(max=MAX_NOTE)])
    circular_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def data_for_service(self) -> dict:
        """Return the fields record_outcome checks and stores."""
        return {"measure": self.measure.data, "body": self.body.data or "", "decided_on": self.decided_on.data,
                "note": self.note.data or ""}


class InterviewForm(BaseForm):
    """约谈 of the unit's leader: who (name, post, cadre level), by which body, on what date."""

    person_name = StringField("被约谈人", filters=[strip],
                              validators=[DataRequired("请填写被约谈人姓名"), Length(max=MAX_NAME)])
    post = StringField("职务", filters=[strip], validators=[Length(max=MAX_POST)])
    cadre_level = SelectField("干部层级", choices=dict(CADRE_LEVELS), validate_choice=True)
    body = StringField("处理机关", filters=[strip], validators=[DataRequired("请填写处理机关"), Length(max=MAX_BODY)])
    decided_on = DateField("约谈日期", validators=[DataRequired("请填写约谈日期")])
    note = TextAreaField("备注", filters=[strip], validators=[Length(max=MAX_NOTE)])
    circular_id = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def data_for_service(self) -> dict:
        """Return the fields record_outcome checks and stores for a 约谈."""
        return {"measure": "leader_interview", "person_name": self.person_name.data or "",
                "post": self.post.data or "", "cadre_level": self.cadre_level.data,
                "body": self.body.data or "", "decided_on": self.decided_on.data, "note": self.note.data or ""}


class EditForm(BaseForm):
    """An outcome's measure, body, date and note (a 约谈 also its person), on the version the user saw."""

    measure = SelectField("处理方式", choices=dict(MEASURES), validate_choice=True)
    person_name = StringField("被约谈人", filters=[strip], validators=[Length(max=MAX_NAME)])
    post = StringField("职务", filters=[strip], validators=[Length(max=MAX_POST)])
    cadre_level = SelectField("干部层级", choices=dict(CADRE_LEVELS), validate_choice=False)
    body = StringField("处理机关", filters=[strip], validators=[DataRequired("请填写处理机关"), Length(max=MAX_BODY)])
    decided_on = DateField("处理日期", validators=[DataRequired("请填写处理日期")])
    note = TextAreaField("备注", filters=[strip], validators=[Length(max=MAX_NOTE)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def data_for_service(self) -> dict:
        """Return every field edit_outcome may use (it ignores a person's fields unless the outcome is a 约谈)."""
        return {name: getattr(self, name).data for name in
                ("measure", "person_name", "post", "cadre_level", "body", "decided_on", "note")}


class DeleteForm(BaseForm):
    """Delete an outcome, on the version the user saw."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
