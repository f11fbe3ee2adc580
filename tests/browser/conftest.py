"""Browser tests: the field app in headless Debian Chromium (Pixel 5), against a real gunicorn subprocess.

The server runs with its own temporary SQLite database and PHOTO_DIR, seeded with tests/factories.py.
Tests skip with a clear message when /usr/bin/chromium is missing, except under CI, where they fail.
"""
from __future__ import annotations

import os

import pytest

from ..factories import PASSWORD
from .live import CHROMIUM, CHROMIUM_ARGS, MAX_PHOTO_BYTES, LiveServer

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    """Mark every test here as a browser test, and skip them all when no Chromium is installed."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set but {CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One seeded server for the browser tests that do not stop it."""
    live = LiveServer(tmp_path_factory.mktemp("field-server"))
    live.seed()
    live.start()
    yield live
    live.kill()


@pytest.fixture
def crash_server(tmp_path):
    """A server of the test's own, which the test may kill and restart on the same port (same origin)."""
    live = LiveServer(tmp_path)
    live.seed()
    yield live
    live.kill()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, playwright_instance):
    """Return a function making a new Pixel 5 browser context (a fresh phone) for a server."""
    contexts = []

    def make(live: LiveServer, **options):
        device = dict(playwright_instance.devices["Pixel 5"])
        device.pop("default_browser_type", None)
        context = browser.new_context(**device, base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      service_workers="allow", **options)
        context.set_default_timeout(15000)
        context.on("console", lambda m: logs.append(f"console {m.type}: {m.text}"))
        context.on("weberror", lambda e: logs.append(f"page error: {e.error}"))
        contexts.append(context)
        return context

    logs: list[str] = []
    yield make
    for context in contexts:
        context.close()
    if logs:  # shown by pytest when the test failed
        print("\n".join(logs))


__all__ = ["MAX_PHOTO_BYTES", "PASSWORD", "LiveServer"]
