"""The findings ledger (台账): a preview page with the current filters, and XLSX / CSV exports.

Exports are built from the database in batches (XLSX into a temporary file, CSV straight into the
response), so 50,000 rows never sit in memory; each export is written to the audit log. The XLSX carries
the title and secrecy notice above its header; the CSV is a plain table whose first line is the header.
"""
from __future__ import annotations

import os
import tempfile
import weakref
from datetime import datetime
from itertools import islice

from flask import Response, render_template, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..audit.services import record
from ..campaigns.models import Campaign
from ..core.actor import current_actor
from ..core.responses import file_chunks, remove_file, set_attachment
from ..core.dates import CST
from ..extensions import db
from ..findings.models import Finding
from ..auth.access import roles_required
from ..stats import ledger
from ..stats.filters import STATUS_CHOICES, FindingFilter, finding_conditions
from ..stats.paragraph import statistics_paragraph
from ..stats.queries import statistics
from . import queries
from .blueprint import REVIEW_ROLES, bp, request_filter

PREVIEW_ROWS = 100
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def photo_url_maker():
    """Return a function giving the absolute URL of a photo's display copy (one url_for call, not one per row)."""
    placeholder = "0" * 64
    template = url_for("photos.file", sha256=placeholder, variant="display", _external=True)
    head, tail = template.split(placeholder, 1)
    return lambda sha: f"{head}{sha}{tail}"


def finding_url_maker():
    """Return a function giving the absolute URL of a finding's review page (one url_for call)."""
    placeholder = "00000000-0000-0000-0000-000000000000"
    template = url_for("review.finding", finding_id=placeholder, _external=True)
    head, tail = template.split(placeholder, 1)
    return lambda finding_id: f"{head}{finding_id}{tail}"


def _count(flt: FindingFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).where(*finding_conditions(flt))) or 0


def _campaign(flt: FindingFilter) -> Campaign | None:
    return db.session.get(Campaign, flt.campaign_id) if flt.campaign_id else None


def _title(flt: FindingFilter) -> str:
    """Name the export: 问题台账, the campaign when filtered, and the time it was made."""
    campaign = _campaign(flt)
    stamp = datetime.now(CST).strftime("%Y-%m-%d %H:%M")
    return f"问题台账{'（' + campaign.title + '）' if campaign else ''} · 导出于{stamp}"


def _audit_export(fmt: str, flt: FindingFilter, rows: int) -> None:
    record(current_actor(), "ledger.exported", "ledger", "", f"导出问题台账（{fmt.upper()}，{rows}条）",
           after={"format": fmt, "filters": flt.snapshot(), "rows": rows})


@bp.route("/ledger", endpoint="ledger")
@roles_required(*REVIEW_ROLES, hidden=True)
def ledger_page():
    """Show the ledger's first rows for the chosen filters, with export links."""
    flt = request_filter(default_status="confirmed")
    rows = list(islice(ledger.ledger_rows(flt, photo_url=photo_url_maker()), PREVIEW_ROWS))
    return render_template("review/ledger.html", rows=rows, total=_count(flt), columns=ledger.COLUMNS,
                           flt=flt, args=flt.to_args(), options=queries.filter_options(), statuses=STATUS_CHOICES,
                           preview=PREVIEW_ROWS, notice=ledger.NOTICE)


@bp.route("/ledger.xlsx")
@roles_required(*REVIEW_ROLES, hidden=True)
def ledger_xlsx():
    """Export the filtered ledger as XLSX, with a statistics sheet computed by the statistics page's query."""
    flt = request_filter(default_status="confirmed")
    stats = statistics(flt, current_user, campaign=_campaign(flt))
    sheet = ledger.statistics_sheet(stats, statistics_paragraph(stats), stats.scope_text)
    fd, path = tempfile.mkstemp(prefix="ledger-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as handle:
            count = ledger.write_ledger_xlsx(handle, ledger.ledger_rows(flt, photo_url=photo_url_maker()), sheet,
                                             title=_title(flt), finding_url=finding_url_maker())
    except BaseException:
        remove_file(path)
        raise
    _audit_export("xlsx", flt, count)
    db.session.commit()
    response = Response(file_chunks(path), mimetype=XLSX_MIME)
    response.content_length = os.path.getsize(path)
    weakref.finalize(response, remove_file, path)  # the file goes when the response does, read or not
    set_attachment(response, f"问题台账-{datetime.now(CST):%Y%m%d-%H%M}.xlsx", "ledger.xlsx")
    return response


@bp.route("/ledger.csv")
@roles_required(*REVIEW_ROLES, hidden=True)
def ledger_csv():
    """Export the filtered ledger as a plain CSV table (UTF-8 with BOM, header first), streamed in batches."""
    flt = request_filter(default_status="confirmed")
    _audit_export("csv", flt, _count(flt))
    db.session.commit()
    chunks = ledger.csv_chunks(ledger.ledger_rows(flt, photo_url=photo_url_maker()))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    set_attachment(response, f"问题台账-{datetime.now(CST):%Y%m%d-%H%M}.csv", "ledger.csv")
    return response

