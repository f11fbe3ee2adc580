"""Screens a first open does not need load on demand: the page fetches only sign-in and home at first, every
other screen opens offline from the service worker's cache, and one missing there says so instead of a blank."""
from __future__ import annotations

from .pages import sign_in, wait_ready

LAZY = ("views/visit.js", "views/finding.js", "views/outbox.js", "views/me.js", "views/recheck.js",
        "views/returned.js", "thumbs.js", "rechecks.js")
DROP_FROM_CACHE = """async (path) => {
  for (const name of await caches.keys()) await (await caches.open(name)).delete(path);
}"""


def test_first_open_fetches_no_lazy_screen_and_each_opens_offline(server, phone):
    page = phone(server).new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto("/field/")
    wait_ready(page)
    assert any(url.endswith("/static/field/views/login.js") for url in fetched)
    assert not [url for url in fetched if url.endswith(LAZY)]  # not even as modulepreload

    sign_in(page, "inspector1")  # the service worker now controls the page and holds every module
    page.context.set_offline(True)
    page.reload()
    wait_ready(page)
    page.evaluate("location.hash = '#/outbox'")
    page.wait_for_selector("#sync-now")  # the outbox screen, first loaded here, offline
    page.evaluate(DROP_FROM_CACHE, "/static/field/views/me.js")
    page.evaluate("location.hash = '#/me'")
    page.wait_for_selector(".notice.bad:has-text('这个页面还没有保存到手机上')")
