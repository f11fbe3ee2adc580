"""Drafters of circulars whose body another feature writes (the 整改情况通报 of 回头看, source "followup").

The circulars feature never imports the features built on it. Such a feature registers a Drafter for its
source when it is imported (create_app imports it); creating and regenerating a circular of that source
then call it, and the draft's page shows its warnings. Editing, issuing, numbered copies and 签收 are the
same for every source.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .drafting import SECTION_LABELS, SectionDraft
from .models import Circular

BUILT_IN = ("campaign", "picked")  # drafted here from the circular's confirmed findings


def _no_warnings(circular: Circular) -> list[str]:
    """Return no warnings."""
    return []


@dataclass(frozen=True)
class Drafter:
    """How one source's circulars are drafted: the sections, the labels of their keys, the page's warnings."""

    sections: Callable[[Circular], list[SectionDraft]]
    labels: Mapping[str, str] = field(default_factory=dict)
    warnings: Callable[[Circular], list[str]] = _no_warnings


_drafters: dict[str, Drafter] = {}


def register(source: str, drafter: Drafter) -> None:
    """Register (or replace) the drafter of a source; a built-in source cannot be taken over."""
    if source in BUILT_IN:
        raise ValueError(f"source {source!r} is drafted by the circulars feature itself")
    _drafters[source] = drafter


def drafter_for(source: str) -> Drafter | None:
    """Return the registered drafter of a source, or None for a built-in or unknown one."""
    return _drafters.get(source)


def section_labels(circular: Circular) -> dict[str, str]:
    """Return what the editor calls each section key of this circular."""
    drafter = drafter_for(circular.source)
    return {**SECTION_LABELS, **(drafter.labels if drafter else {})}


def source_warnings(circular: Circular) -> list[str]:
    """Return the registered drafter's warnings for a draft (e.g. rechecks still awaiting review)."""
    drafter = drafter_for(circular.source)
    if drafter is None or circular.is_issued:
        return []
    return list(drafter.warnings(circular))
