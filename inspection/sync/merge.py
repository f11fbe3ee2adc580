"""Three-way merge of a phone's edit with the server's record, field by field.

A record's synced data is a plain dict (what the phone sends, normalised). For merging it is flattened:
list fields whose items have a key become one merge key per item (`photo:<sha256>`, `answer:<item code>`),
so two devices adding different photos or answering different checklist items do not collide.

Every record carries `version` (bumped by each server-side change) and `field_versions` (merge key ->
the version that last changed it). A phone's edit names the version it was based on. For each key:
  * the phone's value equals the server's: nothing to do;
  * the phone's value equals the base (the value at the phone's version): the phone did not touch it;
  * the server has not changed the key since the base: the phone's value is applied;
  * otherwise both changed it: the server's value stays and the phone's is recorded as a conflict.
A key still in an open conflict (`held`: waiting for the reviewer) takes no phone edit either: a new phone
value is recorded beside the server's instead, as the reviewer's own edits are refused until it is settled.
The base comes from RecordVersion rows (a finding's or recheck's version 1 is its `original`). When the
base is not known, a key the server changed since the phone's version counts as a conflict: never a silent
overwrite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from ..extensions import db
from .models import RecordVersion

# List fields merged item by item: field -> (merge-key prefix, the item's identifying key).
LIST_FIELDS = {"photos": ("photo", "sha256"), "answers": ("answer", "item_code")}
# Coarser names other features bump for the same data (review edits use model attribute names).
ALIASES = {"item_code": ("item_id",), "photo": ("photos",), "answer": ("answers",)}


def iso(value: datetime | None) -> str | None:
    """Return an aware datetime as a UTC ISO-8601 string (the one form used in synced data)."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def flatten(data: dict) -> dict:
    """Turn synced data into merge keys: one key per item of a list field, others unchanged."""
    flat = {}
    for name, value in data.items():
        if name in LIST_FIELDS:
            prefix, key = LIST_FIELDS[name]
            for item in value or ():
                flat[f"{prefix}:{item[key]}"] = {k: v for k, v in item.items() if k != key}
        else:
            flat[name] = value
    return flat


def unflatten(flat: dict, order: dict[str, list[str]]) -> dict:
    """Rebuild synced data from merge keys; `order` lists each list field's item keys in display order."""
    data = {}
    for name, value in flat.items():
        if ":" not in name:
            data[name] = value
    for name, (prefix, key) in LIST_FIELDS.items():
        if name in order:
            data[name] = [{key: ident, **flat[f"{prefix}:{ident}"]} for ident in order[name]
                          if flat.get(f"{prefix}:{ident}") is not None]
    return data


def key_version(field_versions: dict, key: str) -> int:
    """Return the version that last changed a merge key, counting coarser aliases bumped elsewhere."""
    names = (key, *ALIASES.get(key.split(":", 1)[0], ()))
    return max(int(field_versions.get(name, 1) or 1) for name in names)


def base_data(entity_type: str, entity, base_version: int) -> dict | None:
    """Return the synced data as it stood at `base_version`, or None when that version was not kept."""
    if base_version >= entity.version:
        return None  # nothing changed on the server since; the base is not needed
    if entity_type in ("finding", "recheck") and base_version == 1 and entity.original:
        return entity.original
    return db.session.scalar(select(RecordVersion.data).where(
        RecordVersion.entity_type == entity_type, RecordVersion.entity_id == entity.id,
        RecordVersion.version == base_version))


@dataclass
class MergeResult:
    """What a phone's edit does: keys applied, and keys in conflict (phone value kept beside)."""

    applied: dict = field(default_factory=dict)
    conflicts: dict = field(default_factory=dict)


def merge(current: dict, incoming: dict, *, field_versions: dict, base_version: int, base: dict | None,
          locked: bool = False, always_add: tuple[str, ...] = (), held: frozenset = frozenset()) -> MergeResult:
    """Merge a phone's (possibly partial) data into the server's current data; see the module docstring.

    `locked` (a reviewed finding) turns every phone change into a conflict; keys with a prefix in
    `always_add` (photos) are applied when the phone adds an item the server does not have; keys in
    `held` (open conflicts) only ever become conflicts.
    """
    cur, inc = flatten(current), flatten(incoming)
    base_flat = flatten(base) if base is not None else None
    for name, (prefix, _) in LIST_FIELDS.items():
        if name in incoming:  # the phone sent the whole list: items it lacks were removed (or never seen)
            for key in (*cur, *(base_flat or ())):
                if key.startswith(prefix + ":") and key not in inc:
                    inc[key] = None
    result = MergeResult()
    for key, phone in inc.items():
        server = cur.get(key)
        if phone == server:
            continue
        if base_flat is not None and base_flat.get(key) == phone:
            continue  # the phone left this key as it was; the server's later change stands
        adding = server is None and key.split(":", 1)[0] in always_add
        if locked or key in held or (key_version(field_versions, key) > base_version and not adding):
            result.conflicts[key] = phone
        else:
            result.applied[key] = phone
    return result


def bump(entity, keys, data: dict, entity_type: str) -> int:
    """Count a change: bump the version, mark `keys` changed at it, and keep `data` as that version."""
    entity.version = (entity.version or 0) + 1
    versions = dict(entity.field_versions or {})
    for key in keys:
        versions[key] = entity.version
    entity.field_versions = versions  # a new dict, so the JSON column is written
    db.session.add(RecordVersion(entity_type=entity_type, entity_id=entity.id, version=entity.version, data=data))
    return entity.version


def conflict_entry(server, phone, *, device_id: str, user_id: int, at: datetime) -> dict:
    """Describe one conflicting key: both values, and which device and user sent the phone's."""
    return {"server": server, "phone": phone, "device": device_id, "user_id": user_id, "at": iso(at)}
