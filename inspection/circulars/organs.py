"""Issuing organs: their red mark, number prefix and signature; and their yearly number counters."""
from __future__ import annotations

from sqlalchemy import func, select

from ..audit.services import changed_fields, record
from ..extensions import db
from .models import IssuingOrgan, NumberCounter
from .numbering import raise_counter
from .services import CircularError

ORGAN_FIELDS = ("name", "mark_text", "number_prefix", "signature", "printer", "active")


def _check_unique(data: dict, organ: IssuingOrgan | None) -> None:
    """Refuse a name or prefix another organ already uses."""
    for name, label in (("name", "机关名称"), ("number_prefix", "发文字号代字")):
        column = getattr(IssuingOrgan, name)
        query = select(IssuingOrgan.id).where(func.lower(column) == data[name].lower())
        if organ is not None:
            query = query.where(IssuingOrgan.id != organ.id)
        if db.session.scalar(query) is not None:
            raise CircularError(f"{label}“{data[name]}”已被其他发文机关使用")


def create_organ(data: dict, *, actor) -> IssuingOrgan:
    """Create an issuing organ."""
    data = {k: data[k] for k in ORGAN_FIELDS if k in data}
    _check_unique(data, None)
    organ = IssuingOrgan(**data)
    db.session.add(organ)
    db.session.flush()
    record(actor, "circular_organ.created", "circular_organ", organ.id, f"新增发文机关“{organ.name}”",
           after={k: getattr(organ, k) for k in ORGAN_FIELDS})
    return organ


def update_organ(organ: IssuingOrgan, data: dict, *, actor) -> dict:
    """Change an organ's names or prefix; issued circulars keep the number they were given."""
    data = {k: data[k] for k in ORGAN_FIELDS if k in data}
    _check_unique({**{k: getattr(organ, k) for k in ("name", "number_prefix")}, **data}, organ)
    before, after = changed_fields(organ, data)
    if after:
        db.session.flush()
        record(actor, "circular_organ.updated", "circular_organ", organ.id, f"修改发文机关“{organ.name}”",
               before=before, after=after)
    return after


def set_counter(organ: IssuingOrgan, year: int, last_number: int, *, actor) -> None:
    """Record that numbers up to `last_number` were used (on paper) this year; never lower the counter."""
    current = counters(organ).get(year, 0)
    if last_number < current:
        raise CircularError(f"{year}年已使用到第{current}号，编号只能向后调整，不能回退或重复使用")
    if last_number == current:
        return
    raise_counter(organ.id, year, last_number)
    record(actor, "circular_organ.counter", "circular_organ", organ.id, f"调整{year}年发文编号起点",
           before={"last_number": current}, after={"year": year, "last_number": last_number})


def counters(organ: IssuingOrgan) -> dict[int, int]:
    """Return year → last number used, for the organ."""
    rows = db.session.execute(select(NumberCounter.year, NumberCounter.last_number)
                              .where(NumberCounter.organ_id == organ.id).order_by(NumberCounter.year.desc()))
    return {year: last for year, last in rows}


def active_organs() -> list[IssuingOrgan]:
    """Return the organs that may issue, by name."""
    return list(db.session.scalars(select(IssuingOrgan).where(IssuingOrgan.active.is_(True))
                                   .order_by(IssuingOrgan.name)))
