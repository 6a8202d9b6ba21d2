"""Talent-services list benchmark (issue 15, performance): the inbox (消息) and the one-stop application list
(一件事申请) at 50 concurrent users on the benchmark ledger with 100k talents and 200k applications added, beside
the demand list (需求清单) on the same server in the same runs as the baseline.

    PYTHONPATH=src .venv/bin/python bench/web/talent.py [--scale 1] [--runs 3] [--duration 60] [--warmup 15]
                                                        [--workers 2] [--think 1,5] [--db URL] [--fresh]

The ledger is ``bench/web/generate.py``'s province (``generate``) plus ``add_talent_services`` (100,000
talents, 60,000 cards, 200,000 applications with ~300,000 department steps, 200,000 inbox messages), kept as
``$XIAODI_BENCH_DIR/talent.db`` (default /tmp/xiaodi_bench_talent) and reused unless ``--fresh``; ``--db``
names another (a scratch PostgreSQL database, generated when empty). The real server (``xiaodi serve``, as
``bench/web/run.py`` starts it) is driven over loopback by 50 users logged in as: the county office holding the
most talents (10), the province office (10), department staff (15, ``bench_dept*``), card holders (10,
``bench_talent*``) and a city office (5). Each loops over the inbox page and API, the application list page (all,
and filtered by state) and API, and the demand list page and API, with a 1–5 s think time. Reports p50/p95/p99
per endpoint for each run and the median over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.web.generate import PASSWORD, add_talent_services, generate
from bench.web.load import pct
from bench.web.run import machine, server, system_cpu

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
WORK = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_talent"))
PATHS = (
    ("inbox page", "/inbox"), ("inbox API", "/api/notifications"),
    ("applications page", "/talent-applications"), ("applications API", "/api/talent-applications"),
    ("applications page (state)", "/talent-applications?state=accepted"),
    ("demands page (baseline)", "/demands"), ("demands API (baseline)", "/api/demands"),
)
ACCOUNTS = [("bench_county", 10), ("bench_province", 10), *[(f"bench_dept{i}", 1) for i in range(10)],
            *[(f"bench_dept{i}", 1) for i in range(5)], *[(f"bench_talent{i}", 1) for i in range(10)],
            ("bench_city", 5)]


def prepare(url: str, scale: float, fresh: bool) -> None:
    from sqlalchemy import inspect, text

    from xiaodi.core.db import make_engine

    if url.startswith("sqlite:///") and fresh:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    engine = make_engine(url)
    with engine.connect() as conn:
        has = inspect(conn).has_table("talent") and conn.execute(text("SELECT count(*) FROM talent")).scalar_one()
    engine.dispose()
    if has:
        print(f"reusing the ledger at {url}")
        return
    t0 = time.perf_counter()
    generate(url, scale=scale)
    added = add_talent_services(url, scale=scale)
    print(f"ledger generated in {time.perf_counter() - t0:.0f} s:",
          {k: v for k, v in added.items() if k != "accounts"})


async def user(base: str, username: str, index: int, measure_from: float, end_at: float,
               think: tuple[float, float], samples: dict[str, list[float]], errors: list[str]) -> None:
    # keep-alive connections expire after 4 s, before uvicorn's 5 s, as browsers retry that race (bench/web/load.py)
    limits = httpx.Limits(max_connections=2, keepalive_expiry=4.0)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False, limits=limits) as c:
        r = await c.get("/login")
        token = CSRF_RE.search(r.text).group(1)  # type: ignore[union-attr]
        r = await c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        if r.status_code != 303:
            errors.append(f"login {username}: {r.status_code}")
            return
        rng = random.Random(index)
        while time.perf_counter() < end_at:
            name, path = PATHS[rng.randrange(len(PATHS))]
            t0 = time.perf_counter()
            try:
                r = await c.get(path)
            except httpx.HTTPError as exc:
                errors.append(f"{username} {path}: {type(exc).__name__}")
                continue
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                errors.append(f"{username} {path}: {r.status_code}")
            elif t0 >= measure_from:
                samples.setdefault(name, []).append(ms)
            await asyncio.sleep(rng.uniform(*think))


def one_run(base: str, users: int, warmup: float, duration: float, think: tuple[float, float]
            ) -> tuple[dict[str, list[float]], list[str]]:
    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    names = [name for name, weight in ACCOUNTS for _ in range(weight)]

    async def drive() -> None:
        start = time.perf_counter()
        measure_from, end_at = start + warmup, start + warmup + duration
        tasks = []
        for i in range(users):
            await asyncio.sleep(10 / users)  # users arrive over 10 s
            tasks.append(asyncio.create_task(user(base, names[i % len(names)], i, measure_from, end_at, think,
                                                  samples, errors)))
        await asyncio.gather(*tasks)

    asyncio.run(drive())
    return samples, errors


def main() -> None:
    ap = argparse.ArgumentParser(description="talent-services list benchmark (issue 15)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=15)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--think", default="1,5")
    ap.add_argument("--db", default=None)
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{WORK / 'talent.db'}"
    prepare(url, args.scale, args.fresh)
    think = (float(args.think.split(",")[0]), float(args.think.split(",")[1]))
    print(machine())
    results: list[dict[str, dict[str, float]]] = []
    with server(url, WORK / "index", args.workers, WORK / "server.log") as (base, _proc):
        for run in range(args.runs):
            load_before = os.getloadavg()
            cpu0 = system_cpu()
            began = time.strftime("%H:%M:%S")
            samples, errors = one_run(base, args.users, args.warmup, args.duration, think)
            cpu1 = system_cpu()
            busy = (cpu1[0] - cpu0[0]) / max(1e-9, cpu1[1] - cpu0[1])
            row = {name: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95), "p99": pct(v, 99)}
                   for name, v in samples.items()}
            results.append(row)
            print(f"run {run + 1} at {began}: load average before {load_before[0]:.1f}, machine busy {busy:.0%}, "
                  f"errors {len(errors)} {errors[:3]}")
            for name, _ in PATHS:
                if name in row:
                    r = row[name]
                    print(f"  {name:28s} n={r['n']:5.0f}  p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  "
                          f"p99 {r['p99']:7.1f} ms")
    print(f"median of {len(results)} runs (p50 / p95 ms):")
    summary = {}
    for name, _ in PATHS:
        if not any(name in r for r in results):
            continue
        p50 = statistics.median(r[name]["p50"] for r in results if name in r)
        p95 = statistics.median(r[name]["p95"] for r in results if name in r)
        summary[name] = {"p50": round(p50, 1), "p95": round(p95, 1)}
        print(f"  {name:28s} p50 {p50:7.1f}  p95 {p95:7.1f}")
    with (WORK / "runs.jsonl").open("a") as fh:
        fh.write(json.dumps({"url": url.split("@")[-1], "runs": results, "median": summary,
                             "at": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
