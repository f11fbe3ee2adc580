"""Marshmallow schemas for the auth API."""
from marshmallow import fields, validate

from ..core.schemas import Schema


class TokenRequestSchema(Schema):
    """Credentials and a device name, to get a bearer token."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    device_name = fields.String(load_default="", validate=validate.Length(max=100))


class UserSchema(Schema):
    """The public view of a user account."""

    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    role_label = fields.String(dump_only=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)


class TokenResponseSchema(Schema):
    """A newly issued token (shown once) and its user."""

    token = fields.String(dump_only=True)
    token_id = fields.Integer(dump_only=True)
    user = fields.Nested(UserSchema, dump_only=True)
