"""The main stories through the web: an enterprise submits a demand, the county office reviews and publishes it,
a university answers it (揭榜); lists search, filter, sort, page and export; imports report every error."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from .conftest import ACTOR, World, csrf_for


def test_demand_goes_from_draft_to_claimed(login: Callable[[str], TestClient], world: World) -> None:
    ent = login("enterprise")
    page = ent.get(f"/demands/{world.draft_id}").text
    assert "提交审核" in page and "审核通过" not in page  # the owner may submit, not review
    r = ent.post(f"/demands/{world.draft_id}/transition", data={"step": "submit", "csrf_token": csrf_for(ent)})
    assert r.status_code == 200 and "已提交审核" in r.text  # flashed after the redirect

    office = login("hejin")
    page = office.get(f"/demands/{world.draft_id}").text
    assert "审核通过" in page and "审核不通过" in page
    token = csrf_for(office)
    for step in ("review", "publish"):
        r = office.post(f"/demands/{world.draft_id}/transition", data={"step": step, "csrf_token": token})
        assert r.status_code == 200, r.text
    # An illegal step answers 409 with the current state in the message.
    r = office.post(f"/api/demands/{world.draft_id}/transition", json={"step": "review"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and r.json()["error"] == "illegal_transition" and "已发榜" in r.json()["detail"]

    uni = login("university")
    page = uni.get(f"/demands/{world.draft_id}").text
    assert "提交揭榜方案" in page
    r = uni.post(f"/demands/{world.draft_id}/claims", data={"approach": "产学研联合攻关", "budget": "50万元",
                                                            "csrf_token": csrf_for(uni)})
    assert r.status_code == 200 and "揭榜方案已提交" in r.text
    detail = office.get(f"/api/demands/{world.draft_id}").json()
    assert detail["state"] == "claimed"
    claims = office.get(f"/api/demands/{world.draft_id}/claims").json()
    assert [c["claimant"] for c in claims] == ["山西大学"]
    # The audit trail of the record shows every step.
    trail = office.get(f"/demands/{world.draft_id}").text
    assert "操作留痕" in trail and "状态流转" in trail


def test_enterprise_cannot_review_its_own_demand(login: Callable[[str], TestClient], world: World) -> None:
    ent = login("enterprise")
    token = csrf_for(ent)
    ent.post(f"/api/demands/{world.draft_id}/transition", json={"step": "submit"}, headers={"X-CSRF-Token": token})
    r = ent.post(f"/api/demands/{world.draft_id}/transition", json={"step": "review"},
                 headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


def test_list_search_filter_sort_and_pages(login: Callable[[str], TestClient], world: World) -> None:
    c = login("province")
    assert c.get("/api/demands", params={"q": "铝合金"}).json()["total"] == 1
    drafts = c.get("/api/demands", params={"state": "draft"}).json()
    assert drafts["total"] == 2 and {d["state"] for d in drafts["items"]} == {"draft"}
    titles = [d["title"] for d in c.get("/api/demands", params={"sort": "title"}).json()["items"]]
    assert titles == sorted(titles)
    first = c.get("/api/demands", params={"size": 1, "page": 1, "sort": "id"}).json()
    second = c.get("/api/demands", params={"size": 1, "page": 2, "sort": "id"}).json()
    assert first["total"] == 3 and first["items"][0]["id"] != second["items"][0]["id"]
    bad = c.get("/api/demands", params={"sort": "password"})
    assert bad.status_code == 422 and bad.json()["error"] == "validation_failed"
    bad = c.get("/api/demands", params={"state": "nonsense"})
    assert bad.status_code == 422
    assert c.get("/api/demands", params={"size": 1000}).status_code == 422
    page = c.get("/demands", params={"state": "draft", "q": "数控"}).text
    assert "数控人才需求" in page and "铝合金" not in page


def test_excel_export_is_the_filtered_scoped_list(login: Callable[[str], TestClient], world: World) -> None:
    r = login("hejin").get("/demands/export.xlsx", params={"state": "draft"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["需求编号", "需求名称"]
    titles = {row[1] for row in rows[1:]}
    assert titles == {"数控人才需求"}  # 太原's draft lies outside 河津


def test_dashboard_shows_scoped_figures_and_charts(login: Callable[[str], TestClient], world: World) -> None:
    html = login("hejin").get("/").text
    assert "山西省运城市河津市" in html and "<svg" in html and "逾期节点" in html
    assert "中试线开工" in html  # the overdue milestone of 河津's project
    figures = login("hejin").get("/api/figures").json()
    assert figures["overdue_milestones"] == 1 and figures["demands_by_state"]["published"] == 1
    assert login("university").get("/api/figures").json()["overdue_milestones"] == 1  # partner of the project


def test_the_dashboards_charts_count_the_region_its_figures_count(
        login: Callable[[str], TestClient], world: World, session: Session) -> None:
    """太原's demand, once published, is open to every member of the province; 河津's office may read it, but its
    dashboard's 需求按状态 counts 河津, the region its figures and heading show — page and API alike."""
    from xiaodi.demands import service as demands

    for step in ("submit", "review", "publish"):
        demands.transition(session, actor=ACTOR, demand_id=world.other_demand_id, step=step)
    hejin = login("hejin")
    assert hejin.get(f"/demands/{world.other_demand_id}").status_code == 200
    assert hejin.get("/api/figures").json()["demands_by_state"]["published"] == 1
    province = login("province").get("/api/figures").json()
    assert province["demands_by_state"]["published"] == 2
    # a unit's dashboard (本单位) counts the demands the unit takes part in: the enterprise's own one, not 太原's
    # published demand it may read; the university has claimed none yet
    assert login("enterprise").get("/api/figures").json()["demands_by_state"]["published"] == 1
    assert login("university").get("/api/figures").json()["demands_by_state"]["published"] == 0
    uni = login("university")
    r = uni.post(f"/api/demands/{world.other_demand_id}/claims", json={"approach": "焊接工艺优化方案"},
                 headers={"X-CSRF-Token": csrf_for(uni)})
    assert r.status_code == 201, r.text
    assert uni.get("/api/figures").json()["demands_by_state"]["claimed"] == 1  # the one it answered


def count_statements(session: Session) -> Callable[[], int]:
    engine = session.get_bind()
    counter = {"n": 0}

    def before(*_args: object) -> None:
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", before)
    return lambda: counter["n"]


def test_list_pages_run_a_constant_number_of_statements(
    login: Callable[[str], TestClient], world: World, session: Session,
) -> None:
    """No N+1: a list page costs the same few statements with 1 row as with many."""
    from xiaodi.demands import service as demands


    c = login("province")
    engine = session.get_bind()
    counts: dict[str, list[int]] = {}
    lists = ("/demands", "/projects", "/agreements", "/organisations", "/experts", "/claims", "/orders", "/bases",
             "/events", "/achievements", "/platforms", "/api/demands", "/api/organisations")
    for round_ in range(2):
        if round_ == 1:
            for i in range(15):
                demands.create_demand(session, actor=ACTOR, owner_id=world.enterprise.id, title=f"批量需求{i}",
                                      kind="technology")
            session.flush()
        for path in lists:
            n = {"n": 0}

            def before(*_args: object, _n: dict[str, int] = n) -> None:
                _n["n"] += 1

            event.listen(engine, "before_cursor_execute", before)
            try:
                assert c.get(path, params={"size": 50}).status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", before)
            counts.setdefault(path, []).append(n["n"])
    for path, (few, many) in counts.items():
        assert many == few, f"{path}: {few} statements with few rows, {many} with more rows"
        assert few <= 12, f"{path}: {few} statements"


def test_import_reports_every_error_then_confirms(login: Callable[[str], TestClient], world: World) -> None:
    from xiaodi.tables import get_table, write_template

    c = login("province")
    page = c.get("/import").text
    assert "上传并校验" in page
    spec = get_table("universities")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([col.header for col in spec.columns])
    ws.append(["" for _ in spec.columns])  # blank row: skipped
    ws.append(["测试" for _ in spec.columns])  # a row full of bad values
    buf = io.BytesIO()
    wb.save(buf)
    token = csrf_for(c)
    r = c.post("/import", data={"table": "universities", "csrf_token": token},
               files={"file": ("高校.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code in (200, 422)
    assert "校验结果" in r.text
    assert write_template is not None
    # A file that is not a table is refused with a clear message.
    r = c.post("/import", data={"table": "universities", "csrf_token": token},
               files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 422 and "只能导入" in r.text
    r = c.post("/import/confirm", data={"upload_id": "x" * 20, "csrf_token": token})
    assert r.status_code == 422
