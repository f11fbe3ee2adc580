"""The app's command line: `python -m inspection COMMAND` (or the `inspection` script) is `flask --app wsgi COMMAND`.

It works from an installed wheel as well as from a checkout; a configuration error prints one line
("configuration error: …") on stderr and exits with status 2 (see inspection.config.ConfigError).
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup, ScriptInfo

from . import create_app
from .config import ConfigError


def _create_app():
    """Build the app from the environment, as wsgi.py does."""
    return create_app()


class _Group(FlaskGroup):
    """Flask's command group, with `--help` also ending in one line when the configuration is wrong."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the commands; a configuration error stops here instead of printing Flask's traceback."""
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except ConfigError as exc:
            exc.show()
            ctx.exit(exc.exit_code)
        return super().list_commands(ctx)


cli = _Group(name="inspection", create_app=_create_app, help="Commands of the unannounced-inspection app.")


def main() -> None:
    """Run the command line."""
    cli.main(prog_name="inspection")


if __name__ == "__main__":
    main()
