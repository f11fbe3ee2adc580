"""Document numbers: per organ and year, no gaps, never reused, even when issuers race each other."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from inspection.circulars import issuing
from inspection.circulars.models import Circular, NumberCounter
from inspection.circulars.organs import set_counter
from inspection.circulars.services import CircularError
from inspection.extensions import db
from inspection.pdf import build_circular

from .helpers import confirmed_findings, make_draft, make_organ, settings_for


def issue(app, world, circular, **kwargs):
    return issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app), **kwargs)


def test_numbers_run_per_organ_and_year(app, world):
    confirmed_findings(world)
    organ, other = make_organ(), make_organ("示纪通", "中共示例县纪委")
    drafts = [make_draft(world, organ) for _ in range(3)] + [make_draft(world, other)]
    next_year = make_draft(world, organ)
    next_year.doc_date = date(2027, 1, 4)
    for circular in drafts + [next_year]:
        issue(app, world, circular)
        db.session.commit()
    year = issuing.today_cst().year
    assert [c.doc_number for c in drafts] == [f"示纪办通〔{year}〕1号", f"示纪办通〔{year}〕2号",
                                              f"示纪办通〔{year}〕3号", f"示纪通〔{year}〕1号"]
    assert next_year.doc_number == "示纪办通〔2027〕1号"


def test_a_failed_issue_gives_its_number_back(app, world):
    confirmed_findings(world)
    broken = make_draft(world)
    broken.sections[0].body += "（含字符\ue000）"
    db.session.commit()
    with pytest.raises(CircularError) as excinfo:
        issue(app, world, broken)
    assert "\ue000" in excinfo.value.message and "U+E000" in excinfo.value.message
    db.session.rollback()
    assert db.session.get(Circular, broken.id).status == "draft"
    good = make_draft(world, broken.organ)
    issue(app, world, good)
    db.session.commit()
    assert good.number == 1, "a number must not be used up by an issue that failed"


def test_counter_moves_up_past_numbers_used_on_paper_but_never_down(app, world):
    confirmed_findings(world)
    circular = make_draft(world)
    year = issuing.today_cst().year
    set_counter(circular.organ, year, 6, actor=world.users["admin"])
    with pytest.raises(CircularError):
        set_counter(circular.organ, year, 3, actor=world.users["admin"])
    issue(app, world, circular)
    db.session.commit()
    assert circular.number == 7


def test_concurrent_issuing_never_duplicates_or_skips(app, world):
    """Several reviewers press 印发 at once: every number 1..N is used exactly once."""
    confirmed_findings(world)
    organ = make_organ()
    ids = [make_draft(world, organ).id for _ in range(6)]
    db.session.commit()
    builds = []
    start = threading.Barrier(len(ids))
    # Every issuer finishes its first build (with the number it expects) before any takes a number,
    # so the race is certain, not left to the scheduler: all but one must rebuild.
    first_builds_done = threading.Barrier(len(ids))
    local = threading.local()

    def builder(doc, **fonts):
        builds.append(doc.doc_number)
        pdf = build_circular(doc, **fonts)
        if not getattr(local, "waited", False):
            local.waited = True
            first_builds_done.wait(60)
        return pdf

    results, errors = {}, []

    def worker(circular_id):
        with app.app_context():
            try:
                circular = db.session.get(Circular, circular_id)
                circular.recipients  # noqa: B018 - load before the race starts
                start.wait()
                issuing.issue(circular, actor=None, settings=settings_for(app), builder=builder)
                db.session.commit()
                results[circular_id] = circular.number
            except Exception as exc:  # reported below
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(results.values()) == list(range(1, len(ids) + 1))
    db.session.expire_all()
    numbers = db.session.scalars(select(Circular.doc_number).where(Circular.status == "issued")).all()
    assert len(set(numbers)) == len(ids)
    assert db.session.scalar(select(NumberCounter.last_number)) == len(ids)
    copies_per_issue = 1 + len(db.session.get(Circular, ids[0]).recipients)
    assert len(builds) > len(ids) * copies_per_issue, "the race did not happen: no issuer had to rebuild"
