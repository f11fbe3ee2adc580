"""Every audit action, entity type and snapshot field the code writes has a Chinese label."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from inspection.audit.labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS
from inspection.review.services import DECISION_STATUS

PACKAGE = Path(__file__).resolve().parents[2] / "inspection"


def _audit_calls():
    """Yield (file, action node, entity node, call) for every record(...) and ctx.audit(...) call."""
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = {"record": 1, "audit": 0}.get(name)  # record() takes the actor first
                if first is not None and len(node.args) >= first + 3:
                    yield path.name, node.args[first], node.args[first + 1], node


def _constants(node):
    """The literal strings a call argument can be, or None for an f-string or a variable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        left, right = _constants(node.body), _constants(node.orelse)
        return left | right if left is not None and right is not None else None
    return None


def _dict_keys(call):
    """Literal keys of the before=/after= dicts of a call."""
    for keyword in call.keywords:
        if keyword.arg in ("before", "after") and isinstance(keyword.value, ast.Dict):
            for key in keyword.value.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value


def test_every_literal_action_and_entity_has_a_label():
    """Actions of every feature (users, circulars, review, sync, ledger …) show in Chinese in the log."""
    missing, seen = set(), 0
    for filename, action, entity, _ in _audit_calls():
        for codes, labels in ((_constants(action), ACTION_LABELS), (_constants(entity), ENTITY_LABELS)):
            for code in codes or ():
                seen += 1
                if code not in labels:
                    missing.add(f"{filename}: {code}")
    assert seen > 60 and missing == set()


def test_review_decisions_have_labels():
    """The review desk writes finding.<status> from its decisions; each has a label."""
    assert {f"finding.{status}" for status in DECISION_STATUS.values()} <= set(ACTION_LABELS)


def test_literal_snapshot_fields_have_labels():
    """Keys written literally into before/after snapshots are shown by name in the diff table."""
    missing = {key for *_, call in _audit_calls() for key in _dict_keys(call) if key not in FIELD_LABELS}
    assert missing == set()


def _entity_is_finding(entity) -> bool:
    return isinstance(entity, ast.Constant) and entity.value == "finding"


def test_every_finding_history_line_is_chinese():
    """The review desk's 处理记录 (review/history.py) names in Chinese every key a finding's event can hold:
    literal snapshot keys, the synced fields a phone's edit lists, its version and device, a photo."""
    from inspection.review.history import history_label

    keys = {key for _, action, entity, call in _audit_calls() if _entity_is_finding(entity)
            for key in _dict_keys(call)}
    keys |= {"visit_id", "item_code", "category", "description", "occurred_at", "location", "severity",  # synced
             "persons", "photos", "status", "version", "device", "photo:" + "0" * 64}
    latin = {key: history_label(key) for key in keys if re.search("[A-Za-z]", history_label(key))}
    assert len(keys) > 15 and latin == {}
