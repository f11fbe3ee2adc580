"""Forms of the unit pages."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import BaseForm, strip
from .models import UNIT_KINDS
from .services import NAME_MAX, SHORT_MAX, SORT_MAX, SORT_MIN


def _optional_int(value):
    """Read a select of ids where empty means none."""
    if value in (None, "", "0"):
        return None
    return int(value)


class UnitForm(BaseForm):
    """A unit's name, short name, kind, parent and 排序号."""

    name = StringField("单位名称", filters=[strip], validators=[
        DataRequired("请填写单位名称"), Length(max=NAME_MAX, message=f"单位名称不超过{NAME_MAX}个字符")])
    short_name = StringField("简称", filters=[strip], validators=[
        Optional(), Length(max=SHORT_MAX, message=f"简称不超过{SHORT_MAX}个字符")])
    kind = SelectField("类别", choices={"": "请选择类别", **UNIT_KINDS},
                       validators=[DataRequired("请选择类别")])
    parent_id = SelectField("上级单位", coerce=_optional_int, validate_choice=False)
    sort_order = IntegerField("排序号", default=0, validators=[
        Optional(), NumberRange(SORT_MIN, SORT_MAX, message=f"排序号应为{SORT_MIN}至{SORT_MAX}之间的整数")])

    def set_parents(self, units) -> None:
        """Offer the given units as possible parents."""
        self.parent_id.choices = {"": "（无）", **{str(u.id): u.name for u in units}}


class UnitImportForm(BaseForm):
    """The CSV file to check."""

    file = FileField("CSV 文件")
