"""The figures page and the dashboard say what they show: the period chosen in the form is the one the heading
names, and a chart's colours carry meaning — the regions of one measure share a colour (none is alarm red for
standing third), red marks only what needs action (停滞)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xiaodi.web.charts import TONES, bar_chart

from .conftest import ACTOR, World


def _selected(html: str) -> str:
    form = html.split('<select name="year"', 1)[1].split("</select>", 1)[0]
    return re.search(r"<option[^>]*selected[^>]*>([^<]+)</option>", form).group(1)  # type: ignore[union-attr]


def test_the_period_in_the_form_is_the_period_in_the_heading(
        login: Callable[[str], TestClient], world: World) -> None:
    office = login("province")
    page = office.get("/figures").text
    assert "· 全部时间</small>" in page and _selected(page) == "全部时间"
    page = office.get("/figures?year=2024").text
    assert "· 2024年</small>" in page and _selected(page) == "2024 年"
    page = office.get("/figures?from=2024-03-01").text
    assert "· 2024-03-01 至 至今</small>" in page and _selected(page) == "按起止日期"
    assert 'type="date" lang="zh-CN"' in page  # dates are picked in Chinese


def test_chart_colours_follow_meaning_not_position() -> None:
    regions = [("太原市", 9.0), ("大同市", 7.0), ("运城市", 5.0), ("长治市", 3.0)]
    chart = str(bar_chart(regions, title="各地签约协议", unit="个"))
    fills = re.findall(r'fill="(#[0-9a-f]{6})"', chart)
    assert fills == [TONES["neutral"]] * 4  # the third region is not red
    stages = str(bar_chart([("已开工", 4.0), ("已投产", 2.0), ("停滞", 1.0)], title="项目按阶段",
                           tones={"已投产": "good", "停滞": "alarm"}))
    assert re.findall(r'fill="(#[0-9a-f]{6})"', stages) == [TONES["neutral"], TONES["good"], TONES["alarm"]]


def test_the_dashboard_paints_a_stalled_project_red_and_only_that(
        session: Session, login: Callable[[str], TestClient], world: World) -> None:
    from xiaodi.projects import service as projects

    projects.move_project(session, actor=ACTOR, project_id=world.project_id, to="stalled", reason="资金未到位")
    session.flush()
    page = login("hejin").get("/").text
    chart = page.split('aria-label="项目按阶段"', 1)[1].split("</svg>", 1)[0]
    assert f'fill="{TONES["alarm"]}"' in chart and "停滞" in chart
    demands = page.split('aria-label="需求按状态"', 1)[1].split("</svg>", 1)[0]
    assert f'fill="{TONES["alarm"]}"' not in demands
