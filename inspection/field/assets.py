"""The field app's static files and the version that names its service-worker cache."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..findings.models import CADRE_LEVELS, CATEGORIES, SEVERITIES

STATIC_SUBDIR = "field"
SHELL_TEMPLATE = "field/shell.html"
SW_TEMPLATE = "field/sw.js"
PRECACHED_SUFFIXES = (".js", ".css", ".png")
# The entry module; its static imports (not the screens it loads with import()) are preloaded in the shell.
ENTRY_MODULE = "app.js"
STATIC_IMPORT = re.compile(r"(?:^|[;\s])(?:import|export)\s+(?:[\w*{}\s,$]+?\s+from\s+)?'(\.[^']+)'")


@dataclass(frozen=True)
class FieldAssets:
    """What the shell and the service worker need: a version, the files to precache, the client config."""

    version: str
    files: tuple[str, ...]  # paths relative to static/, e.g. "field/app.js"
    modules: tuple[str, ...]  # the JS modules among them
    config: dict
    first_open: tuple[str, ...] = ()  # the entry module and its static import closure (what a first open loads)


def client_config(app: Flask) -> dict:
    """Return the settings the phone needs offline; nothing secret (the shell is public)."""
    return {
        "apiBase": "/api/v1",
        "maxPhotoBytes": app.config["MAX_PHOTO_BYTES"],
        "maxPhotoPixels": app.config["MAX_PHOTO_PIXELS"],
        "maxSyncBytes": app.config["MAX_SYNC_BYTES"],
        "photoTimeWindowMinutes": app.config["PHOTO_TIME_WINDOW_MINUTES"],  # 请核实 on the phone (plausible.js)
        "photoTypes": ["image/jpeg", "image/png", "image/webp"],
        "categories": list(CATEGORIES),
        "cadreLevels": CADRE_LEVELS,
        "severities": SEVERITIES,
    }


def _files(static_root: Path) -> list[Path]:
    """List the field app's precached files in a stable order."""
    root = static_root / STATIC_SUBDIR
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in PRECACHED_SUFFIXES)


def static_closure(static_root: Path, entry: str) -> tuple[str, ...]:
    """Return the entry module and every module it imports statically, recursively (paths relative to static/)."""
    root = static_root.resolve()
    seen: list[str] = []
    pending = [entry]
    while pending:
        relative = pending.pop()
        if relative in seen:
            continue
        seen.append(relative)
        path = root / relative
        for target in STATIC_IMPORT.findall(path.read_text(encoding="utf-8")):
            pending.append((path.parent / target).resolve().relative_to(root).as_posix())
    return (entry, *sorted(set(seen) - {entry}))


def build_assets(app: Flask) -> FieldAssets:
    """Hash every file the app is made of (and its config), so any change makes a new cache version."""
    static_root = Path(app.static_folder or "")
    template_root = Path(app.template_folder or "")
    config = client_config(app)
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, ensure_ascii=False).encode())
    for template in (SHELL_TEMPLATE, SW_TEMPLATE):
        digest.update((template_root / template).read_bytes())
    files = []
    for path in _files(static_root):
        relative = path.relative_to(static_root).as_posix()
        digest.update(relative.encode() + b"\0" + path.read_bytes())
        files.append(relative)
    modules = tuple(f for f in files if f.endswith(".js"))
    first_open = static_closure(static_root, f"{STATIC_SUBDIR}/{ENTRY_MODULE}")
    return FieldAssets(version=digest.hexdigest()[:12], files=tuple(files), modules=modules, config=config,
                       first_open=first_open)


def get_assets(app: Flask) -> FieldAssets:
    """Return the app's field assets, computed once per process (on every request when debugging)."""
    cached = app.extensions.get("field_assets")
    if cached is None or app.debug:
        cached = build_assets(app)
        app.extensions["field_assets"] = cached
    return cached
