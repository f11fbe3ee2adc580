"""Auth API: device tokens for the field app."""
from __future__ import annotations

from flask import Blueprint, g
from flask_login import current_user

from ..core.actor import current_actor
from ..core.json import load
from ..errors import ApiError
from ..extensions import csrf, db
from . import services
from .access import public, roles_required
from .limits import sign_in_limited
from .roles import ROLES
from .schemas import TokenRequestSchema, TokenResponseSchema, UserSchema
from .signin import check_credentials

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth")
csrf.exempt(bp)


@bp.post("/token")
@public
@sign_in_limited
def create_token():
    """Exchange a username and password for a long-lived device token."""
    data = load(TokenRequestSchema())
    try:
        user = check_credentials(data["username"], data["password"])
    except services.AuthError as exc:
        db.session.commit()  # keep the failure count
        status = 403 if exc.code in {"locked", "disabled"} else 401
        details = {"retry_after": exc.retry_after} if exc.retry_after else None
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        raise ApiError(status, exc.code, exc.message, details, headers) from None
    token, plain = services.issue_token(user, data["device_name"], actor=current_actor(user))
    db.session.commit()
    return TokenResponseSchema().dump({"token": plain, "token_id": token.id, "user": user}), 201


@bp.delete("/token")
@roles_required(*ROLES, api=True)
def delete_token():
    """Revoke the token this request was made with (the phone signing out)."""
    token = g.get("api_token")
    if token is None:
        raise ApiError(400, "no_token", "此请求未使用设备令牌")
    services.revoke_token(token, actor=current_actor())
    db.session.commit()
    return "", 204


@bp.get("/me")
@roles_required(*ROLES, api=True)
def me():
    """Return the signed-in user."""
    return UserSchema().dump(current_user)
