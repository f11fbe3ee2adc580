"""The app's command line: `python -m inspection COMMAND` (or the `inspection` script) is `flask --app wsgi COMMAND`.

It works from an installed wheel as well as from a checkout; a configuration error prints one line
("configuration error: …") on stderr and exits with status 2 (see inspection.config.ConfigError).
"""
from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app


def _create_app():
    """Build the app from the environment, as wsgi.py does."""
    return create_app()


cli = FlaskGroup(name="inspection", create_app=_create_app, help="Commands of the unannounced-inspection app.")


def main() -> None:
    """Run the command line."""
    cli.main(prog_name="inspection")


if __name__ == "__main__":
    main()
