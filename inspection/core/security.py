"""Response headers that keep pages out of caches and frames, stop content sniffing, and pin HTTPS."""
from __future__ import annotations

from flask import Flask, Response, current_app, request

# Desktop pages: scripts only from our own static files (no inline scripts or on*= handlers), inline styles allowed.
DESKTOP_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# HTTPS only, for a year, once a browser has seen the site over HTTPS. No includeSubDomains: other sites of the
# county's domain may still be plain HTTP, and this app cannot speak for them.
HSTS = "max-age=31536000"


def _is_field_path(path: str) -> bool:
    """Tell whether a path belongs to the offline field app, which sets its own policy."""
    return path == "/field" or path.startswith("/field/")


def add_security_headers(response: Response) -> Response:
    """Set defensive headers on every response; signed-in pages are never stored by caches."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # served over HTTPS (the production default)
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if response.mimetype in ("text/html", "application/json") and not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if response.mimetype == "text/html" and not _is_field_path(request.path):
        response.headers.setdefault("Content-Security-Policy", DESKTOP_CSP)
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)
