"""Units (被检查单位): create, edit, deactivate; every change audited; the official order (排序号).

Every list of units, every filter and statistics table, the 主送 line, the 问题清单 and copy numbering
put units in the county's official order: 排序号 (sort_order) first, then the unit's id, never by name
(code points and database collations disagree). `official_order()` gives the ORDER BY clauses,
`official_key()` the same order for units already loaded, `sort_units()` sorts a list by it.
"""
from __future__ import annotations

import logging
import re

from sqlalchemy import Select, func, or_, select

from ..audit.services import changed_fields, record
from ..extensions import db
from .models import UNIT_KINDS, Unit

logger = logging.getLogger(__name__)

NAME_MAX = 100
SHORT_MAX = 40
SORT_MIN, SORT_MAX = 0, 999_999
_SPACES = re.compile("[ \t\r\n\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
KIND_BY_LABEL = {label: code for code, label in UNIT_KINDS.items()}


class UnitError(Exception):
    """A unit change broke a rule; `field` names the form field, `message` is shown."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def official_order(unit=Unit) -> tuple:
    """Return the ORDER BY clauses of the official order: 排序号, then id (for an alias, pass it)."""
    return (unit.sort_order, unit.id)


def official_key(unit: Unit | None) -> tuple[int, int]:
    """Return a sort key giving loaded units the official order (no unit sorts last)."""
    if unit is None:
        return (SORT_MAX + 1, 0)
    return (unit.sort_order or 0, unit.id or 0)


def sort_units(units) -> list[Unit]:
    """Return the units in official order."""
    return sorted(units, key=official_key)


def official_units(*, active_only: bool = False, exclude_id: int | None = None) -> list[Unit]:
    """Load the units (active ones only, or all but one) in official order."""
    query = select(Unit)
    if active_only:
        query = query.where(Unit.active.is_(True))
    if exclude_id is not None:
        query = query.where(Unit.id != exclude_id)
    return list(db.session.scalars(query.order_by(*official_order())))


def next_sort_order() -> int:
    """Return a 排序号 that puts a new unit after every existing one (the largest plus 10)."""
    largest = db.session.scalar(select(func.max(Unit.sort_order))) or 0
    return min(largest + 10, SORT_MAX)


def normalise_name(value: str) -> str:
    """Trim a unit name and drop spaces (full-width U+3000 too) inside it; Latin words keep one space.

    Control characters are left in place for the text check to refuse (str.split would eat U+001C–U+001F).
    """
    words = [w for w in _SPACES.split((value or "").replace("\ufeff", "")) if w]
    text = words[0] if words else ""
    for word in words[1:]:
        text += " " + word if text[-1].isascii() and word[0].isascii() else word
    return text


def units_query(*, kind: str | None = None, state: str | None = None, text: str | None = None) -> Select:
    """Select units for the list: filter by kind, active state and name text."""
    query = select(Unit)
    if kind in UNIT_KINDS:
        query = query.where(Unit.kind == kind)
    if state == "active":
        query = query.where(Unit.active.is_(True))
    elif state == "inactive":
        query = query.where(Unit.active.is_(False))
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(Unit.name.ilike(like), Unit.short_name.ilike(like)))
    return query.order_by(Unit.active.desc(), *official_order())


def _check(name: str, short_name: str, kind: str, parent: Unit | None, unit: Unit | None,
           sort_order: int = 0) -> None:
    """Check a unit's fields and uniqueness; raise UnitError naming the field."""
    if not SORT_MIN <= sort_order <= SORT_MAX:
        raise UnitError(f"排序号应为{SORT_MIN}至{SORT_MAX}之间的整数", "sort_order")
    if not name:
        raise UnitError("请填写单位名称", "name")
    if len(name) > NAME_MAX:
        raise UnitError(f"单位名称不超过{NAME_MAX}个字符", "name")
    if len(short_name) > SHORT_MAX:
        raise UnitError(f"简称不超过{SHORT_MAX}个字符", "short_name")
    if kind not in UNIT_KINDS:
        raise UnitError("类别应为县直部门、乡镇或事业单位", "kind")
    own_id = unit.id if unit is not None else -1
    bare = func.replace(func.replace(func.lower(Unit.name), " ", ""), "\u3000", "")
    same_name = db.session.scalar(select(Unit).where(bare == name.lower().replace(" ", ""), Unit.id != own_id)
                                  .limit(1))
    if same_name is not None:
        raise UnitError(f"单位“{same_name.name}”已存在", "name")
    if short_name:
        same_short = db.session.scalar(select(Unit).where(Unit.short_name == short_name, Unit.id != own_id))
        if same_short is not None:
            raise UnitError(f"简称“{short_name}”已被“{same_short.name}”使用", "short_name")
    ancestor = parent
    while ancestor is not None:
        if unit is not None and ancestor.id == unit.id:
            raise UnitError("上级单位不能是本单位或其下级单位", "parent_id")
        ancestor = ancestor.parent


def create_unit(*, name: str, short_name: str = "", kind: str, parent: Unit | None = None, sort_order: int = 0,
                actor) -> Unit:
    """Create a unit."""
    name, short_name = normalise_name(name), short_name.strip()
    _check(name, short_name, kind, parent, None, sort_order)
    unit = Unit(name=name, short_name=short_name, kind=kind, parent=parent, active=True, sort_order=sort_order)
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit.create", "unit", unit.id, f"新建单位 {name}",
           after={"name": name, "short_name": short_name, "kind": kind, "parent_id": parent.id if parent else None,
                  "sort_order": sort_order})
    return unit


def update_unit(unit: Unit, *, name: str, short_name: str = "", kind: str, parent: Unit | None = None,
                sort_order: int | None = None, actor) -> bool:
    """Change a unit's name, short name, kind, parent and 排序号; return whether anything changed."""
    name, short_name = normalise_name(name), short_name.strip()
    sort_order = unit.sort_order if sort_order is None else sort_order
    _check(name, short_name, kind, parent, unit, sort_order)
    old_name = unit.name
    before, after = changed_fields(unit, {"name": name, "short_name": short_name, "kind": kind,
                                          "parent_id": parent.id if parent else None, "sort_order": sort_order})
    if not after:
        return False
    unit.parent = parent
    record(actor, "unit.update", "unit", unit.id, f"修改单位 {old_name}", before=before, after=after)
    db.session.flush()
    return True


def set_unit_active(unit: Unit, active: bool, *, actor) -> bool:
    """Deactivate a unit (kept for history, no longer offered) or activate it again."""
    if unit.active == active:
        return False
    unit.active = active
    record(actor, "unit.activate" if active else "unit.deactivate", "unit", unit.id,
           f"{'启用' if active else '停用'}单位 {unit.name}", before={"active": not active},
           after={"active": active})
    db.session.flush()
    return True


def liaison_counts(unit_ids: list[int]) -> dict[int, int]:
    """Return the number of liaison accounts per unit id."""
    from ..auth.models import User

    if not unit_ids:
        return {}
    rows = db.session.execute(select(User.unit_id, func.count()).where(User.unit_id.in_(unit_ids))
                              .group_by(User.unit_id))
    return dict(rows.all())
