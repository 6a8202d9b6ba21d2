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
