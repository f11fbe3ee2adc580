"""Access rules on every view: who may call it, and whether a refusal must look like 404.

Every endpoint carries a rule (the access-matrix test fails on one without). Object-level secrecy
(an inspector seeing only their team's targets) lives in each feature's visibility queries.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError as WTFValidationError

from ..errors import ApiError, error_response
from .expiry import to_sign_in
from .roles import ROLES

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Rule:
    """Who may call a view: `roles` (None means anyone, signed in or not) and whether refusals are 404."""

    roles: frozenset[str] | None
    hidden: bool = False
    api: bool = False


def _attach(view, rule: Rule):
    view.access_rule = rule
    return view


def public(view):
    """Mark a view as reachable without signing in (login page, health check, static shell)."""
    return _attach(view, Rule(roles=None))


def roles_required(*roles: str, hidden: bool = False, api: bool = False):
    """Allow only signed-in users with one of `roles`; others get 403, or 404 when `hidden`."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    rule = Rule(roles=frozenset(roles), hidden=hidden, api=api)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if api or request.path.startswith("/api/"):
                    raise ApiError(401)
                return to_sign_in()
            if current_user.role not in rule.roles:
                return error_response(404 if hidden else 403)
            if (api or request.path.startswith("/api/")) and request.method not in SAFE_METHODS:
                _check_session_csrf()
            return view(*args, **kwargs)

        return _attach(wrapped, rule)

    return decorator


def _check_session_csrf() -> None:
    """Require the CSRF header when a JSON write is authenticated by the session cookie, not a token."""
    if g.get("api_token") is not None:
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except (WTFValidationError, CSRFError) as exc:
        raise ApiError(400, "csrf_failed", "缺少或无效的CSRF令牌") from exc


def hidden_404():
    """Abort with a plain 404, identical whether the object is missing or merely secret."""
    from flask import abort

    abort(404)
