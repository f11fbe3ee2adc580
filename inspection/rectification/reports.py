"""The unit's 整改报告 for one circular: text and a signed scan, submitted once its items are all reported."""
from __future__ import annotations

from ..audit.services import record
from ..sqltypes import utcnow
from .models import RectificationItem, RectificationReport
from .services import RectificationError, flush_or_conflict


def _ensure_editable(report: RectificationReport) -> None:
    """Refuse a change while the report waits for review or after it was accepted."""
    if not report.editable:
        raise RectificationError(f"整改报告{report.status_label}，暂不能修改")


def save_report(report: RectificationReport, body: str, *, actor) -> bool:
    """Save the report's text as a draft; return whether it changed."""
    _ensure_editable(report)
    if body == report.body:
        return False
    report.body = body
    flush_or_conflict()
    record(actor, "rectification.report_saved", "rectification_report", report.id, "保存整改报告草稿")
    return True


def attach_scan(report: RectificationReport, *, sha256: str, filename: str, size: int, actor) -> None:
    """Attach (or replace) the signed scan of the report (a PDF already stored)."""
    _ensure_editable(report)
    before = report.scan_sha256
    report.scan_sha256, report.scan_filename, report.scan_size = sha256, filename[:200], size
    flush_or_conflict()
    record(actor, "rectification.report_scan", "rectification_report", report.id, f"上传盖章扫描件：{filename}",
           before={"sha256": before} if before else None, after={"sha256": sha256})


def submit_report(report: RectificationReport, items: list[RectificationItem], *, actor) -> None:
    """Submit the report: it needs text, the signed scan, and every one of the unit's items reported."""
    _ensure_editable(report)
    if not report.body.strip():
        raise RectificationError("请填写整改报告正文")
    if not report.scan_sha256:
        raise RectificationError("请上传加盖公章的整改报告扫描件（PDF）")
    waiting = [i for i in items if i.status in ("pending", "returned")]
    if waiting:
        raise RectificationError(f"还有{len(waiting)}个整改事项未报送，请先逐项报送")
    before = report.status
    report.status, report.submitted_at = "submitted", utcnow()
    report.submitted_by_id = getattr(actor, "id", None)
    flush_or_conflict()
    record(actor, "rectification.report_submitted", "rectification_report", report.id, "报送整改报告",
           before={"status": before}, after={"status": "submitted"})


def decide_report(report: RectificationReport, *, accept: bool, reason: str, actor) -> None:
    """The commission accepts the report (已收悉) or returns it with a reason."""
    if report.status != "submitted":
        raise RectificationError(f"整改报告{report.status_label}，不能审核")
    if not accept and not reason.strip():
        raise RectificationError("退回须填写理由")
    report.status = "accepted" if accept else "returned"
    report.return_reason = "" if accept else reason.strip()
    report.decided_at, report.decided_by_id = utcnow(), getattr(actor, "id", None)
    flush_or_conflict()
    record(actor, f"rectification.report_{report.status}", "rectification_report", report.id,
           "整改报告已收悉" if accept else f"退回整改报告：{reason.strip()}",
           before={"status": "submitted"}, after={"status": report.status})
