"""What a page does when a form arrives after its sign-in or its CSRF token ran out: back through sign-in to the form.

The typed text is kept by the page itself (static/js/drafts.js saves drafts of form fields in the tab's
sessionStorage and restores them when the form is shown again); the server's part is to lead the person
back to the page the form was on, with a message saying so. Flash messages in category "expired" tell
drafts.js that the last submission did not arrive, so it keeps the drafts instead of clearing them.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, request, url_for
from flask_login import current_user

EXPIRED = "expired"
MESSAGES = {
    "signed_out": "登录已过期，请重新登录。刚才填写的内容已保存在本机浏览器中，登录后将回到原页面并自动恢复，请核对后重新提交。",
    "idle": "长时间未操作，已自动退出登录，请重新登录。",
    "lifetime": "登录时间已到，请重新登录。",
    "login_page": "页面已过期，请重新登录。",
    "csrf": "页面已过期，内容未提交。刚才填写的内容已自动恢复，请核对后重新提交。",
}


def safe_path(target: str | None) -> str | None:
    """Return a same-site path (with query) from a URL or path, or None for anything pointing elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def form_page() -> str | None:
    """The page the submitted form was on (the same-site Referer), where the person should return."""
    return safe_path(request.referrer)


def to_sign_in():
    """Redirect an unauthenticated request to the sign-in page, returning afterwards to where it came from.

    A GET returns to itself; a form post (its session ended meanwhile) returns to the form's page, with a
    message that the typed text was kept.
    """
    if request.method in ("GET", "HEAD"):
        reason = g.get("session_expired")
        if reason:
            flash(MESSAGES[reason], "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    back = form_page()
    if back and urlsplit(back).path == url_for("auth.login"):  # the sign-in form itself: just show it again
        flash(MESSAGES["login_page"], "info")
        return redirect(back)
    flash(MESSAGES["signed_out"], EXPIRED)
    return redirect(url_for("auth.login", next=back) if back else url_for("auth.login"))


def csrf_expired():
    """Answer a page form whose CSRF token no longer matches, or None to refuse it with the plain 400 page.

    Only a form of our own (same-site Referer) is led back, through sign-in when signed out; a post from
    elsewhere or without a Referer (a forgery, most likely) gets the 400.
    """
    back = form_page()
    if back is None:
        return None
    if not current_user.is_authenticated:
        return to_sign_in()
    flash(MESSAGES["csrf"], EXPIRED)
    return redirect(back)
