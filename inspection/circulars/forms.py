"""Forms of the circular pages."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..core.forms import BaseForm, strip
from .models import SECURITY_LEVELS, URGENCIES


def _int_or_none(value):
    """Read a select whose empty value means none."""
    if value in (None, "", "0"):
        return None
    return int(value)


class NewCircularForm(BaseForm):
    """Start a draft: from a campaign's confirmed findings, or from findings picked below."""

    organ_id = SelectField("发文机关", coerce=_int_or_none, validators=[DataRequired("请选择发文机关")])
    title = StringField("标题", filters=[strip], validators=[DataRequired("请填写标题"), Length(max=200)])
    source = RadioField("问题来源", choices={"campaign": "某次专项行动中全部已确认的问题",
                                          "picked": "在下方列表中手工挑选已确认的问题"}, default="campaign")
    campaign_id = SelectField("专项行动", coerce=_int_or_none, validate_choice=False)

    def validate_campaign_id(self, field) -> None:
        """Require one of the offered campaigns when the draft is made from a campaign."""
        if self.source.data == "campaign" and (field.data is None or str(field.data) not in field.choices):
            raise ValidationError("请选择专项行动")

    def chosen_campaign(self, campaigns):
        """Return the campaign the draft is made from, or None when findings are picked by hand."""
        if self.source.data != "campaign":
            return None
        return next(c for c in campaigns if c.id == self.campaign_id.data)


class CircularForm(BaseForm):
    """The circular's metadata: title, organ, recipients, marks, signature and dates."""

    title = StringField("标题", filters=[strip], validators=[DataRequired("请填写标题"), Length(max=200)])
    organ_id = SelectField("发文机关", coerce=_int_or_none, validators=[DataRequired("请选择发文机关")])
    recipients_line = TextAreaField("主送（印在正文前）", filters=[strip], validators=[Length(max=1000)])
    cc = TextAreaField("抄送", filters=[strip], validators=[Length(max=1000)])
    security_level = SelectField("密级", choices=dict(SECURITY_LEVELS))
    security_period = StringField("保密期限", filters=[strip], validators=[Length(max=20)])
    urgency = SelectField("紧急程度", choices=dict(URGENCIES))
    signature = StringField("发文机关署名", filters=[strip], validators=[DataRequired("请填写署名"), Length(max=100)])
    doc_date = DateField("成文日期", validators=[Optional()])
    printer = StringField("印发机关", filters=[strip], validators=[Length(max=100)])
    print_date = DateField("印发日期", validators=[Optional()])
    photo_annex = BooleanField("附问题照片")
    table_annex = BooleanField("附问题清单（表格）")
    annotation = StringField("附注", filters=[strip], validators=[Length(max=100)])
    rectify_days = IntegerField("整改期限（天）", default=15, validators=[
        DataRequired("请填写整改期限"), NumberRange(1, 90, message="整改期限应为1至90天")])
    rectify_day_kind = RadioField("期限计算", choices={"natural": "自然日", "working": "工作日（按国家法定节假日和调休）"},
                                  default="natural")

    def data_for_service(self) -> dict:
        """Return the fields the service stores."""
        return {name: getattr(self, name).data for name in (
            "title", "organ_id", "recipients_line", "cc", "security_level", "security_period", "urgency",
            "signature", "doc_date", "printer", "print_date", "photo_annex", "table_annex", "annotation", "rectify_days",
            "rectify_day_kind")}


class SectionForm(BaseForm):
    """One section of the body as the reviewer edits it."""

    heading = StringField("标题", filters=[strip], validators=[Length(max=100)])
    body = TextAreaField("正文", validators=[Length(max=100_000)])
    included = BooleanField("纳入正文", default=True)


class NewSectionForm(BaseForm):
    """A section of the reviewer's own."""

    heading = StringField("标题", filters=[strip], validators=[DataRequired("请填写标题"), Length(max=100)])
    body = TextAreaField("正文", validators=[Length(max=100_000)])


class OrganForm(BaseForm):
    """An issuing organ and its document-number prefix."""

    name = StringField("机关名称", filters=[strip], validators=[DataRequired("请填写机关名称"), Length(max=100)])
    mark_text = StringField("发文机关标志（红头文字）", filters=[strip],
                            validators=[DataRequired("请填写红头文字"), Length(max=100)])
    number_prefix = StringField("发文字号代字", filters=[strip], validators=[
        DataRequired("请填写代字"), Length(max=20),
        Regexp(r"^[^\s〔〕\[\]0-9]+$", message="代字不能包含空格、数字或六角括号")])
    signature = StringField("发文机关署名", filters=[strip], validators=[DataRequired("请填写署名"), Length(max=100)])
    printer = StringField("印发机关", filters=[strip], validators=[Length(max=100)])
    active = BooleanField("启用", default=True)


class CounterForm(BaseForm):
    """Numbers already used on paper this year, so the system continues after them."""

    year = IntegerField("年度", validators=[DataRequired("请填写年度"), NumberRange(2000, 2100)])
    last_number = IntegerField("已使用到第几号", validators=[DataRequired("请填写编号"), NumberRange(1, 99999)])
