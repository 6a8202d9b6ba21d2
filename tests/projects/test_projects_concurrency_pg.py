"""Two officials update the same project record at the same moment on PostgreSQL: one wins, the other is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from tests.concurrency import race
from tests.demands.loop_world import build_world
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.projects.models import FundRecord, Milestone, Project
from xiaodi.projects.service import add_milestone, complete_milestone, correct_funds, create_project, record_funds

pytestmark = pytest.mark.postgres
A = Actor(name="测试")


@pytest.fixture
def pg(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url, pool_size=4)
    yield eng
    eng.dispose()


def test_two_officials_completing_one_milestone_at_once(pg: Engine) -> None:
    with transaction(pg) as session:
        w = build_world(session)
        p = create_project(session, actor=A, name="并发节点项目", region_id=w.county.id)
        ms_id = add_milestone(session, actor=A, project_id=p.id, title="开工", due_on=dt.date(2025, 6, 1)).id
    outcome = race(
        pg, lambda s: s.get(Milestone, ms_id),
        lambda s: complete_milestone(s, actor=Actor(name="甲"), milestone_id=ms_id, done_on=dt.date(2025, 6, 1)),
        lambda s: complete_milestone(s, actor=Actor(name="乙"), milestone_id=ms_id, done_on=dt.date(2025, 6, 2)),
    )
    assert sorted(outcome) == ["conflict", "ok"]
    with transaction(pg) as session:
        ms = session.get_one(Milestone, ms_id)
        assert ms.version == 2 and ms.done_on == dt.date(2025, 6, 1 + outcome.index("ok"))


def test_two_corrections_of_one_fund_record_at_once(pg: Engine) -> None:
    with transaction(pg) as session:
        w = build_world(session)
        p = create_project(session, actor=A, name="并发资金项目", region_id=w.county.id)
        fund_id = record_funds(session, actor=A, project_id=p.id, amount=Decimal(100),
                               arrived_on=dt.date(2025, 1, 1)).id
        project_id = p.id
    outcome = race(
        pg, lambda s: s.get(Project, project_id),
        lambda s: correct_funds(s, actor=Actor(name="甲"), fund_record_id=fund_id, amount=Decimal(90), reason="甲核对"),
        lambda s: correct_funds(s, actor=Actor(name="乙"), fund_record_id=fund_id, amount=Decimal(80), reason="乙核对"),
    )
    assert sorted(outcome) == ["conflict", "ok"]
    with transaction(pg) as session:
        n = session.scalar(select(func.count()).select_from(FundRecord).where(FundRecord.corrects_id == fund_id))
        assert n == 1
