"""A Flask-WTF base form whose built-in validation messages read in simplified Chinese."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, PasswordField, StringField

from .dates import CST
from .text import form_filter

# WTForms' own English messages, translated once for every form in the app.
MESSAGES = {
    "This field is required.": "此项为必填项",
    "Not a valid choice.": "请从列表中选择",
    "Invalid Choice: could not coerce.": "请从列表中选择",
    "Invalid choice(s): one or more data inputs could not be coerced.": "请从列表中选择",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s”不是有效的选项",
    "'%(value)s' are not valid choices for this field.": "“%(value)s”不是有效的选项",
    "Not a valid date value.": "日期格式不正确",
    "Not a valid datetime value.": "时间格式不正确",
    "Not a valid time value.": "时间格式不正确",
    "Not a valid integer value.": "请输入整数",
    "Not a valid decimal value.": "请输入数字",
    "Not a valid float value.": "请输入数字",
    "Invalid input.": "输入不正确",
    "Field must be equal to %(other_name)s.": "两次输入不一致",
    "Field must be at least %(min)d character long.": "至少需要%(min)d个字符",
    "Field must be at least %(min)d characters long.": "至少需要%(min)d个字符",
    "Field cannot be longer than %(max)d character.": "不能超过%(max)d个字符",
    "Field cannot be longer than %(max)d characters.": "不能超过%(max)d个字符",
    "Field must be between %(min)d and %(max)d characters long.": "长度应为%(min)d至%(max)d个字符",
    "Number must be at least %(min)s.": "不能小于%(min)s",
    "Number must be at most %(max)s.": "不能大于%(max)s",
    "Number must be between %(min)s and %(max)s.": "应在%(min)s至%(max)s之间",
    "The CSRF token is missing.": "页面已过期，请刷新后重试",
    "The CSRF token has expired.": "页面已过期，请刷新后重试",
    "The CSRF token is invalid.": "页面已过期，请刷新后重试",
    "The CSRF tokens do not match.": "页面已过期，请刷新后重试",
}


class _ChineseTranslations:
    """The translations object WTForms asks for messages."""

    def gettext(self, string: str) -> str:
        """Return the Chinese text for a WTForms message."""
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the Chinese text for a message that English pluralises."""
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


_TRANSLATIONS = _ChineseTranslations()


class BaseForm(FlaskForm):
    """A FlaskForm (CSRF included) with Chinese validation messages and checked text.

    Every text field (StringField and its kinds: TextAreaField, SearchField, HiddenField …) runs
    core.text's check first: CRLF becomes LF, and text holding a control character or invalid Unicode is
    refused with a Chinese message at the field. Refused rather than stripped: what a person typed is
    evidence, and a silent change would store something they did not write without telling them.
    Passwords are left exactly as typed (they are only hashed, never shown).
    """

    class Meta:
        def get_translations(self, form):
            """Give WTForms the Chinese messages."""
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            """Bind a field, putting the text check first among a text field's filters."""
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                options["filters"] = (form_filter, *(options.get("filters") or unbound_field.kwargs.get("filters")
                                                     or ()))
            return unbound_field.bind(form=form, **options)


def strip(value):
    """Trim surrounding whitespace (full-width spaces too) from a submitted string."""
    return value.strip() if isinstance(value, str) else value


class CSTDateTimeField(DateTimeLocalField):
    """A datetime-local input read and shown in China Standard Time, holding an aware UTC datetime."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                                                    "%Y-%m-%d %H:%M"], **kwargs)

    def _value(self):
        """Render the stored UTC value as CST for the input."""
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return self.data.astimezone(CST).strftime("%Y-%m-%dT%H:%M")

    def process_formdata(self, valuelist):
        """Parse the CST input and keep it as aware UTC."""
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=CST).astimezone(UTC)


def cst_to_utc(value: datetime) -> datetime:
    """Read a naive datetime as China Standard Time and return it in UTC."""
    return value.replace(tzinfo=CST).astimezone(UTC)
