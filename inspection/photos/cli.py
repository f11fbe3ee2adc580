"""`flask photos …`: maintenance of stored photos."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .purge import purge_unclaimed
from .uploads import purge_uploads


@click.group("photos")
def cli():
    """Manage stored photos."""


@cli.command("purge-unclaimed")
@click.option("--older-than-hours", type=click.IntRange(min=1), default=168, show_default=True,
              help="Only photos uploaded longer ago than this (phones may be offline for days).")
@click.option("--uploads-older-than-hours", type=click.IntRange(min=1), default=None,
              help="Resumable uploads untouched this long are removed too [default: UPLOAD_EXPIRY_HOURS].")
@click.option("--dry-run", is_flag=True, help="List what would be deleted, delete nothing.")
@with_appcontext
def purge(older_than_hours: int, uploads_older_than_hours: int | None, dry_run: bool):
    """Delete photos no finding references, uploaded more than N hours ago, and stale resumable uploads."""
    config = current_app.config
    hashes = purge_unclaimed(config["PHOTO_DIR"], older_than_hours=older_than_hours, dry_run=dry_run)
    db.session.commit()
    for sha in hashes:
        click.echo(sha)
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {len(hashes)} unclaimed photo(s) older than {older_than_hours} hours")
    upload_hours = uploads_older_than_hours or config["UPLOAD_EXPIRY_HOURS"]
    folder = config.get("UPLOAD_DIR") or Path(config["PHOTO_DIR"]) / "partial"
    ids = purge_uploads(folder, older_than_hours=upload_hours, dry_run=dry_run)
    for upload_id in ids:
        click.echo(f"upload {upload_id}")
    click.echo(f"{verb} {len(ids)} upload(s) untouched for {upload_hours} hours")
