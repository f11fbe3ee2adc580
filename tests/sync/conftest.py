"""Fixtures for sync tests: bearer headers for the world's inspectors."""
from __future__ import annotations

import pytest


@pytest.fixture
def h1(world, token_for):
    """inspector1 (team A: targets 0 and 1) on their phone."""
    return token_for("inspector1")


@pytest.fixture
def h2(world, token_for):
    """inspector2 (team B: target 2) on their phone."""
    return token_for("inspector2")
