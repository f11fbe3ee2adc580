"""Exports of the 整改台账 (XLSX with a figures sheet, plain CSV) for the desk's current filter."""
from __future__ import annotations

from datetime import datetime

from flask import Response, request, stream_with_context

from ..audit.services import record
from ..auth.access import roles_required
from ..core.actor import current_actor
from ..core.dates import CST
from ..core.responses import XLSX_MIME, set_attachment, spooled_download
from ..extensions import db
from . import ledger
from .access import DESK_READERS
from .blueprint import bp, colour_rule
from .desk_pages import filter_args, parse_filter
from .numbers import Scope, figures
from .queries import ItemFilter

def _scope_text(flt: ItemFilter) -> str:
    """Describe what the export covers, for the figures sheet."""
    return "筛选范围内的整改事项" if filter_args(flt) else "全部整改事项"


def _audit(fmt: str, flt: ItemFilter) -> None:
    """Log who exported what."""
    record(current_actor(), "rectification.ledger_exported", "rectification_ledger", "",
           f"导出整改台账（{fmt.upper()}）", after={"format": fmt, "filters": filter_args(flt)})


@bp.route("/ledger.xlsx")
@roles_required(*DESK_READERS, hidden=True)
def ledger_xlsx():
    """Export the filtered 整改台账 as XLSX, with the 整改 figures of the same scope on a second sheet."""
    flt, rule = parse_filter(request.args), colour_rule()
    fig = figures(Scope(unit_id=flt.unit_id, category=flt.category or None, circular_id=flt.circular_id), rule)
    sheet = ledger.figures_sheet(fig, _scope_text(flt))
    response, _ = spooled_download(
        lambda handle: ledger.write_ledger_xlsx(handle, ledger.ledger_rows(flt, rule), sheet, title="整改台账"),
        mimetype=XLSX_MIME, name=f"整改台账-{datetime.now(CST):%Y%m%d-%H%M}.xlsx", ascii_name="rectification.xlsx",
        suffix=".xlsx")
    _audit("xlsx", flt)
    db.session.commit()
    return response


@bp.route("/ledger.csv")
@roles_required(*DESK_READERS, hidden=True)
def ledger_csv():
    """Export the filtered 整改台账 as CSV (UTF-8 with BOM, header first), streamed."""
    flt, rule = parse_filter(request.args), colour_rule()
    _audit("csv", flt)
    db.session.commit()
    response = Response(stream_with_context(ledger.csv_chunks(ledger.ledger_rows(flt, rule))), mimetype="text/csv")
    set_attachment(response, f"整改台账-{datetime.now(CST):%Y%m%d-%H%M}.csv", "rectification.csv")
    return response
