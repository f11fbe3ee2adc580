"""Forms of the campaign, team and target pages."""
from __future__ import annotations

from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.forms import BaseForm, CSTDateTimeField, strip
from .models import CAMPAIGN_FIELD_LABELS
from .services import TITLE_MAX
from .teams import NAME_MAX


def optional_int(value):
    """Read a select of ids where empty means none."""
    if value in (None, "", "0"):
        return None
    return int(value)


class CampaignForm(BaseForm):
    """A campaign's title, description, period and checklist version."""

    title = StringField(CAMPAIGN_FIELD_LABELS["title"], filters=[strip], validators=[
        DataRequired("请填写标题"), Length(max=TITLE_MAX, message=f"标题不超过{TITLE_MAX}个字符")])
    description = TextAreaField(CAMPAIGN_FIELD_LABELS["description"], filters=[strip],
                                validators=[Optional(), Length(max=5000)])
    start_date = DateField(CAMPAIGN_FIELD_LABELS["start_date"], validators=[InputRequired("请填写开始日期")])
    end_date = DateField(CAMPAIGN_FIELD_LABELS["end_date"], validators=[InputRequired("请填写结束日期")])
    checklist_id = SelectField("检查清单版本", coerce=optional_int, validate_choice=False,
                               validators=[DataRequired("请选择检查清单版本")])

    def set_checklists(self, checklists) -> None:
        """Offer checklist versions, the current ones first."""
        ordered = sorted(checklists, key=lambda c: (not c.is_current, c.name, -c.version))
        self.checklist_id.choices = {"": "请选择", **{
            str(c.id): f"{c.name} 第{c.version}版" + ("（当前）" if c.is_current else "") for c in ordered}}


class TeamForm(BaseForm):
    """A team's name, leader and members."""

    name = StringField("暗访组名称", filters=[strip], validators=[
        DataRequired("请填写暗访组名称"), Length(max=NAME_MAX, message=f"暗访组名称不超过{NAME_MAX}个字符")])
    leader_id = SelectField("组长", coerce=optional_int, validate_choice=False)
    member_ids = SelectMultipleField("组员", coerce=int, validate_choice=False)

    def set_people(self, people) -> None:
        """Offer the given inspectors as leader and members."""
        labels = {str(p.id): f"{p.name}（{p.username}）" for p in people}
        self.leader_id.choices = {"": "（暂不指定）", **labels}
        self.member_ids.choices = labels


class TargetForm(BaseForm):
    """A target: unit, team, planned window (CST) and a note."""

    unit_id = SelectField("被检查单位", coerce=optional_int, validate_choice=False,
                          validators=[DataRequired("请选择被检查单位")])
    team_id = SelectField("暗访组", coerce=optional_int, validate_choice=False,
                          validators=[DataRequired("请选择暗访组")])
    planned_start = CSTDateTimeField("计划开始（北京时间）", validators=[Optional()])
    planned_end = CSTDateTimeField("计划结束（北京时间）", validators=[Optional()])
    note = TextAreaField("备注", filters=[strip], validators=[Optional(), Length(max=1000)])

    def set_options(self, units, teams) -> None:
        """Offer the units that may be targeted and the campaign's teams."""
        self.unit_id.choices = {"": "请选择", **{str(u.id): u.name for u in units}}
        self.team_id.choices = {"": "请选择", **{str(t.id): t.name for t in teams}}
