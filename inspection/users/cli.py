"""`flask users …`: create, list and disable accounts from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..auth import services
from ..auth.models import User
from ..auth.roles import ROLES
from ..extensions import db
from ..units.models import Unit


@click.group("users")
def cli():
    """Manage user accounts."""


@cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The account's role.")
@click.option("--unit", "unit_name", default=None, help="Unit name or short name (liaisons only).")
@click.option("--display-name", default="", help="The person's name as shown in the app.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Password (prompted when omitted).")
@with_appcontext
def create(username, role, unit_name, display_name, password):
    """Create an account."""
    unit = None
    if unit_name:
        unit = db.session.scalar(select(Unit).where((Unit.name == unit_name) | (Unit.short_name == unit_name)))
        if unit is None:
            raise click.ClickException(f"unknown unit: {unit_name}")
    try:
        user = services.create_user(username, password, role, unit=unit, display_name=display_name)
    except services.AuthError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")


@cli.command("list")
@with_appcontext
def list_users():
    """List accounts: username, role, unit, active."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        unit = user.unit.name if user.unit else "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{unit}\t{state}")


@cli.command("disable")
@click.argument("username")
@with_appcontext
def disable(username):
    """Disable an account and revoke its device tokens."""
    from ..users.services import set_active

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no such user: {username}")
    set_active(user, False, actor=None)
    db.session.commit()
    click.echo(f"disabled {username}")
