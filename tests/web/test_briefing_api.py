"""工作简报 through the JSON API: a program of 河津市's office fetches the Word briefing and the workbook of the same
tables for its county and a period; the province's office may ask for any region of the province; a region outside
a county office's is refused with 403, and a unit's account has no briefing at all."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from xiaodi.projects.models import Project

from .conftest import World


def test_the_county_office_fetches_its_briefing_as_word_and_excel(login: Callable[[str], TestClient],
                                                                 world: World) -> None:
    hejin = login("hejin")
    r = hejin.get(f"/api/briefing.docx?region={world.hejin.code}&from=2024-01-01&to=2024-12-31")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    assert doc.paragraphs[0].text == "山西省运城市河津市省校合作工作简报"
    assert "统计期间：2024年1月1日至2024年12月31日" in [p.text for p in doc.paragraphs]
    figures = doc.tables[0]
    agreements = next(row for row in figures.rows if row.cells[0].text == "签约协议")
    assert agreements.cells[1].text == "1"  # the 河津 agreement of 2024-05-10

    book = load_workbook(io.BytesIO(hejin.get(f"/api/briefing.xlsx?region={world.hejin.code}&year=2024").content))
    assert book.sheetnames == ["核心数据", "分地区", "基地建设", "逾期节点", "调度决定", "考核排名", "重点项目"]
    assert [c.value for c in book["核心数据"][6]][:2] == ["签约协议", "1"]
    # Without a region: the office's own (as the figures page).
    assert Document(io.BytesIO(hejin.get("/api/briefing.docx?year=2024").content)).paragraphs[0].text \
        == "山西省运城市河津市省校合作工作简报"


def test_a_region_outside_is_refused_and_units_have_no_briefing(login: Callable[[str], TestClient],
                                                                world: World) -> None:
    hejin = login("hejin")
    r = hejin.get(f"/api/briefing.docx?region={world.taiyuan.code}&year=2024")
    assert r.status_code == 403 and "不在您的管辖范围内" in r.json()["detail"]
    assert hejin.get(f"/api/briefing.xlsx?region={world.taiyuan.code}").status_code == 403
    assert hejin.get("/api/briefing.docx?region=999999").status_code == 404
    assert hejin.get("/api/briefing.docx?from=2024-12-31&to=2024-01-01").status_code == 422
    province = login("province")
    assert province.get(f"/api/briefing.docx?region={world.taiyuan.code}&year=2024").status_code == 200
    for unit in ("enterprise", "university"):
        assert login(unit).get("/api/briefing.docx?year=2024").status_code == 403


def test_the_briefing_routes_are_documented(login: Callable[[str], TestClient]) -> None:
    paths = login("province").get("/api/openapi.json").json()["paths"]
    for suffix, media in (("docx", "wordprocessingml"), ("xlsx", "spreadsheetml")):
        operation = paths[f"/api/briefing.{suffix}"]["get"]
        assert any(media in kind for kind in operation["responses"]["200"]["content"])
        assert {p["name"] for p in operation["parameters"]} >= {"region", "year", "from", "to"}
        assert "403" in operation["responses"]


def test_a_name_with_an_invisible_control_character_still_makes_a_briefing(
        login: Callable[[str], TestClient], world: World, session: Session) -> None:
    """A project named with a form feed pasted from a PDF: the Word briefing leaves the character out (XML cannot
    hold it) instead of failing with a 500; the ledger keeps the name as typed."""
    project = session.get(Project, world.project_id)
    assert project is not None
    project.name = "高炉煤气\x0c余热回收项目"
    session.flush()
    r = login("hejin").get(f"/api/briefing.docx?region={world.hejin.code}&from=2020-01-01&to=2030-12-31")
    assert r.status_code == 200, r.text[:300]
    cells = [c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
    assert "高炉煤气余热回收项目" in cells
    assert session.get(Project, world.project_id).name == "高炉煤气\x0c余热回收项目"  # type: ignore[union-attr]
