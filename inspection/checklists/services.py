"""Versioned checklists: check items, publish a new version (old ones stay untouched), list versions.

Publishing never edits a version in place: it copies the items into version N+1 and moves `is_current`,
so campaigns and visits keep pointing at the exact items they used.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from ..audit.services import record
from ..campaigns.models import Campaign
from ..core.text import text_problem
from ..extensions import db
from ..findings.models import CATEGORIES
from ..visits.models import Visit
from .models import Checklist, ChecklistItem

logger = logging.getLogger(__name__)

NAME_MAX = 100
CODE_MAX = 20
CATEGORY_MAX = 40
TEXT_MAX = 500
GUIDANCE_MAX = 2000
MAX_ITEMS = 2000


class ChecklistError(Exception):
    """A checklist change broke a rule; `field` names the form field, `message` is shown."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class ItemRow:
    """One check item as submitted (editor row or spreadsheet row), with its problems."""

    row: int
    code: str = ""
    category: str = ""
    text: str = ""
    guidance: str = ""
    photo_required: bool = False
    deleted: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.code or self.category or self.text or self.guidance)

    def key(self) -> tuple:
        """Return the fields that make two items the same."""
        return (self.code, self.category, self.text, self.guidance, bool(self.photo_required))


def category_choices() -> list[str]:
    """Return the problem categories: the official nine, then any others used in checklists."""
    used = db.session.scalars(select(ChecklistItem.category).distinct())
    return list(CATEGORIES) + sorted(c for c in set(used) if c not in CATEGORIES)


def rows_from_items(items) -> list[ItemRow]:
    """Turn a version's items into editable rows."""
    return [ItemRow(row=i, code=it.code, category=it.category, text=it.text, guidance=it.guidance or "",
                    photo_required=bool(it.photo_required)) for i, it in enumerate(items, start=1)]


def check_rows(rows: list[ItemRow], label: str = "第{row}项") -> list[ItemRow]:
    """Check every kept row (fills `errors`); return the rows that will be published, in order."""
    kept = [r for r in rows if not r.deleted and (not r.blank or r.errors)]
    seen: dict[str, int] = {}
    for r in kept:
        if not r.code:
            r.errors.append("编号不能为空")
        elif len(r.code) > CODE_MAX:
            r.errors.append(f"编号不超过{CODE_MAX}个字符")
        elif r.code.lower() in seen:
            r.errors.append(f"编号“{r.code}”与{label.format(row=seen[r.code.lower()])}重复")
        else:
            seen[r.code.lower()] = r.row
        if not r.category:
            r.errors.append("类别不能为空")
        elif len(r.category) > CATEGORY_MAX:
            r.errors.append(f"类别不超过{CATEGORY_MAX}个字符")
        if not r.text:
            r.errors.append("检查内容不能为空")
        elif len(r.text) > TEXT_MAX:
            r.errors.append(f"检查内容不超过{TEXT_MAX}个字符")
        if len(r.guidance) > GUIDANCE_MAX:
            r.errors.append(f"检查指引不超过{GUIDANCE_MAX}个字符")
        for title, value in (("编号", r.code), ("类别", r.category), ("检查内容", r.text), ("检查指引", r.guidance)):
            if (problem := text_problem(value)) is not None:  # the boundary check, see core.text
                r.errors.append(f"{title}{problem.message}")
    if len(kept) > MAX_ITEMS:
        raise ChecklistError(f"一个检查清单最多{MAX_ITEMS}个检查项")
    return kept


def check_name(name: str, *, new: bool) -> str:
    """Check a checklist name; a new checklist's name must not be taken."""
    name = name.strip()
    if not name:
        raise ChecklistError("请填写检查清单名称", "name")
    if len(name) > NAME_MAX:
        raise ChecklistError(f"检查清单名称不超过{NAME_MAX}个字符", "name")
    if new and current_version(name) is not None:
        raise ChecklistError(f"已有名为“{name}”的检查清单，请换一个名称，或在该清单上发布新版本", "name")
    return name


def current_version(name: str) -> Checklist | None:
    """Return the current version of a named checklist."""
    query = select(Checklist).where(Checklist.name == name).order_by(Checklist.is_current.desc(),
                                                                     Checklist.version.desc())
    return db.session.scalar(query.limit(1))


def latest_version_number(name: str) -> int:
    """Return the highest version number published under a name (0 when none)."""
    return db.session.scalar(select(func.max(Checklist.version)).where(Checklist.name == name)) or 0


def publish(name: str, rows: list[ItemRow], *, actor, note: str = "", base: Checklist | None = None,
            action: str = "checklist.publish") -> Checklist | None:
    """Publish `rows` as a new version of `name`; return it, or None when nothing differs from `base`.

    `base` is the version the editor started from: if someone published since, refuse rather than
    overwrite their work. Rows must have been checked with check_rows() and be free of errors.
    """
    if any(r.errors for r in rows):
        raise ChecklistError("检查项有错误，未发布")
    if not rows:
        raise ChecklistError("检查清单至少需要一个检查项")
    latest = latest_version_number(name)
    if base is not None and base.version != latest:
        raise ChecklistError(f"该清单已由他人发布为第{latest}版，请在最新版本上重新修改")
    if base is not None and [r.key() for r in rows] == [r.key() for r in rows_from_items(base.items)]:
        return None
    db.session.execute(update(Checklist).where(Checklist.name == name).values(is_current=False))
    checklist = Checklist(name=name, version=latest + 1, is_current=True, note=note.strip(),
                          created_by_id=getattr(actor, "id", None))
    for position, r in enumerate(rows, start=1):
        checklist.items.append(ChecklistItem(code=r.code, category=r.category, text=r.text, guidance=r.guidance,
                                             photo_required=bool(r.photo_required), position=position))
    db.session.add(checklist)
    db.session.flush()
    changes = _changes(base, rows)
    record(actor, action, "checklist", checklist.id,
           f"发布检查清单“{name}”第{checklist.version}版（{len(rows)}项）"
           + (f"：新增{len(changes['added'])}项，删除{len(changes['removed'])}项，修改{len(changes['changed'])}项"
              if base is not None else ""),
           before={"version": base.version, "items": len(base.items)} if base is not None else None,
           after={"version": checklist.version, "items": len(rows), "note": checklist.note, **changes})
    logger.info("published checklist %r version %s", name, checklist.version)
    return checklist


def _changes(base: Checklist | None, rows: list[ItemRow]) -> dict[str, list[str]]:
    """List the item codes added, removed and changed compared with the base version."""
    if base is None:
        return {}
    old = {it.code: r.key() for it, r in zip(base.items, rows_from_items(base.items))}
    new = {r.code: r.key() for r in rows}
    return {
        "added": [c for c in new if c not in old],
        "removed": [c for c in old if c not in new],
        "changed": [c for c in new if c in old and old[c] != new[c]],
    }


def checklist_families() -> list[tuple[str, list[Checklist]]]:
    """Return every checklist name with its versions, newest first; names ordered by current version's age."""
    families: dict[str, list[Checklist]] = {}
    for checklist in db.session.scalars(select(Checklist).order_by(Checklist.name, Checklist.version.desc())):
        families.setdefault(checklist.name, []).append(checklist)
    return sorted(families.items(), key=lambda kv: kv[0])


def usage(checklist_ids: list[int]) -> dict[int, dict[str, int]]:
    """Count, per version, the items, the campaigns and the visits that use it."""
    result = {cid: {"items": 0, "campaigns": 0, "visits": 0} for cid in checklist_ids}
    if not checklist_ids:
        return result
    for key, model, column in (("items", ChecklistItem, ChecklistItem.checklist_id),
                               ("campaigns", Campaign, Campaign.checklist_id),
                               ("visits", Visit, Visit.checklist_id)):
        rows = db.session.execute(select(column, func.count()).select_from(model)
                                  .where(column.in_(checklist_ids)).group_by(column))
        for cid, count in rows:
            result[cid][key] = count
    return result


def grouped_items(checklist: Checklist) -> list[tuple[str, list[ChecklistItem]]]:
    """Group a version's items by category, in the order categories first appear."""
    groups: dict[str, list[ChecklistItem]] = {}
    for item in checklist.items:
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())
