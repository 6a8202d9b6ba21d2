"""Where one request's time goes: the app in-process, each SQL statement timed, optionally cProfile and plans.

    .venv/bin/python bench/web/profile_request.py URL PATH [PATH …] [--role province] [--runs 5] [--cprofile]
                                                  [--plan]

URL is a ledger built by ``bench/web/generate.py`` (its role accounts log in with ``generate.PASSWORD``). For each
PATH (e.g. ``/demands?sort=-budget``) the request is sent ``--runs`` times after one warm-up, in this process and
thread (httpx's ASGI transport; the routes' thread-pool calls are made inline so that cProfile sees them; no
network, no other load), and the median wall time is printed with the statements of the last run and their
times. ``--plan`` prints each statement's plan (``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL); ``--cprofile`` prints the top functions of one more run;
``--no-search-index`` makes searches read every row, as they did before ``xiaodi.core.search`` (an A/B).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from xiaodi.core.db import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package, when run as a script

from bench.web.generate import PASSWORD

warnings.filterwarnings("ignore", message=".*httpx.*")


class StatementLog:
    def __init__(self, engine: Engine) -> None:
        self.rows: list[dict[str, Any]] = []
        self._t: list[float] = []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self._t.append(time.perf_counter())

    def after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        ms = (time.perf_counter() - self._t.pop()) * 1000
        self.rows.append({"ms": ms, "sql": statement, "params": parameters, "rowcount": cursor.rowcount})


async def login(client: Any, username: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.status_code
    r = await client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                          "csrf_token": token.group(1)})
    assert r.status_code == 303, (r.status_code, r.text[:300])


async def _inline(func: Any, *args: Any, **_kwargs: Any) -> Any:
    return func(*args)


def retime(engine: Engine, sql: str, params: Any, runs: int = 3) -> float:
    """The statement alone on a raw connection, executed and fully fetched: median ms of ``runs``.

    (The cursor events see ``execute`` only; SQLite does most of an aggregate's work in the fetch.)"""
    times = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for _ in range(runs):
            cur = raw.cursor()
            t0 = time.perf_counter()
            cur.execute(sql, params)
            cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
            cur.close()
        conn.rollback()
    return statistics.median(times)


def explain(engine: Engine, sql: str, params: Any) -> str:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if engine.dialect.name == "sqlite":
            cur = raw.cursor()
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(f"      {r[3]}" for r in cur.fetchall())
        cur = raw.cursor()
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        out = "\n".join(f"      {r[0]}" for r in cur.fetchall())
        conn.rollback()
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--role", default="province")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", action="store_true")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", type=int, default=400, help="characters of each statement to print")
    parser.add_argument("--top", type=int, default=35, help="functions shown by --cprofile")
    parser.add_argument("--no-search-index", action="store_true",
                        help="searches read every row, as before the keyword search index (for an A/B)")
    args = parser.parse_args()
    asyncio.run(profile(args))


async def profile(args: argparse.Namespace) -> None:
    import anyio.to_thread
    import httpx

    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app

    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    if args.no_search_index:
        from xiaodi.core import search

        search.SEARCHED.clear()
    # the server's matching settings (bench/web/run.py): lexical indexes, built beside the generated ledger
    os.environ.setdefault("XIAODI_MATCH_ENCODER", "none")
    if not args.url.startswith("sqlite"):
        from bench.web.run import WORK

        os.environ.setdefault("XIAODI_MATCH_INDEX_DIR", str(WORK / "postgresql" / "xiaodi-index"))
    engine = make_engine(args.url)
    app = create_app(engine, settings=Settings(database_url=args.url, secret_key="bench-web-secret-key-0123456789"))
    log = StatementLog(engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await login(client, f"bench_{args.role}")
        for path in args.paths:
            await client.get(path)
            times = []
            for _ in range(args.runs):
                log.rows.clear()
                t0 = time.perf_counter()
                r = await client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            rows = list(log.rows)
            for s in rows:
                s["alone"] = retime(engine, s["sql"], s["params"]) if s["sql"].lstrip().upper().startswith(
                    ("SELECT", "WITH")) else s["ms"]
            sql_ms = sum(s["alone"] for s in rows)
            print(f"{path}  [{args.role}] status {r.status_code}, median {statistics.median(times):.1f} ms "
                  f"(min {min(times):.1f}), {len(rows)} statements, {sql_ms:.1f} ms in SQL (each statement "
                  f"re-run alone, executed and fetched)")
            for s in rows:
                sql = " ".join(s["sql"].split())
                print(f"    {s['alone']:7.1f} ms  {sql[:args.sql]}")
                if args.plan and s["sql"].lstrip().upper().startswith("SELECT"):
                    print(explain(engine, s["sql"], s["params"]))
            if args.cprofile:
                prof = cProfile.Profile()
                prof.enable()
                await client.get(path)
                prof.disable()
                buf = io.StringIO()
                stats = pstats.Stats(prof, stream=buf)
                stats.sort_stats("cumulative").print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)
                print(buf.getvalue())
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    engine.dispose()


if __name__ == "__main__":
    main()
