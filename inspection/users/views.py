"""Account administration pages (admin only): list, create, edit, reset password, disable, unlock."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from ..auth.access import hidden_404, roles_required
from ..auth.models import User
from ..auth.roles import ADMIN, LIAISON, ROLE_LABELS
from ..core.actor import current_actor
from ..extensions import db
from ..units.models import Unit
from ..units.services import official_order
from . import services
from .forms import ResetPasswordForm, UserCreateForm, UserEditForm

bp = Blueprint("users", __name__, url_prefix="/users")

PER_PAGE = 50


def _get_user(user_id: int) -> User:
    """Load an account or answer 404."""
    user = db.session.get(User, user_id)
    if user is None:
        hidden_404()
    return user


def _unit_choices(current_unit_id: int | None = None):
    """Return the active units, plus the account's current unit even if it has been deactivated."""
    query = select(Unit).where(or_(Unit.active.is_(True), Unit.id == (current_unit_id or -1)))
    return db.session.scalars(query.order_by(*official_order())).all()


def _resolve_unit(form) -> Unit | None | bool:
    """Return the chosen unit (None when none), or False after flagging an unknown unit on the form."""
    if form.role.data != LIAISON or form.unit_id.data is None:
        return None
    unit = db.session.get(Unit, form.unit_id.data)
    if unit is None:
        form.unit_id.errors.append("所选单位不存在")
        return False
    return unit


def _fail(form, exc: services.UserError) -> None:
    """Attach a service error to its form field, or flash it when it names none."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "error")


def _back(user: User):
    """Return to the account's edit page or to the list, whichever the form came from."""
    if request.form.get("back") == "edit":
        return redirect(url_for("users.edit", user_id=user.id))
    return redirect(url_for("users.index"))


@bp.route("/")
@roles_required(ADMIN)
def index():
    """List accounts with role, unit, state and text filters."""
    args = {k: request.args.get(k, "").strip() for k in ("role", "unit_id", "state", "q")}
    query = services.users_query(role=args["role"] or None, unit_id=request.args.get("unit_id", type=int),
                                 state=args["state"] or None, text=args["q"] or None)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("users/index.html", page=page, args=args, roles=ROLE_LABELS,
                           states=services.USER_STATES, units=_unit_choices(),
                           tokens=services.token_counts([u.id for u in page.items]),
                           is_locked=services.is_locked)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new():
    """Create an account."""
    form = UserCreateForm()
    form.set_units(_unit_choices())
    if form.validate_on_submit() and (unit := _resolve_unit(form)) is not False:
        try:
            user = services.create_user(username=form.username.data, password=form.password.data,
                                        role=form.role.data, display_name=form.display_name.data, unit=unit,
                                        phone=form.phone.data or "", actor=current_actor())
        except services.UserError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(f"已创建用户 {user.username}（{user.role_label}）", "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(user_id: int):
    """Edit an account's name, role, unit and phone; the page also holds the state actions."""
    user = _get_user(user_id)
    form = UserEditForm(obj=user)
    form.set_units(_unit_choices(user.unit_id))
    if form.validate_on_submit() and (unit := _resolve_unit(form)) is not False:
        try:
            changed = services.update_user(user, display_name=form.display_name.data, role=form.role.data,
                                           unit=unit, phone=form.phone.data or "", actor=current_actor())
        except services.UserError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(f"已保存用户 {user.username} 的修改" if changed else "没有需要保存的修改", "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user, locked=services.is_locked(user),
                           tokens=services.token_counts([user.id]).get(user.id, 0)), 422 if form.errors else 200


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(ADMIN)
def reset_password(user_id: int):
    """Set a new password for an account (and lift any lock-out)."""
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            revoked = services.reset_password(user, form.password.data, actor=current_actor(),
                                              revoke_tokens=form.revoke_tokens.data)
        except services.UserError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            note = f"，已注销其{revoked}台设备的登录" if revoked else ""
            flash(f"已重置用户 {user.username} 的密码{note}。请通过安全渠道告知本人。", "success")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/password.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles_required(ADMIN)
def set_active(user_id: int):
    """Disable an account (revoking its devices) or enable it again."""
    user = _get_user(user_id)
    active = request.form.get("active") == "1"
    try:
        changed = services.change_active(user, active, actor=current_actor())
    except services.UserError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        if changed:
            flash(f"已{'启用' if active else '停用'}用户 {user.username}"
                  + ("" if active else "，其设备登录已全部注销"), "success")
    return _back(user)


@bp.route("/<int:user_id>/unlock", methods=["POST"])
@roles_required(ADMIN)
def unlock(user_id: int):
    """Lift a lock-out caused by repeated failed sign-ins."""
    user = _get_user(user_id)
    if services.unlock(user, actor=current_actor()):
        db.session.commit()
        flash(f"已解除用户 {user.username} 的登录锁定", "success")
    else:
        flash(f"用户 {user.username} 当前未被锁定", "info")
    return _back(user)
