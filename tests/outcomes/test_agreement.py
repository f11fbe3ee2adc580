"""The 处理意见 numbers agree: statistics page, statistics paragraph, /api/v1/stats and the statistics XLSX."""
from __future__ import annotations

import html
import io
import re

from openpyxl import load_workbook

from inspection.outcomes.models import MEASURES

from .test_numbers import sample_outcomes

SENTENCE = ("对5人次作出处理，其中提醒谈话1人次、批评教育2人次、责令检查1人次、约谈1人次；"
            "涉及正科级干部2人、一般干部1人、其他人员1人。")


def _printed(percent: float) -> str:
    return f"{percent:g}%" if percent % 1 else f"{int(percent)}%"


def test_page_paragraph_api_and_xlsx_agree(world, client, auth):
    sample_outcomes(world)
    auth.login("reviewer")
    query = f"campaign={world.campaign.id}"
    answer = client.get(f"/api/v1/stats?{query}").get_json()
    api = answer["outcomes"]
    page = html.unescape(client.get(f"/stats/?{query}").get_data(as_text=True))
    book = load_workbook(io.BytesIO(client.get(f"/stats/statistics.xlsx?{query}").get_data()))

    assert (api["persons"], api["person_times"], api["sentence"]) == (4, 5, SENTENCE)
    # the paragraph: the API's and the page's are one text, and it carries the sentence
    assert SENTENCE in answer["paragraph"]
    shown = re.search(r'<p id="stats-paragraph" class="report-text">(.*?)</p>', page, re.S).group(1)
    assert shown == answer["paragraph"]
    # the page's block
    assert re.search(rf'id="outcome-persons">{api["persons"]}<', page)
    assert re.search(rf'id="outcome-times">{api["person_times"]}<', page)
    for row in api["by_measure"]:
        cells = re.search(rf'<tr data-measure="{row["key"]}"><td>([^<]+)</td><td class="num">(\d+)</td>'
                          rf'<td class="num">(\d+)</td><td class="num">([^<]+)</td>', page)
        if not row["person_times"]:
            assert cells is None  # a measure nobody was given is left out of the page's table
            continue
        assert cells.groups() == (row["name"], str(row["person_times"]), str(row["persons"]), _printed(row["percent"]))
    for row in api["by_cadre_level"]:
        cells = re.search(rf'<tr data-level="{row["key"]}"><td>([^<]+)</td><td class="num">(\d+)</td>'
                          rf'<td class="num">(\d+)</td><td class="num">([^<]+)</td>', page)
        assert (cells is None) == (row["persons"] == 0)
        if cells:
            assert cells.groups() == (row["name"], str(row["persons"]), str(row["person_times"]),
                                      _printed(row["percent"]))
    for row in api["table"]:
        for measure, count in row["person_times"].items():
            cell = re.search(rf'data-cell="{row["cadre_level"]}:{measure}">(\d+)<', page)
            if cell:
                assert int(cell.group(1)) == count
            else:
                assert count == 0
    # the workbook: the 处理意见 sheet and the cross table
    sheet = {(r[0], r[1]): r for r in book["处理意见"].iter_rows(values_only=True) if r and r[0]}
    assert sheet[("总体", "处理人数")][2] == api["persons"] and sheet[("总体", "处理人次")][3] == api["person_times"]
    for row in api["by_measure"]:
        assert sheet[("按处理方式", row["name"])][2:4] == (row["persons"], row["person_times"])
        assert round(sheet[("按处理方式", row["name"])][4] * 100, 1) == row["percent"]
    for row in api["by_cadre_level"]:
        assert sheet[("按干部层级", row["name"])][2:4] == (row["persons"], row["person_times"])
        assert round(sheet[("按干部层级", row["name"])][4] * 100, 1) == row["percent"]
    assert sheet[("统计表述", api["sentence"])]
    cross = list(book["处理方式×干部层级"].iter_rows(values_only=True))
    header = next(r for r in cross if r and r[0] == "干部层级")
    assert list(header[1:-1]) == list(MEASURES.values())
    rows = {r[0]: r for r in cross if r and r[0] not in ("干部层级", None) and isinstance(r[-1], int)}
    for row in api["table"]:
        assert list(rows[row["name"]][1:-1]) == [row["person_times"][m] for m in MEASURES]
        assert rows[row["name"]][-1] == row["total"]
    assert rows["合计"][-1] == api["person_times"]


def test_a_viewer_gets_the_same_outcome_figures_everywhere_once_the_campaign_is_closed(world, client, auth):
    sample_outcomes(world)
    from inspection.extensions import db

    world.campaign.status = "closed"
    db.session.commit()
    auth.login("viewer")
    api = client.get("/api/v1/stats").get_json()["outcomes"]
    page = html.unescape(client.get("/stats/").get_data(as_text=True))
    book = load_workbook(io.BytesIO(client.get("/stats/statistics.xlsx").get_data()))
    assert api["sentence"] == SENTENCE and SENTENCE in page
    assert re.search(r'id="outcome-times">5<', page)
    sheet = {(r[0], r[1]): r for r in book["处理意见"].iter_rows(values_only=True) if r and r[0]}
    assert sheet[("总体", "处理人次")][3] == 5


def test_no_outcomes_no_block_and_an_empty_sentence(world, client, auth):
    auth.login("reviewer")
    api = client.get("/api/v1/stats").get_json()["outcomes"]
    assert api["person_times"] == 0 and api["sentence"] == ""
    assert 'id="outcome-times"' not in client.get("/stats/").get_data(as_text=True)
