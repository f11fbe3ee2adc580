"""Visit pages: a visit's inspection report PDF (检查记录) for the commission or the visiting team."""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app
from flask_login import current_user

from ..audit.services import record
from ..auth.access import hidden_404, roles_required
from ..auth.roles import ADMIN, COORDINATOR, INSPECTOR, REVIEWER
from ..campaigns.visibility import can_see_team_record
from ..core.actor import current_actor
from ..core.dates import format_datetime
from ..core.responses import pdf_response
from ..errors import error_response
from ..extensions import db
from ..pdf import LayoutError, MissingGlyphError, PhotoError, build_visit_report, glyph_message
from ..pdf.fonts import font_options
from .models import Visit
from .reports import visit_report

bp = Blueprint("visits", __name__)


@bp.route("/visits/<uuid:visit_id>/report.pdf")
@roles_required(ADMIN, COORDINATOR, REVIEWER, INSPECTOR, hidden=True)
def report_pdf(visit_id: uuid.UUID):
    """Send a visit's inspection report PDF to the commission or the visiting team."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_see_team_record(current_user, visit.team_id, visit.created_by_id):
        hidden_404()
    actor = current_actor()
    report = visit_report(visit, actor=actor, photo_dir=current_app.config["PHOTO_DIR"])
    try:
        data = build_visit_report(report, **font_options(current_app.config))
    except MissingGlyphError as exc:
        return error_response(422, "missing_glyph", glyph_message(exc))
    except LayoutError as exc:
        return error_response(422, "document_too_long", f"检查记录无法排版：{exc.message}")
    except PhotoError as exc:
        return error_response(422, "photo_unreadable", f"照片无法读取（{exc.where}），请检查照片文件后再试")
    record(actor, "visit.report_printed", "visit", visit.id, f"打印{visit.unit.name}的检查记录")
    db.session.commit()
    return pdf_response(data, f"检查记录-{visit.unit.name}-{format_datetime(visit.started_at, '%Y%m%d')}.pdf",
                        download=False)
