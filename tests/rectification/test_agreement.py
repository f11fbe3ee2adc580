"""The 整改 numbers agree: statistics page, statistics paragraph, /api/v1/stats and the 整改台账 XLSX."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from inspection.extensions import db
from inspection.rectification import services
from inspection.rectification.numbers import month_day_cn
from inspection.core.dates import today_cst

from .helpers import issue_sample, items_of

FILLED = {"measures": "修订制度", "leader": "张局长", "responsible": "李某", "progress": "已完成"}


def _report(item, world):
    liaison = world.users["liaison1"]
    services.save_item(item, FILLED, actor=liaison)
    services.add_evidence(item, kind="pdf", sha256=f"{item.id:064x}", filename="说明.pdf", size=10, actor=liaison)
    services.submit_item(item, actor=liaison)


def test_page_paragraph_api_and_xlsx_agree(app, world, client, auth):
    circular = issue_sample(app, world)
    items = items_of(circular)
    _report(items[0], world)
    services.accept_item(items[0], "整改到位", actor=world.users["reviewer"])
    _report(items[1], world)
    for item in items[2:]:
        item.due_date = today_cst() - timedelta(days=1)  # the rest are overdue
    db.session.commit()
    auth.login("reviewer")
    query = f"campaign={world.campaign.id}"
    api = client.get(f"/api/v1/stats?{query}").get_json()["rectification"]
    page = html.unescape(client.get(f"/stats/?{query}").get_data(as_text=True))
    with client.get(f"/rectification/ledger.xlsx?circular={circular.id}") as response:
        book = load_workbook(io.BytesIO(response.get_data()))

    assert api["total"] == len(items) and api["closed"] == 1 and api["submitted"] == 1
    rate = api["rate_percent"]
    printed = f"{rate:g}%" if rate % 1 else f"{int(rate)}%"
    # the page: the same figures and the same sentence, which is also the end of the API's paragraph
    assert re.search(rf'id="rect-total">{api["total"]}<', page)
    assert re.search(rf'id="rect-closed">{api["closed"]}<', page) and f"整改率{printed}" in page
    assert re.search(rf'id="rect-overdue">{api["overdue"]}<', page)
    assert api["sentence"] and api["sentence"] in page
    assert api["sentence"].startswith(f"截至{month_day_cn(today_cst())}，通报的{len(items)}个问题已整改销号1个、整改率{printed}")
    full = client.get(f"/api/v1/stats?{query}").get_json()["paragraph"]
    assert full.endswith(api["sentence"])
    for row in api["by_unit"] + api["by_category"]:
        assert row["name"] in page
    # the XLSX figures sheet
    sheet = {(r[0], r[1]): r for r in book["整改统计"].iter_rows(values_only=True) if r and r[0]}
    assert sheet[("总体", "通报问题")][2] == api["total"]
    assert sheet[("总体", "已销号")][2] == api["closed"]
    assert round(sheet[("总体", "已销号")][4] * 100, 1) == rate
    assert sheet[("总体", "逾期未完成")][2] == api["overdue"]
    for row in api["by_unit"]:
        assert round(sheet[("按单位", row["name"])][4] * 100, 1) == row["rate_percent"]
    assert sheet[("统计表述", api["sentence"])]
