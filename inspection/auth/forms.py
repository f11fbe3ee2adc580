"""Sign-in and password forms (Flask-WTF gives them CSRF tokens)."""
from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from ..core.forms import BaseForm
from .textcheck import NAME_MESSAGE, PASSWORD_MESSAGE, bad_name, bad_secret


def _plain_name(form, field):
    """Refuse a user name holding NUL, another control character or a lone surrogate."""
    if bad_name(field.data):
        raise ValidationError(NAME_MESSAGE)


def _plain_secret(form, field):
    """Refuse a password holding NUL or a lone surrogate."""
    if bad_secret(field.data):
        raise ValidationError(PASSWORD_MESSAGE)


class LoginForm(BaseForm):
    """Username and password."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64), _plain_name])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=256), _plain_secret])


class ChangePasswordForm(BaseForm):
    """Current password and the new one twice."""

    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), _plain_secret])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=256), _plain_secret])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                  EqualTo("new", "两次输入的新密码不一致")])
