"""Unit pages (admin, coordinator): list, create, edit, deactivate, CSV import with a preview."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR
from ..core.actor import current_actor
from ..extensions import db
from . import importer, services
from .forms import UnitForm, UnitImportForm
from .models import UNIT_KINDS, Unit

bp = Blueprint("units", __name__, url_prefix="/units")

PER_PAGE = 100
TEMPLATE_CSV = "排序号,单位名称,简称,类别\r\n10,示例县城关镇,城关镇,乡镇\r\n110,示例县教育和体育局,教体局,县直部门\r\n"


def _get_unit(unit_id: int) -> Unit:
    """Load a unit or answer 404."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        hidden_404()
    return unit


def _save(form: UnitForm, unit: Unit | None):
    """Validate and save the form; return the unit, or None when the form shows errors."""
    if not form.validate_on_submit():
        return None
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
    fields = dict(name=form.name.data, short_name=form.short_name.data or "", kind=form.kind.data, parent=parent,
                  sort_order=form.sort_order.data or 0, actor=current_actor())
    try:
        if unit is None:
            return services.create_unit(**fields)
        services.update_unit(unit, **fields)
        return unit
    except services.UnitError as exc:
        target = getattr(form, exc.field or "name")
        target.errors = list(target.errors) + [exc.message]
        return None


@bp.route("/")
@roles_required(ADMIN, COORDINATOR)
def index():
    """List units with kind, state and name filters."""
    args = {k: request.args.get(k, "").strip() for k in ("kind", "state", "q")}
    query = services.units_query(kind=args["kind"] or None, state=args["state"] or None, text=args["q"] or None)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("units/index.html", page=page, args=args, kinds=UNIT_KINDS,
                           liaisons=services.liaison_counts([u.id for u in page.items]))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def new():
    """Create a unit."""
    form = UnitForm(data={"sort_order": services.next_sort_order()})
    form.set_parents(services.official_units(active_only=True))
    unit = _save(form, None)
    if unit is not None:
        db.session.commit()
        flash(f"已新建单位“{unit.name}”", "success")
        return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def edit(unit_id: int):
    """Edit a unit."""
    unit = _get_unit(unit_id)
    form = UnitForm(obj=unit)
    form.set_parents(services.official_units(exclude_id=unit.id))
    if _save(form, unit) is not None:
        db.session.commit()
        flash(f"已保存单位“{unit.name}”", "success")
        return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=unit), 422 if form.errors else 200


@bp.route("/<int:unit_id>/active", methods=["POST"])
@roles_required(ADMIN, COORDINATOR)
def set_active(unit_id: int):
    """Deactivate a unit (history is kept) or activate it again."""
    unit = _get_unit(unit_id)
    active = request.form.get("active") == "1"
    if services.set_unit_active(unit, active, actor=current_actor()):
        db.session.commit()
        flash(f"已{'启用' if active else '停用'}单位“{unit.name}”", "success")
    return redirect(url_for("units.index"))


def _filename() -> str:
    """Return the uploaded (or carried-over) file name, for the report and the audit log."""
    upload = request.files.get("file")
    return (request.form.get("filename") or (upload.filename if upload else "") or "")[:200]


def _check_upload() -> tuple[importer.ImportReport, str]:
    """Read and check the uploaded file; return the report and the decoded text to carry to the confirm step."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise importer.ImportFileError("请选择要导入的 CSV 或 Excel 文件")
    raw = upload.read(importer.MAX_BYTES + 1)
    report = importer.parse_units_csv(raw)
    return report, importer.read_upload(raw)[0]


@bp.route("/import", methods=["GET", "POST"])
@roles_required(ADMIN, COORDINATOR)
def import_csv():
    """Check an uploaded CSV or XLSX file and show the preview; import it when the checked preview is confirmed."""
    form = UnitImportForm()
    if request.method == "GET":
        return render_template("units/import.html", form=form, report=None)
    filename = _filename()
    try:
        if request.form.get("confirm") == "1":
            content = request.form.get("content", "")
            report = importer.check_rows(content, request.form.get("encoding", ""))
            if report.ok:
                counts = importer.apply_import(report, actor=current_actor(), filename=filename)
                db.session.commit()
                flash(f"导入完成：新增{counts['create']}个，更新{counts['update'] + counts['reactivate']}个，"
                      f"无变化{counts['unchanged']}个", "success")
                return redirect(url_for("units.index"))
            flash("确认前单位数据已发生变化，导致部分行不再有效，未导入任何数据。请修改文件后重新上传", "error")
        else:
            report, content = _check_upload()
    except importer.ImportFileError as exc:
        return render_template("units/import.html", form=form, report=None, file_error=exc.message), 422
    return render_template("units/import.html", form=form, report=report, content=content, filename=filename,
                           change_labels=importer.CHANGE_LABELS), 200 if report.ok else 422


@bp.route("/import/template.csv")
@roles_required(ADMIN, COORDINATOR)
def import_template():
    """Download an example CSV (UTF-8 with BOM, so Excel opens it correctly)."""
    body = "\ufeff" + TEMPLATE_CSV
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''units-template.csv"})
