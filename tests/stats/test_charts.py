"""The statistics charts are images with a text alternative: no links inside, every number in the label."""
import re

import pytest

from .data import build_county


@pytest.fixture
def county(world):
    return build_county(world)


def test_charts_hold_no_links_and_name_every_number(client, auth, world, county):
    auth.login("reviewer")
    page = client.get(f"/stats/?campaign={world.campaign.id}").get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    assert len(charts) == 6  # five breakdowns and the trend
    for chart in charts:
        assert 'role="img"' in chart and "<a " not in chart and "href" not in chart
    unit_chart = next(c for c in charts if 'aria-label="按单位统计：' in c)
    assert "示例县教育和体育局 3个（37.5%）；示例县住房和城乡建设局 2个（25%）" in unit_chart
    assert re.search(r'aria-label="各批次问题数量趋势：[^"]*问题8个', page)
    # the links live outside the images, in the tables beside them
    assert re.search(r'<td class="num"><a href="/review/\?[^"]*status=confirmed[^"]*">3</a></td>', page)
