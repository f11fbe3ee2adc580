"""Template filters and globals: China Standard Time display (core/dates.py), navigation by role."""
from __future__ import annotations

from flask import Flask

from .dates import date_cn, format_datetime
from .nav import nav_current, nav_items


def init_app(app: Flask) -> None:
    """Register filters and the navigation global."""
    app.jinja_env.filters["cst"] = format_datetime
    app.jinja_env.filters["date_cn"] = date_cn
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["nav_current"] = nav_current
