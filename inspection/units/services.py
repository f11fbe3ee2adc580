"""Units (被检查单位): create, edit, deactivate; every change audited."""
from __future__ import annotations

import logging

from sqlalchemy import Select, func, or_, select

from ..audit.services import changed_fields, record
from ..extensions import db
from .models import UNIT_KINDS, Unit

logger = logging.getLogger(__name__)

NAME_MAX = 100
SHORT_MAX = 40
KIND_BY_LABEL = {label: code for code, label in UNIT_KINDS.items()}


class UnitError(Exception):
    """A unit change broke a rule; `field` names the form field, `message` is shown."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
    return query.order_by(Unit.active.desc(), Unit.kind, Unit.name)


def _check(name: str, short_name: str, kind: str, parent: Unit | None, unit: Unit | None) -> None:
    """Check a unit's fields and uniqueness; raise UnitError naming the field."""
    if not name:
        raise UnitError("请填写单位名称", "name")
    if len(name) > NAME_MAX:
        raise UnitError(f"单位名称不超过{NAME_MAX}个字符", "name")
    if len(short_name) > SHORT_MAX:
        raise UnitError(f"简称不超过{SHORT_MAX}个字符", "short_name")
    if kind not in UNIT_KINDS:
        raise UnitError("类别应为县直部门、乡镇或事业单位", "kind")
    own_id = unit.id if unit is not None else -1
    same_name = db.session.scalar(select(Unit).where(func.lower(Unit.name) == name.lower(), Unit.id != own_id))
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


def create_unit(*, name: str, short_name: str = "", kind: str, parent: Unit | None = None, actor) -> Unit:
    """Create a unit."""
    name, short_name = name.strip(), short_name.strip()
    _check(name, short_name, kind, parent, None)
    unit = Unit(name=name, short_name=short_name, kind=kind, parent=parent, active=True)
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit.create", "unit", unit.id, f"新建单位 {name}",
           after={"name": name, "short_name": short_name, "kind": kind, "parent_id": parent.id if parent else None})
    return unit


def update_unit(unit: Unit, *, name: str, short_name: str = "", kind: str, parent: Unit | None = None, actor) -> bool:
    """Change a unit's name, short name, kind and parent; return whether anything changed."""
    name, short_name = name.strip(), short_name.strip()
    _check(name, short_name, kind, parent, unit)
    old_name = unit.name
    before, after = changed_fields(unit, {"name": name, "short_name": short_name, "kind": kind,
                                          "parent_id": parent.id if parent else None})
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
