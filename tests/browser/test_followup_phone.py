"""A whole 回头看 visit on a phone, offline: the earlier problems with the unit's report and the photos kept on
the phone, 已整改 on one and 反弹 (with a note and a photo) on the other, a new problem as an ordinary finding;
back online everything syncs and the server holds the rechecks, the photo and the finding."""
from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from sqlalchemy import select

from inspection.auth.models import User
from inspection.campaigns.models import Campaign, Target, Team
from inspection.circulars.models import Circular, IssuingOrgan
from inspection.extensions import db
from inspection.findings.models import Finding, FindingPhoto
from inspection.followup.models import FollowupPlan, FollowupProblem, Recheck
from inspection.followup.review import confirm_recheck
from inspection.photos.models import Photo
from inspection.photos.services import ingest_photo
from inspection.photos.storage import variant_path
from inspection.rectification.models import RectificationEvidence, RectificationItem
from inspection.visits.models import Visit

from ..factories import make_finding, make_visit
from .live import LiveServer
from .pages import add_photos, end_visit, fill_finding, make_photo, outbox_counts, poll, sign_in, target_row, wait_synced

KEPT_THUMBS = """async () => {
  const db = await import('/static/field/db.js');
  const keys = await db.tx(['kv'], 'readonly', (t) => db.req(t.objectStore('kv').getAllKeys()));
  return keys.filter((k) => String(k).startsWith('thumb:')).map((k) => k.slice(6)).sort();
}"""
LOADED = "els => els.length > 0 && els.every(i => i.complete && i.naturalWidth > 0)"


def _jpeg(seed: int) -> tuple[bytes, str]:
    """A distinct JPEG and its SHA-256."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), ((seed * 53) % 256, (seed * 29) % 256, 90)).save(out, "JPEG", quality=85)
    return out.getvalue(), hashlib.sha256(out.getvalue()).hexdigest()


def _stored_photo(app, seed: int, actor) -> str:
    """Ingest a photo on the server as uploaded by `actor`; return its hash."""
    data, sha = _jpeg(seed)
    ingest_photo(app.config["PHOTO_DIR"], data, expected_sha256=sha, actor=actor, max_bytes=10_000_000,
                 max_pixels=50_000_000)
    return sha


def _followup_world(app, world) -> dict:
    """Source findings at unit 0, an issued circular with their 整改 items (one closed on photo evidence), and an
    active follow-up campaign whose team (inspector3 alone) has a target there with both problems."""
    inspector1, reviewer = world.users["inspector1"], world.users["reviewer"]
    visit = make_visit(world.targets[0], inspector1)
    signed = make_finding(visit, inspector1, category="考勤管理", description="签到册有2人由他人代签",
                          status="confirmed")
    absent = make_finding(visit, inspector1, category="在岗在位", description="综合股干部王某某不在岗",
                          status="confirmed")
    finding_photo = _stored_photo(app, 1, inspector1)
    signed.photos.append(FindingPhoto(sha256=finding_photo, caption="签到册", position=0))
    organ = IssuingOrgan(name="中共示例县纪委办公室", mark_text="中共示例县纪律检查委员会办公室",
                         number_prefix="示纪办通", signature="中共示例县纪委办公室", printer="中共示例县纪委办公室",
                         active=True)
    db.session.add(organ)
    db.session.flush()
    circular = Circular(organ_id=organ.id, campaign_id=world.campaign.id, title="关于明察暗访情况的通报",
                        status="issued", year=2026, number=1, doc_number="示纪办通〔2026〕1号",
                        issued_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC), issued_by_id=reviewer.id)
    db.session.add(circular)
    db.session.flush()
    items = []
    for position, (finding, status) in enumerate(((signed, "closed"), (absent, "pending")), start=1):
        item = RectificationItem(circular_id=circular.id, unit_id=finding.unit_id, finding_id=finding.id,
                                 position=position, problem=f"{finding.description}（通报原文）",
                                 category=finding.category, start_date=date(2026, 11, 20),
                                 due_date=date(2026, 12, 5), yellow_on=date(2026, 11, 28), status=status)
        if status == "closed":
            item.measures, item.progress, item.reported = "已制定考勤制度并公示", "已完成整改", True
            item.closed_at = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
        db.session.add(item)
        items.append(item)
    db.session.flush()
    evidence_photo = _stored_photo(app, 2, world.users["liaison1"])
    items[0].evidence.extend([
        RectificationEvidence(kind="photo", sha256=evidence_photo, filename="公示照片.jpg", size=1000,
                              uploaded_by_id=world.users["liaison1"].id),
        RectificationEvidence(kind="pdf", sha256="ab" * 32, filename="整改报告.pdf", size=2048)])
    today = date.today()
    campaign = Campaign(title="整改落实情况回头看", start_date=today - timedelta(days=1),
                        end_date=today + timedelta(days=10), checklist=world.checklist, status="active",
                        kind="followup")
    team = Team(name="回头看组", leader=world.users["inspector3"], members=[world.users["inspector3"]])
    campaign.teams.append(team)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(FollowupPlan(campaign_id=campaign.id, scope="all", include_checklist=False, cross=True,
                                circulars=[circular]))
    start = datetime.now(UTC).replace(microsecond=0)
    target = Target(campaign=campaign, unit=world.units[0], team=team, planned_start=start,
                    planned_end=start + timedelta(hours=2))
    db.session.add(target)
    db.session.flush()
    db.session.add_all([FollowupProblem(campaign_id=campaign.id, target_id=target.id, item_id=item.id,
                                        finding_id=item.finding_id, position=position)
                        for position, item in enumerate(items, start=1)])
    db.session.commit()
    return {"target": target.id, "signed": str(signed.id), "absent": str(absent.id),
            "thumbs": sorted([finding_photo, evidence_photo])}


@pytest.fixture
def followup_server(tmp_path):
    """A server of the test's own with a 回头看 campaign assigned to inspector3's team."""
    live = LiveServer(tmp_path)
    with live.app.app_context():
        from flask_migrate import upgrade

        from ..factories import make_world

        upgrade()
        live.followup = _followup_world(live.app, make_world())
    live.start()
    yield live
    live.kill()


def _arrived(live: LiveServer, visit_id: str) -> dict:
    """The visit's rechecks and findings as the server holds them."""
    with live.app.app_context():
        vid = uuid.UUID(visit_id)
        rechecks = db.session.scalars(select(Recheck).where(Recheck.visit_ref == vid)).all()
        findings = db.session.scalars(select(Finding).where(Finding.visit_ref == vid)).all()
        shas = [p.sha256 for r in rechecks for p in r.photos]
        photos = {p.sha256: p.size for p in db.session.scalars(select(Photo).where(Photo.sha256.in_(shas or ["-"])))}
        on_disk = {sha: hashlib.sha256(variant_path(live.photo_dir, sha, "original").read_bytes()).hexdigest()
                   for sha in photos}
        return {
            "visit": db.session.get(Visit, vid) is not None,
            "rechecks": {str(r.finding_id): (r.verdict, r.note, r.status, str(r.visit_id)) for r in rechecks},
            "recheck_photos": {str(r.finding_id): [(p.sha256, p.caption) for p in r.photos] for r in rechecks},
            "photos": photos,
            "on_disk": on_disk,
            "findings": [(f.category, f.description) for f in findings],
        }


def test_a_followup_visit_offline_then_synced(followup_server, phone, tmp_path):
    fu = followup_server.followup
    shot = tmp_path / "relapse.jpg"
    shot_sha = make_photo(shot, seed=7)
    page = phone(followup_server).new_page()
    page.set_viewport_size({"width": 360, "height": 780})  # the narrowest phone the app is made for
    batches = []
    page.on("request", lambda r: batches.append([(x["type"], x["id"]) for x in r.post_data_json["records"]])
            if r.method == "POST" and r.url.endswith("/api/v1/sync") else None)
    sign_in(page, "inspector3")
    # The earlier problems' photos and the unit's photo evidence are fetched once, while online, and kept.
    assert poll(page, f"async () => {{ const kept = await ({KEPT_THUMBS})(); "
                      f"return kept.length === 2 ? kept : null; }}") == fu["thumbs"]

    followup_server.kill()  # nothing may need the server from here on
    page.context.set_offline(True)
    target_row(page, fu["target"]).locator("button, a.button").first.click()
    page.wait_for_selector("section.rechecks")
    visit_id = page.evaluate("location.hash").split("/")[-1]
    assert page.locator("section.checklist").count() == 0  # the plan does not include the ordinary checklist
    assert page.locator("button.recheck-row").count() == 2
    assert "复核原问题（0/2）" in page.inner_text("section.rechecks h2")

    # Problem 1: closed by the desk on the unit's evidence; the inspector finds it rectified.
    page.locator(f'button.recheck-row[data-finding="{fu["signed"]}"]').click()
    page.wait_for_selector("section.issued-problem")
    assert "签到册有2人由他人代签（通报原文）" in page.inner_text("section.issued-problem")
    report = page.inner_text("section.unit-report")
    assert "已制定考勤制度并公示" in report and "已完成整改" in report and "PDF · 整改报告.pdf" in report
    assert "2026年12月5日" in report  # the due date
    page.wait_for_function(f"() => ({LOADED})([...document.querySelectorAll('section.issued-problem img')])")
    page.wait_for_function(f"() => ({LOADED})([...document.querySelectorAll('section.unit-report img')])")
    for button in page.locator("div.verdicts button").all():  # large enough for a thumb on a 360-px phone
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not violations, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in violations]
    page.click("div.verdicts button.seg-rectified")
    page.wait_for_selector("div.verdicts button.seg-rectified[aria-pressed=true]")

    # Problem 2 opened and left untouched: ending the visit now warns of one problem not rechecked (the empty
    # draft is no record left incomplete: it would be dropped).
    page.click("a.button:has-text('完成')")
    page.locator(f'button.recheck-row[data-finding="{fu["absent"]}"]').click()
    page.wait_for_selector("div.verdicts button.seg-relapsed[aria-pressed=false]")
    page.click("a.button:has-text('完成')")
    page.click("#end-visit")
    ask = page.inner_text("dialog.sheet")
    assert "还有 1 个原问题未复核" in ask and "未填写情况描述" not in ask
    page.click("dialog.sheet button:has-text('取消')")

    # Problem 2, next after problem 1: 反弹, with a note and a photo (through the findings' photo pipeline).
    page.locator(f'button.recheck-row[data-finding="{fu["signed"]}"]').click()
    page.wait_for_selector("div.verdicts button.seg-rectified[aria-pressed=true]")
    page.click("#next-recheck")
    page.wait_for_selector(".screen-head h1:has-text('原问题 2')")
    assert "综合股干部王某某不在岗" in page.inner_text("section.issued-problem")
    page.click("div.verdicts button.seg-relapsed")
    page.wait_for_selector("div.verdicts button.seg-relapsed[aria-pressed=true]")
    page.fill("textarea[name=note]", "9:40 王某某仍不在岗，无请假手续")
    add_photos(page, [shot], via="camera")
    page.fill("li.thumb[data-sha256] input[name=caption]", "空座位")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.rechecks")
    assert "复核原问题（2/2）" in page.inner_text("section.rechecks h2")

    # A new problem is an ordinary finding.
    page.click("button:has-text('记录清单外问题')")
    page.select_option("select[name=category]", "办公用房")
    fill_finding(page, "局长办公室面积明显超标，约40平方米")
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.rechecks")
    end_visit(page)
    waiting = outbox_counts(page)
    assert (waiting["records"], waiting["photos"]) == (4, 1)  # the visit, two rechecks, the finding; one photo
    page.goto("/field/#/outbox")
    page.wait_for_selector("li.outbox-row")
    assert page.locator("li.outbox-row:has-text('复核')").count() == 2

    followup_server.start()
    page.context.set_offline(False)
    wait_synced(page)
    state = _arrived(followup_server, visit_id)
    assert state["visit"]
    assert state["rechecks"] == {
        fu["signed"]: ("rectified", "", "submitted", visit_id),
        fu["absent"]: ("relapsed", "9:40 王某某仍不在岗，无请假手续", "submitted", visit_id)}
    assert state["recheck_photos"] == {fu["signed"]: [], fu["absent"]: [(shot_sha, "空座位")]}
    assert state["photos"] == {shot_sha: shot.stat().st_size}
    assert state["on_disk"] == {shot_sha: shot_sha}
    assert state["findings"] == [("办公用房", "局长办公室面积明显超标，约40平方米")]
    # Each recheck went after its visit, or with it in a batch that lists the visit first.
    sent = [record for batch in batches for record in batch]
    assert [t for t, _ in sent].count("recheck") == 2
    assert sent.index(("visit", visit_id)) < min(i for i, (t, _) in enumerate(sent) if t == "recheck")


SETUP_HELD = """async () => {
  const model = await import('/static/field/model.js');
  const rk = await import('/static/field/rechecks.js');
  const db = await import('/static/field/db.js');
  const boot = await (await import('/static/field/bootstrap.js')).current();
  const campaign = boot.campaigns.find((c) => c.kind === 'followup');
  const target = campaign.targets[0];
  const visit = await model.startVisit(target, { campaignId: campaign.id, label: target.label });
  const opened = await rk.recheckFor(visit, target.rechecks[1].finding_id);  // opened, nothing entered
  await model.endVisit(visit.id);
  const recheck = await rk.recheckFor(visit, target.rechecks[0].finding_id);  // after 结束到访: queued at once
  await model.patch(recheck.id, 'data.verdict', 'not_rectified');
  const later = new Date(Date.now() + 3600e3).toISOString();  // the visit set aside for an hour (server failures)
  await model.modify(visit.id, (r) => { r.attention = { count: 1, rev: r.rev + 1, at: later, retry_at: later,
    status: 500, code: 'server_error', message: '' }; });
  return { visit: visit.id, recheck: recheck.id, opened: opened.id, openedKept: !!(await db.getRecord(opened.id)),
           queued: (await db.getRecord(recheck.id)).queued };
}"""
RECORD = "async () => (await import('/static/field/db.js')).getRecord({id})"


def test_stale_thumbnails_go_a_recheck_waits_for_its_visit_an_empty_one_is_dropped_its_review_comes_back(followup_server, phone):
    fu = followup_server.followup
    with followup_server.app.app_context():  # this plan also asks for the ordinary checklist
        db.session.scalar(select(FollowupPlan)).include_checklist = True
        db.session.commit()
    page = phone(followup_server).new_page()
    batches = []
    page.on("request", lambda r: batches.append([(x["type"], x["id"]) for x in r.post_data_json["records"]])
            if r.method == "POST" and r.url.endswith("/api/v1/sync") else None)
    sign_in(page, "inspector3")
    # A thumbnail no target names any more is dropped at the next bootstrap; the ones still named stay.
    page.evaluate("async () => (await import('/static/field/db.js')).kvSet('thumb:' + 'f'.repeat(64), new Blob(['x']))")
    page.evaluate("async () => { await (await import('/static/field/sync.js')).refreshBootstrap(); }")
    expected = json.dumps(json.dumps(fu["thumbs"], separators=(",", ":")))  # as JSON.stringify writes it
    poll(page, f"async () => JSON.stringify(await ({KEPT_THUMBS})()) === {expected}")
    page.context.set_offline(True)
    made = page.evaluate(SETUP_HELD)
    assert made["queued"] and not made["openedKept"]  # an opened recheck with no verdict, note or photo is not sent

    # Online again: a sync round runs while the visit waits for its own retry; the recheck stays on the phone.
    last = page.evaluate("async () => (await import('/static/field/db.js')).kvGet('last_sync')")
    page.context.set_offline(False)
    poll(page, "async () => (await (await import('/static/field/db.js')).kvGet('last_sync')) !== "
         + json.dumps(last))
    assert not any(made["recheck"] == rid for batch in batches for _, rid in batch)
    assert page.evaluate(RECORD.format(id=json.dumps(made["recheck"])))["acked_rev"] == 0

    # The visit may go again: it goes first, the recheck with it or after it, and the server links them.
    page.evaluate("async (id) => { const model = await import('/static/field/model.js');"
                  " await model.modify(id, (r) => { delete r.attention; });"
                  " await (await import('/static/field/sync.js')).syncNow({ manual: true }); }", made["visit"])
    poll(page, f"async () => ((await ({RECORD.format(id=json.dumps(made['recheck']))})()) || {{}}).acked_rev > 0")
    sent = [record for batch in batches for record in batch]
    assert sent.index(("visit", made["visit"])) < sent.index(("recheck", made["recheck"]))
    with followup_server.app.app_context():
        recheck = db.session.get(Recheck, uuid.UUID(made["recheck"]))
        assert (str(recheck.visit_id), str(recheck.finding_id), recheck.verdict) == \
            (made["visit"], fu["signed"], "not_rectified")
        assert db.session.get(Recheck, uuid.UUID(made["opened"])) is None
        # The desk confirms it (reopening the closed item): the phone hears of it through the change feed.
        confirm_recheck(recheck, note="复核属实", actor=db.session.scalar(select(User).where(User.username == "reviewer")), today=date.today())
        db.session.commit()
        version = recheck.version

    page.evaluate("async () => (await import('/static/field/sync.js')).syncNow({ manual: true })")
    kept = poll(page, f"async () => {{ const r = await ({RECORD.format(id=json.dumps(made['recheck']))})();"
                      " return r.review ? r : null; }")
    assert (kept["review"]["status"], kept["base_version"]) == ("confirmed", version)
    page.evaluate(f"location.hash = '#/v/{made['visit']}'")
    page.wait_for_selector("section.rechecks")
    assert page.locator("section.checklist").count() == 1  # include_checklist: the checklist shows as well
    assert "复核原问题（1/2）" in page.inner_text("section.rechecks h2")
    page.locator(f'button.recheck-row[data-finding="{fu["signed"]}"]').click()
    page.wait_for_selector("div.verdicts button.seg-not_rectified[aria-pressed=true]")
    assert "审核：已确认" in page.inner_text(".screen-head")

    # A problem the assignments no longer list (the plan was changed): the screen says so, nothing breaks.
    page.context.set_offline(True)
    page.evaluate("async (id) => (await import('/static/field/model.js')).modify(id, (r) => {"
                  " r.data.finding_id = '00000000-0000-4000-8000-000000000000'; })", made["recheck"])
    page.wait_for_selector(".notice.warn:has-text('这个原问题已不在本次回访任务中')")
    assert page.inner_text(".screen-head h1") == "复核" and page.locator("#next-recheck").count() == 0


RECHECK_AT_FIRST_TARGET = """async ({ verdict, note, end }) => {
  const model = await import('/static/field/model.js');
  const rk = await import('/static/field/rechecks.js');
  const boot = await (await import('/static/field/bootstrap.js')).current();
  const campaign = boot.campaigns.find((c) => c.kind === 'followup');
  const target = campaign.targets[0];
  const visit = await model.startVisit(target, { campaignId: campaign.id, label: target.label });
  const recheck = await rk.recheckFor(visit, target.rechecks[0].finding_id);
  await model.patch(recheck.id, 'data.verdict', verdict);
  if (note) await model.patch(recheck.id, 'data.note', note);
  if (end) {
    await model.endVisit(visit.id);
    await (await import('/static/field/sync.js')).syncNow({ manual: true });
  }
  return { visit: visit.id, recheck: recheck.id };
}"""  # the first problem of the first follow-up target rechecked in a new visit (`end`: ended and synced)


def test_a_phone_signed_in_again_edits_the_teams_recheck_instead_of_sending_a_second(followup_server, phone):
    fu = followup_server.followup
    a = phone(followup_server).new_page()
    sign_in(a, "inspector3")
    sent = a.evaluate(RECHECK_AT_FIRST_TARGET, {"verdict": "not_rectified", "note": "签到册仍有代签", "end": True})
    wait_synced(a)

    b = phone(followup_server).new_page()  # a fresh phone (or this one after signing out and in again)
    sign_in(b, "inspector3")
    target_row(b, fu["target"]).locator("button, a.button").first.click()
    row = b.locator(f'button.recheck-row[data-finding="{fu["signed"]}"]')
    row.wait_for()
    assert "未整改" in row.inner_text()  # the team's verdict on the server
    row.click()
    b.wait_for_selector("div.verdicts button.seg-not_rectified[aria-pressed=true]")
    assert b.input_value("textarea[name=note]") == "签到册仍有代签"
    assert b.evaluate("location.hash").split("/")[-1] == sent["recheck"]  # the same record, not a second one
    b.click("div.verdicts button.seg-relapsed")
    b.wait_for_selector("div.verdicts button.seg-relapsed[aria-pressed=true]")
    b.click("a.button:has-text('完成')")
    end_visit(b)
    wait_synced(b)
    with followup_server.app.app_context():
        rows = db.session.scalars(select(Recheck).where(Recheck.finding_id == uuid.UUID(fu["signed"]))).all()
        assert [(str(r.id), r.verdict, str(r.visit_id)) for r in rows] == [(sent["recheck"], "relapsed", sent["visit"])]


END_AND_SYNC = """async (visitId) => {
  await (await import('/static/field/model.js')).endVisit(visitId);
  await (await import('/static/field/sync.js')).syncNow({ manual: true });
}"""


def test_a_phone_taking_over_a_teammates_recheck_shows_the_photos_already_sent(followup_server, phone, tmp_path):
    fu = followup_server.followup
    shot = tmp_path / "relapse.jpg"
    shot_sha = make_photo(shot, seed=11)
    a = phone(followup_server).new_page()
    sign_in(a, "inspector3")
    sent = a.evaluate(RECHECK_AT_FIRST_TARGET, {"verdict": "relapsed", "note": "", "end": False})
    a.evaluate(f"location.hash = '#/recheck/{sent['recheck']}'")
    a.wait_for_selector("fieldset.photos")
    add_photos(a, [shot], via="camera")
    a.evaluate(END_AND_SYNC, sent["visit"])
    wait_synced(a)
    with followup_server.app.app_context():
        assert db.session.get(Photo, shot_sha) is not None  # the bytes reached the server

    b = phone(followup_server).new_page()  # a phone that never held the photo
    sign_in(b, "inspector3")
    target_row(b, fu["target"]).locator("button, a.button").first.click()
    b.locator(f'button.recheck-row[data-finding="{fu["signed"]}"]').click()
    b.wait_for_selector("div.verdicts button.seg-relapsed[aria-pressed=true]")
    thumb = b.locator(f'fieldset.photos li.thumb[data-sha256="{shot_sha}"]')
    thumb.locator("div.kept-thumb img").wait_for()
    b.wait_for_function("() => { const els = [...document.querySelectorAll('fieldset.photos div.kept-thumb img')];"
                        " return els.length > 0 && els.every((i) => i.complete && i.naturalWidth > 0); }")
    assert "已送达" in thumb.inner_text() and "0 KB" not in thumb.inner_text()
    assert shot_sha in b.evaluate(KEPT_THUMBS)  # kept for the offline days
