"""Circulars list units in their official order (排序号): 主送, copy numbers (份号), the 问题清单, units checked."""
from __future__ import annotations

from inspection.circulars import issuing, services
from inspection.circulars.assemble import draft_context, drafted_order, included_findings, recipients_text
from inspection.extensions import db

from .helpers import confirmed_findings, make_draft, settings_for


def _rank(units, names_in_order):
    """Give the units 排序号 so that they come in the given order (by name)."""
    by_name = {u.name: u for u in units}
    for i, name in enumerate(names_in_order):
        by_name[name].sort_order = (i + 1) * 10
    db.session.flush()


def test_copy_numbers_and_recipients_follow_the_official_order_at_issue(app, world):
    confirmed_findings(world)
    circular = make_draft(world)
    units = [r.unit for r in circular.recipients]
    names = [u.name for u in units]
    _rank(units, sorted(names, reverse=True))
    services.set_recipients(circular, units, actor=world.users["reviewer"])  # given in another order
    assert [r.unit.name for r in circular.recipients] == sorted(names, reverse=True)
    official = [names[1], names[2], names[0]]
    _rank(units, official)  # the county reorders its units after the draft was addressed
    printed = []

    def builder(doc, **fonts):
        printed.append(doc.recipients)
        return b"%PDF-1.4 " + (doc.copy_number or "archive").encode()

    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app), builder=builder)
    db.session.flush()
    assert [(c.copy_number, c.unit.name) for c in circular.copies] == [
        ("000001", official[0]), ("000002", official[1]), ("000003", official[2])]
    circular.recipients_line = ""
    assert printed[-1] == recipients_text(circular) == "、".join(official) + "："


def test_findings_list_and_units_checked_in_official_order(app, world):
    found = confirmed_findings(world)
    circular = make_draft(world)
    units = list({f.unit.id: f.unit for f in found}.values())
    official = sorted((u.name for u in units), key=lambda n: n.encode("utf-8"), reverse=True)
    _rank(units, official)
    attendance = [f.unit.name for f in drafted_order(circular) if f.category == "考勤管理"]
    assert attendance == [n for n in official if n in attendance]  # within a category: units in official order
    assert draft_context(circular, included_findings(circular)).units_checked == official
