"""Work figures (工作数据) by region and period: a province office looks at one city, a county office at a year,
the breakdown by sub-region and the trend by year add up, and the workbook carries the same numbers."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from tests.web.conftest import World


def test_a_county_office_sees_its_year_and_its_trend(login: Callable[[str], TestClient], world: World) -> None:
    body = login("hejin").get("/api/figures", params={"year": 2024}).json()
    assert body["scope"] == "山西省运城市河津市" and body["period"]["label"] == "2024年"
    assert body["values"]["agreements"] == 1 and body["values"]["amount_signed"] == 1_200_000
    assert body["figures"]["签约协议"] == "1"  # as people read it
    trend = {row["year"]: row for row in body["trend"]}
    assert trend[2024]["agreements"] == 1 and trend[2023]["agreements"] == 0
    assert body["breakdown"] == []  # a county has no sub-regions in the directory
    assert body["overdue_milestones"] == 1  # the office's desk stays with the answer


def test_the_province_drills_down_to_a_city_and_its_counties(login: Callable[[str], TestClient],
                                                             world: World) -> None:
    c = login("province")
    whole = c.get("/api/figures").json()
    assert whole["scope"] == "山西省"
    cities = {row["name"]: row for row in whole["breakdown"]}
    assert cities["运城市"]["agreements"] == 1 and cities["太原市"]["agreements"] == 0
    city = c.get("/api/figures", params={"region": "140800", "from": "2024-01-01", "to": "2024-12-31"}).json()
    assert city["scope"] == "山西省运城市" and city["values"]["agreements"] == 1
    counties = {row["name"]: row["agreements"] for row in city["breakdown"]}
    assert counties["河津市"] == 1 and sum(counties.values()) == 1
    page = c.get("/figures", params={"region": "140800"}).text
    assert "分地区" in page and "分年度" in page and "<svg" in page and "河津市" in page


def test_bad_periods_and_regions_are_refused_in_chinese(login: Callable[[str], TestClient], world: World) -> None:
    c = login("province")
    r = c.get("/api/figures", params={"from": "2025-02-01", "to": "2025-01-01"})
    assert r.status_code == 422 and "起始日期不能晚于截止日期" in r.json()["detail"]
    r = c.get("/api/figures", params={"year": 2025, "from": "2025-01-01"})
    assert r.status_code == 422 and "只能选一种" in r.json()["detail"]
    assert c.get("/figures", params={"from": "去年"}).status_code == 422
    assert c.get("/api/figures", params={"region": "990000"}).status_code == 404
    assert login("hejin").get("/api/figures", params={"region": "140100"}).status_code == 404  # 太原: not 河津's
    assert login("enterprise").get("/api/figures", params={"region": "140882"}).status_code == 403


def test_the_workbook_has_the_figures_the_breakdown_and_the_trend(login: Callable[[str], TestClient],
                                                                 world: World) -> None:
    r = login("province").get("/figures/export.xlsx", params={"region": "140800", "year": "2024"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert book.sheet_names == ["工作数据", "分地区", "分年度"]
    figures = {row[0]: row[1] for row in book.get_sheet_by_name("工作数据").to_python()[4:]}
    assert figures["签约协议"] == 1 and figures["签约金额"] == 1_200_000
    counties = {row[0]: row[1] for row in book.get_sheet_by_name("分地区").to_python()[1:]}
    assert counties["河津市"] == 1


def test_a_unit_sees_its_own_figures_without_a_breakdown(login: Callable[[str], TestClient], world: World) -> None:
    body = login("enterprise").get("/api/figures").json()
    assert body["scope"] == "本单位" and body["values"]["agreements"] == 1 and "breakdown" not in body
    assert "分地区" not in login("enterprise").get("/figures").text


def test_the_dashboard_follows_the_chosen_region(login: Callable[[str], TestClient], world: World) -> None:
    c = login("province")
    html = c.get("/", params={"region": "140882"}).text
    assert "山西省运城市河津市" in html and 'value="140882" selected' in html
    assert c.get("/", params={"region": "990000"}).status_code == 404
    assert "name=\"region\"" not in login("enterprise").get("/").text  # a unit has no regions to choose


def test_the_dashboard_reuses_its_figures_until_something_counted_changes(
        login: Callable[[str], TestClient], world: World, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from tests.web.conftest import ACTOR
    from xiaodi.figures import tiles as dashboard
    from xiaodi.projects import service as projects

    calls: list[int] = []
    real = dashboard.compute_figures

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard, "compute_figures", counting)
    c = login("hejin")
    first = c.get("/").text
    assert "数据计算于" in first and ">1</span><span class=\"figure-label\">签约协议" in first
    c.get("/")
    assert len(calls) == 1  # the second view of the same scope used the figures just computed

    projects.create_agreement(
        session, actor=ACTOR, title="河津第二份协议", kind="tech_development",
        parties=[projects.PartySpec(organisation_id=world.enterprise.id, name=world.enterprise.name, role="party_a"),
                 projects.PartySpec(organisation_id=world.university.id, name=world.university.name,
                                    role="party_b")],
        signed_on=dt.date(2025, 3, 1), amount=Decimal("100000"), region_id=world.hejin.id)
    session.flush()
    assert ">2</span><span class=\"figure-label\">签约协议" in c.get("/").text
    assert len(calls) == 2


def test_a_zero_second_cache_always_computes(login: Callable[[str], TestClient], world: World, app,  # type: ignore[no-untyped-def]
                                             monkeypatch) -> None:
    from xiaodi.figures import tiles as dashboard

    calls: list[int] = []
    real = dashboard.compute_figures
    monkeypatch.setattr(dashboard, "compute_figures", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.state.figures_cache.seconds = 0
    c = login("hejin")
    c.get("/")
    c.get("/")
    assert len(calls) == 2


def test_a_change_made_on_another_host_reaches_this_hosts_dashboard(
        login: Callable[[str], TestClient], world: World, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another application server committed a counted change: this process's memory knows nothing of it, but the
    database's shared counter does, so the next view computes afresh."""
    from xiaodi.core import counters
    from xiaodi.figures import tiles as dashboard

    calls: list[int] = []
    real = dashboard.compute_figures
    monkeypatch.setattr(dashboard, "compute_figures", lambda *a, **k: calls.append(1) or real(*a, **k))
    c = login("hejin")
    c.get("/")
    c.get("/")
    assert len(calls) == 1
    counters.bump(session.connection(), "figures")  # what the other host's commit did
    c.get("/")
    assert len(calls) == 2
