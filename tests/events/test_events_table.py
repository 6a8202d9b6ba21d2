"""活动清单 round-trips: an export imports back changing nothing; an edited outcome cell updates the outcome
(audited); a bad category is refused in Chinese with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.bootstrap import init_database
from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.core.db import make_engine, transaction
from xiaodi.directory.models import Region
from xiaodi.events import service
from xiaodi.events.models import Event, EventOutcome
from xiaodi.tables import export_file, import_file
from xiaodi.tables.result import ImportFailed

ADMIN = Viewer(user_id=None, name="测试", roles=frozenset({Role.ADMIN}))


def _rewrite(path: Path, column: str, value: str) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    header = rows[0]
    index = next(i for i, h in enumerate(header) if h.startswith(column))
    rows[1][index] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def test_events_table_round_trip(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ev.db'}")
    init_database(engine)
    with transaction(engine) as s:
        hejin = s.scalars(select(Region.id).where(Region.code == "140882")).one()
        fair = service.create_event(s, ADMIN, name="河津市春季招聘会", kind="job_fair", state="held",
                                    starts_on=dt.date(2025, 3, 15), region_id=hejin)
        service.record_outcome(s, ADMIN, fair.id, metric="positions", value=2135)
        service.record_outcome(s, ADMIN, fair.id, metric="intent_people", value=148)
    first = tmp_path / "events.csv"
    assert export_file(engine, "events", first) == 1
    result = import_file(engine, "events", first, actor=Actor.system("导入"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)

    _rewrite(first, "达成意向", "150")
    result = import_file(engine, "events", first, actor=Actor.system("导入"))
    assert result.ok and result.updated == 1, result.errors
    with Session(engine) as s:
        value = s.scalar(select(EventOutcome.value).where(EventOutcome.metric == "intent_people"))
        assert value == 150
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "event_outcome", AuditEntry.reason == "导入活动清单")) == 1

    _rewrite(first, "活动类别", "宴会")
    with pytest.raises(ImportFailed, match="“宴会”不是可选值"):
        import_file(engine, "events", first, actor=Actor.system("导入"))
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 1
    engine.dispose()


def test_an_imported_event_after_today_is_not_held_and_has_no_outcomes(tmp_path: Path) -> None:
    """As the events service refuses them: a fair dated next year cannot be imported as 已举办 (the default), nor a
    planned one with its 提供岗位; the rows are named and nothing is written. Planned and without outcomes, it
    imports."""
    from xiaodi.core.settings import local_today

    engine = make_engine(f"sqlite:///{tmp_path / 'ev.db'}")
    init_database(engine)
    next_year = (local_today() + dt.timedelta(days=365)).isoformat()
    path = tmp_path / "events.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["活动名称", "开始日期", "活动类别", "状态", "提供岗位"],
                                 ["明年春季招聘会", next_year, "招聘会", "", ""],
                                 ["明年秋季招聘会", next_year, "招聘会", "筹备中", "500"]])
    with pytest.raises(ImportFailed) as info:
        import_file(engine, "events", path, actor=Actor.system("导入"))
    assert f"第 2 行 D列「状态」：活动开始日期 {next_year} 在今天之后，尚未举办，状态不能为已举办" in info.value.message
    assert "第 3 行 E列「提供岗位（个）」：活动尚未举办（筹备中），不能填写提供岗位（" in info.value.message
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["活动名称", "开始日期", "活动类别", "状态"],
                                 ["明年春季招聘会", next_year, "招聘会", "筹备中"]])
    assert import_file(engine, "events", path, actor=Actor.system("导入")).created == 1
    engine.dispose()
