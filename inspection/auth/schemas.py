"""Marshmallow schemas for the auth API."""
from marshmallow import ValidationError, fields, validate

from ..core.schemas import Schema
from .textcheck import NAME_MESSAGE, PASSWORD_MESSAGE, bad_name, bad_secret


def _plain_name(value: str) -> None:
    """Refuse a user name or device name holding NUL, another control character or a lone surrogate."""
    if bad_name(value):
        raise ValidationError(NAME_MESSAGE)


def _plain_secret(value: str) -> None:
    """Refuse a password holding NUL or a lone surrogate."""
    if bad_secret(value):
        raise ValidationError(PASSWORD_MESSAGE)


class TokenRequestSchema(Schema):
    """Credentials and a device name, to get a bearer token."""

    username = fields.String(required=True, validate=[validate.Length(min=1, max=64), _plain_name])
    password = fields.String(required=True, load_only=True,
                             validate=[validate.Length(min=1, max=256), _plain_secret])
    device_name = fields.String(load_default="", validate=[validate.Length(max=100), _plain_name])


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
