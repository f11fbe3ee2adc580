"""The draft editor: save, add, move and delete sections, regenerate, settle regenerated text, pick findings."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..auth.access import hidden_404, roles_required
from ..core.actor import current_actor
from ..extensions import db
from . import services
from .access import EDITORS
from .drafting import SECTION_LABELS
from .forms import NewSectionForm, SectionForm
from .models import CircularSection
from .blueprint import bp, visible_circular


def _section(circular_id: int, section_id: int) -> CircularSection:
    """Load a section of a circular the user may see, or answer 404."""
    circular = visible_circular(circular_id)
    section = db.session.get(CircularSection, section_id)
    if section is None or section.circular_id != circular.id:
        hidden_404()
    return section


def _back(circular_id: int, anchor: str = ""):
    """Return to the circular's page, at a section when given."""
    return redirect(url_for("circulars.detail", circular_id=circular_id) + (f"#{anchor}" if anchor else ""))


def _refused(exc: services.CircularError, circular_id: int):
    """Roll back, tell the user why, and return to the circular."""
    db.session.rollback()
    flash(exc.message, "error")
    return _back(circular_id)


@bp.route("/circulars/<int:circular_id>/sections/<int:section_id>", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def save_section(circular_id: int, section_id: int):
    """Save the reviewer's text of one section."""
    section = _section(circular_id, section_id)
    form = SectionForm()
    if not form.validate():
        flash("正文过长或标题过长，未保存", "error")
        return _back(circular_id, f"section-{section_id}")
    try:
        services.save_section(section, heading=form.heading.data or "", body=form.body.data or "",
                              included=form.included.data, actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    flash(f"已保存“{section.heading or SECTION_LABELS.get(section.key, '')}”", "success")
    return _back(circular_id, f"section-{section_id}")


@bp.route("/circulars/<int:circular_id>/sections", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def add_section(circular_id: int):
    """Add a section of the reviewer's own at the end of the body."""
    circular = visible_circular(circular_id)
    form = NewSectionForm()
    if not form.validate():
        flash("请填写新增部分的标题", "error")
        return _back(circular_id)
    try:
        section = services.add_section(circular, heading=form.heading.data, body=form.body.data or "",
                                       actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    return _back(circular_id, f"section-{section.id}")


@bp.route("/circulars/<int:circular_id>/sections/<int:section_id>/move", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def move_section(circular_id: int, section_id: int):
    """Move a section up or down."""
    section = _section(circular_id, section_id)
    direction = -1 if request.form.get("direction") == "up" else 1
    try:
        services.move_section(section, direction, actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    return _back(circular_id, f"section-{section_id}")


@bp.route("/circulars/<int:circular_id>/sections/<int:section_id>/delete", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def delete_section(circular_id: int, section_id: int):
    """Delete a section the reviewer added."""
    section = _section(circular_id, section_id)
    try:
        services.delete_section(section, actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    flash("已删除该部分", "success")
    return _back(circular_id)


@bp.route("/circulars/<int:circular_id>/regenerate", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def regenerate(circular_id: int):
    """Redraft the automatic sections; edited sections whose draft changed wait for a decision."""
    circular = visible_circular(circular_id)
    try:
        report = services.regenerate(circular, actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    parts = [f"新纳入{report.added}个问题" if report.added else "",
             f"移出{report.dropped}个已不再是“已确认”的问题" if report.dropped else "",
             f"更新了{len(report.updated)}个未修改过的部分" if report.updated else ""]
    message = "，".join(p for p in parts if p) or "草稿内容没有变化"
    if report.conflicts:
        flash(f"{message}。有{len(report.conflicts)}个部分您修改过且新生成内容不同，已保留您的修改，"
              "请在下方逐个查看差异并选择采用或保留", "error")
    else:
        flash(f"已重新生成：{message}", "success")
    return _back(circular_id)


@bp.route("/circulars/<int:circular_id>/sections/<int:section_id>/resolve", methods=["POST"])
@roles_required(*EDITORS, hidden=True)
def resolve_section(circular_id: int, section_id: int):
    """Take the regenerated text over the reviewer's edits, or keep the edits."""
    section = _section(circular_id, section_id)
    accept = request.form.get("choice") == "accept"
    try:
        services.resolve_section(section, accept=accept, actor=current_actor())
    except services.CircularError as exc:
        return _refused(exc, circular_id)
    db.session.commit()
    flash("已采用新生成的内容" if accept else "已保留您修改的内容", "success")
    return _back(circular_id, f"section-{section_id}")


@bp.route("/circulars/<int:circular_id>/findings", methods=["GET", "POST"])
@roles_required(*EDITORS, hidden=True)
def findings(circular_id: int):
    """Choose which of the circular's findings it includes."""
    circular = visible_circular(circular_id)
    if request.method == "POST":
        try:
            services.set_included(circular, set(request.form.getlist("included")), actor=current_actor())
        except services.CircularError as exc:
            return _refused(exc, circular_id)
        db.session.commit()
        flash("已保存纳入的问题。正文中的问题部分需“重新生成草稿”后才会更新", "success")
        return _back(circular_id)
    items = sorted(circular.items, key=lambda i: (i.finding.category, i.finding.unit_id or 0,
                                                  i.finding.occurred_at.timestamp() if i.finding.occurred_at else 0))
    return render_template("circulars/findings.html", circular=circular, items=items)
