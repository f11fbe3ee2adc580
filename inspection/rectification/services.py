"""整改 state changes as plain functions: make the items at issue, the unit's drafts and submissions,
the reviewer's 销号 and 退回, 延期申请. Each flushes, writes the item's history and the audit log, never commits.

Two people acting on one item at once: the item carries a version (SQLAlchemy's version counter), so the
second write finds the row changed and becomes a RectificationError for the view to show.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..circulars.assemble import finding_fact
from ..circulars.drafting import finding_sentence
from ..core.dates import date_cn
from ..extensions import db
from ..sqltypes import utcnow
from .deadlines import add_period, yellow_from
from .models import (ExtensionRequest, RectificationEvent, RectificationEvidence, RectificationItem,
                     RectificationReport)

ITEM_FIELDS = ("measures", "leader", "responsible", "progress")
FIELD_LABELS = {"measures": "整改措施", "leader": "责任领导", "responsible": "责任人", "progress": "完成情况"}


class RectificationError(Exception):
    """An action the rules refuse; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


CHANGED_MEANWHILE = "该事项刚刚已被他人处理，请刷新页面查看最新状态"


def flush_or_conflict() -> None:
    """Flush, turning a lost race on an item's version into a RectificationError."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise RectificationError(CHANGED_MEANWHILE) from exc


def _history(item: RectificationItem, actor, action: str, summary: str, *, before=None, after=None) -> None:
    """Write one line of the item's history and the same event to the audit log."""
    item.events.append(RectificationEvent(action=action, summary=summary, actor_id=getattr(actor, "id", None),
                                          before=before or {}, after=after or {}))
    record(actor, f"rectification.{action}", "rectification_item", item.id, summary, before=before, after=after)


def create_items(circular, *, actor, yellow_percent: int) -> int:
    """Give each recipient unit one item per confirmed finding of theirs in the issued circular, and a report.

    Safe to run again (the backfill command does): a finding that already has an item gets no second one.
    """
    if not circular.is_issued or circular.doc_date is None:
        return 0
    units = {r.unit_id for r in circular.recipients}
    taken = set(db.session.scalars(select(RectificationItem.finding_id)))
    due = add_period(circular.doc_date, circular.rectify_days, circular.rectify_day_kind)
    created, position = 0, 0
    for link in circular.items:
        finding = link.finding
        if not link.included or finding.status != "confirmed" or finding.unit_id not in units:
            continue
        position += 1
        if finding.id in taken:
            continue
        item = RectificationItem(circular_id=circular.id, unit_id=finding.unit_id, finding_id=finding.id,
                                 position=position, problem=finding_sentence(finding_fact(finding)),
                                 category=finding.category, start_date=circular.doc_date, due_date=due,
                                 yellow_on=yellow_from(circular.doc_date, due, yellow_percent))
        db.session.add(item)
        db.session.flush()
        _history(item, actor, "created", f"通报{circular.doc_number}印发，生成整改事项，完成时限{date_cn(due)}",
                 after={"due_date": due.isoformat()})
        created += 1
    have_report = set(db.session.scalars(select(RectificationReport.unit_id)
                                         .where(RectificationReport.circular_id == circular.id)))
    item_units = set(db.session.scalars(select(RectificationItem.unit_id)
                                        .where(RectificationItem.circular_id == circular.id)))
    for unit_id in sorted(item_units - have_report):
        db.session.add(RectificationReport(circular_id=circular.id, unit_id=unit_id))
    db.session.flush()
    return created


def _ensure_editable(item: RectificationItem) -> None:
    """Refuse a change by the unit while the item waits for review or after 销号."""
    if item.status == "submitted":
        raise RectificationError("该事项已报送，等待审核，暂不能修改")
    if item.status == "closed":
        raise RectificationError("该事项已销号，不能再修改")


def save_item(item: RectificationItem, data: dict, *, actor) -> list[str]:
    """Save the unit's draft of measures, persons responsible and progress; return the changed fields."""
    _ensure_editable(item)
    before = {f: getattr(item, f) for f in ITEM_FIELDS if f in data and getattr(item, f) != data[f]}
    if not before:
        return []
    for field in before:
        setattr(item, field, data[field])
    item.reported = True
    flush_or_conflict()
    labels = "、".join(FIELD_LABELS[f] for f in before)
    _history(item, actor, "saved", f"保存草稿：{labels}", before=before, after={f: data[f] for f in before})
    return list(before)


def submit_item(item: RectificationItem, *, actor) -> None:
    """Submit the item for review (已报送); measures, the person responsible and evidence are required."""
    _ensure_editable(item)
    missing = [label for field, label in (("measures", "整改措施"), ("responsible", "责任人"),
                                          ("progress", "完成情况")) if not getattr(item, field).strip()]
    if missing:
        raise RectificationError(f"请先填写{'、'.join(missing)}再报送")
    if not item.evidence:
        raise RectificationError("请至少上传一份佐证材料（照片或扫描件）再报送")
    before = item.status
    item.status, item.reported, item.submitted_at = "submitted", True, utcnow()
    flush_or_conflict()
    _history(item, actor, "submitted", "报送整改情况" if before == "pending" else "退回后重新报送",
             before={"status": before}, after={"status": "submitted"})


def _ensure_submitted(item: RectificationItem, verb: str) -> None:
    """Refuse a review action on an item that is not waiting for review."""
    if item.status == "closed":
        raise RectificationError(f"该事项已销号，不能{verb}")
    if item.status != "submitted":
        raise RectificationError(f"该事项尚未报送（{item.status_label}），不能{verb}")


def accept_item(item: RectificationItem, note: str, *, actor) -> None:
    """Close the item (销号) on its evidence, with the reviewer's note."""
    _ensure_submitted(item, "销号")
    if not note.strip():
        raise RectificationError("销号须填写审核意见")
    if not item.evidence:
        raise RectificationError("该事项没有佐证材料，不能销号")
    item.status, item.close_note, item.closed_at = "closed", note.strip(), utcnow()
    item.closed_by_id = getattr(actor, "id", None)
    flush_or_conflict()
    _history(item, actor, "closed", f"审核销号：{note.strip()}", before={"status": "submitted"},
             after={"status": "closed"})


def return_item(item: RectificationItem, reason: str, *, actor) -> None:
    """Send the item back to the unit (退回) with the reason it will see at once."""
    _ensure_submitted(item, "退回")
    if not reason.strip():
        raise RectificationError("退回须填写理由")
    item.status, item.return_reason, item.returned_at = "returned", reason.strip(), utcnow()
    flush_or_conflict()
    _history(item, actor, "returned", f"退回：{reason.strip()}", before={"status": "submitted"},
             after={"status": "returned"})


def add_evidence(item: RectificationItem, *, kind: str, sha256: str, filename: str, size: int,
                 actor) -> RectificationEvidence:
    """Attach a stored photo or PDF to the item as 佐证材料 (the same file twice is kept once)."""
    _ensure_editable(item)
    for existing in item.evidence:
        if existing.sha256 == sha256:
            return existing
    evidence = RectificationEvidence(kind=kind, sha256=sha256, filename=filename[:200], size=size,
                                     uploaded_by_id=getattr(actor, "id", None))
    item.evidence.append(evidence)
    item.reported = True
    flush_or_conflict()
    _history(item, actor, "evidence_added", f"上传佐证材料（{evidence.kind_label}）：{filename[:200]}",
             after={"sha256": sha256, "kind": kind})
    return evidence


def remove_evidence(evidence: RectificationEvidence, *, actor) -> None:
    """Take a piece of evidence off an item the unit may still change."""
    item = evidence.item
    _ensure_editable(item)
    item.evidence.remove(evidence)
    flush_or_conflict()
    _history(item, actor, "evidence_removed", f"删除佐证材料：{evidence.filename}",
             before={"sha256": evidence.sha256})


def request_extension(item: RectificationItem, *, new_due: date, reason: str, today: date,
                      actor) -> ExtensionRequest:
    """File the unit's 延期申请: a later due date, not in the past, with a reason; one open at a time."""
    _ensure_editable(item)
    if item.pending_extension is not None:
        raise RectificationError("已有一份延期申请正在审批")
    if not reason.strip():
        raise RectificationError("请填写延期理由")
    if new_due < today:
        raise RectificationError("申请的完成时限不能早于今天")
    if new_due <= item.due_date:
        raise RectificationError(f"申请的完成时限须晚于现在的时限（{date_cn(item.due_date)}）")
    request = ExtensionRequest(old_due=item.due_date, requested_due=new_due, reason=reason.strip(),
                               requested_by_id=getattr(actor, "id", None))
    item.extensions.append(request)
    item.updated_at = utcnow()  # bumps the version: a decision taken on the old state is refused
    flush_or_conflict()
    _history(item, actor, "extension_requested", f"申请延期至{date_cn(new_due)}：{reason.strip()}",
             after={"requested_due": new_due.isoformat()})
    return request


def decide_extension(request: ExtensionRequest, *, approve: bool, note: str, today: date, yellow_percent: int,
                     actor) -> None:
    """Approve (the due date moves) or refuse a pending 延期申请; a refusal needs a note."""
    item = request.item
    if request.status != "pending":
        raise RectificationError("该延期申请已审批")
    if item.status == "closed":
        raise RectificationError("该事项已销号，无需延期")
    if not approve and not note.strip():
        raise RectificationError("不同意延期须填写理由")
    if approve and request.requested_due < today:
        raise RectificationError("申请的完成时限已过，不能批准，请让单位重新申请")
    request.status = "approved" if approve else "refused"
    request.decision_note = note.strip()
    request.decided_by_id, request.decided_at = getattr(actor, "id", None), utcnow()
    before = {"due_date": item.due_date.isoformat()}
    if approve:
        item.due_date = request.requested_due
        item.yellow_on = yellow_from(item.start_date, item.due_date, yellow_percent)
    item.updated_at = utcnow()
    flush_or_conflict()
    if approve:
        _history(item, actor, "extension_approved", f"同意延期至{date_cn(request.requested_due)}"
                 + (f"：{note.strip()}" if note.strip() else ""), before=before,
                 after={"due_date": item.due_date.isoformat()})
    else:
        _history(item, actor, "extension_refused", f"不同意延期：{note.strip()}")
