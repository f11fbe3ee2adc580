"""Browser sessions: idle and absolute time limits, checked before every request.

A session cookie's user id is "<id>:<session generation>" (User.get_id), so bumping the generation
(auth.services.end_sessions) ends every session and remember cookie of that user at once; the loader
refuses the old id. Here the cookie also carries when it signed in and when it was last used.
Requests authenticated by a bearer token (the field app) are not touched: device tokens have their own
revocation and no idle limit, since a phone may be offline for a day.
"""
from __future__ import annotations

import time

from flask import current_app, g, request, session

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", SIGNED_IN_AT, SEEN_AT)
_SEEN_RESOLUTION = 30  # seconds: the cookie is rewritten at most this often just to note activity


def start(now: float | None = None) -> None:
    """Note in the session that it signed in now (call after login_user)."""
    now = now or time.time()
    session[SIGNED_IN_AT] = int(now)
    session[SEEN_AT] = int(now)


def expiry_reason(now: float) -> str | None:
    """Return "idle" or "lifetime" when the session's sign-in has run out, else None."""
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.permanent_session_lifetime.total_seconds()  # SESSION_HOURS
    seen, signed_in = session.get(SEEN_AT), session.get(SIGNED_IN_AT)
    if idle and isinstance(seen, int) and now - seen > idle:
        return "idle"
    if isinstance(signed_in, int) and now - signed_in > lifetime:
        return "lifetime"
    return None


def check_session() -> None:
    """End a browser sign-in that was idle too long or is past its lifetime; note activity otherwise."""
    if "_user_id" not in session or request.headers.get("Authorization", "").startswith("Bearer "):
        return
    now = time.time()
    reason = expiry_reason(now)
    if reason:
        for key in _LOGIN_KEYS:
            session.pop(key, None)
        session["_remember"] = "clear"  # Flask-Login must not sign back in from a remember cookie
        g.session_expired = reason
        return
    if not isinstance(session.get(SEEN_AT), int) or now - session[SEEN_AT] >= _SEEN_RESOLUTION:
        session[SEEN_AT] = int(now)  # a session restored from a remember cookie starts its clocks here
    session.setdefault(SIGNED_IN_AT, int(now))
