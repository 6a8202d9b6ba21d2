"""Many more people at once than a process has database connections (issue 19, 高峰期并发): every request is
answered — served, or told 503 to come back — none hangs or fails with a pool time-out, and no connection is left
idle in transaction.

Before the fix a crowd of requests took every thread of the thread pool waiting for a connection, while the
requests holding the connections waited for a thread to run their next step: the process stopped answering and
then failed them all with ``QueuePool limit … reached``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.settings import Settings
from xiaodi.web.admission import RETRY_AFTER, Admission
from xiaodi.web.app import create_app

SECRET = "test-secret-key-0123456789"


def _api_token(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        user = accounts.create_user(session, actor=Actor.system("test"), username="crowd-admin",
                                    display_name="并发测试", password="Xiaodi2025test", role=Role.ADMIN)
        session.flush()
        secret = accounts.create_api_token(session, actor=Actor.system("test"), user_id=user.id, name="并发").secret
        session.commit()
    engine.dispose()
    return secret


def _idle_in_transaction(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count: int = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND state = 'idle in transaction'")).scalar_one()
    engine.dispose()
    return int(count)


async def _crowd(app: object, paths: list[str], headers: dict[str, str]) -> list[int]:
    """Everyone at once, over the application's ASGI interface (one event loop and its thread pool, as uvicorn)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
        responses = await asyncio.gather(*(client.get(p, headers=headers) for p in paths))
    return [r.status_code for r in responses]


def test_a_crowd_far_larger_than_the_pool_is_answered_and_leaves_no_connection_in_a_transaction(
        pg_url: str, tmp_path: Path) -> None:
    token = _api_token(pg_url)
    engine = make_engine(pg_url, pool_size=2, max_overflow=0, pool_timeout=3)  # two connections for 100 people
    app = create_app(engine, settings=Settings(secret_key=SECRET, data_dir=tmp_path, search_fold_seconds=0,
                                               web_queue_seconds=60))
    began = time.monotonic()
    statuses = asyncio.run(_crowd(app, ["/api/me"] * 100, {"Authorization": f"Bearer {token}"}))
    took = time.monotonic() - began
    engine.dispose()

    failed = [s for s in statuses if s not in (200, 503)]
    assert not failed, f"{len(failed)} of 100 requests failed ({sorted(set(failed))}) instead of being served or shed"
    assert statuses.count(200) >= 50, statuses  # served in turn, not merely refused
    assert took < 60, f"the crowd took {took:.0f} s"
    assert _idle_in_transaction(pg_url) == 0


# ── the door itself, without a database ───────────────────────────────────────────────────────────────────────────


class Slow:
    """An application whose requests stay inside until they are let go (a slow report, a long query)."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.go: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        if scope["path"].startswith("/hold") and self.go is not None:
            await self.go.wait()
        await asyncio.sleep(0.01)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _with_one_held(door: Admission, inner: Slow, paths: list[str]) -> list[httpx.Response]:
    inner.go = asyncio.Event()
    transport = httpx.ASGITransport(app=door)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        held = asyncio.create_task(client.get("/hold"))
        await asyncio.sleep(0.05)
        others = await asyncio.gather(*(client.get(p) for p in paths))
        inner.go.set()
        assert (await held).status_code == 200
    return list(others)


def test_requests_past_the_limit_wait_their_turn_and_are_served() -> None:
    inner = Slow()
    door = Admission(inner, limit=3, wait_seconds=5)

    async def crowd() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=door), base_url="http://t") as client:
            return [r.status_code for r in await asyncio.gather(*(client.get("/demands") for _ in range(30)))]

    assert asyncio.run(crowd()) == [200] * 30
    assert inner.most == 3
    assert door.shed == 0


def test_a_request_that_waited_too_long_is_told_in_chinese_to_come_back() -> None:
    inner = Slow()
    door = Admission(inner, limit=1, wait_seconds=0.1)
    api, page, asset = asyncio.run(_with_one_held(door, inner, ["/api/demands", "/demands", "/static/app.css"]))

    assert api.status_code == 503
    assert api.headers["retry-after"] == str(RETRY_AFTER)
    assert api.json()["error"] == "overloaded" and "系统繁忙" in api.json()["detail"]
    assert page.status_code == 503 and "系统繁忙，请稍后重试" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert asset.status_code == 200  # static files touch no database and are never held at the door
    assert door.shed == 2


def test_the_embedded_default_admits_what_its_pool_holds(tmp_path: Path) -> None:
    # SQLite, one process: the pool keeps its size (5 + 10); the door admits 13, keeping 2 for background work
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    settings = Settings(secret_key=SECRET, data_dir=tmp_path, search_fold_seconds=0)
    assert create_app(engine, settings=settings).state.admission_limit == 13
    told = settings.model_copy(update={"web_max_requests": 4})
    assert create_app(engine, settings=told).state.admission_limit == 4
    engine.dispose()


def test_the_pool_is_sized_by_the_deployment(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.core.settings import get_settings

    monkeypatch.setenv("XIAODI_DB_POOL_SIZE", "7")
    monkeypatch.setenv("XIAODI_DB_MAX_OVERFLOW", "3")
    monkeypatch.setenv("XIAODI_DB_POOL_TIMEOUT", "4")
    get_settings.cache_clear()
    try:
        engine = make_engine(pg_url)
        assert (engine.pool.size(), engine.pool._max_overflow, engine.pool.timeout()) == (7, 3, 4)  # type: ignore[attr-defined]
        assert create_app(engine, settings=get_settings().model_copy(
            update={"secret_key": SECRET, "search_fold_seconds": 0})).state.admission_limit == 8
        engine.dispose()
    finally:
        get_settings.cache_clear()
