"""Home (sends each role to its own start page) and the health check."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from ..auth.access import public, roles_required
from ..auth.roles import ADMIN, COORDINATOR, INSPECTOR, LIAISON, REVIEWER, ROLES, VIEWER
from ..extensions import db

logger = logging.getLogger(__name__)

bp = Blueprint("core", __name__)

# How long a load balancer or a phone should wait before asking /healthz again after a 503.
HEALTH_RETRY_SECONDS = 10

# Each role's start page, in order of preference (the first installed endpoint wins).
ROLE_HOME = {
    ADMIN: ("users.index",),
    COORDINATOR: ("campaigns.index",),
    INSPECTOR: ("field.index",),
    REVIEWER: ("review.queue",),
    LIAISON: ("circulars.inbox",),
    VIEWER: ("stats.index",),
}


@bp.route("/")
@public
def index():
    """Send visitors to sign in and signed-in users to their role's home."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("core.home"))


@bp.route("/home")
@roles_required(*ROLES)
def home():
    """Redirect to the start page of the user's role."""
    for endpoint in ROLE_HOME.get(current_user.role, ()):
        if endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return render_template("core/home.html")


@bp.route("/healthz")
@public
def healthz():
    """Report whether the app can reach its database (for load balancers and Docker)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the reason goes to the log, never to the client
        logger.exception("health check failed")
        return (jsonify({"status": "error", "database": "unreachable"}), 503,
                {"Retry-After": str(HEALTH_RETRY_SECONDS)})
    return jsonify({"status": "ok", "database": "ok"})
