"""The phone takes the server's values: a conflict's kept value, a reviewer's edit and a conflict's resolution
all reach the phone's copy, so what the inspector sees is the server's and a later edit does not undo it."""
from __future__ import annotations

import uuid

from ..factories import PASSWORD
from .pages import answer, end_visit, fill_finding, idb, poll, sign_in, start_visit, wait_synced
from .serverdb import arrived


def _record_finding(page, target: int, description: str, persons=()) -> tuple[str, str]:
    """Record a visit with one failed item and its finding, end it and wait until both are on the server."""
    visit_id = start_visit(page, target)
    answer(page, "A02", "fail")
    page.wait_for_selector("textarea[name=description]")
    finding_id = fill_finding(page, description, persons=list(persons))
    page.click("a.button:has-text('完成')")
    page.wait_for_selector("section.checklist")
    end_visit(page)
    wait_synced(page)
    return visit_id, finding_id


def _reviewer(server):
    """A desk client signed in as the reviewer (the server's own app, on the same database)."""
    client = server.app.test_client()
    response = client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


def _desk_post(server, finding_id: str, action: str, visit_id: str, form: dict) -> None:
    """Post one review form (edit / resolve) at the finding's current version; it must succeed."""
    version = arrived(server, visit_id)["findings"][finding_id]["version"]
    response = _reviewer(server).post(f"/review/findings/{finding_id}/{action}", data={**form, "version": version})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _record(page, finding_id: str) -> dict:
    return idb(page, f"db.getRecord('{finding_id}')")


def _wait_answered(page, finding_id: str, status: str) -> None:
    """Wait until the server has answered the finding's latest change with `status`."""
    poll(page, f"""async () => {{
      const r = await (await import('/static/field/db.js')).getRecord('{finding_id}');
      return r.acked_rev === r.rev && r.result && r.result.status === '{status}';
    }}""", timeout=30)


def _pull(page) -> None:
    """Press 立即同步 in the outbox (the round pulls the change feed)."""
    page.evaluate("location.hash = '#/outbox'")
    page.click("#sync-now")


def _open_finding(page, finding_id: str, description: str) -> None:
    """Open the finding's screen and wait until it shows this description."""
    page.evaluate(f"location.hash = '#/f/{finding_id}'")
    page.wait_for_function("(text) => document.querySelector('textarea[name=description]')?.value === text",
                           arg=description)


def test_after_a_conflict_the_phone_shows_the_servers_value_and_a_later_edit_keeps_it(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    visit_id, finding_id = _record_finding(page, server.world_ids["targets"][1], "原始描述：档案室无人")

    # The inspector starts an edit that cannot go yet (a person without a name holds it on the phone) ...
    phone_text = "本机：档案室一人10:05返回"
    _open_finding(page, finding_id, "原始描述：档案室无人")
    page.click("fieldset.persons > button")
    page.fill("textarea[name=description]", phone_text)
    # ... while another phone of the team rewrites the description (version 1 -> 2).
    client = server.app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "inspector1", "password": PASSWORD,
                                                     "device_name": "另一部手机"}).get_json()["token"]
    record = page.evaluate("""async (id) => (await import('/static/field/model.js'))
      .payload(await (await import('/static/field/db.js')).getRecord(id))""", finding_id)
    record["data"]["description"] = server_text = "另一部手机：档案室两人外出未登记"
    record["data"]["persons"] = []
    answer_ = client.post("/api/v1/sync", headers={"Authorization": f"Bearer {token}"}, json={
        "device_id": "other-phone", "batch_id": str(uuid.uuid4()), "records": [record]}).get_json()
    assert answer_["results"][0]["status"] == "updated"
    # The phone hears of that edit while its own waits, so the change feed cannot bring the server's text later.
    _pull(page)
    poll(page, f"""async () => Number(await (await import('/static/field/db.js')).kvGet('cursor'))
      >= {int(answer_["cursor"])}""", timeout=30)
    assert _record(page, finding_id)["data"]["description"] == phone_text

    # The edit completed goes up and meets the other: the server keeps its text and the phone takes it.
    _open_finding(page, finding_id, phone_text)
    page.locator('div.person[data-index="0"] input[name=person_name]').fill("李某")
    page.locator("input[name=location]").focus()
    _wait_answered(page, finding_id, "conflict")
    assert _record(page, finding_id)["data"]["description"] == server_text
    _open_finding(page, finding_id, server_text)
    assert phone_text in page.inner_text(".notice.bad")  # the phone's text is still shown beside it

    # An unrelated edit goes up as an ordinary update: it does not send the phone's text again.
    page.fill("input[name=location]", "二楼档案室")
    page.locator("textarea[name=description]").focus()
    _wait_answered(page, finding_id, "updated")
    state = arrived(server, visit_id)["findings"][finding_id]
    assert state["description"] == server_text
    assert state["conflicts"]["description"]["phone"] == phone_text and state["in_conflict"] is True

    # The reviewer settles the conflict for the phone's text: the change feed brings it to the phone.
    _desk_post(server, finding_id, "resolve", visit_id, {"field": "description", "choice": "phone"})
    _pull(page)
    poll(page, f"""async () => {{
      const r = await (await import('/static/field/db.js')).getRecord('{finding_id}');
      return r.data.description === {phone_text!r} && !('description' in r.result.conflicts);
    }}""", timeout=30)
    _open_finding(page, finding_id, phone_text)
    assert page.locator(".notice.bad").count() == 0
    assert _record(page, finding_id)["base_version"] == arrived(server, visit_id)["findings"][finding_id]["version"]


def test_a_reviewers_edit_reaches_the_phone_and_the_next_edit_builds_on_it(server, phone):
    context = phone(server)
    page = context.new_page()
    sign_in(page)
    visit_id, finding_id = _record_finding(page, server.world_ids["targets"][0], "签到册缺两人",
                                           persons=[("钱某", "科员", "staff")])

    edited = "签到册缺钱某、孙某两人签名，无请假手续"
    _desk_post(server, finding_id, "edit", visit_id, {
        "description": edited, "persons_present": "1",
        "person-0-name": "钱某", "person-0-post": "副主任科员", "person-0-level": "staff"})
    version = arrived(server, visit_id)["findings"][finding_id]["version"]
    _pull(page)
    poll(page, f"""async () => {{
      const r = await (await import('/static/field/db.js')).getRecord('{finding_id}');
      return r.base_version === {version};
    }}""", timeout=30)
    record = _record(page, finding_id)
    assert record["data"]["description"] == edited
    assert [(p["name"], p["post"], p["cadre_level"]) for p in record["data"]["persons"]] == [("钱某", "副主任科员", "staff")]
    _open_finding(page, finding_id, edited)
    assert page.locator('div.person[data-index="0"] input[name=person_post]').input_value() == "副主任科员"

    # The phone's next edit is based on the reviewer's version: an update that keeps the reviewer's wording.
    page.fill("input[name=location]", "一楼大厅")
    page.locator("textarea[name=description]").focus()
    _wait_answered(page, finding_id, "updated")
    state = arrived(server, visit_id)["findings"][finding_id]
    assert state["description"] == edited and state["in_conflict"] is False
    assert state["persons"] == [("钱某", "副主任科员", "staff")]
