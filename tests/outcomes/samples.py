"""Test data for 处理意见: an outcome stored directly (the access-matrix sample), issued circular helpers."""
from __future__ import annotations

from datetime import date

from inspection.extensions import db
from inspection.outcomes.models import Outcome


def add_outcome_sample(sample) -> int:
    """Give the sample finding an outcome of its first person (the access-matrix walk's outcome_id)."""
    finding = sample.finding
    person = finding.persons[0] if finding.persons else None
    outcome = Outcome(finding_id=finding.id, person_id=getattr(person, "id", None),
                      person_name=getattr(person, "name", "张某"), post=getattr(person, "post", ""),
                      cadre_level=getattr(person, "cadre_level", "staff"), measure="criticism", body="县纪委监委",
                      decided_on=date(2026, 11, 25))
    db.session.add(outcome)
    db.session.commit()
    return outcome.id
