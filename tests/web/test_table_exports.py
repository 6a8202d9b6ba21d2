"""An office downloads a list from the web, edits nothing, and uploads it on /import: the file is the table's
own (需求类型, 截止日期, amounts in 万元), so the check finds no error and nothing to change."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient

from xiaodi.tables import get_table

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
