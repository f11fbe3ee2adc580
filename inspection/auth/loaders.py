"""Flask-Login loaders: the session cookie for pages, a bearer token for the API."""
from __future__ import annotations

from flask import g, request

from ..extensions import db, login_manager
from .models import User
from .services import user_for_token

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str):
    """Load the signed-in user from the session or remember cookie ("<id>:<session generation>").

    Disabled users, and sessions of an older generation (signed out, password or role changed, devices
    revoked), are signed out. A request that carries a bearer token is judged by that token alone.
    """
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    try:
        raw_id, raw_generation = str(user_id).split(":")
        user = db.session.get(User, int(raw_id))
        generation = int(raw_generation)
    except (TypeError, ValueError):
        return None
    if user is None or not user.active or (user.session_generation or 0) != generation:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req):
    """Authenticate `Authorization: Bearer <token>`, remembering which token was used."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    found = user_for_token(header[len("Bearer "):].strip())
    if found is None:
        return None
    user, token = found
    g.api_token = token
    return user
