"""Admission control (限流排队): a process serves at most as many requests at once as its connection pool holds;
the others wait their turn in order, and one that waits too long is answered 503 with ``Retry-After``.

Why (issue 19, docs/benchmarks_scale.md): a request takes its connection in its first sync dependency (who is
asking) and keeps it, idle in transaction, across the thread-pool hops to the next dependency, the route and the
session's teardown. With more requests in flight than connections, the 40 threads of the thread pool all waited
for a connection while the requests that held the connections waited for a thread: the process stopped answering
until ``pool_timeout`` and then failed everything. Admitting no more requests than connections (less a reserve
for the process's own background work) and keeping the thread pool larger than that means an admitted request
always finds both; the rest wait here, where waiting costs neither.

Static files and the favicon are not counted: they touch no database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

RESERVE = 2  # connections left to the process's background threads (keyword folding, matching, mail)
THREAD_HEADROOM = 8  # threads beyond the admitted requests: static files, the sessions' teardown, encoders
RETRY_AFTER = 5  # seconds a shed client is told to wait
MESSAGE = "系统繁忙，请稍后重试（当前访问人数过多，请求已排队超时）"
EXEMPT = ("/static/", "/favicon.ico")


def pool_capacity(engine: Engine) -> int | None:
    """How many connections the engine's pool may hold at once, or None when it is not a bounded pool."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None
    return int(pool.size()) + max(0, int(pool._max_overflow))


def admitted_limit(engine: Engine, configured: int) -> int | None:
    """Requests served at once: ``XIAODI_WEB_MAX_REQUESTS`` when set, else the pool's capacity less ``RESERVE``
    (at least one); None — no admission control — for a pool without a bound (SQLite in memory, tests)."""
    if configured:
        return configured
    capacity = pool_capacity(engine)
    if capacity is None:
        return None
    return max(1, capacity - RESERVE)


class Admission:
    """ASGI middleware: at most ``limit`` requests inside at once, first come first served; a request that waited
    ``wait_seconds`` is answered 503 (JSON under /api/, a short Chinese page elsewhere) with ``Retry-After``."""

    def __init__(self, app: ASGIApp, *, limit: int, wait_seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.shed = 0  # requests answered 503 so far (for the log and the tests)
        self._last_warning = 0.0
        # one semaphore per event loop: an app may be served by more than one loop (test clients)
        self._slots: WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Semaphore] = WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        slots = self._semaphore()
        admitted = False
        try:
            slots.acquire_nowait()
            admitted = True
        except anyio.WouldBlock:
            with anyio.move_on_after(self.wait_seconds):
                await slots.acquire()
                admitted = True
        if not admitted:
            await self._refuse(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()

    def _semaphore(self) -> anyio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = anyio.Semaphore(self.limit)
            # the thread pool is per event loop too: larger than the admitted requests, so none waits for a thread
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = max(limiter.total_tokens, self.limit + THREAD_HEADROOM)
        return slots

    async def _refuse(self, scope: Scope, send: Send) -> None:
        self.shed += 1
        now = time.monotonic()
        if now - self._last_warning > 10:
            self._last_warning = now
            log.warning("overloaded: %d requests in service, one waited %.1f s and was answered 503 (%d so far)",
                        self.limit, self.wait_seconds, self.shed)
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": "overloaded", "detail": MESSAGE}, ensure_ascii=False).encode()
            kind = b"application/json"
        else:
            body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>系统繁忙</title>'
                    f"<h1>系统繁忙</h1><p>{MESSAGE}。</p><p>请约 {RETRY_AFTER} 秒后刷新本页。</p></html>").encode()
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 503, "headers": [
            (b"content-type", kind), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(RETRY_AFTER).encode()), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": body})

