"""The unannounced-inspection (明察暗访) app: create_app() builds a configured Flask application."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import data_dir, instance_dir, load_config
from .core.logs import configure_logging
from .errors import register_error_handlers
from .extensions import csrf, db, limiter, login_manager, migrate

logger = logging.getLogger(__name__)

def create_app(config: dict | None = None) -> Flask:
    """Create the app; `config` overrides the environment (tests pass a mapping)."""
    app = Flask(
        __name__,
        instance_path=str(instance_dir()),
        template_folder=str(data_dir("templates")),
        static_folder=str(data_dir("static")),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_extensions(app: Flask) -> None:
    """Bind database, migrations, login and CSRF to the app."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(data_dir("migrations")), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)  # sign-in rate limits (inspection/auth/limits.py)
    if hops := int(app.config.get("TRUST_PROXY") or 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client is `hops` addresses back in X-Forwarded-For; scheme and host come from the nearest proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=1, x_host=1)  # type: ignore[method-assign]
    from .auth import loaders  # noqa: F401  (registers the user and token loaders)
    from . import models  # noqa: F401  (imports every model so metadata is complete)
    from .rectification import hooks as rectification_hooks
    from .core.security import init_app as init_security
    from .core.templating import init_app as init_templating

    init_templating(app)
    init_security(app)
    rectification_hooks.connect()  # items made when a circular is issued


def register_blueprints(app: Flask) -> None:
    """Register every feature's blueprint, after importing the route modules that join a shared one."""
    from .audit import views as audit_views
    from .auth import api as auth_api, views as auth_views
    from .campaigns import views as campaign_views
    from .checklists import views as checklist_views
    from .circulars import blueprint as circulars
    from .circulars import editor, inbox, organ_views, views as circular_views  # noqa: F401  (routes on circulars.bp)
    from .core import views as core_views
    from .field import views as field_views
    from .followup import blueprint as followup  # route modules: see followup/blueprint.py
    from .followup import desk_views as followup_desk  # noqa: F401  (routes on followup.bp: the recheck desk)
    from .followup import plan_views  # noqa: F401  (routes on followup.bp)
    from .followup import report_views  # noqa: F401  (routes on followup.bp; registers the 整改情况通报 drafter)
    from .outcomes import blueprint as outcomes  # route modules: see outcomes/blueprint.py
    from .outcomes import views as outcome_views  # noqa: F401  (routes on outcomes.bp)
    from .photos import views as photo_views
    from .rectification import blueprint as rectification  # route modules: see rectification/blueprint.py
    from .rectification import (calendar_views, desk_views, liaison_views,  # noqa: F401  (routes on rectification.bp)
                                ledger_views as rectification_ledger)
    from .review import actions, ledger_views, views as review_views  # noqa: F401  (routes on review.bp)
    from .review import blueprint as review
    from .stats import api as stats_api, views as stats_views
    from .sync import api as sync_api, tus as tus_api
    from .units import views as unit_views
    from .users import views as user_views
    from .visits import views as visit_views

    for bp in (core_views.bp, auth_views.bp, auth_api.bp, user_views.bp, unit_views.bp, checklist_views.bp,
               campaign_views.bp, audit_views.bp, photo_views.bp, circulars.bp, sync_api.bp, review.bp, rectification.bp,
               followup.bp, outcomes.bp, visit_views.bp, stats_views.bp, stats_api.bp, field_views.bp, tus_api.bp):
        app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    """Register every feature's CLI group."""
    from .circulars.cli import cli as circulars_cli
    from .demo.cli import cli as demo_cli
    from .photos.cli import cli as photos_cli
    from .rectification.cli import cli as rectification_cli
    from .sync.cli import cli as sync_cli
    from .users.cli import cli as users_cli

    for group in (sync_cli, photos_cli, users_cli, demo_cli, circulars_cli, rectification_cli):
        app.cli.add_command(group)
