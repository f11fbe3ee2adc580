"""The rectification period (整改期限): set once on the circular, printed in 工作要求, used for due dates.

The period lives in two columns (days, natural or working); the drafter writes it into 工作要求, a change
of period rewrites that phrase in the section, and issuing refuses a text that names another period.
"""
from __future__ import annotations

import re

from .drafting import period_phrase
from .models import Circular

PERIOD_FIELDS = ("rectify_days", "rectify_day_kind")
_ANY_PERIOD = re.compile(r"之日起(\d+)(个工作)?日内")


def current_phrase(circular: Circular) -> str:
    """Return the circular's period as 工作要求 writes it."""
    return period_phrase(circular.rectify_days, circular.rectify_day_kind)


def carry_period(circular: Circular, old_phrase: str) -> None:
    """Rewrite the period phrase in 工作要求 (the edited body and the drafter's text) after a change."""
    new_phrase = current_phrase(circular)
    if new_phrase == old_phrase:
        return
    for section in circular.sections:
        if section.key == "requirements":
            section.body = section.body.replace(f"之日起{old_phrase}", f"之日起{new_phrase}")
            section.generated = section.generated.replace(f"之日起{old_phrase}", f"之日起{new_phrase}")
            if section.pending:
                section.pending = section.pending.replace(f"之日起{old_phrase}", f"之日起{new_phrase}")


def period_mismatch(circular: Circular) -> str:
    """Return the other period 工作要求 names (e.g. 10日内), or '' when the text and the setting agree."""
    wanted = current_phrase(circular)
    for section in circular.sections:
        if section.key == "requirements" and section.included:
            for match in _ANY_PERIOD.finditer(section.body):
                named = match.group(0)[len("之日起"):]
                if named != wanted:
                    return named
    return ""
