"""Benchmark the field app (/field/) in headless Chromium on a Pixel 5 viewport.

Prints one table:
  * weight: every HTML, JS and CSS byte the page fetches to open /field/ the first time (target ≤ 150 KB
    uncompressed), then the rest of that first open (the service worker's precache revalidations, icons,
    manifest, API) for completeness;
  * time from navigation to interactive (the app's first screen drawn from IndexedDB, `field-interactive`
    mark) with the network off, served by the service worker, as a ratio to a blank page served online by
    the same app (its DOMContentLoaded) in the same run, both in an already-open browser context (a blank
    page cannot open offline); the cold online first open (fresh context each time) is shown beside them.
    After one warm-up open of each, the blank page and the offline app take turns, so each turn gives
    one paired ratio: the median of those ratios is shown with its min–max (no target: it is there to
    watch). The weight budget is a byte count, the same on any machine, so it stays an absolute limit.

The app runs as a gunicorn subprocess on a temporary SQLite database seeded by tests/factories.py.
Run standalone (`python bench/field_bench.py`), as a module (`python -m bench.field_bench`), or through the
`python -m bench` runner (which calls `main`). Options: --repeat N (default 15).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET = 150 * 1024
TEXT_TYPES = ("document", "script", "stylesheet")
MARK = "() => performance.getEntriesByName('field-interactive')[0]?.startTime ?? null"
BLANK_DCL = "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"


def _kind(response) -> str:
    """Classify a response as html / js / css / image / json / other."""
    kind = response.request.resource_type
    mime = (response.headers.get("content-type") or "").split(";")[0]
    if kind == "document" or mime == "text/html":
        return "html"
    if kind == "script" or mime in ("text/javascript", "application/javascript"):
        return "js"
    if kind == "stylesheet" or mime == "text/css":
        return "css"
    if mime.startswith("image/"):
        return "image"
    if "json" in mime:
        return "json"
    return "other"


def measure_weight(browser, device: dict, url: str, password: str) -> dict:
    """Open /field/ in a fresh context, sign in, and count the bytes of every response by kind and by origin."""
    context = browser.new_context(**device, base_url=url, service_workers="allow")
    rows: list[tuple[str, str, int, bool]] = []

    def on_response(response):
        try:
            size = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            size = 0
        rows.append((response.url, _kind(response), size, bool(response.request.service_worker)))

    context.on("response", on_response)
    page = context.new_page()
    page.goto("/field/")
    page.wait_for_selector("html[data-ready]")
    first_open = [r for r in rows if not r[3]]
    page.fill("input[name=username]", "inspector1")
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("li.target")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_timeout(500)
    context.close()
    by_kind: dict[str, int] = {}
    for _, kind, size, _sw in first_open:
        by_kind[kind] = by_kind.get(kind, 0) + size
    text = sum(by_kind.get(k, 0) for k in ("html", "js", "css"))
    sw_bytes = sum(size for _, _, size, sw in rows if sw)
    rest = sum(size for _, _, size, sw in rows if not sw) - text
    return {"html": by_kind.get("html", 0), "js": by_kind.get("js", 0), "css": by_kind.get("css", 0),
            "text": text, "requests": len(first_open), "sw": sw_bytes, "rest": rest, "all": text + sw_bytes + rest}


def measure_times(browser, device: dict, url: str, password: str, repeat: int) -> dict:
    """Time navigation-to-interactive: blank page online, field app cold online, field app offline (SW)."""
    blank, cold, offline = [], [], []
    for _ in range(repeat):
        context = browser.new_context(**device, base_url=url, service_workers="allow")
        page = context.new_page()
        page.goto("/field/")
        page.wait_for_selector("html[data-ready]")
        cold.append(page.evaluate(MARK))
        context.close()
    online = browser.new_context(**device, base_url=url, service_workers="allow")
    blank_page = online.new_page()
    phone = browser.new_context(**device, base_url=url, service_workers="allow")
    page = phone.new_page()
    page.goto("/field/")
    page.fill("input[name=username]", "inspector1")
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("li.target")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    # The two take turns; the first turn warms both (the service worker as on a phone that used it today).
    for _ in range(repeat + 1):
        blank_page.goto("/blank")
        blank.append(blank_page.evaluate(BLANK_DCL))
        page.goto("/field/")
        page.wait_for_selector("li.target")
        offline.append(page.evaluate(MARK))
    online.close()
    phone.close()
    return {"blank": blank[1:], "cold": cold, "offline": offline[1:]}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LiveServer
    from tests.factories import PASSWORD

    if not os.path.exists(CHROMIUM):
        print(f"field bench skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="field-bench-") as tmp:
        server = LiveServer(Path(tmp))
        server.seed()
        server.start(env={"FIELD_BLANK_PAGE": "1"})
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                device = dict(p.devices["Pixel 5"])
                device.pop("default_browser_type", None)
                weight = measure_weight(browser, device, server.url, PASSWORD)
                times = measure_times(browser, device, server.url, PASSWORD, args.repeat)
                browser.close()
        finally:
            server.kill()
    med = {k: statistics.median(v) for k, v in times.items()}
    kb = lambda n: f"{n / 1024:.1f} KB"  # noqa: E731
    print(f"field app (/field/), headless Chromium, Pixel 5, median of {args.repeat}")
    print(f"{'measure':<58} {'value':>12}  target")
    print("-" * 84)
    print(f"{'first open: HTML':<58} {kb(weight['html']):>12}")
    print(f"{'first open: JS (' + str(weight['requests']) + ' requests in all)':<58} {kb(weight['js']):>12}")
    print(f"{'first open: CSS':<58} {kb(weight['css']):>12}")
    ok = "ok" if weight["text"] <= BUDGET else "OVER"
    print(f"{'first open: HTML+JS+CSS (uncompressed)':<58} {kb(weight['text']):>12}  ≤ 150 KB {ok}")
    print(f"{'  + service-worker precache (revalidated: 304s cost headers)':<58} {kb(weight['sw']):>12}")
    print(f"{'  + icons, manifest, sign-in and bootstrap JSON':<58} {kb(weight['rest']):>12}")
    print(f"{'blank page, online, DOMContentLoaded':<58} {med['blank']:>9.1f} ms")
    print(f"{'field app, first open online (cold), to interactive':<58} {med['cold']:>9.1f} ms")
    print(f"{'field app, offline from the service worker, to interactive':<58} {med['offline']:>9.1f} ms")
    ratios = [o / b for o, b in zip(times["offline"], times["blank"])]
    spread = f"{statistics.median(ratios):.1f} × ({min(ratios):.1f}–{max(ratios):.1f})"
    print(f"{'ratio offline field app / blank page, paired turns (min–max)':<58} {spread:>12}")
    return 0 if weight["text"] <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
