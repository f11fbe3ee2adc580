"""Checks and follow-ups that features built on campaigns add to target and team changes.

The campaigns feature may not import the features built on it (tests/test_layers.py), so they register
here at import: a follow-up (回头看) adds its 交叉 rule this way. A check raises CampaignError to refuse.
"""
from __future__ import annotations

from collections.abc import Callable

# check(campaign, target_or_None, unit, team): refuse a target's unit/team (raise CampaignError).
target_checks: list[Callable] = []
# check(campaign, team_or_None, people): refuse a team's leader and members (raise CampaignError).
team_checks: list[Callable] = []
# after(target, *, created: bool, unit_changed: bool): act on a saved target (inside the same transaction).
target_saved: list[Callable] = []


def register(hooks: list[Callable], function: Callable) -> None:
    """Add a function to a hook list once (registering again changes nothing)."""
    if function not in hooks:
        hooks.append(function)


def run(hooks: list[Callable], *args, **kwargs) -> None:
    """Call every function of a hook list in the order registered."""
    for function in list(hooks):
        function(*args, **kwargs)
