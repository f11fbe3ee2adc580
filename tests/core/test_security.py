"""Content-Security-Policy on desktop pages, and templates free of inline scripts the policy would block."""
from __future__ import annotations

import re
from pathlib import Path

from inspection.core.security import DESKTOP_CSP

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


def test_desktop_pages_carry_the_strict_policy(client, auth, world):
    """Sign-in page and a signed-in desktop page both forbid inline scripts and framing."""
    assert client.get("/login").headers["Content-Security-Policy"] == DESKTOP_CSP
    auth.login("admin")
    policy = client.get("/users/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_field_app_keeps_its_own_policy(client):
    """The offline field app's shell sets its own, different policy, and the desktop one does not replace it."""
    policy = client.get("/field/").headers["Content-Security-Policy"]
    assert policy != DESKTOP_CSP and "worker-src 'self'" in policy


def test_json_responses_get_no_page_policy(client, token_for, world):
    """The policy is for HTML pages; API answers are left alone."""
    response = client.get("/api/v1/auth/me", headers=token_for("inspector1"))
    assert "Content-Security-Policy" not in response.headers


def test_no_template_has_inline_scripts_or_handlers():
    """Every template keeps behaviour in static JS (data-confirm, data-autosubmit), never on*= or inline code."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_HANDLER.search(text) or INLINE_SCRIPT.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
