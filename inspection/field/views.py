"""The field app's entry points: the offline shell at /field/, its manifest and its service worker.

The shell is public and identical for everyone: it holds no data and no secret, so the service worker
can cache it and open it in airplane mode. Everything the inspector sees comes from IndexedDB and the
sync API, authenticated with the device token.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, make_response, render_template, url_for

from ..auth.access import public
from .assets import ENTRY_MODULE, STATIC_SUBDIR, get_assets

bp = Blueprint("field", __name__, url_prefix="/field")

APP_NAME = "外勤记录"
APP_SHORT_NAME = "外勤"
THEME_COLOR = "#1f2329"  # dark scheme (the bar in dark mode)
THEME_COLOR_LIGHT = "#f4f5f7"  # light scheme (static/field/theme.js uses the same pair)
BACKGROUND_DARK = "#121417"
DESCRIPTION = "外勤记录：没有网络时也能填写到访记录、清单、问题和照片，联网后自动同步。"  # unremarkable, like the name
SCREENSHOTS = (("field-visit.png", "到访记录：逐项填写清单"),)  # no campaign title in it
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _no_store_headers(response, *, policy: bool = True):
    """Mark a response as revalidated on every load and lock down what the page may do."""
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if policy:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.route("/")
@public
def index():
    """Serve the app shell (no data in it: the app reads IndexedDB and the sync API)."""
    assets = get_assets(current_app)
    static = [url_for("static", filename=f) for f in assets.first_open]
    html = render_template(
        "field/shell.html",
        app_name=APP_NAME,
        theme_color=THEME_COLOR, theme_color_light=THEME_COLOR_LIGHT,
        version=assets.version,
        config_json=json.dumps({**assets.config, "version": assets.version}, ensure_ascii=False),
        entry=url_for("static", filename=f"{STATIC_SUBDIR}/{ENTRY_MODULE}"),
        preload=[u for u in static if not u.endswith(f"/{ENTRY_MODULE}")],
    )
    return _no_store_headers(make_response(html))


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """Describe the installable app: name, icons, standalone display, start URL /field/."""
    icons = [
        {"src": url_for("static", filename=f"{STATIC_SUBDIR}/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any"}
        for size in (192, 512)
    ]
    icons.append({"src": url_for("static", filename=f"{STATIC_SUBDIR}/icons/maskable-512.png"),
                  "sizes": "512x512", "type": "image/png", "purpose": "maskable"})
    body = {
        "name": APP_NAME,
        "short_name": APP_SHORT_NAME,
        "id": url_for("field.index"),
        "start_url": url_for("field.index"),
        "scope": url_for("field.index"),
        "display": "standalone",
        "orientation": "portrait",
        "lang": "zh-CN",
        "description": DESCRIPTION,
        "background_color": THEME_COLOR_LIGHT,
        "theme_color": THEME_COLOR_LIGHT,
        # Dark scheme colours (Chromium's manifest user_preferences; browsers without it use the light pair).
        "user_preferences": {"color_scheme_dark": {"theme_color": THEME_COLOR, "background_color": BACKGROUND_DARK}},
        "icons": icons,
        "screenshots": [{"src": url_for("static", filename=f"screenshots/{name}"), "sizes": "360x780",
                         "type": "image/png", "form_factor": "narrow", "label": label} for name, label in SCREENSHOTS],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    return _no_store_headers(response, policy=False)


@bp.route("/sw.js")
@public
def service_worker():
    """Serve the service worker from /field/ so its scope is the field app; its cache is versioned."""
    assets = get_assets(current_app)
    precache = [url_for("field.index"), url_for("field.manifest")]
    precache += [url_for("static", filename=f) for f in assets.files]
    body = render_template("field/sw.js", version=assets.version, precache=precache,
                           shell=url_for("field.index"), api_prefix=assets.config["apiBase"] + "/")
    response = make_response(body)
    response.mimetype = "text/javascript"
    return _no_store_headers(response, policy=False)
