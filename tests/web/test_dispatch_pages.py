"""调度清单 in the browser and the API: the county office opens its list before the 调度会 — the overdue milestone
of its own project, linked to the project where the meeting is held, and none of another city's — takes it to
the meeting as Excel, and the province narrows it to one county; an enterprise sees only what its unit answers
for, and nobody sees another region's list."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden
from xiaodi.dispatch.access import dispatch_scope
from xiaodi.projects import service as projects

from .conftest import ACTOR, World

OURS = "中试线开工"  # the 河津 project's milestone, due 2024-06-30 (tests/web/conftest.py)
THEIRS = "焊接中心主体完工"


def _menu(client: TestClient) -> str:
    page = client.get("/").text
    return page[page.index('<nav id="mainnav"'):page.index("</nav>")]


@pytest.fixture
def late_elsewhere(session: Session, world: World) -> None:
    """太原's project has an overdue milestone too: no 河津 list may show it."""
    projects.add_milestone(session, actor=ACTOR, project_id=world.other_project_id, title=THEIRS,
                           due_on=dt.date(2024, 9, 30))
    session.flush()


def test_the_county_office_sees_its_overdue_milestones_linked_to_their_projects(
        login: Callable[[str], TestClient], world: World, late_elsewhere: None) -> None:
    hejin = login("hejin")
    page = hejin.get("/dispatch", params={"as_of": "2025-01-01"})
    assert page.status_code == 200
    assert "山西省运城市河津市" in page.text and "截至 2025-01-01" in page.text
    assert OURS in page.text and f'href="/projects/{world.project_id}"' in page.text
    assert THEIRS not in page.text
    assert 'href="/dispatch"' in _menu(hejin), "the menu leads there"

    api = hejin.get("/api/dispatch", params={"as_of": "2025-01-01"}).json()
    assert api["scope"] == "山西省运城市河津市"
    assert [(e["kind_label"], e["milestone"], e["days_overdue"]) for e in api["entries"]] == [("已逾期", OURS, 185)]


def test_the_list_goes_to_the_meeting_as_excel(login: Callable[[str], TestClient], late_elsewhere: None) -> None:
    r = login("hejin").get("/dispatch/export.xlsx", params={"as_of": "2025-01-01"})
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "山西省运城市河津市 调度清单（截至 2025-01-01）"
    assert rows[1][:5] == ("类别", "项目或事项", "节点", "时限", "逾期天数")
    assert [(row[0], row[2], row[4]) for row in rows[2:]] == [("已逾期", OURS, 185)]  # days late: a number


def test_the_province_narrows_the_list_and_a_county_cannot_widen_it(
        login: Callable[[str], TestClient], late_elsewhere: None) -> None:
    province = login("province")
    whole = province.get("/dispatch", params={"as_of": "2025-01-01"}).text
    assert OURS in whole and THEIRS in whole
    county = province.get("/dispatch", params={"as_of": "2025-01-01", "region": "140882"}).text
    assert OURS in county and THEIRS not in county
    assert login("hejin").get("/dispatch", params={"region": "140100"}).status_code == 404
    assert login("hejin").get("/api/dispatch", params={"region": "140100"}).status_code == 404


def test_an_enterprise_sees_what_its_unit_answers_for_and_a_bad_day_is_said_in_chinese(
        login: Callable[[str], TestClient], late_elsewhere: None) -> None:
    enterprise = login("enterprise")
    page = enterprise.get("/dispatch", params={"as_of": "2025-01-01"}).text
    assert "山西河津测试铝业有限公司" in page and THEIRS not in page
    assert 'href="/dispatch"' not in _menu(enterprise), "not in an enterprise's menu"
    assert enterprise.get("/dispatch", params={"region": "140882"}).status_code == 403
    bad = enterprise.get("/api/dispatch", params={"as_of": "2025-13-01"})
    assert bad.status_code == 422 and "截至日期" in bad.json()["detail"]
    assert login("outsider").get("/dispatch").status_code == 403


def test_a_person_with_neither_region_nor_unit_has_no_list(session: Session) -> None:
    expert = Viewer(user_id=None, name="专家", roles=frozenset({Role.EXPERT}))
    with pytest.raises(Forbidden):
        dispatch_scope(session, expert)
