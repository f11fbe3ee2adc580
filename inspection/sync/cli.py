"""`flask sync …`: look at stored batches and re-apply those that failed."""
from __future__ import annotations

import uuid

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from . import services
from .models import SyncBatch


@click.group("sync")
def cli():
    """Inspect and re-apply stored sync batches."""


@cli.command("list")
@click.option("--status", type=click.Choice(["received", "applied", "failed"]), default=None,
              help="Only batches in this state.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@with_appcontext
def list_batches(status: str | None, limit: int):
    """List stored batches, newest first: batch id, user, device, state, attempts, records."""
    query = select(SyncBatch).order_by(SyncBatch.id.desc()).limit(limit)
    if status:
        query = query.where(SyncBatch.status == status)
    for batch in db.session.scalars(query):
        click.echo(f"{batch.batch_id}\t{batch.user.username}\t{batch.device_id}\t{batch.status}\t"
                   f"attempts={batch.attempts}\treceived={batch.received_at.isoformat()}"
                   + (f"\terror={batch.error.splitlines()[0][:120]}" if batch.error else ""))


@cli.command("reapply")
@click.argument("batch_id", required=False)
@click.option("--all-failed", is_flag=True, help="Every failed batch (and any left unapplied).")
@with_appcontext
def reapply(batch_id: str | None, all_failed: bool):
    """Apply a stored batch again from its stored copy (a batch already applied is left as it is)."""
    if bool(batch_id) == all_failed:
        raise click.UsageError("give a BATCH_ID or --all-failed (not both)")
    if all_failed:
        batches = services.batches_to_reapply()
    else:
        try:
            batch = services.find_batch(uuid.UUID(batch_id))
        except ValueError:
            raise click.BadParameter("not a UUID", param_hint="BATCH_ID") from None
        if batch is None:
            raise click.ClickException(f"no stored batch {batch_id}")
        batches = [batch]
    failures = skipped = 0
    for batch in batches:
        pk, ident, status = batch.id, batch.batch_id, batch.status
        if status == "applied":
            skipped += 1
            click.echo(f"{ident}: already applied; nothing to do")
            continue
        try:
            results, _ = services.apply_batch(pk)
        except Exception as exc:  # noqa: BLE001 (reported per batch; the batch stays marked failed)
            failures += 1
            click.echo(f"{ident}: failed again: {type(exc).__name__}: {exc}", err=True)
            continue
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"{ident}: applied ({summary})")
    click.echo(f"{len(batches) - failures - skipped} of {len(batches)} batch(es) applied"
               + (f", {skipped} had been applied already" if skipped else ""))
    if failures:
        raise SystemExit(1)
