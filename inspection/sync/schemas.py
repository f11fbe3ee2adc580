"""Marshmallow schemas of the sync API: what phones send, and what the server answers.

The OpenAPI document (/api/v1/openapi.json) is generated from these, so they are the contract.
Input is strict: unknown keys are refused (a misspelt field must not vanish silently). Every error
message is Chinese and carries a stable code (core.text.CodedMessage); a record's answer lists the codes
beside the messages (see docs/sync.md, "Invalid records"). Every string passes core.text's check (no
control characters, no invalid Unicode) and every time must fall in a sane window (`SaneDateTime`).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import Schema
from ..core.text import INVALID_UNICODE, CodedMessage, Text
from ..findings.models import CADRE_LEVELS, SEVERITIES
from ..followup.models import VERDICTS
from ..visits.models import ANSWER_RESULTS

MAX_RECORDS = 500
RECORD_TYPES = ("visit", "finding", "recheck")
RESULT_STATUSES = ("created", "updated", "unchanged", "conflict", "invalid", "forbidden")
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
FUTURE_SLACK = timedelta(days=1)  # a phone's clock may run a little fast; a time further ahead is wrong


def coded(code: str, message: str) -> CodedMessage:
    """Return a Chinese error message that carries its stable code."""
    return CodedMessage(message, code)


DATE_OUT_OF_RANGE = coded("date_out_of_range", f"时间超出有效范围（应在{EARLIEST_DATE}至{LATEST_DATE}之间，"
                                               "且不能比服务器当前时间晚一天以上），请检查手机的日期设置")
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error=coded("invalid_sha256", "须为64位小写十六进制SHA-256"))

# marshmallow's own error keys, in Chinese with a code ("invalid" depends on the field's type)
_MESSAGES = {
    "required": coded("required", "缺少必填字段"),
    "null": coded("null", "不能为空值"),
    "validator_failed": coded("invalid_value", "取值无效"),
    "invalid_utf8": coded(INVALID_UNICODE, "不是有效的文字编码"),
    "invalid_awareness": coded("naive_datetime", "时间须带时区偏移，如 2026-11-17T09:40:00+08:00"),
    "invalid_uuid": coded("invalid_uuid", "应为UUID"),
    "special": coded("not_a_number", "不能为NaN或无穷大"),
    "type": coded("not_an_object", "应为JSON对象"),
}
_INVALID = (
    (fields.String, coded("not_a_string", "应为文本")),
    (fields.Integer, coded("not_an_integer", "应为整数")),
    (fields.Number, coded("not_a_number", "应为数字")),
    (fields.DateTime, coded("invalid_datetime", "应为ISO 8601格式的时间，如 2026-11-17T09:40:00+08:00")),
    (fields.List, coded("not_a_list", "应为列表")),
    (fields.Dict, coded("not_an_object", "应为JSON对象")),
    (fields.Boolean, coded("not_a_boolean", "应为true或false")),
)


def _translate(field: fields.Field) -> None:
    """Put the Chinese coded messages in place of marshmallow's English ones on a field (and its items)."""
    for key in field.error_messages:
        if key in _MESSAGES:
            field.error_messages[key] = _MESSAGES[key]
        elif key == "invalid":
            field.error_messages[key] = next((m for cls, m in _INVALID if isinstance(field, cls)),
                                             _MESSAGES["validator_failed"])
    inner = getattr(field, "inner", None)
    if isinstance(inner, fields.Field):
        _translate(inner)


class CodedSchema(Schema):
    """A schema whose every error message is Chinese and carries a stable code."""

    error_messages = {"unknown": coded("unknown_field", "未知字段（请检查字段名是否拼错）"),
                      "type": _MESSAGES["type"]}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Translate the bound field's messages (the app's Chinese defaults first, then the coded ones)."""
        super().on_bind_field(field_name, field_obj)
        _translate(field_obj)


class _Length(validate.Length):
    """A length check with coded messages: `blank` when required and empty, `too_long` past `max_len`.

    A validate.Length underneath, so the OpenAPI document still states minLength / maxLength.
    """

    def __init__(self, max_len: int, *, required: bool = False, unit: str = "个字符"):
        """Keep the limits and what is counted (characters, or items of a list)."""
        super().__init__(min=1 if required else None, max=max_len)
        self.unit = unit

    def __call__(self, value):
        """Refuse an empty required value or one that is too long."""
        if self.min and len(value) < self.min:
            raise ValidationError(coded("blank", "不能为空"))
        if len(value) > self.max:
            raise ValidationError(coded("too_long", f"不能超过{self.max}{self.unit}"))
        return value


def _one_of(choices) -> validate.OneOf:
    """Refuse a value outside `choices` with a coded message."""
    return validate.OneOf(tuple(choices), error=coded("not_a_choice", "应为以下之一：{choices}"))


def _range(low, high) -> validate.Range:
    """Refuse a number outside [low, high] with a coded message."""
    return validate.Range(low, high, error=coded("out_of_range", "应在{min}至{max}之间"))


def _text(max_len: int, *, required: bool = False, default: str = ""):
    """A checked string field of bounded length (empty allowed unless required)."""
    if required:
        return Text(required=True, validate=_Length(max_len, required=True))
    return Text(load_default=default, validate=_Length(max_len))


def _optional_text(max_len: int):
    """A checked string field that may be null or absent, and is not empty when given."""
    return Text(load_default=None, allow_none=True, validate=_Length(max_len, required=True))


class SaneDateTime(fields.AwareDateTime):
    """An ISO 8601 time with an offset, dated 2000-01-01 … 2100-12-31 and at most a day past the server's now.

    Refuses (code `date_out_of_range`) what Python cannot even convert to UTC, such as year 1 at +08:00.
    """

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        """Parse the time, then check it is one a phone could really have recorded."""
        try:
            parsed = super()._deserialize(value, attr, data, **kwargs)
            utc = parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError(DATE_OUT_OF_RANGE) from None
        if not EARLIEST_DATE <= parsed.date() <= LATEST_DATE or utc > datetime.now(UTC) + FUTURE_SLACK:
            raise ValidationError(DATE_OUT_OF_RANGE)
        return parsed


# -- what phones send --------------------------------------------------------------------------------
class AnswerSchema(CodedSchema):
    """The answer to one checklist item during a visit."""

    item_code = _text(20, required=True)
    result = fields.String(required=True, validate=_one_of(ANSWER_RESULTS))
    note = _text(2000)


class VisitDataSchema(CodedSchema):
    """A visit (一次到访) as recorded on the phone."""

    target_id = fields.Integer(required=True, strict=True)
    started_at = SaneDateTime(required=True)
    ended_at = SaneDateTime(load_default=None, allow_none=True)
    lat = fields.Float(load_default=None, allow_none=True, validate=_range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=_range(-180, 180))
    accuracy = fields.Float(load_default=None, allow_none=True, validate=_range(0, 100_000))
    notes = _text(10_000)
    answers = fields.List(fields.Nested(AnswerSchema), load_default=list, validate=_Length(500, unit="项"))

    @validates_schema
    def _check(self, data, **kwargs):
        """Refuse an end before the start and two answers to one item."""
        if data.get("ended_at") and data.get("started_at") and data["ended_at"] < data["started_at"]:
            raise ValidationError(coded("ended_before_start", "结束时间早于开始时间"), "ended_at")
        codes = [a["item_code"] for a in data.get("answers") or ()]
        if len(codes) != len(set(codes)):
            raise ValidationError(coded("duplicate_answer", "同一检查项只能有一个结果"), "answers")


class PersonSchema(CodedSchema):
    """A person involved in a finding."""

    name = _text(40, required=True)
    post = _text(100)
    cadre_level = fields.String(required=True, validate=_one_of(CADRE_LEVELS))


class PhotoRefSchema(CodedSchema):
    """A photo a finding references by the SHA-256 of its bytes (uploaded separately)."""

    sha256 = fields.String(required=True, validate=SHA256)
    caption = _text(200)
    taken_at = SaneDateTime(load_default=None, allow_none=True)


class FindingDataSchema(CodedSchema):
    """A finding (问题) as recorded on the phone; `item_code` or `category` names what was wrong."""

    visit_id = fields.UUID(required=True)
    item_code = _optional_text(20)
    category = _optional_text(40)
    description = _text(5000, required=True)
    occurred_at = SaneDateTime(load_default=None, allow_none=True)
    location = _text(200)
    severity = fields.String(load_default="minor", validate=_one_of(SEVERITIES))
    persons = fields.List(fields.Nested(PersonSchema), load_default=list, validate=_Length(50, unit="项"))
    photos = fields.List(fields.Nested(PhotoRefSchema), load_default=list, validate=_Length(30, unit="项"))
    reply = _optional_text(5000)  # 补充说明: the answer to a 需补充 question, kept apart from the description

    @validates_schema
    def _check(self, data, partial=False, **kwargs):
        """Require an item or a category on creation."""
        if not partial and not data.get("item_code") and not data.get("category"):
            raise ValidationError(coded("item_or_category_required", "请填写检查项编号或问题类别"), "category")


class RecheckDataSchema(CodedSchema):
    """A recheck (复核) of one earlier problem of a follow-up target, made during a visit there."""

    visit_id = fields.UUID(required=True)
    finding_id = fields.UUID(required=True, metadata={
        "description": "the earlier finding, one of the target's `rechecks` in bootstrap"})
    verdict = fields.String(required=True, validate=_one_of(VERDICTS))
    note = _text(5000)
    photos = fields.List(fields.Nested(PhotoRefSchema), load_default=list, validate=_Length(30, unit="项"))


class RecordSchema(CodedSchema):
    """One record of a batch: its type, its phone-made UUID, the version it was based on, its data."""

    type = fields.String(required=True, validate=_one_of(RECORD_TYPES))
    id = fields.UUID(required=True)
    base_version = fields.Integer(load_default=None, allow_none=True, strict=True,
                                  validate=validate.Range(min=1, error=coded("out_of_range", "应为正整数")))
    data = fields.Dict(required=True, metadata={"description": "VisitData, FindingData or RecheckData, by `type`"})


class SyncRequestSchema(CodedSchema):
    """A batch of records pushed by one device; `batch_id` makes resending it harmless."""

    device_id = _text(100, required=True)
    batch_id = fields.UUID(required=True)
    records = fields.List(fields.Nested(RecordSchema), required=True,
                          validate=validate.Length(min=1, max=MAX_RECORDS,
                                                   error=coded("record_count", f"一批应有1至{MAX_RECORDS}条记录")))


# -- what the server answers ------------------------------------------------------------------------
class RecordResultSchema(Schema):
    """The answer for one record."""

    id = fields.String()
    type = fields.String()
    status = fields.String(metadata={"enum": list(RESULT_STATUSES)})
    version = fields.Integer(allow_none=True)
    missing_photos = fields.List(fields.String(), metadata={"description": "hashes still to PUT"})
    errors = fields.Dict(metadata={"description": "field -> messages in Chinese (invalid / forbidden)"})
    codes = fields.Dict(metadata={"description": "the same keys as `errors`, each message replaced by its "
                                                 "stable code, e.g. {\"started_at\": [\"date_out_of_range\"]}"})
    conflicts = fields.Dict(metadata={"description": "key -> {server, phone}; only when status is conflict"})


class SyncResponseSchema(Schema):
    """The answers for a batch, in the order of its records, and the change-feed position."""

    batch_id = fields.String()
    results = fields.List(fields.Nested(RecordResultSchema))
    cursor = fields.String(metadata={"description": "the newest change for this user; pull /changes if newer"})


class ChangeSchema(Schema):
    """One change the server made to a record of the user's team."""

    cursor = fields.String()
    entity_type = fields.String()
    entity_id = fields.String()
    kind = fields.String(metadata={"description": "review / edited / conflict / conflict_resolved / linked"})
    payload = fields.Dict()
    created_at = fields.AwareDateTime()


class ChangesResponseSchema(Schema):
    """Changes after the cursor the phone gave, oldest first, and the cursor to ask from next."""

    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    has_more = fields.Boolean()


class ChangesQuerySchema(Schema):
    """Query string of GET /changes."""

    since = fields.String(load_default="0", validate=validate.Regexp(r"^\d{1,18}$", error="无效的游标"))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


class PhotoResultSchema(Schema):
    """A stored photo (201 when new, 200 when the server already had it)."""

    sha256 = fields.String()
    mime = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    exif_taken_at = fields.AwareDateTime(allow_none=True)
    created = fields.Boolean()


class ErrorBodySchema(Schema):
    """The error: a stable code, a message for people (Chinese), details, and the request's id (X-Request-ID)."""

    code = fields.String()
    message = fields.String()
    details = fields.Raw()
    request_id = fields.String()


class ErrorSchema(Schema):
    """The one error envelope of the API."""

    error = fields.Nested(ErrorBodySchema)
