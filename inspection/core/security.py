"""Response headers that keep pages out of caches and frames, and stop content sniffing."""
from __future__ import annotations

from flask import Flask, Response, request


def add_security_headers(response: Response) -> Response:
    """Set defensive headers on every response; signed-in pages are never stored by caches."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
    if response.mimetype in ("text/html", "application/json") and not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)
