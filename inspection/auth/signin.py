"""The sign-in check as pages and the token API run it for one request's client (request layer, commits)."""
from __future__ import annotations

from dataclasses import replace

from flask import current_app

from ..core.actor import current_actor
from ..extensions import db
from . import services
from .models import User


def check_credentials(username: str, password: str) -> User:
    """Reserve the attempt for this client and commit it, then check the password; raise services.AuthError.

    The commit between the two steps is the lock-out's point: a parallel guess sees this attempt counted
    before this password is checked, so no more than the limit are ever checked. The caller commits again.
    """
    policy = services.lockout_policy(current_app.config)
    actor = replace(current_actor(), user=None, device="")  # the attempt is anonymous whoever is signed in
    attempt = services.begin_sign_in(username, actor.ip, policy)
    db.session.commit()
    return services.finish_sign_in(attempt, password, policy, actor=actor)
