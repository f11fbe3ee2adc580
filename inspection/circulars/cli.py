"""`flask circulars …`: list circulars and write a circular's PDF, for scripts and the office's own tools."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from . import issuing
from .models import Circular
from .services import CircularError
from .storage import TamperedFile


def _settings() -> issuing.RenderSettings:
    """Return the render settings from the app's config."""
    return issuing.RenderSettings.from_config(current_app.config)


@click.group("circulars")
def cli():
    """List circulars and export their PDFs."""


@cli.command("list")
@with_appcontext
def list_circulars():
    """List circulars: id, document number, title, status (tab-separated)."""
    for circular in db.session.scalars(select(Circular).order_by(Circular.id)):
        number = circular.doc_number or "-"
        click.echo(f"{circular.id}\t{number}\t{circular.title}\t{circular.status}")


@cli.command("pdf")
@click.argument("circular_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write the PDF to.")
@with_appcontext
def pdf(circular_id, output):
    """Write a circular's PDF: the issued archive copy, or a watermarked preview of a draft."""
    circular = db.session.get(Circular, circular_id)
    if circular is None:
        raise click.ClickException(f"no circular with id {circular_id}")
    try:
        if circular.is_issued:
            data = issuing.archive_pdf(circular, actor=None, settings=_settings())
        else:
            data = issuing.build_pdf(circular, _settings())
    except CircularError as exc:
        raise click.ClickException(exc.message) from None
    except TamperedFile:
        raise click.ClickException("the issued PDF on disk does not match its stored SHA-256") from None
    Path(output).write_bytes(data)
    db.session.commit()  # the audit event of an issued copy's export
    kind = "issued" if circular.is_issued else "draft preview"
    click.echo(f"wrote {kind} of circular {circular.id} to {output} ({len(data)} bytes)")
