"""The base marshmallow Schema of the app: marshmallow's built-in validation messages in Chinese.

Every schema in the app derives from `Schema` here, so an error a phone or a page sees in `details` reads
"缺少必填字段" rather than "Missing data for required field.". Messages a schema or field sets itself are
kept; only marshmallow's own defaults are replaced, at the moment a field is bound to its schema.
"""
from __future__ import annotations

import copy

import marshmallow
from marshmallow import fields, validate

# marshmallow's default field messages (the English templates, placeholders included) -> Chinese.
FIELD_MESSAGES = {
    "Missing data for required field.": "缺少必填字段",
    "Field may not be null.": "不能为空值（null）",
    "Invalid value.": "值无效",
    "Invalid type.": "类型无效，应为 JSON 对象",
    "Not a valid list.": "应为列表",
    "Not a valid tuple.": "应为列表（固定项数）",
    "Not a valid string.": "应为字符串",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 字符串",
    "Not a valid UUID.": "不是有效的 UUID",
    "Not a valid number.": "应为数字",
    "Number too large.": "数值过大",
    "Not a valid integer.": "应为整数",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大",
    "Not a valid boolean.": "应为布尔值（true 或 false）",
    "Not a valid date.": "不是有效的日期（应为 YYYY-MM-DD）",
    "Not a valid period of time.": "不是有效的时长",
    "{input!r} cannot be formatted as a timedelta.": "无法表示为时长",
    "Not a valid mapping type.": "应为 JSON 对象",
    "Not a valid URL.": "不是有效的网址",
    "Not a valid email address.": "不是有效的电子邮箱地址",
    "Not a valid IP address.": "不是有效的 IP 地址",
    "Not a valid IPv4 address.": "不是有效的 IPv4 地址",
    "Not a valid IPv6 address.": "不是有效的 IPv6 地址",
    "Not a valid IP interface.": "不是有效的 IP 网段",
    "Not a valid IPv4 interface.": "不是有效的 IPv4 网段",
    "Not a valid IPv6 interface.": "不是有效的 IPv6 网段",
    "Must be one of: {choices}.": "须为以下之一：{choices}",
}

# Date and time fields share templates with an English type name in them; these read per type.
TEMPORAL_MESSAGES = {
    "datetime": {"invalid": "不是有效的日期时间（应为 ISO 8601，如 2026-03-01T09:30:00+08:00）",
                 "format": "无法表示为日期时间"},
    "time": {"invalid": "不是有效的时间（应为 HH:MM:SS）", "format": "无法表示为时间"},
    "date": {"invalid": "不是有效的日期（应为 YYYY-MM-DD）", "format": "无法表示为日期"},
}
AWARENESS_MESSAGES = {"aware": "须带时区（如 +08:00）", "naive": "不能带时区"}

SCHEMA_MESSAGES = {"type": "输入类型无效，应为 JSON 对象", "unknown": "未知字段"}

# Validators whose whole message is one template (kept when the schema gave its own `error=`).
VALIDATOR_MESSAGES = {
    validate.OneOf: "须为以下之一：{choices}",
    validate.ContainsOnly: "含有不允许的选项（可选：{choices}）",
    validate.ContainsNoneOf: "含有不允许的选项：{values}",
    validate.NoneOf: "值无效",
    validate.Equal: "须等于 {other}",
    validate.Regexp: "格式不正确",
    validate.Predicate: "值无效",
    validate.URL: "不是有效的网址",
    validate.Email: "不是有效的电子邮箱地址",
}


def _length_messages(length: validate.Length, field: fields.Field) -> dict[str, str]:
    """Length messages that name characters for text and items for lists."""
    if not isinstance(field, fields.String):
        return {"message_min": "至少{min}项", "message_max": "最多{max}项", "message_all": "须为{min}至{max}项",
                "message_equal": "须为{equal}项"}
    if length.min == 1:  # the usual "required text": say "empty", not "shorter than 1"
        return {"message_min": "不能为空", "message_max": "不能超过{max}个字符",
                "message_all": "不能为空，且不能超过{max}个字符", "message_equal": "须为{equal}个字符"}
    return {"message_min": "不能少于{min}个字符", "message_max": "不能超过{max}个字符",
            "message_all": "须为{min}至{max}个字符", "message_equal": "须为{equal}个字符"}


def _range_messages(rng: validate.Range) -> dict[str, str]:
    """Range messages that follow the bounds' inclusivity."""
    low = "不能小于{min}" if rng.min_inclusive else "须大于{min}"
    high = "不能大于{max}" if rng.max_inclusive else "须小于{max}"
    both = ("须在{min}至{max}之间" if rng.min_inclusive and rng.max_inclusive else f"{low}，且{high}")
    return {"message_min": low, "message_max": high, "message_all": both}


def _translate_validator(validator, field: fields.Field):
    """Return a copy of a marshmallow validator speaking Chinese, or the validator itself if it has its own."""
    if isinstance(validator, validate.And):
        clone = copy.copy(validator)
        clone.validators = [_translate_validator(v, field) for v in validator.validators]
        return clone
    if isinstance(validator, (validate.Length, validate.Range)):
        if validator.error is not None:
            return validator
        clone = copy.copy(validator)
        messages = (_length_messages(validator, field) if isinstance(validator, validate.Length)
                    else _range_messages(validator))
        for name, text in messages.items():
            setattr(clone, name, text)
        return clone
    for kind in type(validator).__mro__:  # the most specific class with a Chinese template
        if kind in VALIDATOR_MESSAGES:
            if validator.error != kind.default_message and validator.error != type(validator).default_message:
                return validator
            clone = copy.copy(validator)
            clone.error = VALIDATOR_MESSAGES[kind]
            return clone
    return validator


def translate_field(field: fields.Field) -> None:
    """Replace marshmallow's English default messages on a bound field (and its inner fields) with Chinese."""
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    for key, text in field.error_messages.items():
        if defaults.get(key) != text:
            continue  # set by the schema author: keep it
        if hasattr(field, "OBJ_TYPE"):  # date, time and date-time fields
            if key == "invalid_awareness":
                field.error_messages[key] = AWARENESS_MESSAGES.get(getattr(field, "AWARENESS", ""), text)
                continue
            if key in TEMPORAL_MESSAGES.get(field.OBJ_TYPE, {}):
                field.error_messages[key] = TEMPORAL_MESSAGES[field.OBJ_TYPE][key]
                continue
        field.error_messages[key] = FIELD_MESSAGES.get(text, text)
    field.validators = [_translate_validator(v, field) for v in field.validators]
    for inner in _inner_fields(field):
        translate_field(inner)


def _inner_fields(field: fields.Field) -> list[fields.Field]:
    """The fields a container field holds (list items, tuple members, mapping keys and values)."""
    if isinstance(field, fields.List):
        return [field.inner]
    if isinstance(field, fields.Tuple):
        return list(field.tuple_fields)
    if isinstance(field, fields.Mapping):
        return [f for f in (field.key_field, field.value_field) if f is not None]
    return []


class Schema(marshmallow.Schema):
    """The app's base schema: marshmallow's validation messages in Chinese."""

    error_messages = SCHEMA_MESSAGES

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Give each field Chinese default messages as it is bound."""
        translate_field(field_obj)
