"""Every navigation link names a registered page; a wrong endpoint fails instead of vanishing."""
from __future__ import annotations

import pytest
from flask_login import login_user
from werkzeug.routing import BuildError

from inspection.core import nav


def test_every_nav_endpoint_is_registered(app):
    """All features are always registered, so each NAV endpoint has a view."""
    assert {endpoint for endpoint, _, _ in nav.NAV} <= set(app.view_functions)


def test_a_nav_endpoint_without_a_view_raises(app, world, monkeypatch):
    """A typo in NAV is a BuildError on the page, not a link silently left out."""
    monkeypatch.setattr(nav, "NAV", (*nav.NAV, ("no_such.page", "无", ("admin",))))
    with app.test_request_context("/"):
        login_user(world.users["admin"])
        with pytest.raises(BuildError):
            nav.nav_items()
