"""Inbox benchmark (issue 15, performance): 50 concurrent users reading their inbox (消息) — the page and the API —
on a ledger whose notification table holds ``--messages`` rows (default 200,000) for ``--accounts`` accounts.

    PYTHONPATH=src .venv/bin/python bench/web/inbox.py [--messages 200000] [--accounts 1000] [--users 50]
                                                       [--duration 30] [--think 0.5,1.5] [--db URL]

The ledger is a fresh SQLite file under ``$XIAODI_BENCH_DIR`` (or ``--db``, e.g. a scratch PostgreSQL database)
with the reference data, ``--accounts`` office accounts and the messages spread over them (the 50 measured users
hold the most: each ~1/20 of all). A real server (``xiaodi serve``-like uvicorn, one process) is driven over
loopback; each user logs in, then fetches ``/inbox`` (the page, with the header's unread count) and
``/api/notifications`` in turn with a think time. Reports p50/p95/p99 per endpoint and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.web.load import pct

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Xiaodi2025bench!"


def build(url: str, messages: int, accounts: int, measured: int) -> None:
    from sqlalchemy import insert, select

    from xiaodi.accounts import service as accounts_service
    from xiaodi.accounts.models import Role
    from xiaodi.bootstrap import init_database
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine, transaction
    from xiaodi.core.models import utcnow
    from xiaodi.directory.models import Region
    from xiaodi.notifications.models import Notification

    engine = make_engine(url)
    init_database(engine)
    actor = Actor.system("bench")
    with transaction(engine) as s:
        hejin = s.scalars(select(Region.id).where(Region.code == "140882")).one()
        ids = [accounts_service.create_user(s, actor=actor, username=f"u{i}", display_name=f"用户{i}",
                                            password=PASSWORD, role=Role.COUNTY_OFFICE, region_id=hejin).id
               for i in range(accounts)]
    rng = random.Random(15)
    heavy = ids[:measured]
    now = utcnow()
    batch: list[dict[str, object]] = []
    with transaction(engine) as s:
        for n in range(messages):
            # half of all messages go to the measured users, the rest spread over everyone
            uid = heavy[n % len(heavy)] if n % 2 == 0 else rng.choice(ids)
            batch.append({"user_id": uid, "kind": "demand_published", "title": f"需求“测试需求{n}”已发榜",
                          "link": f"/demands/{n + 1}", "created_at": now,
                          "read_at": now if rng.random() < 0.7 else None})
            if len(batch) == 5000:
                s.execute(insert(Notification), batch)
                batch.clear()
        if batch:
            s.execute(insert(Notification), batch)
    engine.dispose()


async def user(base: str, index: int, measure_from: float, end_at: float, think: tuple[float, float],
               samples: dict[str, list[float]], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as c:
        r = await c.get("/login")
        token = CSRF_RE.search(r.text).group(1)  # type: ignore[union-attr]
        r = await c.post("/login", data={"username": f"u{index}", "password": PASSWORD, "csrf_token": token})
        if r.status_code != 303:
            errors.append(f"login u{index}: {r.status_code}")
            return
        paths = ["/inbox", "/api/notifications", "/inbox?unread=1", "/api/notifications?page=2"]
        i = index
        while time.perf_counter() < end_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            r = await c.get(path)
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                errors.append(f"{path}: {r.status_code}")
            elif t0 >= measure_from:
                samples.setdefault(path.split("?")[0] + (" (page/filter)" if "?" in path else ""), []).append(ms)
            await asyncio.sleep(random.uniform(*think))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--think", default="0.5,1.5")
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    work = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_inbox"))
    work.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{work / 'inbox.db'}"
    if url.startswith("sqlite"):
        (work / "inbox.db").unlink(missing_ok=True)
    t0 = time.perf_counter()
    build(url, args.messages, args.accounts, args.users)
    print(f"ledger built in {time.perf_counter() - t0:.0f} s: {args.messages} messages, {args.accounts} accounts")

    import uvicorn

    from xiaodi.core.db import make_engine
    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app

    engine = make_engine(url)
    app = create_app(engine, settings=Settings(data_dir=work, secret_key="bench-secret-key-0123456789",
                                               search_fold_seconds=0))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    base = f"http://127.0.0.1:{port}"
    think = tuple(float(x) for x in args.think.split(","))
    samples: dict[str, list[float]] = {}
    errors: list[str] = []

    async def drive() -> None:
        measure_from = time.perf_counter() + args.warmup
        end_at = measure_from + args.duration
        await asyncio.gather(*[user(base, i, measure_from, end_at, think, samples, errors)  # type: ignore[arg-type]
                               for i in range(args.users)])

    started = time.perf_counter()
    asyncio.run(drive())
    print(f"{args.users} users, {time.perf_counter() - started:.0f} s (the first {args.warmup:.0f} s not measured)")
    for name, values in sorted(samples.items()):
        print(f"{name:32s} n={len(values):5d}  p50 {pct(values, 50):6.1f}  p95 {pct(values, 95):6.1f}  "
              f"p99 {pct(values, 99):6.1f} ms")
    print(f"errors: {len(errors)} {errors[:5]}")
    server.should_exit = True
    engine.dispose()


if __name__ == "__main__":
    main()
