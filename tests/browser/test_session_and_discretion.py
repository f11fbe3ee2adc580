"""Sign-in that survives a revoked token without losing work, and the app's discretion on screen and in URLs."""
from __future__ import annotations

import re

from sqlalchemy import select

from inspection.auth.models import ApiToken
from inspection.auth.services import revoke_token
from inspection.extensions import db

from ..factories import PASSWORD
from .pages import answer, end_visit, fill_finding, idb, outbox_counts, sign_in, start_visit, wait_ready, wait_synced
from .serverdb import arrived

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _revoke_latest_token(server) -> None:
    with server.app.app_context():
        try:
            token = db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None))
                                      .order_by(ApiToken.id.desc()).limit(1))
            revoke_token(token, actor=token.user)
            db.session.commit()
        finally:
            db.session.remove()


def test_revoked_token_keeps_the_work_and_asks_to_sign_in_again(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    context.set_offline(True)
    visit_id = start_visit(page, server.world_ids["targets"][1])
    answer(page, "A05", "fail")
    page.wait_for_selector("textarea[name=description]")
    finding_id = fill_finding(page, "差旅费报销超标准", persons=[("吴某", "会计", "staff")])
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    _revoke_latest_token(server)  # e.g. the inspector revoked this phone on the web

    context.set_offline(False)
    banner = page.locator("#banners .auth")
    banner.wait_for()
    assert "重新登录" in banner.inner_text()
    assert outbox_counts(page)["records"] == 2  # nothing dropped
    assert page.locator("li.target").count() > 0  # the day's work goes on

    banner.locator("a").click()
    page.wait_for_selector("form.login")
    assert page.input_value("input[name=username]") == "inspector1"
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("li.target")
    wait_synced(page)
    assert page.locator("#banners .auth").count() == 0
    assert arrived(server, visit_id)["finding_ids"] == [finding_id]


def test_discretion_no_names_in_urls_neutral_title_veil_and_dark_theme(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    hashes = {page.evaluate("location.hash")}
    visit_id = start_visit(page, server.world_ids["targets"][0])
    hashes.add(page.evaluate("location.hash"))
    answer(page, "A04", "fail")
    page.wait_for_selector("textarea[name=description]")
    hashes.add(page.evaluate("location.hash"))
    for url in hashes:
        assert re.fullmatch(rf"(#/?)?(|#/(v|f)/{UUID})", url), url  # opaque ids only: no unit in any URL
    assert page.title() == "外勤记录"
    assert visit_id in next(h for h in hashes if "/v/" in h)

    # The screen goes blank whenever the app leaves the foreground (the app switcher's snapshot).
    page.evaluate("""() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }""")
    assert page.locator("#veil").is_visible()
    assert not page.locator("#view").is_visible()
    page.evaluate("""() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }""")
    assert page.locator("#view").is_visible()

    # No sound anywhere, and a dark theme that stays chosen.
    assert page.locator("audio, video").count() == 0
    page.evaluate("location.hash = '#/me'")
    page.click("button[data-theme=dark]")
    assert page.get_attribute("html", "data-theme") == "dark"
    page.reload()
    wait_ready(page)
    assert page.get_attribute("html", "data-theme") == "dark"
    assert idb(page, "db.kvGet('session').then(s => !!s.token)")
    # The shell cached for offline use holds no session, name or token.
    shell = page.evaluate("caches.keys().then(k => caches.open(k.find(n => n.startsWith('field-shell-'))))"
                          ".then(c => c.match('/field/')).then(r => r.text())")
    assert "inspector1" not in shell and "csrf" not in shell and "Bearer" not in shell
