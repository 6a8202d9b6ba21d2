"""Two officials act on the same demand at the same moment, on PostgreSQL with real connections: one wins, the
other is told that someone else changed it — nothing is silently overwritten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.concurrency import race
from tests.demands.loop_world import build_world, draft_demand
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.errors import Conflict
from xiaodi.demands.models import DemandState
from xiaodi.demands.service import demand_history, get_demand, transition

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url, pool_size=4)
    yield eng
    eng.dispose()


def submitted(eng: Engine, title: str) -> int:
    with transaction(eng) as session:
        w = build_world(session)
        demand = draft_demand(session, w, Actor(name="测试"), title=title)
        transition(session, actor=Actor(name="测试"), demand_id=demand.id, step="submit")
        return demand.id


def test_reviewing_and_rejecting_at_once_one_wins_the_other_is_told(pg: Engine) -> None:
    demand_id = submitted(pg, "并发审核需求")
    outcome = race(
        pg, lambda s: get_demand(s, demand_id=demand_id),
        lambda s: transition(s, actor=Actor(name="工信局·李科长"), demand_id=demand_id, step="review"),
        lambda s: transition(s, actor=Actor(name="办公室·王敏"), demand_id=demand_id, step="reject", reason="指标不明"),
    )
    assert sorted(outcome) == ["conflict", "ok"]
    with transaction(pg) as session:
        demand = get_demand(session, demand_id=demand_id)
        steps = demand_history(session, demand_id=demand_id)
        winner = DemandState.REVIEWED if outcome[0] == "ok" else DemandState.REJECTED
        assert demand.state == winner and demand.version == 3
        assert [t.to_state for t in steps] == [DemandState.DRAFT, DemandState.SUBMITTED, winner]


def test_a_page_opened_before_someone_elses_change_is_refused(pg: Engine) -> None:
    demand_id = submitted(pg, "过期页面需求")
    with transaction(pg) as session:
        seen = get_demand(session, demand_id=demand_id).version
    with transaction(pg) as session:
        transition(session, actor=Actor(name="工信局·李科长"), demand_id=demand_id, step="review",
                   expected_version=seen)
    with pytest.raises(Conflict, match="已被他人修改"), transaction(pg) as session:
        transition(session, actor=Actor(name="办公室·王敏"), demand_id=demand_id, step="reject", reason="x",
                   expected_version=seen)
