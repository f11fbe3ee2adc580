"""`flask demo`: fill an empty database with the demo county (示例县)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from . import services


@click.command("demo")
@click.option("--force", is_flag=True, help="Delete ALL existing data first, then load the demo.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has data.")
@with_appcontext
def cli(force: bool, if_empty: bool):
    """Load the demo county into an empty database."""
    if not services.database_is_empty():
        if if_empty:
            click.echo("database already has data; demo not loaded")
            return
        if not force:
            raise click.ClickException("the database is not empty; use --force to delete everything and reload")
        services.wipe_all()
    password = current_app.config["DEMO_PASSWORD"]
    summary = services.load_demo(password=password, photo_dir=current_app.config["PHOTO_DIR"],
                                 max_bytes=current_app.config["MAX_PHOTO_BYTES"],
                                 max_pixels=current_app.config["MAX_PHOTO_PIXELS"])
    db.session.commit()
    click.echo(f"示例县 demo loaded: {summary.units} units, {summary.users} users, "
               f"{summary.findings} findings, {summary.photos} photos")
    click.echo("circulars: 示纪办通〔2026〕1号 issued for the closed campaign; a draft for the active one")
    click.echo("users: admin, coordinator, reviewer, viewer, inspector1-6, "
               f"liaison1-{summary.units} (one per unit)")
    click.echo(f"password for every demo user: {password}")
