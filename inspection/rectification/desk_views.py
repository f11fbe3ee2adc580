"""The commission's 整改 desk (HTML): every item across units, one item's page, 销号/退回 (one or in bulk),
延期审批, the per-unit overview with the units' reports, and a unit's 督办通知 PDF.

Admins and reviewers act (DESK_ACTORS); coordinators and viewers read (DESK_READERS); anyone else gets 404.
Every action goes through services.py (or reports.py), which refuses an item closed or changed meanwhile;
its message is shown and nothing changes. The list's SQL is in desk_queries.py, the rest in desk_pages.py.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, REVIEWER
from ..core.actor import current_actor
from ..core.responses import pdf_response
from ..errors import error_response
from ..extensions import db
from ..pdf import LayoutError, MissingGlyphError, glyph_message
from ..pdf.fonts import font_options
from ..pdf.notice import build_notice
from ..units.models import Unit
from . import desk_pages as pages
from . import desk_queries as lists
from . import reports, services
from .access import DESK_ACTORS, DESK_READERS, can_act
from .blueprint import bp, colour_rule
from .deadlines import colour_of, is_overdue
from .forms import BulkForm, DecisionForm, ExtensionDecisionForm, ReportDecisionForm
from .models import COLOURS, ExtensionRequest, RectificationReport
from .services import RectificationError

PHOTO_READERS = (ADMIN, COORDINATOR, REVIEWER)  # who the photos route serves (viewers read the text only)
VERBS = {"accept": "销号", "return": "退回"}


@bp.route("/")
@roles_required(*DESK_READERS, hidden=True)
def desk():
    """List every item across units, filtered, a page at a time, with counts, colours and the latest 催办."""
    rule = colour_rule()
    flt = pages.parse_filter(request.args)
    page = request.args.get("page", 1, type=int) or 1
    counts = lists.desk_counts(flt, rule)
    options = lists.filter_options()
    return render_template("rectification/desk_index.html", rows=lists.desk_rows(flt, rule, page), counts=counts,
                           page=page, pages=max(1, -(-counts.total // lists.PAGE_SIZE)), flt=flt,
                           args=pages.filter_args(flt), options=options, rule=rule,
                           reminders=lists.desk_reminders(10), can_act=can_act(current_user),
                           bulk=BulkForm(formdata=None))


def _ticked() -> list[int]:
    """Return the ids of the ticked items, in the order given, without repeats."""
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()]
    return list(dict.fromkeys(ids))


@bp.route("/bulk", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_bulk():
    """Close or return the ticked items, after a confirmation naming the count; report each refusal by name."""
    form, back = BulkForm(), url_for("rectification.desk", **request.args)
    ids = _ticked()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back, code=303)
    verb = VERBS[form.action.data]
    if not ids:
        flash(f"请先勾选要{verb}的事项", "error")
        return redirect(back, code=303)
    if not form.text.data:
        flash("批量销号须填写审核意见" if form.action.data == "accept" else "批量退回须填写退回理由", "error")
        return redirect(back, code=303)
    items = pages.bulk_items(ids)
    if request.form.get("confirmed") != "1":
        return render_template("rectification/desk_confirm.html", form=form, items=items, verb=verb,
                               seen={i.id: request.form.get(f"v{i.id}", type=int) or i.version for i in items},
                               back=back, args=request.args)
    done, refused = _apply_bulk(items, form.action.data, form.text.data)
    db.session.commit()
    if done:
        flash(f"已将{done}个事项{verb}", "success")
    missing = len(ids) - len(items)
    if refused or missing:
        details = "；".join(f"{label}（{message}）" for label, message in refused)
        gone = f"{missing}个事项不存在" if missing else ""
        flash(f"{len(refused) + missing}个事项未{verb}：" + "；".join(x for x in (details, gone) if x), "error")
    return redirect(back, code=303)


def _apply_bulk(items, action: str, text: str) -> tuple[int, list[tuple[str, str]]]:
    """Put each item through the service in its own savepoint; return how many went through and the refusals."""
    actor, done, refused = current_actor(), 0, []
    for item in items:
        label = pages.item_label(item)
        try:
            with db.session.begin_nested():
                pages.check_seen(item, request.form.get(f"v{item.id}", type=int))
                if action == "accept":
                    services.accept_item(item, text, actor=actor)
                else:
                    services.return_item(item, text, actor=actor)
        except RectificationError as exc:
            refused.append((label, exc.message))
            continue
        done += 1
    return done, refused


def render_item(item, *, status: int = 200, kept: dict | None = None):
    """Render an item's page: the finding as issued, the unit's side, extensions, history, the forms."""
    rule = colour_rule()
    colour = colour_of(item, rule)
    return render_template("rectification/desk_item.html", item=item, colour=colour, colour_label=COLOURS[colour],
                           overdue=is_overdue(item, rule.today), rule_today=rule.today, can_act=can_act(current_user),
                           show_photos=current_user.role in PHOTO_READERS, kept=kept or {},
                           form=DecisionForm(formdata=None)), status


@bp.route("/<int:rectification_id>")
@roles_required(*DESK_READERS, hidden=True)
def desk_item(rectification_id: int):
    """Show one item: the finding as issued with its photos, measures and evidence side by side, history."""
    item = pages.load_item(rectification_id)
    if item is None:
        hidden_404()
    return render_item(item)


def _decide_item(rectification_id: int, action: str):
    """销号 or 退回 one item on the version the reviewer saw; a refusal keeps the text and changes nothing."""
    item = pages.load_item(rectification_id, for_update=True)
    if item is None:
        hidden_404()
    form = DecisionForm()
    if not form.validate():
        return _refused(rectification_id, next(iter(form.errors.values()))[0], 422, {action: form.text.data})
    try:
        pages.check_seen(item, form.version.data)
        if action == "accept":
            services.accept_item(item, form.text.data or "", actor=current_actor())
        else:
            services.return_item(item, form.text.data or "", actor=current_actor())
    except RectificationError as exc:
        code = 409 if exc.message == services.CHANGED_MEANWHILE or item.status != "submitted" else 422
        return _refused(rectification_id, exc.message, code, {action: form.text.data})
    db.session.commit()
    flash("已销号" if action == "accept" else "已退回单位，单位即可看到退回理由", "success")
    return redirect(url_for("rectification.desk_item", rectification_id=rectification_id), code=303)


def _refused(rectification_id: int, message: str, status: int, kept: dict | None = None):
    """Roll back, flash the reason and show the item as it is now, with the reviewer's text kept."""
    db.session.rollback()
    flash(message, "error")
    item = pages.load_item(rectification_id)
    return render_item(item, status=status, kept=kept)


@bp.route("/<int:rectification_id>/accept", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_accept(rectification_id: int):
    """Close the item (销号): a note is required, and at least one piece of evidence."""
    return _decide_item(rectification_id, "accept")


@bp.route("/<int:rectification_id>/return", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_return(rectification_id: int):
    """Return the item to the unit with a reason it sees at once."""
    return _decide_item(rectification_id, "return")


@bp.route("/extensions/<int:extension_id>/decide", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_extension(extension_id: int):
    """Approve (the due date moves) or refuse a 延期申请."""
    request_row = db.session.scalar(select(ExtensionRequest).where(ExtensionRequest.id == extension_id)
                                    .with_for_update())
    if request_row is None:
        hidden_404()
    item_id, form = request_row.item_id, ExtensionDecisionForm()
    if not form.validate():
        return _refused(item_id, next(iter(form.errors.values()))[0], 422, {"extension": form.note.data})
    approve = form.decision.data == "approve"
    rule = colour_rule()
    try:
        services.decide_extension(request_row, approve=approve, note=form.note.data or "", today=rule.today,
                                  yellow_percent=current_app.config["RECTIFY_YELLOW_PERCENT"], actor=current_actor())
    except RectificationError as exc:
        return _refused(item_id, exc.message, 409 if request_row.status != "pending" else 422,
                        {"extension": form.note.data})
    db.session.commit()
    flash("已同意延期，完成时限已调整" if approve else "已不同意延期", "success")
    return redirect(url_for("rectification.desk_item", rectification_id=item_id), code=303)


@bp.route("/units")
@roles_required(*DESK_READERS, hidden=True)
def desk_units():
    """Per unit in official order: items, share closed, submitted, overdue, its reports, its 督办通知."""
    rule = colour_rule()
    circular_id = request.args.get("circular", type=int)
    rows, total = pages.overview(circular_id, rule)
    return render_template("rectification/desk_units.html", rows=rows, total=total, circular_id=circular_id,
                           circulars=lists.filter_options()["circulars"], rule=rule)


@bp.route("/units/<int:unit_id>/notice.pdf")
@roles_required(*DESK_READERS, hidden=True)
def desk_notice(unit_id: int):
    """Print a unit's 督办通知: its open items with due dates and colours, in the circular's format."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        hidden_404()
    rule = colour_rule()
    data = pages.notice_data(unit, rule)
    if data is None:
        flash(f"{unit.name}没有未销号的整改事项，无需督办", "info")
        return redirect(url_for("rectification.desk_units"), code=303)
    try:
        pdf = build_notice(data, **font_options(current_app.config))
    except MissingGlyphError as exc:
        return error_response(422, "missing_glyph", glyph_message(exc))
    except LayoutError as exc:
        return error_response(422, "document_too_long", f"督办通知无法排版：{exc.message}")
    record(current_actor(), "rectification.notice_printed", "unit", unit.id,
           f"打印{unit.name}的整改督办通知（{len(data.items)}个事项）")
    db.session.commit()
    return pdf_response(pdf, pages.notice_filename(unit, rule), download=False)


def _load_report(report_id: int, *, for_update: bool = False) -> RectificationReport:
    """Return the report with its unit and circular, or a 404."""
    query = select(RectificationReport).where(RectificationReport.id == report_id).options(
        joinedload(RectificationReport.unit), joinedload(RectificationReport.circular))
    if for_update:
        query = query.with_for_update(of=RectificationReport)
    report = db.session.scalar(query)
    if report is None:
        hidden_404()
    return report


def _render_report(report, status: int = 200, kept: str = ""):
    """Render a unit's 整改报告 with the decision forms for those who act."""
    return render_template("rectification/desk_report.html", report=report, can_act=can_act(current_user),
                           kept=kept, form=ReportDecisionForm(formdata=None)), status


@bp.route("/reports/<int:report_id>")
@roles_required(*DESK_READERS, hidden=True)
def desk_report(report_id: int):
    """Show a unit's 整改报告: its text, the signed scan, and (for reviewers) accept or return."""
    return _render_report(_load_report(report_id))


@bp.route("/reports/<int:report_id>/decide", methods=["POST"])
@roles_required(*DESK_ACTORS, hidden=True)
def desk_report_decide(report_id: int):
    """Accept (已收悉) or return a unit's 整改报告."""
    report, form = _load_report(report_id, for_update=True), ReportDecisionForm()
    accept = form.decision.data == "accept"
    try:
        if not form.validate():
            raise RectificationError(next(iter(form.errors.values()))[0])
        reports.decide_report(report, accept=accept, reason=form.reason.data or "", actor=current_actor())
    except RectificationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _render_report(_load_report(report_id), 409 if report.status != "submitted" else 422,
                              form.reason.data or "")
    db.session.commit()
    flash("整改报告已收悉" if accept else "已退回整改报告，单位即可看到退回理由", "success")
    return redirect(url_for("rectification.desk_report", report_id=report_id), code=303)
