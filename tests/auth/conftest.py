"""Sign-in tests try many unknown names: give the stand-in check the tests' cheap hash parameters too."""
from __future__ import annotations

import pytest

from inspection.auth import services


@pytest.fixture(autouse=True)
def cheap_dummy_hash(monkeypatch):
    """Hash the stand-in password (checked for unknown names) with the cheap test hasher."""
    monkeypatch.setattr(services, "_DUMMY_HASH", services._hasher.hash("not-a-real-password"))
