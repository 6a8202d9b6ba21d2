"""Web load benchmark (issue 5): the real server under 50 concurrent users, on SQLite and PostgreSQL.

    .venv/bin/python bench/web/run.py [--scale 1] [--workers 2] [--users 50] [--warmup 20] [--duration 60]
                                      [--runs 3] [--think 0.5,1.5] [--skip-pg] [--fresh]

For each database: build the province-sized ledger (``bench/web/generate.py``; the SQLite file is kept under
``$XIAODI_BENCH_DIR`` (default /tmp/xiaodi_bench_web) and reused while its scale matches, unless ``--fresh``),
build the matching indexes the demand pages use (``xiaodi index rebuild``, lexical: ``XIAODI_MATCH_ENCODER=none``),
issue one API token per role account, then per worker count and run: start ``xiaodi serve --workers N`` on a
free loopback port, wait for /healthz, and drive it with the asyncio load generator of ``bench/web/load.py``
(warm-up, then a measured period). Reports per endpoint group and per endpoint: p50/p95/p99, throughput, errors
(any status outside 2xx/3xx); and the CPU seconds of the server processes, of the load generator (this process:
it shares the 2 cores) and, on PostgreSQL, of the benchmark database's backends.

PostgreSQL runs when ``XIAODI_BENCH_PG_URL`` is set (e.g. ``postgresql://postgres@127.0.0.1:5432``): a scratch
database ``xiaodi_bench_web`` is created there and dropped afterwards. While ``/tmp/bench.lock`` exists (another
timing benchmark runs), each step waits; ``/tmp/bench.web.lock`` is held while this benchmark runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package, when run as a script

from bench.web import load
from bench.web.generate import PASSWORD, generate

WORK = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_web"))
PG_NAME = "xiaodi_bench_web"
OTHER_LOCK = Path("/tmp/bench.lock")
OWN_LOCK = Path("/tmp/bench.web.lock")
TARGETS = {"list": 150.0, "api": 150.0, "dashboard": 300.0}
# Fetched by a few clients per worker before each run (see load.prime): technology demands' pages load the
# matching indexes, the rest warm templates and statement caches.
PRIME = ["/demands/2", "/demands/3", "/demands/5", "/demands/8", "/", "/demands", "/achievements", "/projects",
         "/claims", "/api/demands"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- machine and processes ----------------------------------------------------------------------------------


def machine() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "?")
    mem = "?"
    with contextlib.suppress(OSError, StopIteration):
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    import sqlite3

    return (f"{os.cpu_count()} cores ({model}), {mem} RAM, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


IGNORE_LOCK = False  # --ignore-lock: short development runs need not wait


def wait_for_other_benchmarks() -> None:
    waited = 0
    while OTHER_LOCK.exists() and not IGNORE_LOCK:
        if waited % 300 == 0:
            print(f"  {OTHER_LOCK} exists: another timing benchmark runs; waiting …", flush=True)
        time.sleep(60)
        waited += 60


@contextlib.contextmanager
def own_lock() -> Iterator[None]:
    OWN_LOCK.write_text(f"{os.getpid()} bench/web/run.py\n")
    try:
        yield
    finally:
        OWN_LOCK.unlink(missing_ok=True)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out += [int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
    return out


def process_tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    return out


def system_cpu() -> tuple[float, float, float]:
    """(busy, total, steal) jiffies of the whole machine, from /proc/stat. Steal is the time the hypervisor
    gave this virtual machine's CPUs to others: the same work then costs more wall time."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    steal = values[7] if len(values) > 7 else 0
    return float(sum(values) - idle), float(sum(values)), float(steal)


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, StopIteration, ValueError):
            total += int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                              if line.startswith("VmRSS")))
    return round(total / 1024, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- the ledger, indexes and tokens -------------------------------------------------------------------------


GC_PROBE = """
import gc, os, time
_began = [0.0]
def _xiaodi_bench_gc(phase, info):
    if phase == "start":
        _began[0] = time.perf_counter()
        return
    ms = (time.perf_counter() - _began[0]) * 1000
    if info["generation"] == 2 or ms >= 20:
        with open(os.path.join({folder!r}, f"gc-{{os.getpid()}}.log"), "a") as fh:
            fh.write(f"{{time.time():.3f}} gen{{info['generation']}} {{ms:.1f}} ms\\n")
gc.callbacks.append(_xiaodi_bench_gc)
if {freeze!r}:
    import threading
    def _freeze():
        gc.collect()
        gc.freeze()  # what is alive now (the matching indexes, loaded by the priming) is never traversed again
        with open(os.path.join({folder!r}, f"gc-{{os.getpid()}}.log"), "a") as fh:
            fh.write(f"{{time.time():.3f}} froze {{gc.get_freeze_count()}} objects\\n")
    _timer = threading.Timer({freeze_after!r}, _freeze)
    _timer.daemon = True
    _timer.start()
"""
GC_LOG: Path | None = None  # --gc-log: the server processes log their slow and full collections here
GC_FREEZE_AFTER: float | None = None  # --gc-freeze: experiment — gc.freeze() in each server process after N s


def server_env(url: str, index_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    if GC_LOG is not None:
        GC_LOG.mkdir(parents=True, exist_ok=True)
        (GC_LOG / "sitecustomize.py").write_text(GC_PROBE.format(folder=str(GC_LOG), freeze=GC_FREEZE_AFTER is not None,
                                                                 freeze_after=GC_FREEZE_AFTER or 0.0))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GC_LOG), env.get("PYTHONPATH")]))
    env.update({
        "XIAODI_DATABASE_URL": url,
        "XIAODI_SECRET_KEY": "bench-web-secret-key-0123456789",
        "XIAODI_DATA_DIR": str(index_dir.parent),
        "XIAODI_MATCH_INDEX_DIR": str(index_dir),
        "XIAODI_MATCH_ENCODER": "none",
    })
    return env


def xiaodi_bin() -> str:
    candidate = Path(sys.executable).parent / "xiaodi"
    return str(candidate) if candidate.exists() else "xiaodi"


def prepare(url: str, index_dir: Path, scale: float, *, reuse: bool) -> dict[str, Any]:
    """Generate (or reuse) the ledger at ``url`` and build its matching indexes; returns generation info."""
    marker = index_dir.parent / "ledger.json"
    if reuse and marker.exists():
        info = json.loads(marker.read_text())
        if info.get("scale") == scale and info.get("url") == url and (index_dir / "achievement").exists():
            print(f"  reusing the ledger generated {info['generated_at']} ({info['seconds']} s)")
            revision = upgrade_kept(url)
            if revision != info.get("revision"):
                print(f"  … upgraded to {revision} by the migrations and analysed")
                info["revision"] = revision
                marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
            return dict(info)
    wait_for_other_benchmarks()
    if url.startswith("sqlite:///"):
        db_file = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    if index_dir.exists():
        import shutil

        shutil.rmtree(index_dir)
    t0 = time.perf_counter()
    info = generate(url, scale=scale)
    info["generate_wall_s"] = round(time.perf_counter() - t0, 1)
    print(f"  ledger generated in {info['generate_wall_s']} s: {info['demands']} demands, {info['claims']} claims, "
          f"{info['achievements']} achievements, {info['funds']} fund records", flush=True)
    t0 = time.perf_counter()
    subprocess.run([xiaodi_bin(), "index", "rebuild", "--target", "all", "--db", url],
                   env=server_env(url, index_dir), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info["index_wall_s"] = round(time.perf_counter() - t0, 1)
    print(f"  matching indexes (lexical) built in {info['index_wall_s']} s", flush=True)
    info.update({"scale": scale, "url": url, "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
                 "revision": upgrade_kept(url)})
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return info


def upgrade_kept(url: str) -> str:
    """Bring a kept ledger to the migrations' head (new indexes), analyse it when that changed anything."""
    from sqlalchemy import text

    from xiaodi.core.db import make_engine
    from xiaodi.core.migrate import upgrade

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            before = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        upgrade(engine)
        with engine.connect() as conn:
            after = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
            if after != before:
                # the same statistics a running platform keeps (core.db's connection pragmas)
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        return after
    finally:
        engine.dispose()


def issue_tokens(url: str, accounts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """One API token per role account, through the accounts service (as “我的账号” issues them)."""
    from sqlalchemy.orm import Session

    from xiaodi.accounts import service
    from xiaodi.core.audit import Actor
    from xiaodi.core.db import make_engine

    engine = make_engine(url)
    out = {}
    with Session(engine) as session:
        for role, acc in accounts.items():
            issued = service.create_api_token(session, actor=Actor.system("bench-web"), user_id=acc["user_id"],
                                              name=f"bench {dt.datetime.now().isoformat(timespec='seconds')}",
                                              expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
            out[role] = issued.secret
        session.commit()
    engine.dispose()
    return out


def search_terms(n: int = 60) -> list[str]:
    from bench.matching.data import load_papers

    papers = load_papers(limit=400)
    words = [k for p in papers for k in p.keywords if 2 <= len(k) <= 6]
    step = max(1, len(words) // n)
    return [*sorted(set(words[::step]))[:n], "技术", "公司", "大学"]


# ---- one run ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def server(url: str, index_dir: Path, workers: int, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    cmd = [xiaodi_bin(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("ab") as fh:
        proc = subprocess.Popen(cmd, env=server_env(url, index_dir), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy after 120 s; see {log}")
            time.sleep(0.3)
        # every worker answers /healthz once it has started; give the others a moment as well
        time.sleep(1.0 + 0.5 * workers)
        yield base, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group started above, and only it
            proc.wait()


def run_sampled(plan: load.Plan, url: str, procs: list[subprocess.Popen[bytes]]
                ) -> tuple[load.Result, dict[str, dict[str, Any]]]:
    """Run the load ``plan`` against the started ``procs`` (``server``), sampling around its measured period —
    after the warm-up and at its end — the CPU seconds of the servers and of the database backends, the machine's
    CPU and load average and each server's memory (MB, one per process). Returns the load's result and the
    samples ``from`` and ``to`` (CPU per pid: subtract ``from`` from ``to``). Shared by ``bench/scale/hosts.py``."""
    import threading

    marks: dict[str, dict[str, Any]] = {}

    def sample(tag: str) -> None:
        trees = [process_tree(p.pid) for p in procs]
        marks[tag] = {"server": cpu_seconds([pid for tree in trees for pid in tree]),
                      "pg": cpu_seconds(pg_backends(url)), "sys": system_cpu(), "load": os.getloadavg(),
                      "rss": [rss_mb(t) for t in trees], "pg_states": pg_states(url)}

    def sampler() -> None:
        time.sleep(plan.warmup)
        sample("from")
        time.sleep(plan.duration)
        sample("to")

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    res = load.run(plan)
    thread.join()
    return res, marks


def pg_states(url: str) -> dict[str, int]:
    """How many of the database's connections are in each state (``idle in transaction``: held by a request that
    is not using it)."""
    if not url.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return {str(state): int(n) for state, n in conn.execute(text(
                "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() GROUP BY 1"))}
    finally:
        engine.dispose()


def pg_backends(url: str) -> list[int]:
    if not url.startswith("postgresql"):
        return []
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [int(p) for (p,) in conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))]
    finally:
        engine.dispose()


def one_run(args: argparse.Namespace, db: str, url: str, index_dir: Path, workers: int, info: dict[str, Any],
            tokens: dict[str, str], shapes: dict[str, load.ListShape], terms: list[str], run_no: int) -> dict[str, Any]:
    wait_for_other_benchmarks()
    log = WORK / f"server-{db}-{workers}w.log"
    with server(url, index_dir, workers, log) as (base, proc):
        plan = load.Plan(base_url=base, users=args.users, warmup=args.warmup, duration=args.duration,
                         think=args.think, accounts={r: a["username"] for r, a in info["accounts"].items()},
                         password=PASSWORD, tokens=tokens, search_terms=terms, shapes=shapes, seed=run_no,
                         workers=workers, prime=PRIME)
        res, marks = run_sampled(plan, url, [proc])
    samples = load.measured(res)
    seconds = args.duration
    stamp = dt.datetime.fromtimestamp(res.epoch + res.measure_from).strftime("%Y%m%d-%H%M%S")
    timeline = WORK / "samples" / f"{db}-{workers}w-run{run_no}-{stamp}.csv"
    timeline.parent.mkdir(exist_ok=True)
    with timeline.open("w") as fh:
        fh.write("offset_s,group,name,variant,status,ms\n")
        for s in samples:
            fh.write(f"{s.started - res.measure_from:.3f},{s.group},{s.name},{s.variant},{s.status},{s.ms:.1f}\n")
    a, b = marks["from"], marks["to"]

    def delta(kind: str) -> float:
        return round(sum(v - a[kind].get(pid, 0.0) for pid, v in b[kind].items()), 2)

    busy = (b["sys"][0] - a["sys"][0]) / max(1.0, b["sys"][1] - a["sys"][1])
    steal = (b["sys"][2] - a["sys"][2]) / max(1.0, b["sys"][1] - a["sys"][1])
    out = {
        "db": db, "workers": workers, "run": run_no, "users": args.users, "think": args.think,
        "warmup_s": args.warmup, "measured_s": seconds, "requests": len(samples),
        "measure_from_epoch": round(res.epoch + res.measure_from, 3),
        "rps": round(len(samples) / seconds, 1),
        "errors": sum(1 for s in samples if not 200 <= s.status < 400),
        "failures": res.failures[:20], "n_failures": len(res.failures),
        "groups": load.summarise(samples, lambda s: s.group, seconds),
        "endpoints": load.summarise(samples, lambda s: s.name, seconds),
        "variants": load.summarise(samples, lambda s: f"{s.name} [{s.variant}]", seconds),
        "logins": load.summarise([s for s in res.samples if s.group == "login"], lambda s: "login", seconds),
        "cpu": {"server_s": delta("server"), "pg_backends_s": delta("pg"),
                "load_generator_s": round(res.client_cpu_s, 2), "machine_busy_pct": round(100 * busy, 1),
                "steal_pct": round(100 * steal, 1),
                "cores": os.cpu_count()},
        "loadavg_from": [round(x, 2) for x in a["load"]], "loadavg_to": [round(x, 2) for x in b["load"]],
        "server_rss_mb": b["rss"][0],
    }
    return out


def print_run(r: dict[str, Any]) -> None:
    cpu = r["cpu"]
    print(f"  [{r['db']} {r['workers']}w run {r['run']}] {r['requests']} requests, {r['rps']} req/s, errors "
          f"{r['errors']}, failures {r['n_failures']}; CPU over {r['measured_s']} s: server {cpu['server_s']} s, "
          f"PG backends {cpu['pg_backends_s']} s, load generator {cpu['load_generator_s']} s, machine busy "
          f"{cpu['machine_busy_pct']} % (steal {cpu['steal_pct']} %); load {r['loadavg_from'][0]}→"
          f"{r['loadavg_to'][0]}", flush=True)
    for g, s in r["groups"].items():
        target = TARGETS.get(g)
        flag = "" if target is None else (" ok" if s["p95"] <= target else f" OVER {target:.0f}")
        print(f"    {g:10s} n={s['n']:5d} p50={s['p50']:7.1f} p95={s['p95']:7.1f} p99={s['p99']:7.1f} "
              f"err={s['errors']}{flag}")
    for f in r["failures"][:5]:
        print(f"    failure: {f}")


def medians(runs: list[dict[str, Any]], section: str) -> dict[str, dict[str, float]]:
    keys = sorted({k for r in runs for k in r[section]})
    out = {}
    for k in keys:
        rows = [r[section][k] for r in runs if k in r[section]]
        out[k] = {m: round(statistics.median(x[m] for x in rows), 1) for m in ("p50", "p95", "p99", "rps")}
        out[k]["errors"] = sum(x["errors"] for x in rows)
        out[k]["n"] = sum(x["n"] for x in rows)
    return out


def bench_database(args: argparse.Namespace, db: str, url: str, all_runs: list[dict[str, Any]], *,
                   reuse: bool) -> None:
    folder = WORK / db
    folder.mkdir(parents=True, exist_ok=True)
    index_dir = folder / "xiaodi-index"
    print(f"== {db}", flush=True)
    info = prepare(url, index_dir, args.scale, reuse=reuse and not args.fresh)
    tokens = issue_tokens(url, info["accounts"])
    shapes = load.list_shapes()
    terms = search_terms()
    for workers in args.workers:
        runs = []
        for run_no in range(1, args.runs + 1):
            r = one_run(args, db, url, index_dir, workers, info, tokens, shapes, terms, run_no)
            r["ledger"] = {k: info[k] for k in ("demands", "claims", "achievements", "experts", "platforms",
                                                "funds", "milestones") if k in info}
            print_run(r)
            runs.append(r)
            all_runs.append(r)
            (WORK / "runs.jsonl").open("a").write(json.dumps(r, ensure_ascii=False) + "\n")
        if len(runs) > 1:
            print(f"  medians of {len(runs)} runs ({db}, {workers} workers):")
            for g, s in medians(runs, "groups").items():
                print(f"    {g:10s} p50={s['p50']:7.1f} p95={s['p95']:7.1f} p99={s['p99']:7.1f} "
                      f"req/s={s['rps']:6.1f} errors={s['errors']}")


def main() -> None:
    parser = argparse.ArgumentParser(description="web load benchmark (issue 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the province of the issue")
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[2])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")), default=(1.0, 5.0),
                        help="think time between a user's requests, uniform MIN,MAX seconds")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="regenerate the ledgers even if they are kept")
    parser.add_argument("--keep-pg", action="store_true",
                        help=f"keep (and reuse) the PostgreSQL database {PG_NAME} instead of dropping it")
    parser.add_argument("--ignore-lock", action="store_true", help=f"do not wait while {OTHER_LOCK} exists")
    parser.add_argument("--gc-log", action="store_true", help="log the server's full and slow garbage collections")
    parser.add_argument("--gc-freeze", type=float, default=None, metavar="SECONDS",
                        help="experiment: each server process calls gc.collect(); gc.freeze() SECONDS after start "
                             "(after the priming has loaded the matching indexes); implies --gc-log")
    args = parser.parse_args()
    global IGNORE_LOCK, GC_LOG, GC_FREEZE_AFTER
    IGNORE_LOCK = args.ignore_lock
    GC_FREEZE_AFTER = args.gc_freeze
    if args.gc_log or args.gc_freeze is not None:
        GC_LOG = WORK / "gc"
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"users {args.users}, think {args.think} s, warm-up {args.warmup} s, measured {args.duration} s, "
          f"workers {args.workers}, runs {args.runs}, scale {args.scale}", flush=True)
    all_runs: list[dict[str, Any]] = []
    with own_lock():
        if not args.skip_sqlite:
            bench_database(args, "sqlite", f"sqlite:///{WORK / 'sqlite' / 'web.db'}", all_runs, reuse=True)
        pg = os.environ.get("XIAODI_BENCH_PG_URL")
        if pg and not args.skip_pg:
            from sqlalchemy import create_engine, text

            base = pg.rstrip("/").replace("postgresql://", "postgresql+psycopg://", 1)
            admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                kept = args.keep_pg and conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_NAME}).first() is not None
                if not kept:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
                    conn.execute(text(f"CREATE DATABASE {PG_NAME}"))
            try:
                bench_database(args, "postgresql", f"{base}/{PG_NAME}", all_runs, reuse=kept)
            finally:
                if not args.keep_pg:
                    with admin.connect() as conn:
                        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
                admin.dispose()
    (WORK / "last.json").write_text(json.dumps(all_runs, ensure_ascii=False, indent=1))
    print(f"results: {WORK / 'last.json'} (every run also appended to {WORK / 'runs.jsonl'})")


if __name__ == "__main__":
    main()
