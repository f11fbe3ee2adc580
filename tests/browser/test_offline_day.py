"""A day offline: sign in, lose the network, record a visit with two findings and three photos, reload the
page in airplane mode, come back online, and check the server got every record and photo exactly once."""
from __future__ import annotations

import hashlib
import json
from collections import Counter

from .pages import (add_photos, answer, end_visit, fill_finding, idb, make_photo, outbox_counts, poll, sign_in,
                    start_visit, target_row, wait_ready, wait_synced)
from .serverdb import arrived


def test_a_day_offline_then_everything_arrives_exactly_once(server, phone, tmp_path):
    files = [tmp_path / f"photo-{i}.jpg" for i in range(3)]
    shas = [make_photo(path, seed=i) for i, path in enumerate(files)]
    context = phone(server, permissions=["geolocation"],
                    geolocation={"latitude": 30.5728, "longitude": 104.0668, "accuracy": 12})
    page = context.new_page()
    uploads = []
    page.on("request", lambda r: uploads.append(r.url.rsplit("/", 1)[-1])
            if r.method == "PUT" and "/api/v1/photos/" in r.url else None)
    sign_in(page, "inspector1")
    target = server.world_ids["targets"][0]

    context.set_offline(True)
    visit_id = start_visit(page, target)
    answer(page, "A01", "fail")  # a fail opens the finding form with the item filled in
    page.wait_for_selector("textarea[name=description]")
    assert "签到册" in page.inner_text("p.readonly")
    first = fill_finding(page, "9:30 签到册上3人由他人代签，当事人不在岗", location="一楼签到处", severity="moderate",
                         persons=[("张某", "办公室副主任", "deputy_section_chief"), ("李某", "科员", "staff")])
    add_photos(page, files[:2], via="camera")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    for code, result in (("A02", "pass"), ("A03", "na"), ("A04", "pass"), ("A05", "pass")):
        answer(page, code, result)
    page.click("button:has-text('记录清单外问题')")
    page.select_option("select[name=category]", "办公用房")
    second = fill_finding(page, "局长办公室面积明显超标，约40平方米", persons=[("王某", "局长", "section_chief")])
    add_photos(page, files[2:], via="gallery")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    assert page.locator("a.finding-row").count() == 2
    end_visit(page)

    waiting = outbox_counts(page)
    assert waiting["records"] == 3 and waiting["photos"] == 3
    assert waiting["bytes"] >= sum(path.stat().st_size for path in files)
    assert "3条·3张" in page.inner_text("#outbox-chip")
    assert page.is_visible("#net")  # the offline badge

    # Airplane mode, page reloaded: the service worker serves the shell, IndexedDB still holds the work.
    response = page.reload()
    assert response is not None and response.from_service_worker
    wait_ready(page)
    assert "已完成" in target_row(page, target).inner_text()
    assert outbox_counts(page)["records"] == 3
    target_row(page, target).locator("a.button").first.click()
    page.wait_for_selector("section.checklist")
    assert page.locator("a.finding-row").count() == 2
    page.locator(f'a.finding-row[data-finding="{first}"]').click()
    page.wait_for_selector("li.thumb img")
    assert page.locator("li.thumb").count() == 2
    assert page.eval_on_selector_all("li.thumb img", "imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    assert page.input_value("textarea[name=description]").startswith("9:30 签到册")

    # Back online: the app sends on its own.
    context.set_offline(False)
    wait_synced(page)
    state = arrived(server, visit_id)
    assert state["visits"] == 1
    assert state["position"] == (30.5728, 104.0668, 12)
    assert state["finding_ids"] == sorted([first, second])
    assert state["answers"] == {"A01": "fail", "A02": "pass", "A03": "na", "A04": "pass", "A05": "pass"}
    assert state["photo_refs_by_finding"] == {first: sorted(shas[:2]), second: [shas[2]]}
    assert state["photo_refs"] == 3
    assert state["photos"] == {sha: path.stat().st_size for sha, path in zip(shas, files)}
    assert state["on_disk"] == {sha: sha for sha in shas}  # the bytes kept are the bytes taken
    assert state["findings"][first]["persons"] == [("张某", "办公室副主任", "deputy_section_chief"),
                                                   ("李某", "科员", "staff")]
    assert state["findings"][first]["severity"] == "moderate"
    assert state["findings"][second]["category"] == "办公用房"
    assert Counter(uploads) == Counter(shas)  # each photo went up exactly once

    page.evaluate(f"location.hash = '#/f/{first}'")
    page.wait_for_selector("li.thumb")
    assert "照片 已收到 2/2" in page.inner_text("fieldset.photos legend")
    assert page.locator("li.thumb .badge.ok").count() == 2

    # Through the API as well: the original served back has the hash it was stored under.
    client = server.app.test_client()
    client.post("/login", data={"username": "inspector1", "password": "pass-1234"})
    for sha in shas:
        with client.get(f"/photos/{sha}/original") as original:
            assert original.status_code == 200
            assert hashlib.sha256(original.data).hexdigest() == sha

    # Sending again changes nothing.
    page.goto("/field/#/outbox")
    wait_ready(page)
    assert "所有记录均已送达" in page.inner_text(".outbox-summary")
    last_sync = idb(page, "db.kvGet('last_sync')")
    page.click("#sync-now")  # the button stays enabled until the send starts: wait for the send to finish
    poll(page, "async () => (await (await import('/static/field/db.js')).kvGet('last_sync')) !== "
         + json.dumps(last_sync))
    again = arrived(server, visit_id)
    assert (again["visits"], again["finding_ids"], again["photo_refs"], again["batches"]) == \
        (1, state["finding_ids"], 3, state["batches"])
    assert Counter(uploads) == Counter(shas)

    # Photos that arrived are dropped from the phone (thumbnails stay); records stay readable.
    kept = idb(page, "db.allPhotos().then(ps => ps.map(p => [p.sha256, p.uploaded, p.blob === null, !!p.thumb]))")
    assert sorted(kept) == sorted([sha, True, True, True] for sha in shas)
