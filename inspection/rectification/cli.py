"""`flask rectification …`: make items for circulars issued before 整改 existed, daily reminders, listing."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..circulars.models import Circular
from ..core.dates import today_cst
from ..extensions import db
from .deadlines import ColourRule, colour_of
from .models import ITEM_STATUSES
from .models import RectificationItem as Item
from .queries import ItemFilter, ordered
from .reminders import remind
from .services import create_items

STATUS_CODES = {label: code for code, label in ITEM_STATUSES.items()}


def _rule() -> ColourRule:
    """Today's 督办 thresholds from the config."""
    return ColourRule.from_config(current_app.config, today_cst())


@click.group("rectification")
def cli():
    """整改: backfill items, record reminders, list items."""


@cli.command("backfill")
@with_appcontext
def backfill():
    """Make the items of every issued circular that has none yet (circulars issued before this feature)."""
    total = 0
    percent = current_app.config["RECTIFY_YELLOW_PERCENT"]
    for circular in db.session.scalars(select(Circular).where(Circular.status == "issued").order_by(Circular.id)):
        made = create_items(circular, actor=None, yellow_percent=percent)
        if made:
            click.echo(f"{circular.doc_number}\t{made}")
        total += made
    db.session.commit()
    click.echo(f"created {total} items")


@cli.command("remind")
@with_appcontext
def remind_command():
    """Record today's 催办 for every unit with items due soon or overdue (run daily)."""
    rule = _rule()
    made = remind(rule)
    db.session.commit()
    for reminder in made:
        click.echo(f"{reminder.unit.name}\t{reminder.overdue} overdue\t{reminder.due_soon} due soon")
    click.echo(f"{len(made)} reminders for {rule.today.isoformat()}")


@cli.command("list")
@click.option("--circular", "circular_id", type=int, help="Only this circular's items.")
@click.option("--unit", "unit_id", type=int, help="Only this unit's items.")
@click.option("--status", type=click.Choice([*ITEM_STATUSES, *ITEM_STATUSES.values()]),
              help="pending/submitted/closed/returned (or 待整改/已报送/已销号/退回).")
@click.option("--overdue", is_flag=True, help="Only items past their due date and not reported.")
@with_appcontext
def list_items(circular_id, unit_id, status, overdue):
    """Print one item a line, tab-separated: id, unit, status, due date, colour (blue/yellow/red/none)."""
    rule = _rule()
    code = STATUS_CODES.get(status, status) if status else ""
    query = ItemFilter(circular_id=circular_id, unit_id=unit_id, status=code, overdue=overdue).apply(select(Item), rule)
    for item in db.session.scalars(ordered(query)):
        click.echo("\t".join([str(item.id), item.unit.name, item.status_label, item.due_date.isoformat(),
                              colour_of(item, rule)]))
