"""What applying one sync batch needs to know and remember: the user's writable targets, the records
already on the server, checklist items, and rows waiting to be inserted together.

The record appliers (sync/visit_records.py, sync/finding_records.py, sync/recheck_records.py) take an
ApplyContext explicitly.
Lookups are cached for the batch; `prefetch` loads every record a batch names in a few queries (locking
them on PostgreSQL), and new findings are buffered as plain rows and inserted in bulk by `flush`.

Locks are taken in one global order, visits, findings, rechecks, each kind by id (`apply_order`): the
batch's records are applied in that order (sync.services.apply_batch) and `prefetch` locks in it, so
two batches naming the same records wait for each other instead of deadlocking.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, text

from ..audit.models import AuditEvent
from ..campaigns.models import Campaign, Target
from ..campaigns.visibility import writable_target_filter
from ..checklists.models import ChecklistItem
from ..extensions import db
from ..findings.models import Finding, FindingPhoto, InvolvedPerson
from ..followup.models import FollowupProblem, Recheck
from ..visits.models import Visit

CREATED = object()  # marks a record inserted by this batch but not loaded as an object


class RecordRejected(Exception):
    """A record cannot be applied: `status` is invalid or forbidden, `errors` says why (field -> messages)."""

    def __init__(self, status: str, errors: dict):
        """Keep the status and the errors."""
        super().__init__(status)
        self.status = status
        self.errors = errors


def invalid(field_name: str, message: str) -> RecordRejected:
    """Build an `invalid` rejection for one field."""
    return RecordRejected("invalid", {field_name: [message]})


def forbidden(field_name: str, message: str) -> RecordRejected:
    """Build a `forbidden` rejection for one field."""
    return RecordRejected("forbidden", {field_name: [message]})


@dataclass(frozen=True)
class Place:
    """Where a visit happened: its target and what the target belongs to."""

    target_id: int
    campaign_id: int
    unit_id: int
    team_id: int
    checklist_id: int


@dataclass(frozen=True)
class Problem:
    """One earlier problem on a follow-up target's list (what a recheck is of)."""

    id: int
    target_id: int
    campaign_id: int
    unit_id: int
    team_id: int
    item_id: int


@dataclass
class Outcome:
    """The answer for one applied record."""

    status: str
    version: int | None
    photos: list[str] = field(default_factory=list)  # photo hashes the record references
    conflicts: dict | None = None


class ApplyContext:
    """Caches and write buffers for applying one batch on behalf of one user and device."""

    def __init__(self, user, *, device_id: str, now: datetime, ip: str = "", lock: bool = True):
        """Start empty caches for one batch by `user` from `device_id`."""
        self.user, self.device_id, self.now, self.ip, self.lock = user, device_id, now, ip, lock
        self._writable: dict[int, Place] | None = None
        self._findings: dict[uuid.UUID, object] = {}
        self._visits: dict[uuid.UUID, object] = {}
        self._places: dict[uuid.UUID, Place | None] = {}
        self._rechecks: dict[uuid.UUID, object] = {}
        self._problems: dict[int, dict[uuid.UUID, Problem]] = {}
        self._items: dict[int, dict[str, tuple[int, str]]] = {}
        self.finding_rows: list[dict] = []
        self.person_rows: list[dict] = []
        self.photo_rows: list[dict] = []
        self.audit_rows: list[dict] = []
        self.created: dict[str, list[str]] = {"visit": [], "finding": [], "recheck": []}

    # -- permissions ------------------------------------------------------------------------------
    @property
    def writable(self) -> dict[int, Place]:
        """Targets this user may record at: their teams' targets in active campaigns."""
        if self._writable is None:
            self._writable = {}
            if self.user.active:
                rows = core(
                    select(Target.id, Target.campaign_id, Target.unit_id, Target.team_id, Campaign.checklist_id)
                    .join(Campaign, Target.campaign_id == Campaign.id).where(writable_target_filter(self.user)))
                self._writable = {row[0]: Place(*row) for row in rows}
        return self._writable

    def can_write(self, target_id: int | None) -> bool:
        """Tell whether the user may record visits and findings at a target."""
        return target_id in self.writable

    # -- lookups ----------------------------------------------------------------------------------
    def prefetch(self, records: list[dict]) -> None:
        """Load every record a batch names (and the visits its findings and rechecks point at) at once."""
        ids_of = {kind: [r["id"] for r in records if r["type"] == kind] for kind in ("visit", "finding", "recheck")}
        for model, ids, cache in ((Visit, ids_of["visit"], self._visits), (Finding, ids_of["finding"], self._findings),
                                  (Recheck, ids_of["recheck"], self._rechecks)):
            if ids:  # ids first (usually none exist yet), whole rows only for those that do
                known = set(core(select(model.id).where(model.id.in_(set(ids)))).scalars())
                found = {obj.id: obj for obj in db.session.scalars(self._locked(
                    select(model).where(model.id.in_(sorted(known))).order_by(model.id)))} if known else {}
                for ident in ids:
                    cache.setdefault(ident, found.get(ident))
        refs = {_uuid((r.get("data") or {}).get("visit_id")) for r in records if r["type"] in ("finding", "recheck")}
        refs.discard(None)
        refs -= set(self._places)
        if refs:
            rows = core(select(Visit.id, Visit.target_id, Visit.campaign_id, Visit.unit_id,
                                             Visit.team_id, Visit.checklist_id).where(Visit.id.in_(refs)))
            for row in rows:
                self._places[row[0]] = Place(*row[1:])
            for ref in refs:
                self._places.setdefault(ref, None)

    def _locked(self, query):
        """Lock selected rows until commit (PostgreSQL) so concurrent batches edit one at a time.

        FOR NO KEY UPDATE: a finding inserted by another batch checks its visit with a key-share lock,
        which this does not block (FOR UPDATE would, and the two batches could then wait on each other).
        """
        if not self.lock:
            return query
        return query.with_for_update(key_share=True).execution_options(populate_existing=True)

    def finding(self, finding_id: uuid.UUID) -> Finding | None:
        """Return the finding with this id, if it exists (loading it, locked, when needed)."""
        return self._get(Finding, finding_id, self._findings)

    def visit(self, visit_id: uuid.UUID) -> Visit | None:
        """Return the visit with this id, if it exists."""
        return self._get(Visit, visit_id, self._visits)

    def recheck(self, recheck_id: uuid.UUID) -> Recheck | None:
        """Return the recheck with this id, if it exists (loading it, locked, when needed)."""
        return self._get(Recheck, recheck_id, self._rechecks)

    def problems(self, target_id: int) -> dict[uuid.UUID, Problem]:
        """Return a follow-up target's list of earlier problems by finding id (empty for any other target)."""
        if target_id not in self._problems:
            self._load_problems([target_id])
        return self._problems[target_id]

    def problems_of_finding(self, finding_id: uuid.UUID) -> list[Problem]:
        """Return the problems naming this finding on the follow-up targets the user may write at."""
        self._load_problems([t for t in self.writable if t not in self._problems])
        return [problems[finding_id] for target_id, problems in sorted(self._problems.items())
                if target_id in self.writable and finding_id in problems]

    def _load_problems(self, target_ids: list[int]) -> None:
        """Load the problem lists of these targets in one query."""
        if not target_ids:
            return
        rows = core(select(FollowupProblem.id, FollowupProblem.target_id, FollowupProblem.campaign_id,
                           Target.unit_id, Target.team_id, FollowupProblem.item_id, FollowupProblem.finding_id)
                    .join(Target, Target.id == FollowupProblem.target_id)
                    .where(FollowupProblem.target_id.in_(sorted(target_ids))))
        for target_id in target_ids:
            self._problems.setdefault(target_id, {})
        for *fields_, finding_id in rows:
            self._problems[fields_[1]][finding_id] = Problem(*fields_)

    def finding_unit(self, finding_id: uuid.UUID) -> int | None:
        """Return the unit of a finding on the server (None when there is no such finding, or not yet)."""
        return core(select(Finding.unit_id).where(Finding.id == finding_id)).scalar()

    def _get(self, model, ident, cache):
        """Return a cached record, or load it (locked) once buffered rows are inserted."""
        if ident in cache and cache[ident] is not CREATED:
            return cache[ident]
        self.flush()
        obj = db.session.scalar(self._locked(select(model).where(model.id == ident)))
        cache[ident] = obj
        return obj

    def mark_created(self, model, ident) -> None:
        """Remember that this batch created a record, so a later edit in the batch loads it."""
        self._cache(model)[ident] = CREATED

    def remember(self, model, ident, obj) -> None:
        """Cache a record this batch created as an object."""
        self._cache(model)[ident] = obj

    def _cache(self, model) -> dict:
        """Return the cache of one kind of record."""
        return {Finding: self._findings, Recheck: self._rechecks}.get(model, self._visits)

    def place(self, visit_id: uuid.UUID) -> Place | None:
        """Return where a visit took place, or None if the server has no such visit yet."""
        if visit_id not in self._places:
            row = core(select(Visit.target_id, Visit.campaign_id, Visit.unit_id, Visit.team_id,
                                            Visit.checklist_id).where(Visit.id == visit_id)).first()
            self._places[visit_id] = Place(*row) if row else None
        return self._places[visit_id]

    def wait_for_visit(self, visit_id: uuid.UUID) -> None:
        """Take turns with any batch creating this visit or a finding waiting for it (PostgreSQL, until commit).

        Without it a finding could miss its visit being inserted by another request (neither sees the
        other's uncommitted row) and wait for it forever. The visit's creator takes the lock before it
        links waiting findings; a finding about to wait takes it, then looks for the visit again.
        """
        if not self.lock or db.session.get_bind().dialect.name != "postgresql":
            return
        key = (visit_id.int >> 64) - (1 << 63)  # the id's top 64 bits as a signed bigint
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        self._places.pop(visit_id, None)

    def set_place(self, visit_id: uuid.UUID, place: Place) -> None:
        """Record where a visit created in this batch took place."""
        self._places[visit_id] = place

    def items(self, checklist_id: int) -> dict[str, tuple[int, str]]:
        """Return a checklist's items by code: (item id, category)."""
        if checklist_id not in self._items:
            rows = core(select(ChecklistItem.code, ChecklistItem.id, ChecklistItem.category)
                                      .where(ChecklistItem.checklist_id == checklist_id))
            self._items[checklist_id] = {code: (item_id, category) for code, item_id, category in rows}
        return self._items[checklist_id]

    def item_code(self, checklist_id: int | None, item_id: int | None) -> str | None:
        """Return the code of a checklist item given its id."""
        if checklist_id is None or item_id is None:
            return None
        for code, (ident, _) in self.items(checklist_id).items():
            if ident == item_id:
                return code
        return None

    # -- writes -----------------------------------------------------------------------------------
    def audit(self, action: str, entity_type: str, entity_id, summary: str, *, before=None, after=None) -> None:
        """Queue an audit event by this batch's user (inserted with the batch's other rows)."""
        self.audit_rows.append({"at": self.now, "actor_id": self.user.id, "action": action,
                                "entity_type": entity_type, "entity_id": str(entity_id), "summary": summary,
                                "before": before, "after": after, "ip": self.ip})

    def flush(self) -> None:
        """Insert the buffered rows in bulk (after the session's own pending changes)."""
        db.session.flush()
        for model, rows in ((Finding, self.finding_rows), (InvolvedPerson, self.person_rows),
                            (FindingPhoto, self.photo_rows), (AuditEvent, self.audit_rows)):
            if rows:
                db.session.execute(insert(model.__table__), rows)  # Core executemany: no ORM bookkeeping
                rows.clear()

    def mark(self) -> tuple[int, ...]:
        """Return the lengths of the write buffers (to undo one record's rows)."""
        return tuple(len(rows) for rows in self._buffers())

    def undo(self, mark: tuple[int, ...]) -> None:
        """Drop rows buffered after `mark`."""
        for rows, length in zip(self._buffers(), mark):
            del rows[length:]

    def _buffers(self):
        """Return the write buffers and the lists of created ids."""
        return (self.finding_rows, self.person_rows, self.photo_rows, self.audit_rows, *self.created.values())

    def forget(self) -> None:
        """Forget cached records (after a rolled-back attempt, the database may hold others' rows)."""
        self._findings.clear()
        self._visits.clear()
        self._places.clear()
        self._rechecks.clear()


def apply_order(record: dict) -> tuple[int, str]:
    """Sort key of the one global order in which every batch applies, and so locks, its records.

    Visits, then findings, then rechecks (a finding's or recheck's insert checks its visit), each kind by
    id: two batches naming the same records then take their row locks in the same order and cannot
    deadlock on each other.
    """
    return ({"visit": 0, "finding": 1}.get(record["type"], 2), str(record["id"]))


def core(statement):
    """Run a plain SELECT on the session's connection, skipping the ORM's bookkeeping (no entities, no flush)."""
    return db.session.connection().execute(statement)


def _uuid(value) -> uuid.UUID | None:
    """Parse a UUID leniently (prefetch only; the schema validates it properly)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
