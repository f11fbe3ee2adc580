"""Rate limits on sign-in (Flask-Limiter): per client IP and per user name, shared by /login and the token API.

The limits come from LOGIN_RATE_LIMIT_IP and LOGIN_RATE_LIMIT_NAME; counters live in RATELIMIT_STORAGE_URI
(memory:// by default: one app server; Redis when there are several, see docs/deployment.md). A client that
has signed in as a name before is not held to that name's limit, so guessing at someone's name from
elsewhere does not lock its owner out (the per-IP limit and the lock-out still apply to everyone).
Breaches answer 429 with Retry-After, as the JSON envelope or the HTML error page.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from ..errors import error_response
from ..extensions import db, limiter
from .lockout import KNOWN_CLIENT_DAYS
from .models import LoginThrottle
from .textcheck import bad_name


def typed_username() -> str:
    """Return the user name this sign-in request carries (form or JSON), or "" when there is none."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            name = body.get("username") if isinstance(body, dict) else None
        else:
            name = request.form.get("username")
    except Exception:  # a body the view will refuse with its own error (too deep, undecodable …)
        return ""
    return name.strip()[:64] if isinstance(name, str) else ""


def _name_key() -> str:
    """Key the per-name limit by a digest of the typed name (any text, even unencodable, gives a key)."""
    digest = hashlib.sha256(typed_username().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"name:{digest}"


def _known_client() -> bool:
    """Tell whether this client has signed in as the typed name recently (then the per-name limit is waived)."""
    name = typed_username()
    if not name or bad_name(name):  # the view refuses it; never send it to the database
        return False
    c = LoginThrottle.__table__.c
    cutoff = time.time() - KNOWN_CLIENT_DAYS * 86400
    row = db.session.execute(select(c.last_success_at).where(
        c.username == name, c.client == (get_remote_address() or "")[:64])).first()
    return bool(row and row.last_success_at and row.last_success_at.timestamp() > cutoff)


def sign_in_limited(view):
    """Apply the per-IP and per-name sign-in limits (POST only) to a view."""
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT_NAME"], scope="sign-in-name",
                                key_func=_name_key, methods=["POST"], exempt_when=_known_client)(view)
    return limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], scope="sign-in-ip",
                                key_func=get_remote_address, methods=["POST"])(view)


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets it through again (at least one)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.window.reset_time - time.time()))


def wait_text(seconds: int) -> str:
    """Say in Chinese how long to wait: seconds under two minutes, minutes beyond."""
    return f"{seconds}秒" if seconds < 120 else f"{math.ceil(seconds / 60)}分钟"


def rate_limited(exc):
    """Answer a broken rate limit: 429, Retry-After, and the JSON envelope or HTML page saying when to retry."""
    seconds = retry_after_seconds()
    return error_response(429, "too_many_requests", f"尝试过于频繁，请{wait_text(seconds)}后再试",
                          {"retry_after": seconds}, headers={"Retry-After": str(seconds)})
