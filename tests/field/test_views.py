"""The field app's entry points: a public shell with no secret in it, the manifest, the service worker."""
from __future__ import annotations

import io
import json
import posixpath
import re
import shutil
from pathlib import Path

from PIL import Image

from inspection.field.assets import build_assets, get_assets

FIELD_STATIC = Path(__file__).resolve().parents[2] / "static" / "field"
BUDGET_BYTES = 150 * 1024


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="field-config">(.*?)</script>', html, re.S)
    assert match, "the shell embeds its config"
    return json.loads(match.group(1))


def test_shell_is_public_and_carries_only_the_servers_limits(app, client):
    response = client.get("/field/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    config = _config(html)
    assert config["maxPhotoBytes"] == app.config["MAX_PHOTO_BYTES"]
    assert config["maxPhotoPixels"] == app.config["MAX_PHOTO_PIXELS"]
    assert config["photoTimeWindowMinutes"] == app.config["PHOTO_TIME_WINDOW_MINUTES"]  # the phone's 请核实
    assert config["apiBase"] == "/api/v1"
    assert config["version"] == get_assets(app).version
    assert "county" in config["cadreLevels"] and "考勤管理" in config["categories"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_shell_is_the_same_for_everyone_and_holds_no_secret(app, client, world, auth):
    anonymous = client.get("/field/").get_data(as_text=True)
    auth.login("inspector1")
    signed_in = client.get("/field/").get_data(as_text=True)
    assert signed_in == anonymous  # cacheable by the service worker for any user
    for secret in ("csrf", "inspector1", world.units[0].name, world.units[0].short_name, world.campaign.title):
        assert secret not in signed_in
    assert "明察暗访" not in signed_in  # the home-screen name and title stay unremarkable


def test_inspectors_home_is_the_field_app(client, world, auth):
    auth.login("inspector1")
    response = client.get("/home")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/field/")


def test_manifest_makes_an_installable_standalone_app(client):
    response = client.get("/field/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as png:
            assert png.status_code == 200, icon["src"]
            image = Image.open(io.BytesIO(png.data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_service_worker_is_scoped_to_field_and_precaches_existing_files(app, client):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    version = get_assets(app).version
    assert f'const VERSION = "{version}"' in body
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert "/field/" in precache and "/field/manifest.webmanifest" in precache
    assert "/static/field/app.js" in precache and "/static/field/app.css" in precache
    for url in precache:
        with client.get(url) as asset:
            assert asset.status_code == 200, url
    assert not any(url.startswith("/api/") for url in precache)  # data never goes into the shell cache


def test_every_module_import_resolves():
    for path in FIELD_STATIC.rglob("*.js"):
        for target in re.findall(r"""from\s+'(\.[^']+)'""", path.read_text()):
            assert (path.parent / target).resolve().exists(), f"{path.name} imports missing {target}"


# Static imports a module needs before it runs: `import … from '…'`, `export … from '…'`, `import '…'`.
# A dynamic `import('…')` has a parenthesis after `import` and matches neither.
STATIC_IMPORT = re.compile(r"""(?:^|[;\s])(?:import|export)\s+(?:[\w*{}\s,$]+?\s+from\s+)?'([^']+)'""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*'([^']+)'\s*\)""")


def _resolve(base: str, target: str) -> str:
    """Resolve a module specifier against the URL of the module that names it."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _closure(client, entries) -> dict[str, bytes]:
    """Fetch the entry modules and, recursively, every module they import statically (URL -> bytes)."""
    fetched: dict[str, bytes] = {}
    pending = list(entries)
    while pending:
        url = pending.pop()
        if url in fetched:
            continue
        with client.get(url) as response:
            assert response.status_code == 200, url
            fetched[url] = response.data
        pending += [_resolve(url, target) for target in STATIC_IMPORT.findall(fetched[url].decode())]
    return fetched


def _shell_entries(html: str) -> tuple[list[str], list[str]]:
    """Return the stylesheets and the module scripts (entry and modulepreload) the shell names."""
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    modules = re.findall(r'<script type="module" src="([^"]+)"', html)
    modules += re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
    return styles, modules


def test_first_open_weighs_at_most_150_kb(client):
    html = client.get("/field/").data
    styles, modules = _shell_entries(html.decode())
    assert styles and modules
    total = len(html)
    for url in styles:
        with client.get(url) as response:
            total += len(response.data)
    first_open = _closure(client, modules)
    total += sum(len(body) for body in first_open.values())
    assert total <= BUDGET_BYTES, f"HTML+CSS+first-open JS is {total} bytes"
    # The screens not needed at first open really are left out of it (they load with import()).
    assert "/static/field/views/home.js" in first_open and "/static/field/views/login.js" in first_open
    for lazy in ("finding", "outbox", "me", "visit", "recheck"):
        assert f"/static/field/views/{lazy}.js" not in first_open, lazy


def test_every_lazily_imported_module_is_precached_by_the_service_worker(client):
    body = client.get("/field/sw.js").get_data(as_text=True)
    precache = set(json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1)))
    _, entries = _shell_entries(client.get("/field/").get_data(as_text=True))
    everything = _closure(client, entries)
    lazy: set[str] = set()
    pending = list(everything)
    while pending:  # every module reachable by static or dynamic import, from the shell's entry modules
        url = pending.pop()
        text = everything[url].decode()
        for target in DYNAMIC_IMPORT.findall(text):
            lazy.add(_resolve(url, target))
        for module, data in _closure(client, [_resolve(url, t) for t in DYNAMIC_IMPORT.findall(text)]).items():
            if module not in everything:
                everything[module] = data
                pending.append(module)
    assert {"/static/field/views/finding.js", "/static/field/views/recheck.js", "/static/field/thumbs.js"} <= lazy
    missing = sorted(set(everything) - precache)
    assert not missing, f"modules a screen opened offline would fail to load: {missing}"


def test_cache_version_changes_with_any_file_or_limit(app, tmp_path):
    before = build_assets(app).version
    assert build_assets(app).version == before  # stable when nothing changed
    copy = tmp_path / "static"
    shutil.copytree(FIELD_STATIC, copy / "field")
    app.static_folder = str(copy)
    assert build_assets(app).version == before  # same bytes, same version
    (copy / "field" / "app.css").write_text((copy / "field" / "app.css").read_text() + "\n/* changed */\n")
    changed = build_assets(app).version
    assert changed != before
    app.config["MAX_PHOTO_BYTES"] = 1234567
    assert build_assets(app).version != changed
