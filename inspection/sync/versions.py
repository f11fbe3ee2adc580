"""Synced data and versions of visits and findings: the one shape phones, merges and RecordVersion share.

Synced data of a finding (what phones send, normalised; also what `original` and RecordVersion keep):
    {"visit_id", "item_code", "category", "description", "occurred_at" (UTC ISO), "location", "severity",
     "persons": [{"name", "post", "cadre_level"}], "photos": [{"sha256", "caption", "taken_at"}],
     "reply" (the team's 补充说明 to a 需补充 question, or null; never part of the description)}
Synced data of a recheck (复核; version 1 is its `original`, like a finding's):
    {"visit_id", "finding_id", "verdict", "note", "photos": [{"sha256", "caption", "taken_at"}]}
Synced data of a visit:
    {"target_id", "started_at", "ended_at" (UTC ISO), "lat", "lon", "accuracy", "notes",
     "answers": [{"item_code", "result", "note"}] (sorted by item code)}
Merge keys are these names, except photos and answers, merged one by one as "photo:<sha256>" and
"answer:<item code>" (see sync/merge.py).

Editing a finding outside sync (a reviewer's correction, a decision, a conflict resolution) must count
as a server-side change, or a phone editing from an older version would overwrite it. Change the
values, then call `bump_fields(finding, [names changed])` once, in the same unit of work: it bumps
`version`, marks each name in `field_versions` (model names such as "item_id" or "photos" are understood
as aliases of the merge keys "item_code" and "photo:*"), and keeps the finding's synced data as that
version, the base a later three-way merge compares against. Then call
`sync.changes.emit_finding_change(finding, kind, payload)` so the team's phones hear of it. A recheck
changed outside sync (its review) is counted the same way: `bump_recheck(recheck, [names])`, then
`sync.changes.emit_recheck_change(recheck, kind, payload)`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from ..extensions import db
from ..findings.models import Finding
from ..followup.models import Recheck
from ..visits.models import Visit
from .merge import bump, iso
from .models import RecordVersion

PERSON_KEYS = ("name", "post", "cadre_level")


def _get(item, key: str):
    """Read one key of a mapping (validated input) or attribute of a row."""
    return item[key] if isinstance(item, Mapping) else getattr(item, key)


def persons_data(persons: Iterable) -> list[dict]:
    """Return involved persons (rows or mappings) as synced data: {name, post, cadre_level} each, in order."""
    return [{key: _get(person, key) for key in PERSON_KEYS} for person in persons]


def photos_data(photos: Iterable) -> list[dict]:
    """Return photo references (rows or mappings) as synced data: {sha256, caption, taken_at (UTC ISO)} each."""
    return [{"sha256": _get(photo, "sha256"), "caption": _get(photo, "caption"),
             "taken_at": iso(_get(photo, "taken_at"))} for photo in photos]


def finding_data(finding: Finding) -> dict:
    """Return a finding's current synced data."""
    if finding.visit_id is not None:
        code = finding.item.code if finding.item_id is not None else None
    else:
        code = latest_data(finding).get("item_code")  # not resolvable until its visit arrives
    return {
        "visit_id": str(finding.visit_ref),
        "item_code": code,
        "category": finding.category,
        "description": finding.description,
        "occurred_at": iso(finding.occurred_at),
        "location": finding.location,
        "severity": finding.severity,
        "persons": persons_data(finding.persons),
        "photos": photos_data(finding.photos),
        "reply": finding.reply,
    }


def latest_data(finding: Finding) -> dict:
    """Return the synced data kept for the finding's current version (its original at version 1)."""
    if finding.version == 1:
        return finding.original or {}
    data = db.session.scalar(select(RecordVersion.data).where(
        RecordVersion.entity_type == "finding", RecordVersion.entity_id == finding.id,
        RecordVersion.version == finding.version))
    return data or {}


def bump_fields(finding: Finding, fields) -> int:
    """Count a non-sync change to `fields` (see the module docstring); return the new version."""
    return bump(finding, fields, finding_data(finding), "finding")


def recheck_data(recheck: Recheck) -> dict:
    """Return a recheck's current synced data."""
    return {
        "visit_id": str(recheck.visit_ref),
        "finding_id": str(recheck.finding_id),
        "verdict": recheck.verdict,
        "note": recheck.note,
        "photos": photos_data(recheck.photos),
    }


def bump_recheck(recheck: Recheck, fields) -> int:
    """Count a non-sync change to a recheck's `fields` (its review: "status", "decision"); return the version."""
    return bump(recheck, fields, recheck_data(recheck), "recheck")


def visit_data(visit: Visit, codes: dict[int, str]) -> dict:
    """Return a visit's current synced data; `codes` maps checklist item ids to codes."""
    return {
        "target_id": visit.target_id,
        "started_at": iso(visit.started_at),
        "ended_at": iso(visit.ended_at),
        "lat": visit.lat,
        "lon": visit.lon,
        "accuracy": visit.accuracy,
        "notes": visit.notes,
        "answers": sorted(({"item_code": codes[a.item_id], "result": a.result, "note": a.note}
                           for a in visit.answers), key=lambda a: a["item_code"]),
    }


def dedupe_photos(photos: list[dict]) -> list[dict]:
    """Drop repeated hashes from a phone's photo list, keeping the first (findings and rechecks alike)."""
    seen, out = set(), []
    for photo in photos:
        if photo["sha256"] not in seen:
            seen.add(photo["sha256"])
            out.append(photo)
    return out
