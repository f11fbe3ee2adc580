"""Take the field app's main screens at phone size into docs/screenshots/: `python -m tests.browser.screenshots`.

Runs the app as the browser tests do (gunicorn, temporary SQLite, the factories' world) in headless
Chromium on a 360 × 780 phone viewport, light and dark.
"""
from __future__ import annotations

import io
import random
import sys
import tempfile
import uuid
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402
from tests.browser.pages import (add_photos, answer, end_visit, fill_finding, sign_in, start_visit,  # noqa: E402
                                 wait_ready, wait_synced)
from tests.factories import PASSWORD  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (Linux; Android 12; Phone) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/120.0 Mobile Safari/537.36"}


def sheet_photo(path: Path, seed: int, *, size=(1200, 900), noise: bool = False) -> None:
    """Draw something like a photographed sign-in sheet (ruled paper, scribbled names)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (236, 232, 220))
    draw = ImageDraw.Draw(image)
    w, h = size
    for y in range(80, h, 60):
        draw.line((40, y, w - 40, y), fill=(150, 150, 160), width=2)
    for x in (40, 260, 640, w - 40):
        draw.line((x, 80, x, h - 40), fill=(150, 150, 160), width=2)
    for y in range(95, h - 60, 60):
        for x0 in (280, 660):
            points = [(x0 + i * 14, y + 20 + rng.randrange(-12, 12)) for i in range(rng.randrange(6, 18))]
            draw.line(points, fill=(30, 50, 140), width=3)
    if noise:
        grain = Image.frombytes("RGB", size, rng.randbytes(w * h * 3))
        image = Image.blend(image, grain, 0.35)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95 if noise else 82)
    path.write_bytes(out.getvalue())


def shoot(page, name: str, *, full: bool = False) -> None:
    page.wait_for_timeout(250)
    page.screenshot(path=str(OUT / f"field-{name}.png"), full_page=full)
    print(f"docs/screenshots/field-{name}.png")


def main() -> int:
    """Record a short day and photograph each screen."""
    from playwright.sync_api import sync_playwright

    from inspection.auth.models import User
    from inspection.extensions import db
    from inspection.findings.models import Finding
    from inspection.review.services import decide

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="field-shots-") as tmp:
        tmp = Path(tmp)
        photos = [tmp / f"sheet-{i}.jpg" for i in range(3)]
        for i, path in enumerate(photos):
            sheet_photo(path, i)
        big = tmp / "big.jpg"
        sheet_photo(big, 9, size=(2600, 1950), noise=True)
        server = LiveServer(tmp)
        server.seed()
        server.start()
        targets = server.world_ids["targets"]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(**PHONE, base_url=server.url, locale="zh-CN",
                                              timezone_id="Asia/Shanghai", service_workers="allow")
                page = context.new_page()
                page.goto("/field/")
                wait_ready(page)
                page.fill("input[name=username]", "inspector1")
                shoot(page, "login")
                page.fill("input[name=username]", "")
                sign_in(page, "inspector1", PASSWORD)

                # A finished, synced visit whose finding the reviewer sends back (需补充).
                start_visit(page, targets[1])
                answer(page, "A03", "fail")
                page.wait_for_selector("textarea[name=description]")
                returned_id = fill_finding(page, "请假人员李某无请假条，请销假台账未登记",
                                           persons=[("李某", "科员", "staff")])
                page.click("a.button:has-text('完成')")
                for code in ("A01", "A02", "A04", "A05"):
                    answer(page, code, "pass")
                end_visit(page)
                wait_synced(page)
                with server.app.app_context():
                    finding = db.session.get(Finding, uuid.UUID(returned_id))
                    reviewer = db.session.scalar(db.select(User).where(User.username == "reviewer"))
                    decide(finding, "return", actor=reviewer, note="请补充李某当日去向及核实电话记录")
                    db.session.commit()
                    db.session.remove()
                page.reload()
                wait_ready(page)
                page.wait_for_selector("section.returned")

                # Today's visit, offline.
                context.set_offline(True)
                start_visit(page, targets[0])
                answer(page, "A01", "fail")
                page.wait_for_selector("textarea[name=description]")
                fill_finding(page, "9:30 签到册上张某、王某两人签名笔迹一致，疑为他人代签；两人当时均不在岗。",
                             location="一楼签到处", severity="moderate",
                             persons=[("张某", "办公室副主任", "deputy_section_chief"), ("王某", "科员", "staff")])
                add_photos(page, photos[:2], via="gallery")
                page.evaluate("window.scrollTo(0, 0)")
                page.locator("textarea[name=description]").blur()
                shoot(page, "finding")
                page.locator("fieldset.photos").scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, 200)")
                shoot(page, "finding-photos")
                page.set_input_files("input[name=gallery]", str(big))
                page.locator("dialog.photo-offer").wait_for()
                shoot(page, "photo-too-large")
                page.locator("dialog.photo-offer button:has-text('取消')").click()
                page.click("a.button:has-text('完成')")
                page.wait_for_selector("section.checklist")
                answer(page, "A02", "pass")
                answer(page, "A04", "na")
                page.evaluate("window.scrollTo(0, 0)")
                shoot(page, "visit")
                page.evaluate("location.hash = '#/'")
                page.wait_for_selector("h2:has-text('我的任务')")
                shoot(page, "home")
                page.evaluate("location.hash = '#/outbox'")
                page.wait_for_selector(".outbox-summary")
                shoot(page, "outbox")
                page.evaluate("location.hash = '#/me'")
                page.wait_for_selector("#sign-out")
                page.click("#sign-out")
                page.locator("dialog.sign-out").wait_for()
                shoot(page, "sign-out-warning")
                page.locator("dialog.sign-out button:has-text('取消')").click()

                page.evaluate("localStorage.setItem('field-theme', 'dark')")
                page.evaluate("location.hash = '#/'")
                page.reload()
                wait_ready(page)
                shoot(page, "home-dark")
                start_visit(page, targets[0])
                shoot(page, "visit-dark")
                browser.close()
        finally:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
