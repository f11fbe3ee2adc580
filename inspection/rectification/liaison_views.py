"""The unit's side of 整改 (liaison): the inbox, each item's measures and evidence, 延期申请, the 整改报告.

What the liaison typed is never lost: an item's post saves the text fields first and only then handles the
files, so a refused file leaves the text saved and shown again; static/js/rectify-drafts.js keeps the text in
the browser (localStorage, by item) until the server has it, across a sign-out for inactivity.
The evidence and scan files are served here to everyone who may see the item (liaison, commission, viewers).
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, LIAISON, REVIEWER, VIEWER
from ..circulars.models import Circular
from ..circulars.storage import TamperedFile
from ..core.actor import current_actor
from ..core.dates import today_cst
from ..core.responses import pdf_response
from ..extensions import db
from ..photos.models import Photo
from ..photos.storage import VARIANTS, variant_path
from . import reports, services
from .access import items_query, unit_item, unit_report, visible_item, visible_report
from .blueprint import bp, colour_rule
from .deadlines import colour_of
from .evidence import EvidenceError, EvidenceSettings, is_pdf, read_evidence_pdf, safe_filename, store_evidence
from .forms import ExtensionForm, ItemForm, ReportForm
from .models import COLOURS, RectificationEvidence, RectificationItem, RectificationReport
from .reminders import latest_reminders
from .services import RectificationError

READERS = (ADMIN, COORDINATOR, REVIEWER, VIEWER, LIAISON)
SAVED = {"save": "已保存草稿", "submit": "已报送，等待纪委审核"}


def _settings() -> EvidenceSettings:
    """Evidence limits and folders from the config."""
    return EvidenceSettings.from_config(current_app.config)


def _own_item(rectification_id: int) -> RectificationItem:
    """Return the liaison's own unit's item, or answer 404."""
    item = unit_item(current_user, rectification_id)
    if item is None:
        hidden_404()
    return item


def _own_report(report_id: int) -> RectificationReport:
    """Return the liaison's own unit's report, or answer 404."""
    report = unit_report(current_user, report_id)
    if report is None:
        hidden_404()
    return report


def _chosen(files) -> list:
    """The files actually chosen in a file input (browsers send an empty part when none is)."""
    return [f for f in (files or []) if f and getattr(f, "filename", "")]


def _read(storage, settings: EvidenceSettings) -> bytes:
    """Read an uploaded file, refusing one larger than any evidence may be without reading all of it."""
    limit = max(settings.max_pdf_bytes, settings.max_photo_bytes)
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError(f"文件超过{round(limit / (1024 * 1024), 1):g}MB上限，请压缩后再上传")
    return data


def _finish() -> bool:
    """Commit what the post changed and say so; after a failed flush (a lost race) roll back instead."""
    if db.session.is_active:
        db.session.commit()
        return True
    db.session.rollback()
    return False


def _apply_item_post(item: RectificationItem, form: ItemForm, action: str, actor) -> tuple[list[str], bool]:
    """Save the text fields, then store each chosen file, then submit if asked.

    Return the errors to show and whether the text fields were saved.
    """
    errors: list[str] = []
    saved = False
    settings = _settings()
    try:
        services.save_item(item, form.data_for_service(), actor=actor)
        saved = True
        for storage in _chosen(form.evidence.data):
            name = safe_filename(storage.filename)
            try:
                data = _read(storage, settings)
                kind, sha = store_evidence(data, name, settings=settings, actor=actor)
            except EvidenceError as exc:
                errors.append(f"“{name}”未上传：{exc.message}")
                continue
            services.add_evidence(item, kind=kind, sha256=sha, filename=name, size=len(data), actor=actor)
        if action == "submit" and not errors:
            services.submit_item(item, actor=actor)
    except RectificationError as exc:
        errors.append(exc.message)
    return errors, saved


def _render_item(item: RectificationItem, *, form=None, ext_form=None, errors=(), saved: bool = True,
                 status: int = 200):
    """Show one item's page: the problem as issued, the unit's fields, evidence, extension, history."""
    rule = colour_rule()
    return render_template("rectification/liaison_item.html", item=item, form=form or ItemForm(formdata=None, obj=item),
                           ext_form=ext_form or ExtensionForm(formdata=None), errors=list(errors), saved=saved,
                           colour=colour_of(item, rule), today=rule.today), status


@bp.route("/mine")
@roles_required(LIAISON, hidden=True)
def mine():
    """List the unit's items by circular, with due dates, 督办 colours, the latest 催办 and the reports."""
    rule = colour_rule()
    items = db.session.scalars(items_query(current_user).join(Circular, Circular.id == RectificationItem.circular_id)
                               .order_by(Circular.doc_date.desc(), Circular.id.desc(),
                                         RectificationItem.position, RectificationItem.id)).all()
    reports_by_circular = {r.circular_id: r for r in db.session.scalars(
        select(RectificationReport).where(RectificationReport.unit_id == current_user.unit_id))}
    groups: list[dict] = []
    for item in items:
        if not groups or groups[-1]["circular"].id != item.circular_id:
            groups.append({"circular": item.circular, "items": [],
                           "report": reports_by_circular.get(item.circular_id)})
        groups[-1]["items"].append((item, colour_of(item, rule)))
    reminders = latest_reminders(current_user.unit_id, limit=1) if current_user.unit_id else []
    return render_template("rectification/liaison_inbox.html", groups=groups,
                           reminder=reminders[0] if reminders else None, today=rule.today)


@bp.route("/mine/<int:rectification_id>", methods=["GET", "POST"])
@roles_required(LIAISON, hidden=True)
def mine_item(rectification_id: int):
    """Show the item; a post saves the fields, adds the chosen evidence files and, when asked, submits."""
    item = _own_item(rectification_id)
    if request.method == "GET":
        return _render_item(item)
    form = ItemForm()
    if not item.editable:
        return _render_item(item, errors=[f"该事项{item.status_label}，不能修改"], status=409)
    if not form.validate():
        return _render_item(item, form=form, saved=False, status=400)
    action = "submit" if request.form.get("action") == "submit" else "save"
    errors, saved = _apply_item_post(item, form, action, current_actor())
    saved = _finish() and saved
    if errors:
        return _render_item(item, form=form, errors=errors, saved=saved, status=400)
    flash(SAVED[action], "success")
    return redirect(url_for("rectification.mine_item", rectification_id=item.id))


@bp.route("/mine/<int:rectification_id>/evidence/<int:evidence_id>/delete", methods=["POST"])
@roles_required(LIAISON, hidden=True)
def mine_evidence_delete(rectification_id: int, evidence_id: int):
    """Take one piece of evidence off the unit's item."""
    item = _own_item(rectification_id)
    evidence = next((e for e in item.evidence if e.id == evidence_id), None)
    if evidence is None:
        hidden_404()
    try:
        services.remove_evidence(evidence, actor=current_actor())
    except RectificationError as exc:
        _finish()
        return _render_item(item, errors=[exc.message], status=409)
    db.session.commit()
    flash(f"已删除佐证材料“{evidence.filename}”", "success")
    return redirect(url_for("rectification.mine_item", rectification_id=item.id))


@bp.route("/mine/<int:rectification_id>/extension", methods=["POST"])
@roles_required(LIAISON, hidden=True)
def mine_extension(rectification_id: int):
    """File a 延期申请 for the item (a later date and a reason)."""
    item = _own_item(rectification_id)
    ext_form = ExtensionForm()
    if not ext_form.validate():
        return _render_item(item, ext_form=ext_form, status=400)
    try:
        services.request_extension(item, new_due=ext_form.new_due.data, reason=ext_form.reason.data,
                                   today=today_cst(), actor=current_actor())
    except RectificationError as exc:
        _finish()
        return _render_item(item, ext_form=ext_form, errors=[exc.message], status=400)
    db.session.commit()
    flash("延期申请已提交，等待纪委审批", "success")
    return redirect(url_for("rectification.mine_item", rectification_id=item.id))


@bp.route("/mine/reports/<int:report_id>", methods=["GET", "POST"])
@roles_required(LIAISON, hidden=True)
def mine_report(report_id: int):
    """Show the unit's 整改报告; a post saves the text, attaches the signed scan and, when asked, submits."""
    report = _own_report(report_id)
    items = db.session.scalars(select(RectificationItem).where(RectificationItem.circular_id == report.circular_id,
                                                               RectificationItem.unit_id == report.unit_id)
                               .order_by(RectificationItem.position)).all()
    form = ReportForm(obj=report)
    errors: list[str] = []
    saved = request.method == "GET"
    if request.method == "POST":
        if not report.editable:
            errors.append(f"整改报告{report.status_label}，暂不能修改")
        elif form.validate():
            action = "submit" if request.form.get("action") == "submit" else "save"
            errors = _apply_report_post(report, form, items, action, current_actor())
            saved = _finish()
            if not errors:
                flash("整改报告已报送" if action == "submit" else "已保存整改报告草稿", "success")
                return redirect(url_for("rectification.mine_report", report_id=report.id))
    return render_template("rectification/liaison_report.html", report=report, items=items, form=form,
                           errors=errors, saved=saved), 200 if saved and not errors else 400


def _apply_report_post(report, form: ReportForm, items, action: str, actor) -> list[str]:
    """Save the report's text, then the scan (PDF only), then submit if asked; return the errors to show."""
    errors: list[str] = []
    settings = _settings()
    try:
        reports.save_report(report, form.body.data or "", actor=actor)
        scan = form.scan.data if _chosen([form.scan.data]) else None
        if scan is not None:
            name = safe_filename(scan.filename)
            try:
                data = _read(scan, settings)
                if not is_pdf(data):
                    raise EvidenceError("整改报告扫描件须为PDF文件，请扫描成PDF后再上传")
                _, sha = store_evidence(data, name, settings=settings, actor=actor)
            except EvidenceError as exc:
                errors.append(f"“{name}”未上传：{exc.message}")
            else:
                reports.attach_scan(report, sha256=sha, filename=name, size=len(data), actor=actor)
        if action == "submit" and not errors:
            reports.submit_report(report, list(items), actor=actor)
    except RectificationError as exc:
        errors.append(exc.message)
    return errors


@bp.route("/evidence/<int:evidence_id>/<variant>")
@roles_required(*READERS, hidden=True)
def evidence_file(evidence_id: int, variant: str):
    """Send a piece of evidence (a PDF as stored; a photo's original, display copy or thumbnail)."""
    evidence = db.session.get(RectificationEvidence, evidence_id)
    if evidence is None or visible_item(current_user, evidence.item_id) is None:
        hidden_404()
    download = request.args.get("download") == "1"
    if evidence.kind == "pdf":
        if variant != "original":
            hidden_404()
        return _send_pdf(evidence.sha256, evidence.filename, download)
    photo = db.session.get(Photo, evidence.sha256)
    if variant not in VARIANTS or photo is None:
        hidden_404()
    path = variant_path(current_app.config["PHOTO_DIR"], evidence.sha256, variant)
    if not path.exists():
        hidden_404()
    original = variant == "original"
    response = send_file(path, mimetype=photo.mime if original else "image/jpeg", conditional=True,
                         as_attachment=original and download, download_name=evidence.filename if original else None)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/reports/<int:report_id>/scan.pdf")
@roles_required(*READERS, hidden=True)
def report_scan(report_id: int):
    """Send the report's signed scan, byte for byte as uploaded."""
    report = visible_report(current_user, report_id)
    if report is None or not report.scan_sha256:
        hidden_404()
    return _send_pdf(report.scan_sha256, report.scan_filename or "整改报告.pdf", request.args.get("download") == "1")


def _send_pdf(sha256: str, filename: str, download: bool):
    """Send a stored PDF checked against its hash (404 when it is gone or altered)."""
    try:
        data = read_evidence_pdf(sha256, _settings())
    except (FileNotFoundError, TamperedFile):
        hidden_404()
    return pdf_response(data, filename if filename.lower().endswith(".pdf") else f"{filename}.pdf", download=download)


@bp.context_processor
def colour_words() -> dict:
    """Give the 整改 templates the 督办 colours' words (the macros never show a colour alone)."""
    return {"rect_colours": COLOURS}
