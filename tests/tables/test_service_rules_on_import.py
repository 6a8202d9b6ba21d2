"""A tester imported rows the pages would refuse, and the tables wrote them: an internship that ended before it
began, of −5 days with a subsidy of −100 元; a fair that ended before it began; a talent brought in on 2030-01-01.
The import applies the services' own rules (``talent.internships.internship_problems``, ``events.service.
check_dates``, ``talent.service.check_introduced_on``), names each wrong cell by row and column, and writes
nothing — so the page, the API and the import agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.tables.test_bad_input import failing, write_xlsx
from xiaodi.core.audit import Actor
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.tables import import_file

INTERNSHIP_HEADER = ["学生姓名", "高校", "开始日期", "结束日期", "天数", "实习补贴（元）"]
EVENT_HEADER = ["活动名称", "开始日期", "活动类别", "状态", "结束日期"]
TALENT_HEADER = ["登记编号", "姓名", "所在地区", "引进日期"]


def test_an_internship_ending_before_it_began_with_negative_days_and_subsidy_is_refused_cell_by_cell(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "实习.xlsx", [
        INTERNSHIP_HEADER,
        ["张同学", "山西大学", "2025-07-01", "2025-08-14", 45, 2700],
        ["李同学", "山西大学", "2025-07-01", "2025-06-01", -5, 100],
        ["王同学", "山西大学", "2025-07-01", "2025-07-01", 0, None],
        ["赵同学", "山西大学", "2025-07-01", "2025-07-20", 20, -100],
    ])
    message = failing(db_engine, actor, counts, path, table="internships")
    assert "第 3 行 D列「结束日期」：结束日期不能早于开始日期" in message
    assert "第 3 行 E列「天数」：实习天数应至少为 1 天" in message
    assert "第 4 行 E列「天数」：实习天数应至少为 1 天" in message
    assert "第 5 行 F列「实习补贴（元）」：实习补贴不能为负数" in message
    assert "第 2 行" not in message


def test_a_good_internship_still_imports(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "实习.xlsx", [
        INTERNSHIP_HEADER, ["张同学", "山西大学", "2025-07-01", "2025-07-01", 1, 0]])
    assert import_file(db_engine, "internships", path, actor=actor).created == 1


def test_an_event_ending_before_it_began_is_refused_at_its_end_date(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "活动.xlsx", [
        EVENT_HEADER,
        ["春季招聘会", "2025-03-15", "招聘会", "已举办", "2025-03-15"],
        ["秋季招聘会", "2025-09-15", "招聘会", "已举办", "2025-09-10"],
    ])
    message = failing(db_engine, actor, counts, path, table="events")
    assert "第 3 行 E列「结束日期」：活动结束日期不能早于开始日期（结束 2025-09-10，开始 2025-09-15" in message
    assert "第 2 行" not in message


def test_a_talent_brought_in_after_today_is_refused_at_the_date(
    db_engine: Engine, actor: Actor, counts: Any, tmp_path: Path
) -> None:
    today = local_today()
    later = today + dt.timedelta(days=1)
    path = write_xlsx(tmp_path / "人才.xlsx", [
        TALENT_HEADER,
        ["RC140882-000001", "王晓燕", "山西省运城市河津市", today.isoformat()],
        ["RC140882-000002", "李明", "山西省运城市河津市", "2030-01-01"],
        ["RC140882-000003", "赵强", "山西省运城市河津市", later.isoformat()],
    ])
    message = failing(db_engine, actor, counts, path, table="talents")
    assert (f"第 3 行 D列「引进日期」：引进日期 2030-01-01 晚于今天（{today:%Y-%m-%d}），不能登记尚未引进的人才"
            in message)
    assert f"第 4 行 D列「引进日期」：引进日期 {later:%Y-%m-%d} 晚于今天" in message
    assert "第 2 行" not in message


def test_the_services_state_the_same_rules_for_the_pages_and_the_api() -> None:
    from xiaodi.events.service import check_dates
    from xiaodi.talent.internships import check_internship
    from xiaodi.talent.service import check_introduced_on

    with pytest.raises(ValidationFailed, match="结束日期不能早于开始日期"):
        check_internship(starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationFailed, match="实习天数应至少为 1 天"):
        check_internship(starts_on=None, ends_on=None, days=-5)
    with pytest.raises(ValidationFailed, match="实习补贴不能为负数"):
        check_internship(starts_on=None, ends_on=None, subsidy_amount=Decimal(-100))
    with pytest.raises(ValidationFailed, match="活动结束日期不能早于开始日期"):
        check_dates(dt.date(2025, 9, 15), dt.date(2025, 9, 10))
    with pytest.raises(ValidationFailed, match="不能登记尚未引进的人才"):
        check_introduced_on(dt.date(2030, 1, 1))
    check_introduced_on(local_today())
