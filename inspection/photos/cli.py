"""`flask photos …`: maintenance of stored photos."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .purge import purge_unclaimed


@click.group("photos")
def cli():
    """Manage stored photos."""


@cli.command("purge-unclaimed")
@click.option("--older-than-hours", type=click.IntRange(min=1), default=168, show_default=True,
              help="Only photos uploaded longer ago than this (phones may be offline for days).")
@click.option("--dry-run", is_flag=True, help="List what would be deleted, delete nothing.")
@with_appcontext
def purge(older_than_hours: int, dry_run: bool):
    """Delete photos no finding references, uploaded more than N hours ago."""
    hashes = purge_unclaimed(current_app.config["PHOTO_DIR"], older_than_hours=older_than_hours, dry_run=dry_run)
    db.session.commit()
    for sha in hashes:
        click.echo(sha)
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {len(hashes)} unclaimed photo(s) older than {older_than_hours} hours")
