"""Sign in, sign out, change password, and manage one's device tokens (HTML)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..core.actor import current_actor
from ..extensions import db
from . import services, sessions
from .access import hidden_404, public, roles_required
from .forms import ChangePasswordForm, LoginForm
from .limits import rate_limited, sign_in_limited
from .models import ApiToken
from .roles import ADMIN, ROLES
from .signin import check_credentials

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.check_session)
bp.app_errorhandler(RateLimitExceeded)(rate_limited)


def _safe_next(target: str | None) -> str | None:
    """Accept only same-site relative redirect targets."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@sign_in_limited
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or url_for("core.home"))
    form = LoginForm()
    error = retry_after = None
    if form.validate_on_submit():
        try:
            user = check_credentials(form.username.data, form.password.data)
        except services.AuthError as exc:
            db.session.commit()  # keep the failure count
            error, retry_after = exc.message, exc.retry_after
        else:
            login_user(user)
            sessions.start()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("core.home"))
    status = 401 if error else 422 if form.errors else 200
    response = make_response(render_template("auth/login.html", form=form, error=error), status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/logout", methods=["POST"])
@roles_required(*ROLES)
def logout():
    """Sign out everywhere: every browser session of this user ends (device tokens are revoked separately)."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("已退出登录（此账号在所有浏览器上的登录均已结束）", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ROLES)
def change_password():
    """Let a user change their own password."""
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data, actor=current_actor())
        except services.AuthError as exc:
            error = exc.message
        else:
            login_user(current_user._get_current_object())  # this session goes on under the new generation
            sessions.start()
            db.session.commit()
            flash("密码已修改，此账号在其他浏览器上的登录已结束", "success")
            return redirect(url_for("core.home"))
    return render_template("auth/password.html", form=form, error=error)


@bp.route("/account/devices")
@roles_required(*ROLES)
def devices():
    """List the signed-in user's device tokens (an admin sees everyone's)."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if current_user.role != ADMIN:
        query = query.where(ApiToken.user_id == current_user.id)
    tokens = db.session.scalars(query).all()
    return render_template("auth/devices.html", tokens=tokens)


@bp.route("/account/devices/<int:token_id>/revoke", methods=["POST"])
@roles_required(*ROLES)
def revoke_device(token_id: int):
    """Revoke one device token; users may revoke their own, an admin anyone's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (current_user.role != ADMIN and token.user_id != current_user.id):
        hidden_404()
    services.revoke_token(token, actor=current_actor())
    db.session.commit()
    flash(f"已吊销设备“{token.device_name}”的登录", "success")
    return redirect(url_for("auth.devices"))
