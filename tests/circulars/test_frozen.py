"""An issued circular is frozen: every service that edits a circular refuses an issued one and changes nothing.

EDITS lists one real edit per editing service; the same call is first shown to change a draft, so the
refusal on the issued circular is the guard's doing (remove any `ensure_draft` and its case fails).
A last test keeps the list whole: every public function of the circular services that takes a circular or
a section is either in EDITS or named in NOT_EDITS with the reason.
"""
from __future__ import annotations

import inspect

import pytest
from sqlalchemy import func, select

from inspection.audit.models import AuditEvent
from inspection.circulars import issuing, services
from inspection.circulars.models import Circular
from inspection.circulars.services import CircularError
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, settings_for

FROZEN = "已印发的通报不能修改"


def _by_key(circular, key):
    return next(s for s in circular.sections if s.key == key)


def _ordered(circular):
    return sorted(circular.sections, key=lambda s: s.position)


# name -> edit(circular, world, app); each is a change a reviewer can make to a draft.
EDITS = {
    "update_circular": lambda c, w, app: services.update_circular(c, {"title": "改过的标题"},
                                                                  actor=w.users["reviewer"]),
    "set_recipients": lambda c, w, app: services.set_recipients(c, [w.units[2], w.units[1]],
                                                                actor=w.users["reviewer"]),
    "set_included": lambda c, w, app: services.set_included(c, set(), actor=w.users["reviewer"]),
    "save_section": lambda c, w, app: services.save_section(_by_key(c, "opening"), heading="", body="改写的开头",
                                                            included=True, actor=w.users["reviewer"]),
    "add_section": lambda c, w, app: services.add_section(c, heading="典型案例", body="某局干部上班时间打游戏",
                                                          actor=w.users["reviewer"]),
    "delete_section": lambda c, w, app: services.delete_section(_by_key(c, "custom"), actor=w.users["reviewer"]),
    "move_section": lambda c, w, app: services.move_section(_ordered(c)[2], -1, actor=w.users["reviewer"]),
    "regenerate": lambda c, w, app: services.regenerate(c, actor=w.users["reviewer"]),
    "resolve_section": lambda c, w, app: services.resolve_section(_by_key(c, "basic"), accept=True,
                                                                  actor=w.users["reviewer"]),
    "delete_draft": lambda c, w, app: services.delete_draft(c, actor=w.users["reviewer"]),
    "issue": lambda c, w, app: issuing.issue(c, actor=w.users["reviewer"], settings=settings_for(app)),
}

# Public functions taking a circular or section that are not edits of it, and why.
NOT_EDITS = {
    "ensure_draft": "the guard itself",
    "check_ready": "issue's precondition (its guard is exercised through issue)",
    "revise": "works only on an issued circular and leaves it as it is (a new draft is made)",
    "new_findings_count": "read-only",
    "unconfirmed_items": "read-only",
    "order_recipients": "part of issue (its guard is exercised through issue): renumbers the recipients' positions",
    "build_pdf": "read-only: renders a copy to show, stores nothing",
    "archive_pdf": "read-only: returns the stored archive copy (and audits the download)",
}


def _circular(app, world, *, issued: bool) -> Circular:
    """A circular with a reviewer's own section; issued to one unit when asked."""
    confirmed_findings(world)
    circular = make_draft(world)
    services.add_section(circular, heading="工作提示", body="请各单位举一反三", actor=world.users["reviewer"])
    services.set_recipients(circular, [world.units[0]], actor=world.users["reviewer"])
    if issued:
        issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    return circular


def _prepare(name, circular):
    """Give resolve_section a regenerated draft to settle (as a regeneration would leave it)."""
    if name == "resolve_section":
        _by_key(circular, "basic").pending = "重新生成的基本情况"
        db.session.commit()


def _state(circular_id: int):
    """Everything an edit could change: the circular, its sections, findings, recipients, and the audit log."""
    db.session.expire_all()
    circular = db.session.get(Circular, circular_id)
    if circular is None:
        return None
    return {
        "meta": {f: getattr(circular, f) for f in services.META_FIELDS},
        "issue": (circular.status, circular.number, circular.doc_number, circular.pdf_sha256, len(circular.copies)),
        "sections": [(s.id, s.key, s.heading, s.body, s.generated, s.pending, s.included, s.position)
                     for s in _ordered(circular)],
        "items": sorted((str(i.finding_id), i.included, i.position) for i in circular.items),
        "recipients": [r.unit_id for r in sorted(circular.recipients, key=lambda r: r.position)],
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_changes_a_draft(app, world, name):
    circular = _circular(app, world, issued=False)
    _prepare(name, circular)
    before = _state(circular.id)
    EDITS[name](circular, world, app)
    db.session.flush()
    assert _state(circular.id) != before


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_issued_circular_is_frozen(app, world, name):
    circular = _circular(app, world, issued=True)
    _prepare(name, circular)
    before = _state(circular.id)
    with pytest.raises(CircularError, match=FROZEN):
        EDITS[name](circular, world, app)
    db.session.flush()
    assert _state(circular.id) == before
    db.session.rollback()
    assert _state(circular.id) == before


def test_every_editing_service_is_covered():
    def takes_a_circular(function) -> bool:
        params = list(inspect.signature(function).parameters)
        return bool(params) and params[0] in ("circular", "section")

    public = {name for module in (services, issuing)
              for name, function in inspect.getmembers(module, inspect.isfunction)
              if function.__module__ == module.__name__ and not name.startswith("_") and takes_a_circular(function)}
    assert public - set(EDITS) - set(NOT_EDITS) == set(), "a new circular service: add it to EDITS or NOT_EDITS"
    assert set(EDITS) | set(NOT_EDITS) <= public, "a name listed here is no longer a circular service"
