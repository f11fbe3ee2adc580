"""The liaison's inbox (收文): their unit's copies of issued circulars, download and sign for receipt."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..auth.access import hidden_404, roles_required
from ..auth.roles import LIAISON
from ..core.actor import current_actor
from ..core.responses import pdf_response
from ..extensions import db
from . import issuing
from .access import inbox_query, liaison_copy
from .blueprint import bp, render_settings
from .models import Circular


@bp.route("/inbox")
@roles_required(LIAISON)
def inbox():
    """List the circulars issued to the liaison's unit, unsigned first."""
    copies = db.session.scalars(inbox_query(current_user).order_by(Circular.issued_at.desc())).all()
    copies.sort(key=lambda c: c.received_at is not None)
    return render_template("circulars/inbox.html", copies=copies)


@bp.route("/inbox/<int:copy_id>.pdf")
@roles_required(LIAISON, hidden=True)
def inbox_download(copy_id: int):
    """Send the unit's own numbered copy; who downloaded it when goes to the audit log."""
    copy = liaison_copy(current_user, copy_id)
    if copy is None:
        hidden_404()
    data = issuing.copy_pdf(copy, actor=current_actor(), settings=render_settings())
    db.session.commit()
    return pdf_response(data, f"{copy.circular.doc_number}{copy.circular.title}.pdf", download=True)


@bp.route("/inbox/<int:copy_id>/receive", methods=["POST"])
@roles_required(LIAISON, hidden=True)
def receive(copy_id: int):
    """Sign for receipt of the unit's copy (签收), recording the time."""
    copy = liaison_copy(current_user, copy_id)
    if copy is None:
        hidden_404()
    if issuing.receive(copy, actor=current_actor()):
        db.session.commit()
        flash(f"已签收{copy.circular.doc_number}", "success")
    else:
        flash("该通报此前已签收", "info")
    return redirect(url_for("circulars.inbox"))
