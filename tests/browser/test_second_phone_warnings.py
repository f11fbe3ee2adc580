"""请核实 on the phone (warnings, never a block): a visit outside its campaign's period, and a photo whose
Exif capture time lies outside its visit (± PHOTO_TIME_WINDOW_MINUTES)."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from inspection.campaigns.models import Campaign
from inspection.extensions import db

from .pages import add_photos, answer, idb, poll, sign_in, start_visit

CST = ZoneInfo("Asia/Shanghai")


def _period(live, start: date, end: date) -> None:
    """Set the world campaign's period on the server."""
    with live.app.app_context():
        try:
            campaign = db.session.get(Campaign, live.world_ids["campaign"])
            campaign.start_date, campaign.end_date = start, end
            db.session.commit()
        finally:
            db.session.remove()


def _jpeg_taken(path, taken: str, offset: str | None = None) -> None:
    """Write a JPEG whose Exif says it was taken at `taken` ("YYYY:MM:DD HH:MM:SS", optional offset)."""
    exif = Image.Exif()
    exif[0x0132] = taken
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = taken
    if offset:
        ifd[0x9011] = offset
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 80, 40)).save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())


def test_a_visit_outside_the_campaigns_period_is_flagged_but_goes_on(crash_server, phone):
    today = datetime.now(CST).date()
    _period(crash_server, today - timedelta(days=5), today + timedelta(days=5))
    crash_server.start()
    page = phone(crash_server).new_page()
    sign_in(page)
    start_visit(page, crash_server.world_ids["targets"][0])
    assert page.locator(".notice.period").count() == 0  # within the period: nothing to check
    assert "null" not in page.inner_text("#view")  # no empty block printed as text

    end = today - timedelta(days=1)  # the campaign ended yesterday and is still active
    _period(crash_server, today - timedelta(days=15), end)
    visit = page.evaluate("location.hash")
    page.evaluate("location.hash = '#/outbox'")
    page.click("#sync-now")  # a manual sync fetches the assignments again
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const kept = await db.kvGet('bootstrap');
      return kept && kept.data.campaigns[0].end_date === '{end.isoformat()}';
    }}""", timeout=30)
    page.evaluate(f"location.hash = '{visit}'")
    warning = page.locator(".notice.period")
    warning.wait_for()
    start = today - timedelta(days=15)
    assert warning.inner_text() == (f"本次到访日期不在专项行动期间（{start.month}月{start.day}日至{end.month}月{end.day}日），"
                                    "请核实")
    answer(page, "A01", "pass")  # a warning, not a block: the checklist still records
    poll(page, f"""async () => {{
      const db = await import('/static/field/db.js');
      const v = await db.getRecord('{visit.split('/')[-1]}');
      return v.data.answers.A01 && v.data.answers.A01.result === 'pass';
    }}""")


def test_a_photo_taken_outside_the_visit_is_flagged_under_its_thumbnail(crash_server, phone, tmp_path):
    crash_server.start()
    page = phone(crash_server).new_page()
    sign_in(page)
    start_visit(page, crash_server.world_ids["targets"][0])
    answer(page, "A01", "fail")
    page.wait_for_selector("textarea[name=description]")

    old, fresh = tmp_path / "old.jpg", tmp_path / "fresh.jpg"
    _jpeg_taken(old, "2026:01:02 08:00:00")  # read in China Standard Time: no offset in the photo
    _jpeg_taken(fresh, datetime.now(CST).strftime("%Y:%m:%d %H:%M:%S"))
    add_photos(page, [old, fresh])
    flagged = page.locator("li.thumb .photo-time")
    flagged.wait_for()
    assert flagged.count() == 1  # only the old one
    assert flagged.inner_text() == "照片拍摄时间 1月2日 08:00 不在本次到访时间前后120分钟内，请核实"
    photos = idb(page, "db.allPhotos()")
    assert sorted(p["exif_taken_at"] for p in photos)[0] == "2026-01-02T00:00:00.000Z"
    assert len(page.locator("li.thumb").all()) == 2  # both kept


def test_the_exif_reader_takes_the_photos_own_offset(server, phone, tmp_path):
    page = phone(server).new_page()
    page.goto("/field/")
    page.wait_for_selector("html[data-ready]")
    cases = {}
    for name, offset in (("tokyo", "+09:00"), ("plain", None)):
        path = tmp_path / f"{name}.jpg"
        _jpeg_taken(path, "2026:11:20 09:30:00", offset)
        cases[name] = list(path.read_bytes())
    cases["none"] = list(Image.new("RGB", (8, 8)).tobytes())  # not a JPEG at all
    read = page.evaluate("""async (cases) => {
      const m = await import('/static/field/plausible.js');
      return Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, m.exifTakenAt(new Uint8Array(v).buffer)]));
    }""", cases)
    assert read == {"tokyo": "2026-11-20T00:30:00.000Z", "plain": "2026-11-20T01:30:00.000Z", "none": None}
