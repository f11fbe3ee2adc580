"""What the 处理意见 pages show: who may see which circular or finding, and each finding's persons with their
outcomes, grouped by unit. Plain queries; the views render them.

Admins, coordinators and reviewers see every circular (drafts too) and every finding; a viewer (领导) sees
issued circulars only, and a finding only when an issued circular includes it. Anything else is a 404.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.roles import ADMIN, COMMISSION, REVIEWER, VIEWER
from ..circulars.access import can_see_circular
from ..circulars.models import Circular, CircularFinding
from ..extensions import db
from ..findings.models import Finding, InvolvedPerson
from .models import Outcome
from .numbers import OutcomeFigures, summarise

READERS = (*COMMISSION, VIEWER)
ACTORS = (ADMIN, REVIEWER)


@dataclass
class FindingEntry:
    """One confirmed finding with each person's outcomes, and outcomes naming no person of it (约谈 …)."""

    finding: Finding
    persons: list[tuple[InvolvedPerson, list[Outcome]]] = field(default_factory=list)
    others: list[Outcome] = field(default_factory=list)


@dataclass
class UnitEntry:
    """One unit of a circular: its confirmed findings and the 约谈 recorded on them."""

    unit_id: int | None
    name: str
    findings: list[FindingEntry] = field(default_factory=list)

    @property
    def interviews(self) -> list[Outcome]:
        """Return the unit's 约谈 outcomes across its findings."""
        return [o for entry in self.findings for o in entry.others if o.measure == "leader_interview"]


def can_record(user) -> bool:
    """Tell whether the user may record, edit and delete outcomes."""
    return user.role in ACTORS


def visible_circular(user, circular_id: int) -> Circular | None:
    """Return the circular if the user may see it, else None (the caller answers 404)."""
    circular = db.session.get(Circular, circular_id)
    return circular if can_see_circular(user, circular) else None


def visible_finding(user, finding_id: uuid.UUID) -> Finding | None:
    """Return the finding if the user may see its outcomes, else None."""
    if user.role in COMMISSION:
        return db.session.get(Finding, finding_id)
    if user.role != VIEWER:
        return None
    issued = (select(CircularFinding.finding_id).join(Circular, Circular.id == CircularFinding.circular_id)
              .where(Circular.status == "issued", CircularFinding.included.is_(True)))
    return db.session.scalar(select(Finding).where(Finding.id == finding_id, Finding.id.in_(issued)))


def visible_outcome(user, outcome_id: int) -> Outcome | None:
    """Return the outcome if the user may change it (admins and reviewers), else None."""
    return db.session.get(Outcome, outcome_id) if can_record(user) else None


def _outcomes_of(finding_ids: list) -> dict:
    """Load the outcomes of the findings, grouped by finding id, in recorded order."""
    grouped: dict = {}
    if not finding_ids:
        return grouped
    query = select(Outcome).where(Outcome.finding_id.in_(finding_ids)).order_by(Outcome.decided_on, Outcome.id)
    for outcome in db.session.scalars(query):
        grouped.setdefault(outcome.finding_id, []).append(outcome)
    return grouped


def finding_entry(finding: Finding, outcomes: list[Outcome]) -> FindingEntry:
    """Pair each person of the finding with their outcomes; the rest name no person of it."""
    entry = FindingEntry(finding)
    ids = {p.id for p in finding.persons}
    for person in finding.persons:
        entry.persons.append((person, [o for o in outcomes if o.person_id == person.id]))
    entry.others = [o for o in outcomes if o.person_id not in ids]
    return entry


def single_finding(finding: Finding) -> FindingEntry:
    """Return one finding's entry."""
    return finding_entry(finding, _outcomes_of([finding.id]).get(finding.id, []))


def circular_units(circular: Circular) -> list[UnitEntry]:
    """Group the circular's included, confirmed findings by unit, in the circular's order."""
    links = db.session.scalars(
        select(CircularFinding).where(CircularFinding.circular_id == circular.id, CircularFinding.included.is_(True))
        .order_by(CircularFinding.position, CircularFinding.id)
        .options(selectinload(CircularFinding.finding).selectinload(Finding.persons),
                 selectinload(CircularFinding.finding).selectinload(Finding.unit)))
    findings = [link.finding for link in links if link.finding.status == "confirmed"]
    outcomes = _outcomes_of([f.id for f in findings])
    units: dict = {}
    for finding in findings:
        unit = units.get(finding.unit_id)
        if unit is None:
            unit = units[finding.unit_id] = UnitEntry(finding.unit_id, finding.unit.name if finding.unit else "未关联单位")
        unit.findings.append(finding_entry(finding, outcomes.get(finding.id, [])))
    return list(units.values())


def figures_of(entries: list[FindingEntry]) -> OutcomeFigures:
    """Count the outcomes shown on a page with the statistics' own rules."""
    rows = [(o.measure, o.cadre_level, e.finding.unit_id, o.person_name, 1)
            for e in entries for o in [*(x for _, found in e.persons for x in found), *e.others]]
    return summarise(rows)


def unit_finding(circular: Circular, unit_id: int) -> Finding | None:
    """Return the first confirmed finding of the unit in the circular (a 约谈 form per unit is filed on it)."""
    for unit in circular_units(circular):
        if unit.unit_id == unit_id and unit.findings:
            return unit.findings[0].finding
    return None
