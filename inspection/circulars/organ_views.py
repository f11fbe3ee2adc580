"""Issuing organs (发文机关): red mark text, document-number prefix, signature, and number counters."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..extensions import db
from .access import EDITORS
from .forms import CounterForm, OrganForm
from .models import IssuingOrgan
from .organs import counters, create_organ, set_counter, update_organ
from .services import CircularError
from .blueprint import bp


@bp.route("/circulars/organs")
@roles_required(*EDITORS)
def organs():
    """List the issuing organs with the numbers used this year."""
    rows = db.session.scalars(select(IssuingOrgan).order_by(IssuingOrgan.name)).all()
    year = today_cst().year
    return render_template("circulars/organs.html", organs=rows, year=year,
                           used={o.id: counters(o).get(year, 0) for o in rows})


@bp.route("/circulars/organs/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_organ():
    """Add an issuing organ."""
    form = OrganForm()
    if form.validate_on_submit():
        try:
            create_organ(form.data, actor=current_actor())
        except CircularError as exc:
            db.session.rollback()
            form.number_prefix.errors.append(exc.message)
        else:
            db.session.commit()
            flash("发文机关已添加", "success")
            return redirect(url_for("circulars.organs"))
    return render_template("circulars/organ_form.html", form=form, organ=None)


@bp.route("/circulars/organs/<int:organ_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_organ(organ_id: int):
    """Edit an issuing organ and move its number counter on past numbers used on paper."""
    organ = db.session.get(IssuingOrgan, organ_id) or hidden_404()
    form = OrganForm(obj=organ)
    counter_form = CounterForm(prefix="counter", data={"year": today_cst().year})
    if form.validate_on_submit():
        try:
            update_organ(organ, form.data, actor=current_actor())
        except CircularError as exc:
            db.session.rollback()
            form.number_prefix.errors.append(exc.message)
        else:
            db.session.commit()
            flash("发文机关已保存", "success")
            return redirect(url_for("circulars.organs"))
    return render_template("circulars/organ_form.html", form=form, organ=organ, counter_form=counter_form,
                           counters=counters(organ))


@bp.route("/circulars/organs/<int:organ_id>/counter", methods=["POST"])
@roles_required(*EDITORS)
def organ_counter(organ_id: int):
    """Continue numbering after numbers already used outside the system this year."""
    organ = db.session.get(IssuingOrgan, organ_id) or hidden_404()
    form = CounterForm(prefix="counter")
    if not form.validate():
        flash("请填写正确的年度和编号", "error")
    else:
        try:
            set_counter(organ, form.year.data, form.last_number.data, actor=current_actor())
        except CircularError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(f"{form.year.data}年编号将从第{form.last_number.data + 1}号继续", "success")
    return redirect(url_for("circulars.edit_organ", organ_id=organ.id))
