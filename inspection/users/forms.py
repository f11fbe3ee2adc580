"""Forms of the account administration pages."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..auth.roles import ROLE_LABELS
from ..core.forms import BaseForm, strip

ROLE_CHOICES = {"": "请选择角色", **ROLE_LABELS}


def _unit_id(value):
    """Read the unit select: empty means no unit."""
    if value in (None, "", "0"):
        return None
    return int(value)


class _ProfileFields(BaseForm):
    """Fields shared by the create and edit forms."""

    display_name = StringField("姓名", filters=[strip],
                               validators=[DataRequired("请填写姓名"), Length(max=64, message="姓名不超过64个字符")])
    role = SelectField("角色", choices=ROLE_CHOICES, validators=[DataRequired("请选择角色")])
    unit_id = SelectField("所属单位", coerce=_unit_id, validate_choice=False)
    phone = StringField("手机号", filters=[strip], validators=[Optional(), Length(max=32, message="手机号过长"),
                                                             Regexp(r"^[0-9+\- ]+$", message="手机号只能包含数字")])

    def set_units(self, units) -> None:
        """Offer the given units in the unit select."""
        self.unit_id.choices = {"": "（无）", **{str(u.id): u.name for u in units}}


class UserCreateForm(_ProfileFields):
    """A new account: username, profile and initial password."""

    username = StringField("用户名", filters=[strip], validators=[
        DataRequired("请填写用户名"), Length(max=64, message="用户名不超过64个字符"),
        Regexp(r"^[A-Za-z0-9_.\-]+$", message="用户名只能包含英文字母、数字、下划线、点和连字符"),
    ])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码"), Length(max=256)])
    confirm = PasswordField("确认密码", validators=[DataRequired("请再次输入密码"),
                                                EqualTo("password", "两次输入的密码不一致")])


class UserEditForm(_ProfileFields):
    """Profile changes of an existing account."""


class ResetPasswordForm(BaseForm):
    """A new password set by an administrator."""

    password = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=256)])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                  EqualTo("password", "两次输入的密码不一致")])
    revoke_tokens = BooleanField("同时注销该用户所有手机/设备上的登录")
