"""The numbers agree: statistics page, statistics paragraph, JSON API and both sheets of the XLSX ledger."""
import html
import io
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from inspection.findings.models import CADRE_LEVELS

from .data import build_county, closed_campaign


@pytest.fixture
def county(world):
    # other numbers in the database that a campaign filter must leave out; over all campaigns 教体局 has
    # 4 of 9 findings: 44.4% rounded on its own (largest remainder, forcing 100%, printed 44.5%)
    closed_campaign(world, findings=1)
    return build_county(world)


@pytest.mark.parametrize("query", ["campaign={campaign}", "", "category=在岗在位", "from=2026-11-01&to=2026-11-30"])
def test_page_paragraph_api_and_xlsx_agree(client, auth, world, county, query):
    query = query.format(campaign=world.campaign.id)
    auth.login("reviewer")
    api = client.get(f"/api/v1/stats?{query}").get_json()
    page = html.unescape(client.get(f"/stats/?{query}").get_data(as_text=True))
    with client.get(f"/review/ledger.xlsx?{query}") as response:
        book = load_workbook(io.BytesIO(response.get_data()))

    # the page shows the API's paragraph and every figure with its share
    assert api["paragraph"] in page
    for section in ("by_unit", "by_category", "by_cadre_level", "by_team", "by_item"):
        for row in api[section]:
            pct = f"{row['percent']:g}%" if row["percent"] % 1 else f"{int(row['percent'])}%"
            cells = re.search(rf"<td title=\"{re.escape(row['name'])}\">[^<]*</td><td class=\"num\">(?:<a [^>]+>)?"
                              rf"{row['count']}(?:</a>)?</td><td class=\"num\">{re.escape(pct)}</td>", page)
            assert cells, (section, row)
    assert f'<span class="big">{api["units_visited"]}</span>' in page

    # every share is its own count over its table's total, rounded half-up to one decimal (a calculator agrees)
    for section, total in (("by_unit", api["total_findings"]), ("by_category", api["total_findings"]),
                           ("by_team", api["total_findings"]), ("by_item", api["total_findings"]),
                           ("by_cadre_level", api["persons_total"])):
        for row in api[section]:
            exact = Decimal(row["count"]) * 100 / Decimal(total)
            assert Decimal(str(row["percent"])) == exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), (section, row)

    # the statistics sheet holds the same numbers, the same shares and the same paragraph
    sheet = {}
    for section, name, count, _unit, share in book["统计"].iter_rows(min_row=5, values_only=True):
        sheet.setdefault(section, []).append((name, count, share))
    expect = {"按单位": "by_unit", "按问题类别": "by_category", "按干部层级": "by_cadre_level", "按暗访组": "by_team",
              "按检查事项": "by_item"}
    for section, key in expect.items():
        assert [(n, c, round(s * 100, 1)) for n, c, s in sheet.get(section, [])] == [
            (r["name"], r["count"], r["percent"]) for r in api[key]], section
    overall = {name: count for name, count, _ in sheet["总体"]}
    assert overall == {"暗访检查单位": api["units_visited"], "存在问题的单位": api["units_with_problems"],
                       "已确认问题": api["total_findings"], "涉及人员": api["persons_total"]}
    assert sheet["统计表述"][0][0] == api["paragraph"]

    # the ledger's own rows add up to the same counts
    rows = list(book["问题台账"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == api["total_findings"]
    assert Counter(r[2] for r in rows) == {r["name"]: r["count"] for r in api["by_unit"]}
    assert Counter(r[6] for r in rows) == {r["name"]: r["count"] for r in api["by_category"]}
    levels = Counter(label for r in rows for label in re.findall(r"，?([^，（）]+)）", r[9] or "")
                     if label in CADRE_LEVELS.values())
    assert levels == {r["label"]: r["count"] for r in api["by_cadre_level"]}
