"""Who acts and from where: one Actor per request, passed to services as `actor`, read by the audit writer.

Rule: views build it once with `current_actor()` (the only place that reads the client address); services
take `actor: Actor` and never read `request` or `current_user`; tests, CLI commands and the demo loader use
`Actor.of(user)` (no address). The audit writer takes the IP and device from the Actor it is given.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, request
from flask_login import current_user


@dataclass(frozen=True)
class Actor:
    """The acting user (None for the system or an anonymous sign-in), the client IP and the device token id."""

    user: Any = None
    ip: str = ""
    device: str = ""

    @classmethod
    def of(cls, user) -> Actor:
        """An Actor for a user outside a request (tests, CLI, demo); an Actor passes through unchanged."""
        if isinstance(user, Actor):
            return user
        return cls(user=user)

    @property
    def id(self):
        """The acting user's id (None for the system)."""
        return getattr(self.user, "id", None)

    @property
    def role(self):
        """The acting user's role (None for the system)."""
        return getattr(self.user, "role", None)

    @property
    def username(self) -> str:
        """The acting user's name, or "system"."""
        return getattr(self.user, "username", "system")


def current_actor(user=None) -> Actor:
    """Build this request's Actor (view layer only): the signed-in user (or `user`), client IP and device token."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    token = g.get("api_token")
    return Actor(user=user, ip=(request.remote_addr or "")[:64], device=str(token.id) if token is not None else "")
