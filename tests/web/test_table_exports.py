"""An office downloads a list from the web, edits nothing, and uploads it on /import: the file is the table's
own (需求类型, 截止日期, amounts in 万元), so the check finds no error and nothing to change."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from xiaodi.core.settings import Settings
from xiaodi.tables import all_tables, get_table

from .conftest import World, csrf_for

LISTS = {"demands": "demands", "projects": "projects", "agreements": "agreements", "experts": "experts",
         "achievements": "achievements", "platforms": "platforms", "bases": "bases"}


@pytest.mark.parametrize("page", list(LISTS))
def test_a_list_export_carries_the_tables_headers_and_imports_back_unchanged(
    login: Callable[[str], TestClient], world: World, page: str
) -> None:
    office = login("province")
    r = office.get(f"/{page}/export.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [c.header for c in get_table(LISTS[page]).columns]

    check = office.post("/import", data={"table": LISTS[page], "csrf_token": csrf_for(office)},
                        files={"file": ("export.xlsx", r.content)})
    assert check.status_code == 200, check.text
    assert f"共 {len(rows) - 1} 行，将新增 0，将更新 0，无变化 {len(rows) - 1}" in check.text


def test_the_demand_export_has_the_amount_as_a_number_of_wan_yuan(
    login: Callable[[str], TestClient], world: World
) -> None:
    r = login("hejin").get("/demands/export.xlsx", params={"q": "铝合金"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    head, row = [[c.value for c in r] for r in sheet.iter_rows()][:2]
    assert row[head.index("需求类型")] == "技术需求"
    assert row[head.index("预算（万元）")] == 80  # 800000 元


def test_the_project_list_export_carries_funds_in_place_and_the_region(
    login: Callable[[str], TestClient], world: World, session: Session
) -> None:
    from xiaodi.projects import service as projects

    from .conftest import ACTOR

    projects.record_funds(session, actor=ACTOR, project_id=world.project_id, amount=Decimal("1500000"),
                          arrived_on=dt.date(2024, 8, 1))
    session.flush()
    r = login("hejin").get("/projects/export.xlsx")
    head, *rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].rows]
    row = next(x for x in rows if x[head.index("项目名称")] == "再生铝提纯中试线")
    assert row[head.index("到位资金（万元）")] == 150
    assert row[head.index("计划投资（万元）")] == 500
    assert row[head.index("所在地区")] == "山西省运城市河津市"


def test_a_list_without_a_table_writes_amounts_as_numbers_too(
    login: Callable[[str], TestClient], world: World
) -> None:
    uni = login("university")
    r = uni.post(f"/demands/{world.demand_id}/claims", data={"approach": "产学研联合攻关", "budget": "50万元",
                                                            "csrf_token": csrf_for(uni)})
    assert r.status_code in (200, 303), r.text
    r = login("university").get("/claims/export.xlsx")
    head, *rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].rows]
    assert "报价（万元）" in head and rows[0][head.index("报价（万元）")] == 50


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_an_export_is_dated_in_the_deployments_time_zone(
    session: Session, personas: dict[str, int], world: World, tmp_path: Path, zone: str
) -> None:
    """UTC+14 and UTC−11 are never on the same calendar day: each file name says the day where it runs."""
    from xiaodi.web.app import create_app

    from .conftest import PASSWORD, csrf_of

    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    app = create_app(session_factory=factory, settings=Settings(data_dir=tmp_path, timezone=zone,
                                                                secret_key="test-secret-key-0123456789"))
    c = TestClient(app)
    c.post("/login", data={"username": "hejin", "password": PASSWORD, "csrf_token": csrf_of(c.get("/login").text)})
    disposition = c.get("/demands/export.xlsx").headers["content-disposition"]
    day = dt.datetime.now(ZoneInfo(zone)).strftime("%Y%m%d")
    assert disposition.endswith(quote(f"需求清单-{day}.xlsx"))


def test_an_unknown_time_zone_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="未知的时区"):
        Settings(timezone="Asia/Beijing")
    assert Settings().timezone == "Asia/Shanghai"


def test_the_import_page_offers_each_tables_template(login: Callable[[str], TestClient], world: World) -> None:
    office = login("hejin")
    page = office.get("/import").text
    for name, spec in all_tables().items():
        assert f'href="/import/template/{name}.xlsx"' in page, spec.title
    r = office.get("/import/template/demands.xlsx")
    assert r.status_code == 200 and quote("企业需求清单-填报模板.xlsx") in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [c.value for c in book.worksheets[0][1]] == [c.header for c in get_table("demands").columns]
    assert book.sheetnames[1] == "填写说明"
    assert login("enterprise").get("/import/template/demands.xlsx").status_code == 403
    assert office.get("/import/template/nothing.xlsx").status_code == 404
