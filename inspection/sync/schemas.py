"""Marshmallow schemas of the sync API: what phones send, and what the server answers.

The OpenAPI document (/api/v1/openapi.json) is generated from these, so they are the contract.
Input is strict: unknown keys are refused (a misspelt field must not vanish silently).
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.schemas import Schema
from ..findings.models import CADRE_LEVELS, SEVERITIES
from ..visits.models import ANSWER_RESULTS

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="须为64位小写十六进制SHA-256")
MAX_RECORDS = 500
RECORD_TYPES = ("visit", "finding")
RESULT_STATUSES = ("created", "updated", "unchanged", "conflict", "invalid", "forbidden")


def _text(max_len: int, *, required: bool = False, default: str = ""):
    """A string field of bounded length (empty allowed unless required)."""
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=max_len))
    return fields.String(load_default=default, validate=validate.Length(max=max_len))


# -- what phones send --------------------------------------------------------------------------------
class AnswerSchema(Schema):
    """The answer to one checklist item during a visit."""

    item_code = _text(20, required=True)
    result = fields.String(required=True, validate=validate.OneOf(tuple(ANSWER_RESULTS)))
    note = _text(2000)


class VisitDataSchema(Schema):
    """A visit (一次到访) as recorded on the phone."""

    target_id = fields.Integer(required=True, strict=True)
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(load_default=None, allow_none=True)
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100_000))
    notes = _text(10_000)
    answers = fields.List(fields.Nested(AnswerSchema), load_default=list, validate=validate.Length(max=500))

    @validates_schema
    def _check(self, data, **kwargs):
        """Refuse an end before the start and two answers to one item."""
        if data.get("ended_at") and data.get("started_at") and data["ended_at"] < data["started_at"]:
            raise ValidationError("结束时间早于开始时间", "ended_at")
        codes = [a["item_code"] for a in data.get("answers") or ()]
        if len(codes) != len(set(codes)):
            raise ValidationError("同一检查项只能有一个结果", "answers")


class PersonSchema(Schema):
    """A person involved in a finding."""

    name = _text(40, required=True)
    post = _text(100)
    cadre_level = fields.String(required=True, validate=validate.OneOf(tuple(CADRE_LEVELS)))


class PhotoRefSchema(Schema):
    """A photo a finding references by the SHA-256 of its bytes (uploaded separately)."""

    sha256 = fields.String(required=True, validate=SHA256)
    caption = _text(200)
    taken_at = fields.AwareDateTime(load_default=None, allow_none=True)


class FindingDataSchema(Schema):
    """A finding (问题) as recorded on the phone; `item_code` or `category` names what was wrong."""

    visit_id = fields.UUID(required=True)
    item_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))
    description = _text(5000, required=True)
    occurred_at = fields.AwareDateTime(load_default=None, allow_none=True)
    location = _text(200)
    severity = fields.String(load_default="minor", validate=validate.OneOf(tuple(SEVERITIES)))
    persons = fields.List(fields.Nested(PersonSchema), load_default=list, validate=validate.Length(max=50))
    photos = fields.List(fields.Nested(PhotoRefSchema), load_default=list, validate=validate.Length(max=30))

    @validates_schema
    def _check(self, data, partial=False, **kwargs):
        """Require an item or a category on creation."""
        if not partial and not data.get("item_code") and not data.get("category"):
            raise ValidationError("请填写检查项编号或问题类别", "category")


class RecordSchema(Schema):
    """One record of a batch: its type, its phone-made UUID, the version it was based on, its data."""

    type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES))
    id = fields.UUID(required=True)
    base_version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    data = fields.Dict(required=True, metadata={"description": "VisitData or FindingData, by `type`"})


class SyncRequestSchema(Schema):
    """A batch of records pushed by one device; `batch_id` makes resending it harmless."""

    device_id = _text(100, required=True)
    batch_id = fields.UUID(required=True)
    records = fields.List(fields.Nested(RecordSchema), required=True,
                          validate=validate.Length(min=1, max=MAX_RECORDS))


# -- what the server answers ------------------------------------------------------------------------
class RecordResultSchema(Schema):
    """The answer for one record."""

    id = fields.String()
    type = fields.String()
    status = fields.String(metadata={"enum": list(RESULT_STATUSES)})
    version = fields.Integer(allow_none=True)
    missing_photos = fields.List(fields.String(), metadata={"description": "hashes still to PUT"})
    errors = fields.Dict(metadata={"description": "field -> messages (invalid / forbidden)"})
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
    """The error: a stable code, a message for people (Chinese) and details."""

    code = fields.String()
    message = fields.String()
    details = fields.Raw()


class ErrorSchema(Schema):
    """The one error envelope of the API."""

    error = fields.Nested(ErrorBodySchema)
