"""Unit services, called directly."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.extensions import db
from inspection.units import services
from inspection.units.services import UnitError


def test_create_and_update_are_audited(world):
    admin = world.users["admin"]
    unit = services.create_unit(name="示例县信访局", short_name="信访局", kind="department", actor=admin)
    assert unit.id and unit.active
    assert services.update_unit(unit, name="示例县信访局", short_name="信访", kind="department",
                                parent=world.units[0], actor=admin)
    assert not services.update_unit(unit, name="示例县信访局", short_name="信访", kind="department",
                                    parent=world.units[0], actor=admin)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "unit")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["unit.create", "unit.update"]
    assert events[1].before == {"short_name": "信访局", "parent_id": None}
    assert events[1].after == {"short_name": "信访", "parent_id": world.units[0].id}


@pytest.mark.parametrize("name, short, kind, field", [
    ("", "", "department", "name"),
    ("示例县公安局", "", "department", "name"),
    ("示例县新单位", "公安局", "department", "short_name"),
    ("示例县新单位", "", "bureau", "kind"),
    ("甲" * 101, "", "department", "name"),
])
def test_invalid_units_are_refused(world, name, short, kind, field):
    with pytest.raises(UnitError) as exc:
        services.create_unit(name=name, short_name=short, kind=kind, actor=world.users["admin"])
    assert exc.value.field == field


def test_parent_cannot_make_a_cycle(world):
    a, b = world.units[0], world.units[1]
    services.update_unit(b, name=b.name, short_name=b.short_name, kind=b.kind, parent=a, actor=None)
    with pytest.raises(UnitError) as exc:
        services.update_unit(a, name=a.name, short_name=a.short_name, kind=a.kind, parent=b, actor=None)
    assert exc.value.field == "parent_id"


def test_deactivate_and_filter(world):
    unit = world.units[3]
    assert services.set_unit_active(unit, False, actor=world.users["coordinator"])
    assert not services.set_unit_active(unit, False, actor=world.users["coordinator"])
    active = set(db.session.scalars(services.units_query(state="active")))
    assert unit not in active and world.units[0] in active
    assert list(db.session.scalars(services.units_query(state="inactive"))) == [unit]
    assert list(db.session.scalars(services.units_query(text="交通"))) == [unit]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.deactivate"))
    assert event.entity_id == str(unit.id)
