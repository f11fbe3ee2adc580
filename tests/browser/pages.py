"""Helpers that drive the field app like an inspector's thumb, and read the phone's IndexedDB."""
from __future__ import annotations

import hashlib
import io
import random
import time
from pathlib import Path

from PIL import Image, ImageDraw

from ..factories import PASSWORD


def make_photo(path: Path, *, width: int = 800, height: int = 600, seed: int = 0, noise: bool = False,
               quality: int = 85) -> str:
    """Write a JPEG that looks like a snapshot (noise makes it large); return its SHA-256."""
    rng = random.Random(seed)
    if noise:
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(width), rng.randrange(height)
            draw.rectangle((x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 150)),
                           fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    path.write_bytes(out.getvalue())
    return hashlib.sha256(out.getvalue()).hexdigest()


def wait_ready(page) -> None:
    """Wait until the app has drawn its first screen."""
    page.wait_for_selector("html[data-ready]")


def sign_in(page, username: str = "inspector1", password: str = PASSWORD) -> None:
    """Open /field/, sign in, and wait for the assignments to show and the service worker to control the page."""
    page.goto("/field/")
    wait_ready(page)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("li.target")
    page.wait_for_function("() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def target_row(page, target_id: int):
    """Return the home screen's row of one target."""
    return page.locator(f'li.target[data-target="{target_id}"]')


def start_visit(page, target_id: int) -> str:
    """Start (or continue) the visit at a target; return the visit id the phone made."""
    target_row(page, target_id).locator("button, a.button").first.click()
    page.wait_for_selector("section.checklist")
    return page.evaluate("location.hash").split("/")[-1]


def answer(page, code: str, result: str) -> None:
    """Press pass / fail / na on one checklist item."""
    page.locator(f'div.item[data-code="{code}"] button.seg-{result}').click()


def end_visit(page) -> None:
    """End the visit and confirm."""
    page.click("#end-visit")
    page.locator("dialog.sheet button.primary").click()
    page.wait_for_selector("h2:has-text('我的任务')")


def add_photos(page, paths: list[Path], *, via: str = "camera") -> None:
    """Give files to the camera (one at a time) or gallery input, waiting for each thumbnail."""
    before = page.locator("li.thumb").count()
    if via == "camera":
        for i, path in enumerate(paths):
            page.set_input_files("input[name=camera]", str(path))
            page.wait_for_function(f"() => document.querySelectorAll('li.thumb').length >= {before + i + 1}")
    else:
        page.set_input_files("input[name=gallery]", [str(p) for p in paths])
        page.wait_for_function(f"() => document.querySelectorAll('li.thumb').length >= {before + len(paths)}")


def fill_finding(page, description: str, persons: list[tuple[str, str, str]] = (), severity: str | None = None,
                 location: str = "") -> str:
    """Fill the finding form on screen; return the finding id."""
    page.fill("textarea[name=description]", description)
    if location:
        page.fill("input[name=location]", location)
    if severity:
        page.locator(f"button.seg-sev-{severity}").click()
    for i, (name, post, level) in enumerate(persons):
        page.click("fieldset.persons > button")
        person = page.locator(f'div.person[data-index="{i}"]')
        person.locator("input[name=person_name]").fill(name)
        person.locator("input[name=person_post]").fill(post)
        person.locator("select[name=cadre_level]").select_option(level)
    return page.evaluate("location.hash").split("/")[-1]


def follow(page, click) -> None:
    """Run `click` (it must navigate) and wait for the new page's load event, by which its scripts have run.

    Waiting for a selector or for load state right after a click can see the page that is being left, and a
    button of the new page can be present before its module script has attached a handler to it.
    """
    with page.expect_navigation():
        click()


def desk_page(browser, live, username: str, *, errors: list | None = None, timeout: float = 20000):
    """Open a desktop (1280 × 900) page signed in as `username`; page errors go to `errors` if given."""
    context = browser.new_context(base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(timeout)
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    follow(page, lambda: page.click("button[type=submit]"))
    if "/login" in page.url:
        raise AssertionError(f"sign-in as {username} failed: {page.url}")
    return page


def idb(page, expression: str):
    """Evaluate `expression` with the app's db module bound to `db` (e.g. 'db.allRecords()')."""
    return page.evaluate(f"async () => {{ const db = await import('/static/field/db.js'); return {expression}; }}")


def outbox_counts(page) -> dict:
    """Return what the phone still has to send: records, photos and bytes (as the app counts them)."""
    return page.evaluate("""async () => {
      const db = await import('/static/field/db.js');
      const model = await import('/static/field/model.js');
      const s = model.outboxSummary(await db.allRecords(), await db.allPhotos());
      return { records: s.records.length, photos: s.photos.length, bytes: s.bytes };
    }""")


def poll(page, script: str, timeout: float = 60.0, interval: float = 0.25):
    """Evaluate an (async) function in the page until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for: {script[:200]}")
        time.sleep(interval)


UNSENT = """async () => {
  const db = await import('/static/field/db.js');
  const model = await import('/static/field/model.js');
  const s = model.outboxSummary(await db.allRecords(), await db.allPhotos());
  return s.records.length === 0 && s.photos.length === 0;
}"""


def wait_synced(page, timeout: float = 60.0) -> None:
    """Wait until the phone holds nothing unsent (every record answered, every photo received)."""
    poll(page, UNSENT, timeout)
