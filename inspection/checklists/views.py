"""Checklist pages (admin, coordinator): versions, items by category, editor, XLSX import and export."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR
from ..campaigns.models import Campaign
from ..core.actor import current_actor
from ..extensions import db
from ..findings.models import CATEGORIES
from . import services, xlsx
from .forms import NEW_NAME, ChecklistImportForm, ChecklistMetaForm, parse_editor_rows
from .models import Checklist

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

BLANK_ROWS = 3


def _get(checklist_id: int) -> Checklist:
    """Load a checklist version or answer 404."""
    checklist = db.session.get(Checklist, checklist_id)
    if checklist is None:
        hidden_404()
    return checklist


def _render_editor(form, rows, checklist=None, status=200):
    """Show the item editor with the given rows (and a few blank ones to add items)."""
    blanks = [services.ItemRow(row=len(rows) + i) for i in range(1, BLANK_ROWS + 1)]
    return render_template("checklists/edit.html", form=form, rows=rows + blanks, checklist=checklist,
                           categories=CATEGORIES, has_errors=any(r.errors for r in rows)), status


def _published(checklist: Checklist | None, fallback: Checklist | None):
    """Flash the outcome of a publish and go to the version now current."""
    if checklist is None:
        flash("检查项没有变化，未发布新版本", "info")
        return redirect(url_for("checklists.detail", checklist_id=fallback.id))
    flash(f"已发布“{checklist.name}”第{checklist.version}版（{len(checklist.items)}项）。"
          "已使用旧版本的专项行动和暗访记录保持不变。", "success")
    return redirect(url_for("checklists.detail", checklist_id=checklist.id))


@bp.route("/")
@roles_required(ADMIN, COORDINATOR)
def index():
    """List checklists with all their versions."""
    families = services.checklist_families()
    ids = [c.id for _, versions in families for c in versions]
    return render_template("checklists/index.html", families=families, usage=services.usage(ids))


@bp.route("/<int:checklist_id>")
@roles_required(ADMIN, COORDINATOR)
def detail(checklist_id: int):
    """Show one version's items grouped by category, and where it is used."""
    checklist = _get(checklist_id)
    campaigns = db.session.scalars(select(Campaign).where(Campaign.checklist_id == checklist.id)
                                   .order_by(Campaign.start_date.desc())).all()
    versions = db.session.scalars(select(Checklist).where(Checklist.name == checklist.name)
                                  .order_by(Checklist.version.desc())).all()
    return render_template("checklists/detail.html", checklist=checklist, groups=services.grouped_items(checklist),
                           campaigns=campaigns, versions=versions,
                           usage=services.usage([checklist.id])[checklist.id])


@bp.route("/<int:checklist_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def edit(checklist_id: int):
    """Edit the current version's items; saving publishes them as a new version."""
    checklist = _get(checklist_id)
    form = ChecklistMetaForm()
    if request.method == "GET":
        if not checklist.is_current:
            flash(f"第{checklist.version}版不是当前版本，只能在当前版本上修改", "error")
            return redirect(url_for("checklists.detail", checklist_id=services.current_version(checklist.name).id))
        return _render_editor(form, services.rows_from_items(checklist.items), checklist)
    rows = parse_editor_rows(request.form)
    kept = services.check_rows(rows)
    try:
        if not form.validate_on_submit():
            raise services.ChecklistError("提交的内容有误，请按提示修改")
        published = services.publish(checklist.name, kept, actor=current_actor(), note=form.note.data or "",
                                     base=checklist)
    except services.ChecklistError as exc:
        flash(exc.message, "error")
        return _render_editor(form, rows, checklist, 422)
    db.session.commit()
    return _published(published, checklist)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def new():
    """Create a checklist: a name and its first items (published as version 1)."""
    form = ChecklistMetaForm()
    if request.method == "GET":
        return _render_editor(form, [], None)
    rows = parse_editor_rows(request.form)
    kept = services.check_rows(rows)
    try:
        if not form.validate_on_submit():
            raise services.ChecklistError("提交的内容有误，请按提示修改")
        name = services.check_name(form.name.data or "", new=True)
        published = services.publish(name, kept, actor=current_actor(), note=form.note.data or "")
    except services.ChecklistError as exc:
        if exc.field == "name":
            form.name.errors = [exc.message]
        flash(exc.message, "error")
        return _render_editor(form, rows, None, 422)
    db.session.commit()
    return _published(published, None)


@bp.route("/<int:checklist_id>/export.xlsx")
@roles_required(ADMIN, COORDINATOR)
def export(checklist_id: int):
    """Download a version as an Excel workbook."""
    checklist = _get(checklist_id)
    items = [{"code": i.code, "category": i.category, "text": i.text, "guidance": i.guidance,
              "photo_required": i.photo_required} for i in checklist.items]
    data = xlsx.build_xlsx(checklist.name, checklist.version, items)
    return send_file(BytesIO(data), as_attachment=True, download_name=f"{checklist.name}_第{checklist.version}版.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _import_rows(form: ChecklistImportForm) -> tuple[list[services.ItemRow], str, Checklist | None]:
    """Read and check the uploaded workbook; return its rows, the checklist name and the base version."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise xlsx.XlsxError("请选择要导入的 Excel 文件")
    rows = services.check_rows(xlsx.read_xlsx(upload.read(xlsx.MAX_BYTES + 1)), label="第{row}行")
    new = form.target.data == NEW_NAME
    name = services.check_name(form.new_name.data if new else form.target.data or "", new=new)
    base = None if new else services.current_version(name)
    if base is None and not new:
        raise services.ChecklistError("请选择要导入到的检查清单")
    return rows, name, base


@bp.route("/import", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def import_xlsx():
    """Import an Excel workbook as a new version of a checklist, or as a new checklist."""
    form = ChecklistImportForm()
    form.set_names([name for name, _ in services.checklist_families()])
    if request.method == "GET":
        form.target.data = request.args.get("name") or next(iter(form.target.choices))
        return render_template("checklists/import.html", form=form, rows=None)
    try:
        if not form.validate_on_submit():
            raise services.ChecklistError("提交的内容有误，请按提示修改")
        rows, name, base = _import_rows(form)
        if any(r.errors for r in rows):
            return render_template("checklists/import.html", form=form, rows=rows), 422
        published = services.publish(name, rows, actor=current_actor(), note=form.note.data or "", base=base,
                                     action="checklist.import")
    except (xlsx.XlsxError, services.ChecklistError) as exc:
        return render_template("checklists/import.html", form=form, rows=None, file_error=exc.message), 422
    db.session.commit()
    return _published(published, base)
