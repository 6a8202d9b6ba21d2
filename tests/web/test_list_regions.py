"""Lists by region (地区): every list whose records have a region shows it and filters by it (a city takes in its
counties); an office sees its own region's records first and the page says what it covers — 本辖区, and
全省公开 when public records of other regions are shown after them."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from .conftest import ACTOR, World


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def _publish_in_taiyuan(session: Session, world: World) -> int:
    from xiaodi.demands import service as demands

    for step in ("submit", "review", "publish"):
        demands.transition(session, actor=ACTOR, demand_id=world.other_demand_id, step=step)
    session.flush()
    return world.other_demand_id


def test_an_office_sees_its_own_region_first_and_the_scope_is_stated(
        session: Session, login: Callable[[str], TestClient], world: World) -> None:
    office = login("hejin")
    page = office.get("/demands").text
    assert "<th>地区</th>" in page and 'name="region"' in page
    assert "范围：本辖区（山西省运城市河津市）" in page and "全省公开" not in page
    assert all("河津市" in row for row in _rows(page))

    _publish_in_taiyuan(session, world)  # a public demand of 太原: the county office sees it after its own
    page = office.get("/demands?sort=-id").text
    assert "全省公开" in page
    rows = _rows(page)
    assert "太原市" in rows[-1] and all("河津市" in row for row in rows[:-1]), "本辖区 first, whatever the sort"

    # the 地区 filter: a city takes in its counties; a region outside leaves only its records
    assert all("河津市" in row for row in _rows(office.get("/demands?region=140800").text))
    only = _rows(office.get("/demands?region=140100").text)
    assert len(only) == 1 and "太原市" in only[0]
    assert office.get("/demands?region=山西").status_code == 422


def test_every_list_with_a_region_has_the_column_and_the_filter(
        login: Callable[[str], TestClient], world: World) -> None:
    province = login("province")
    for path in ("/demands", "/projects", "/agreements", "/bases", "/events", "/talents", "/orders", "/experts"):
        page = province.get(path).text
        assert "<tbody>" not in page or "<th>地区</th>" in page, path  # the column, on every list with rows
        assert 'name="region"' in page, path
        assert "范围：本辖区（山西省）" in page, path
    projects = province.get("/projects?region=140882").text
    assert "再生铝提纯中试线" in projects and "重型装备焊接中心" not in projects
    admin = login("admin")
    assert "范围：全部地区" in admin.get("/demands").text
