"""留痕 of a project's funds in place (到位资金): the funds table says who recorded each row (登记人), and recording
or correcting funds appears in the project's trail (操作留痕) like its other changes — a tester found the page
showing only 新建 after funds were added."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from .conftest import World, csrf_of


def _trail(html: str) -> str:
    return html[html.index("操作留痕"):]


def test_recorded_funds_name_their_recorder_and_appear_in_the_projects_trail(
        login: Callable[[str], TestClient], world: World) -> None:
    client = login("hejin")
    page = f"/projects/{world.project_id}"
    r = client.post(f"{page}/funds", data={"amount": "120万元", "arrived_on": "2025-04-01", "source": "fiscal",
                                           "note": "首期拨付", "csrf_token": csrf_of(client.get(page).text)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    html = client.get(page).text
    funds = html[html.index('id="funds"'):html.index("操作留痕")]
    assert "<th>登记人</th>" in funds
    assert re.search(r'<td data-label="登记人">测试·hejin</td>', funds), funds[:3000]

    fund_id = int(re.search(r'id="fund-(\d+)"', funds).group(1))  # type: ignore[union-attr]
    r = client.post(f"/projects/funds/{fund_id}/correct",
                    data={"amount": "100万元", "reason": "按回单核对", "csrf_token": csrf_of(html)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    trail = _trail(client.get(page).text)
    assert "<strong>登记到位资金</strong> · 测试·hejin" in trail, trail[:3000]
    assert "<strong>更正到位资金</strong> · 测试·hejin" in trail
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", trail)
    after = [(name, a) for name, _, a in rows]
    assert ("到位金额", "120万元") in after and ("到位金额", "100万元") in after, after
    assert ("到位日期", "2025-04-01") in after and ("资金来源", "财政资金") in after, after
    assert "按回单核对" in trail
