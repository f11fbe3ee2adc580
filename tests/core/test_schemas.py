"""Validation messages in `details` are Chinese, for every field type and every schema of the app."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import uuid

import marshmallow
import pytest
from marshmallow import ValidationError, fields, validate

import inspection
from inspection.core import schemas as core_schemas
from inspection.core.schemas import Schema

from ..records import push, visit_record

WORD = re.compile(r"[A-Za-z]{4,}")
TECHNICAL = {"null", "true", "false", "JSON", "UUID", "YYYY", "IPv4", "IPv6"}  # names, not English prose


def english(text: str) -> list[str]:
    """The English words in a message, other than technical names."""
    return [word for word in WORD.findall(re.sub(r"\{[a-z_]+\}", "", text)) if word not in TECHNICAL]


class Sample(Schema):
    """One field of each kind the app uses, and a few it may."""

    count = fields.Integer(required=True, strict=True)
    ratio = fields.Float(validate=validate.Range(0, 1))
    above = fields.Integer(validate=validate.Range(min=0, min_inclusive=False))
    flag = fields.Boolean()
    ident = fields.UUID()
    at = fields.AwareDateTime()
    naive = fields.NaiveDateTime()
    day = fields.Date()
    text = fields.String(validate=validate.Length(min=1, max=3))
    code = fields.String(validate=validate.Length(min=2, max=3))
    tags = fields.List(fields.String(), validate=validate.Length(max=1))
    scores = fields.List(fields.Integer())
    data = fields.Dict()
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    mail = fields.Email()
    pattern = fields.String(validate=validate.Regexp(r"^\d+$"))
    nothing = fields.String(allow_none=False)
    child = fields.Nested(lambda: Child())


class Child(Schema):
    """A nested schema."""

    name = fields.String(required=True)


def errors_of(schema, data) -> dict:
    """Load and return the error messages."""
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return caught.value.messages


def flat(messages) -> list[str]:
    """Every message string in a nested error structure."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in flat(value)]
    return [m for value in messages for m in flat(value)]


def test_marshmallow_defaults_read_in_chinese_for_every_field_type():
    """Each field type's own message (integer, float, boolean, UUID, date-time, list, dict …) is Chinese."""
    messages = errors_of(Sample(), {
        "ratio": 2, "above": 0, "flag": "maybe", "ident": "x", "at": "2026-03-01T09:30:00",
        "naive": "2026-03-01T09:30:00+08:00", "day": "March", "text": "", "code": "abcd", "tags": ["a", "b"],
        "scores": ["x"], "data": [1], "kind": "c", "mail": "nobody", "pattern": "12a", "nothing": None, "child": {"age": 3}, "surplus": 1})
    assert messages["count"] == ["缺少必填字段"]
    assert messages["ratio"] == ["须在0至1之间"]
    assert messages["above"] == ["须大于0"]
    assert messages["flag"] == ["应为布尔值（true 或 false）"]
    assert messages["ident"] == ["不是有效的 UUID"]
    assert messages["at"] == ["须带时区（如 +08:00）"]
    assert messages["naive"] == ["不能带时区"]
    assert messages["day"] == ["不是有效的日期（应为 YYYY-MM-DD）"]
    assert messages["text"] == ["不能为空，且不能超过3个字符"]
    assert messages["code"] == ["须为2至3个字符"]
    assert messages["tags"] == ["最多1项"]
    assert messages["scores"] == {0: ["应为整数"]}
    assert messages["data"] == ["应为 JSON 对象"]
    assert messages["kind"] == ["须为以下之一：a, b"]
    assert messages["mail"] == ["不是有效的电子邮箱地址"]
    assert messages["pattern"] == ["格式不正确"]
    assert messages["nothing"] == ["不能为空值（null）"]
    assert messages["child"] == {"name": ["缺少必填字段"], "age": ["未知字段"]}
    assert messages["surplus"] == ["未知字段"]
    assert errors_of(Sample(), {"count": "1"})["count"] == ["应为整数"]
    assert errors_of(Sample(), {"count": 1, "at": "soon"})["at"][0].startswith("不是有效的日期时间")
    assert errors_of(Sample(), [1]) == {"_schema": ["输入类型无效，应为 JSON 对象"]}
    assert errors_of(Sample(), {"count": 1, "ratio": float("nan")})["ratio"] == ["不允许 NaN 或无穷大"]


def test_messages_a_schema_sets_itself_are_kept():
    """Only marshmallow's defaults are replaced; an author's own message (already Chinese) stays."""

    class Own(Schema):
        sha = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$", error="须为SHA-256"),
                            error_messages={"required": "请上传照片"})
        size = fields.Integer(validate=validate.Range(1, 9, error="一到九"))

    assert errors_of(Own(), {}) == {"sha": ["请上传照片"]}
    assert errors_of(Own(), {"sha": "x", "size": 0}) == {"sha": ["须为SHA-256"], "size": ["一到九"]}


def test_a_shared_validator_is_not_changed_for_other_schemas():
    """Translation copies validators, so a plain marshmallow schema using the same one still speaks English."""
    shared = validate.Length(max=1)

    class Ours(Schema):
        text = fields.String(validate=shared)

    class Theirs(marshmallow.Schema):
        text = fields.String(validate=shared)

    assert errors_of(Ours(), {"text": "ab"}) == {"text": ["不能超过1个字符"]}
    assert errors_of(Theirs(), {"text": "ab"}) == {"text": ["Longer than maximum length 1."]}


def test_every_marshmallow_default_message_has_a_translation():
    """A marshmallow upgrade that adds a message fails here instead of leaking English to phones."""
    temporal = {"invalid", "format", "invalid_awareness"}
    for field_class in vars(fields).values():
        if not (inspect.isclass(field_class) and issubclass(field_class, fields.Field)) or inspect.isabstract(
                field_class) or field_class.__name__.startswith("_"):
            continue
        defaults = {}
        for cls in reversed(field_class.__mro__):
            defaults.update(getattr(cls, "default_error_messages", {}))
        for key, text in defaults.items():
            if hasattr(field_class, "OBJ_TYPE") and key in temporal:
                assert key == "invalid_awareness" or key in core_schemas.TEMPORAL_MESSAGES[field_class.OBJ_TYPE]
                continue
            assert text in core_schemas.FIELD_MESSAGES, (field_class.__name__, key, text)
    for validator_class in vars(validate).values():
        if inspect.isclass(validator_class) and "default_message" in vars(validator_class):
            assert any(k in core_schemas.VALIDATOR_MESSAGES for k in validator_class.__mro__), validator_class
    for translated in [*core_schemas.FIELD_MESSAGES.values(), *core_schemas.SCHEMA_MESSAGES.values(),
                       *core_schemas.VALIDATOR_MESSAGES.values(), *core_schemas.AWARENESS_MESSAGES.values(),
                       *(m for t in core_schemas.TEMPORAL_MESSAGES.values() for m in t.values())]:
        assert english(translated) == [], translated


def test_every_schema_of_the_app_derives_from_the_chinese_base():
    """No schema anywhere in the package is a bare marshmallow Schema (its messages would be English)."""
    for module in pkgutil.walk_packages(inspection.__path__, "inspection."):
        importlib.import_module(module.name)
    bare = []
    pending = list(marshmallow.Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("inspection.") and not issubclass(cls, Schema):
            bare.append(f"{cls.__module__}.{cls.__qualname__}")
    assert bare == []


def test_api_details_are_chinese(client, world, token_for):
    """The 422 envelope of the sync API and of sign-in carries Chinese messages."""
    body = client.post("/api/v1/auth/token", json={"username": 5}).get_json()["error"]
    assert body["code"] == "validation_error"
    assert body["details"]["username"] == ["应为字符串"] and body["details"]["password"] == ["缺少必填字段"]
    headers = token_for("inspector1")
    payload = {"device_id": "phone", "batch_id": "not-a-uuid", "records": [{"type": "visit"}], "extra": True}
    details = client.post("/api/v1/sync", json=payload, headers=headers).get_json()["error"]["details"]
    assert set(details) == {"batch_id", "extra", "records"} and set(details["records"]["0"]) == {"id", "data"}
    assert details["records"]["0"]["id"] == ["缺少必填字段"]
    assert [m for m in flat(details) if english(m) or not m] == []


def test_invalid_record_errors_are_chinese(client, world, token_for):
    """A record answered `invalid` tells the inspector what was wrong in Chinese."""
    headers = token_for("inspector1")
    record = visit_record(world.targets[0], visit_id=uuid.uuid4(), target_id="one", lat=200.0)
    result = push(client, headers, [record]).get_json()["results"][0]
    assert result["status"] == "invalid"
    assert set(result["errors"]) >= {"target_id", "lat"}
    assert result["errors"]["target_id"] == ["应为整数"]
    assert [m for m in flat(result["errors"]) if english(m) or not m] == []
