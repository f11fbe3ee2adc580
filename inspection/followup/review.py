"""The review desk's decision on a recheck (复核): confirm it (确认), applying the reopen rule, or reject it.

Reopen rule (docs/follow-up.md), applied when a reviewer confirms:
  * 未整改 / 反弹 on a closed (已销号) item: back to 待整改, flagged 纸上整改 / 反弹, a new due date of the
    source circular's period counted from today (natural or working days), decision "reopened";
  * the same verdicts on an item still open (待整改 / 已报送 / 退回): flagged, status unchanged, "noted";
  * 已整改 on a closed item: flagged 巩固, "consolidated"; on an open item, and 无法核实 always: "noted".
Rejecting (不予采纳, a reason required) changes nothing on the item. Each change to an item flushes through
its version counter, so an item changed meanwhile refuses the decision (RectificationError, nothing kept);
it writes the item's history and the audit log, counts as a server-side change of the recheck
(sync.versions.bump_recheck) and tells the team's phones (sync.changes.emit_recheck_change). No commit.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from ..audit.services import record
from ..core.dates import date_cn
from ..extensions import db
from ..rectification.deadlines import add_period, yellow_from
from ..rectification.models import FLAGS, RectificationEvent, RectificationItem
from ..rectification.services import CHANGED_MEANWHILE, RectificationError, flush_or_conflict
from ..sqltypes import utcnow
from ..sync.changes import emit_recheck_change
from ..sync.versions import bump_recheck
from .models import DECISIONS, RECHECK_STATUSES, VERDICTS, Recheck

logger = logging.getLogger(__name__)

DEFECT_FLAGS = {"not_rectified": "paper", "relapsed": "relapse"}  # verdict -> the flag it puts on the item
REVIEWABLE = ("submitted",)
DEFAULT_YELLOW_PERCENT = 50
MAX_NOTE = 4000
RECHECK_CHANGED = "暗访组刚刚更新了该复核，请刷新页面查看最新内容后再审核"


@dataclass(frozen=True)
class Outcome:
    """What confirming a recheck does (or did) to its item: the decision, the flag, the new status and due date."""

    decision: str
    flag: str = ""
    status: str = ""
    due_date: date | None = None

    @property
    def reopens(self) -> bool:
        return self.decision == "reopened"

    def sentence(self) -> str:
        """Say in Chinese what confirming does, as the desk shows it before the reviewer clicks."""
        if self.decision == "reopened":
            return (f"确认后该事项将重新交办，标记为{FLAGS[self.flag]}，新的完成时限为{date_cn(self.due_date)}"
                    "（自今日起按原通报的整改期限计算）。")
        if self.flag == "consolidated":
            return "确认后该事项标记为巩固（已销号事项经回头看核实整改到位），状态不变。"
        if self.flag:
            return f"确认后该事项标记为{FLAGS[self.flag]}；事项仍在整改中，状态和完成时限不变。"
        return "确认后只记录复核结论，整改事项不作改动。"


def item_of(recheck: Recheck) -> RectificationItem | None:
    """Return the rectification item a recheck is about (through its frozen problem)."""
    return recheck.problem.item if recheck.problem is not None else None


def new_due_date(item: RectificationItem, today: date) -> date:
    """Return a reopened item's due date: the source circular's period again, counted from today."""
    circular = item.circular
    return add_period(today, circular.rectify_days, circular.rectify_day_kind)


def outcome_for(verdict: str, item: RectificationItem, today: date) -> Outcome:
    """Apply the reopen rule on paper: what confirming this verdict would do to the item as it is now."""
    if verdict in DEFECT_FLAGS:
        flag = DEFECT_FLAGS[verdict]
        if item.status == "closed":
            return Outcome("reopened", flag, "pending", new_due_date(item, today))
        return Outcome("noted", flag, item.status, item.due_date)
    if verdict == "rectified" and item.status == "closed":
        return Outcome("consolidated", "consolidated", item.status, item.due_date)
    return Outcome("noted", "", item.status, item.due_date)


def check_reviewable(recheck: Recheck, *, expected_version: int | None = None,
                     item_version: int | None = None) -> RectificationItem:
    """Refuse a decision the rules do not allow now; return the recheck's item."""
    if recheck.status == "pending_visit":
        raise RectificationError("该复核所属的到访记录尚未同步到服务器，暂不能审核")
    if recheck.status not in REVIEWABLE:
        raise RectificationError(f"该复核已审核（{RECHECK_STATUSES.get(recheck.status, recheck.status)}），不能再次审核")
    if expected_version is not None and expected_version != recheck.version:
        raise RectificationError(RECHECK_CHANGED)
    item = item_of(recheck)
    if item is None:
        raise RectificationError("该复核没有对应的整改事项，不能审核")
    if item_version is not None and item_version != item.version:
        raise RectificationError(CHANGED_MEANWHILE)
    return item


def _clean(note: str) -> str:
    """Strip a reviewer's note and refuse one too long to keep."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise RectificationError(f"审核意见不能超过{MAX_NOTE}字")
    return note


def _item_event(item: RectificationItem, actor, action: str, summary: str, before: dict, after: dict) -> None:
    """Write one line of the item's history and the same event to the audit log."""
    item.events.append(RectificationEvent(action=action, summary=summary, actor_id=getattr(actor, "id", None),
                                          before=before, after=after))
    record(actor, f"rectification.{action}", "rectification_item", item.id, summary, before=before, after=after)


def _apply(item: RectificationItem, outcome: Outcome, verdict: str, *, actor, today: date,
           yellow_percent: int) -> None:
    """Change the item as the outcome says (nothing for a plain note), through its version counter."""
    if not outcome.flag or (outcome.flag == item.flag and not outcome.reopens):
        return
    before = {"status": item.status, "flag": item.flag, "due_date": item.due_date.isoformat()}
    item.flag = outcome.flag
    if outcome.reopens:
        item.status, item.due_date = "pending", outcome.due_date
        item.yellow_on = yellow_from(today, outcome.due_date, yellow_percent)
        item.reported, item.closed_at, item.closed_by_id = False, None, None
    item.updated_at = utcnow()  # bumps the version even when only the flag changes
    flush_or_conflict()
    after = {"status": item.status, "flag": item.flag, "due_date": item.due_date.isoformat()}
    label = FLAGS[outcome.flag]
    if outcome.reopens:
        summary = f"回头看复核认定{label}（{VERDICTS[verdict]}），重新交办，新的完成时限{date_cn(item.due_date)}"
        _item_event(item, actor, "reopened", summary, before, after)
    elif outcome.flag == "consolidated":
        _item_event(item, actor, "consolidated", "回头看复核认定整改到位，标记为巩固", before, after)
    else:
        _item_event(item, actor, "flagged", f"回头看复核认定{label}（{VERDICTS[verdict]}），事项仍在整改中",
                    before, after)


def _decided(recheck: Recheck, status: str, decision: str, note: str, actor) -> None:
    """Mark the recheck reviewed, count it as a server-side change and tell the team's phones."""
    recheck.status, recheck.decision, recheck.review_note = status, decision, note
    recheck.reviewed_by_id, recheck.reviewed_at = getattr(actor, "id", None), utcnow()
    bump_recheck(recheck, ("status", "decision"))
    db.session.flush()
    emit_recheck_change(recheck, "review", {"status": status, "status_label": RECHECK_STATUSES[status],
                                            "decision": decision, "decision_label": DECISIONS[decision],
                                            "review_note": note, "version": recheck.version})


def confirm_recheck(recheck: Recheck, *, note: str = "", actor, today: date,
                    yellow_percent: int = DEFAULT_YELLOW_PERCENT, expected_version: int | None = None,
                    item_version: int | None = None) -> Outcome:
    """Confirm a submitted recheck (确认) and apply the reopen rule to its item; return what it did."""
    item = check_reviewable(recheck, expected_version=expected_version, item_version=item_version)
    if recheck.in_conflict:
        raise RectificationError("该复核存在同步冲突（暗访组两部手机的记录不一致），请先在本页处理冲突再确认")
    note = _clean(note)
    outcome = outcome_for(recheck.verdict, item, today)
    _apply(item, outcome, recheck.verdict, actor=actor, today=today, yellow_percent=yellow_percent)
    _decided(recheck, "confirmed", outcome.decision, note, actor)
    record(actor, "recheck.confirmed", "recheck", recheck.id,
           f"确认复核：{recheck.verdict_label}，{DECISIONS[outcome.decision]}" + (f"（{note}）" if note else ""),
           before={"status": "submitted"},
           after={"status": "confirmed", "verdict": recheck.verdict, "decision": outcome.decision,
                  "item": item.id, "review_note": note})
    logger.info("recheck %s confirmed (%s) by %s", recheck.id, outcome.decision, getattr(actor, "id", None))
    return outcome


def reject_recheck(recheck: Recheck, *, note: str, actor, expected_version: int | None = None) -> None:
    """Reject a submitted recheck (不予采纳) with a reason; its item is left exactly as it is."""
    check_reviewable(recheck, expected_version=expected_version)
    note = _clean(note)
    if not note:
        raise RectificationError("不予采纳须填写理由")
    _decided(recheck, "rejected", "", note, actor)
    record(actor, "recheck.rejected", "recheck", recheck.id, f"复核不予采纳：{note}",
           before={"status": "submitted"}, after={"status": "rejected", "review_note": note})
    logger.info("recheck %s rejected by %s", recheck.id, getattr(actor, "id", None))


def recheck_label(recheck: Recheck) -> str:
    """Name a recheck the way a reviewer recognises it: unit, problem number and verdict."""
    unit = recheck.unit.short_name or recheck.unit.name if recheck.unit is not None else ""
    position = recheck.problem.position if recheck.problem is not None else "?"
    return f"{unit} 第{position}项（{recheck.verdict_label}）"


def confirm_many(rechecks, *, note: str, actor, today: date, yellow_percent: int = DEFAULT_YELLOW_PERCENT,
                 seen: dict | None = None) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """Confirm each recheck in its own savepoint (批量确认); return the outcomes and the refusals by name.

    `seen` maps a recheck's id (str) to the version the reviewer's list showed; a newer one is refused.
    """
    done, refused = [], []
    for recheck in rechecks:
        try:
            with db.session.begin_nested():
                done.append(confirm_recheck(recheck, note=note, actor=actor, today=today,
                                            yellow_percent=yellow_percent,
                                            expected_version=(seen or {}).get(str(recheck.id))))
        except RectificationError as exc:
            refused.append((recheck_label(recheck), exc.message))
    return done, refused
