"""Several app processes on one PostgreSQL (多进程横向扩展基准, issue 19): 50 → 200 → 500 concurrent users over
loopback against 1, 2 and 3 ``xiaodi serve`` processes.

    XIAODI_BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432 \
        python bench/scale/hosts.py [--procs 1,2,3] [--users 50,200,500] [--runs 3] [--scale 0.1]

The ledger is ``bench/web/generate.py``'s province at ``--scale`` in the scratch database ``xiaodi_bench_scale``
(kept and reused while its scale matches; ``--fresh`` rebuilds it), with its lexical matching indexes built once
and copied to each process's own ``XIAODI_MATCH_INDEX_DIR`` (as separate hosts have separate disks). Each
process is ``xiaodi serve --workers 1`` on its own loopback port; virtual user *i* stays with process *i mod N*
(a sticky balancer). The users are ``bench/web/load.py``'s: they browse lists, API lists, detail pages and the
dashboard with a think time of 1–5 s, each on its role's session on its process, logged in once before the level
starts (``--login-each``: every user logs in itself, an argon2 hash each — 500 of them starve 2 cores for a
minute, a login storm rather than the steady state of a campaign week).

Per repeat, for each process count (1, 2, 3 — so the configurations are compared within the same minutes), the
processes are started and primed once, then each user level runs in turn: a warm-up that ramps the users in
(15 s + 0.03 s per user), then ``--duration`` measured seconds. Reported per run: requests completed per second
in the measured period (total and per process), p50/p95 of those requests, errors (failed requests included),
the CPU seconds of the servers, the database backends and the load generator (which shares the 2 cores), the
machine's load average; then the median over the repeats.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]
for _p in (_ROOT, _ROOT / "src"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench.web import load  # noqa: E402
from bench.web import run as web  # noqa: E402
from bench.web.generate import PASSWORD  # noqa: E402

WORK = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_scale"))
DB_NAME = "xiaodi_bench_scale_web"


def database(base_url: str, fresh: bool, name: str = DB_NAME) -> str:
    """The scratch database's URL, created when missing (or dropped and created when ``fresh``)."""
    from sqlalchemy import create_engine, text

    base = base_url.rstrip("/").replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if fresh or exists is None:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{base}/{name}"


def host_dirs(index_dir: Path, n: int) -> list[Path]:
    """One index folder per process, copied from the one built from the ledger (each host has its own disk)."""
    out = []
    for i in range(n):
        target = WORK / f"host{i + 1}" / "xiaodi-index"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(index_dir, target)
        out.append(target)
    return out


def warmup_for(users: int, *, login_each: bool = False) -> float:
    """The ramp (users start over 10 s) and the first think times settle before the measure; logging every user
    in (argon2, ~0.1 s of CPU each) needs longer."""
    return 10.0 + 0.1 * users if login_each else 15.0 + 0.03 * users


def measure(url: str, procs: list[Any], plan: load.Plan) -> dict[str, Any]:
    """One load run against the running processes; CPU and load sampled around the measured period (the web
    benchmark's ``run_sampled``)."""
    res, marks = web.run_sampled(plan, url, procs)
    # the requests that *completed* in the measured period (an overloaded server's answers take longer than the
    # period: counting only those that also started in it would report no throughput at all)
    samples = [s for s in res.samples if s.group != "login"
               and res.measure_from <= s.started + s.ms / 1000 <= res.measure_to]
    a, b = marks["from"], marks["to"]

    def delta(kind: str) -> float:
        return round(sum(v - a[kind].get(pid, 0.0) for pid, v in b[kind].items()), 1)

    ms = [s.ms for s in samples]
    return {
        "requests": len(samples), "rps": round(len(samples) / plan.duration, 1),
        "rps_per_process": round(len(samples) / plan.duration / len(procs), 1),
        "p50": round(load.pct(ms, 50), 1), "p95": round(load.pct(ms, 95), 1), "p99": round(load.pct(ms, 99), 1),
        "errors": sum(1 for s in samples if not 200 <= s.status < 400), "failures": len(res.failures),
        "shed": sum(1 for s in samples if s.status == 503),  # told to come back (web.admission), among the errors
        "failure_examples": res.failures[:5],
        "groups": load.summarise(samples, lambda s: s.group, plan.duration),
        "cpu_s": {"servers": delta("server"), "pg_backends": delta("pg"), "load_generator": round(res.client_cpu_s, 1)},
        "loadavg_from": [round(x, 2) for x in a["load"]], "loadavg_to": [round(x, 2) for x in b["load"]],
        "rss_mb_per_process": b["rss"],
        "pg_states_at_end": b["pg_states"],
    }


def one_repeat(args: argparse.Namespace, url: str, dirs: list[Path], info: dict[str, Any], tokens: dict[str, str],
               shapes: dict[str, load.ListShape], terms: list[str], run_no: int) -> list[dict[str, Any]]:
    out = []
    for n in args.procs:
        with contextlib.ExitStack() as stack:
            started = [stack.enter_context(web.server(url, dirs[i], 1, WORK / f"server-{i + 1}.log")) for i in range(n)]
            bases, procs = [b for b, _ in started], [p for _, p in started]
            primed = False
            for users in args.users:
                warmup = warmup_for(users, login_each=not args.shared_sessions)
                plan = load.Plan(base_url=bases[0], base_urls=bases, users=users, warmup=warmup, duration=args.duration,
                                 think=args.think,
                                 accounts={r: a["username"] for r, a in info["accounts"].items()},
                                 password=PASSWORD, tokens=tokens, search_terms=terms, shapes=shapes,
                                 seed=run_no * 100 + users, workers=1, prime=[] if primed else web.PRIME)
                primed = True
                if args.shared_sessions:
                    plan.sessions = load.login_once(plan)
                r = {"processes": n, "users": users, "run": run_no, **measure(url, procs, plan)}
                print(f"  [run {run_no}] {n} process(es), {users} users: {r['rps']} req/s "
                      f"({r['rps_per_process']}/process), p50 {r['p50']} ms, p95 {r['p95']} ms, errors "
                      f"{r['errors']} (503 {r['shed']}), failures {r['failures']}, CPU servers "
                      f"{r['cpu_s']['servers']} s / PG {r['cpu_s']['pg_backends']} s / generator "
                      f"{r['cpu_s']['load_generator']} s, load "
                      f"{r['loadavg_from'][0]}→{r['loadavg_to'][0]}", flush=True)
                out.append(r)
                with (WORK / "hosts-runs.jsonl").open("a") as fh:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out


def medians(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = []
    for key in sorted({(r["processes"], r["users"]) for r in runs}):
        rows = [r for r in runs if (r["processes"], r["users"]) == key]
        row: dict[str, Any] = {"processes": key[0], "users": key[1], "runs": len(rows)}
        for m in ("rps", "rps_per_process", "p50", "p95", "p99"):
            row[m] = round(statistics.median(r[m] for r in rows), 1)
        row["errors"] = sum(r["errors"] + r["failures"] for r in rows)
        row["shed"] = sum(r.get("shed", 0) for r in rows)  # 503: told to come back (among the errors)
        row["loadavg"] = [r["loadavg_from"][0] for r in rows]
        table.append(row)
    return table


def print_table(table: list[dict[str, Any]]) -> None:
    base = {t["users"]: t["rps"] for t in table if t["processes"] == 1}
    print("| processes | users | req/s | req/s per process | × 1 process | p50 ms | p95 ms | errors | of them 503 "
          "| load avg |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in table:
        ratio = t["rps"] / base[t["users"]] if base.get(t["users"]) else float("nan")
        print(f"| {t['processes']} | {t['users']} | {t['rps']} | {t['rps_per_process']} | {ratio:.2f} | {t['p50']} "
              f"| {t['p95']} | {t['errors']} | {t.get('shed', 0)} | {', '.join(f'{x:.1f}' for x in t['loadavg'])} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    parser.add_argument("--procs", type=ints, default=[1, 2, 3])
    parser.add_argument("--users", type=ints, default=[50, 200, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per user level")
    parser.add_argument("--think", type=lambda s: tuple(float(x) for x in s.split(",")), default=(1.0, 5.0))
    parser.add_argument("--scale", type=float, default=0.1, help="ledger size; 1 = the province of issue 5")
    parser.add_argument("--fresh", action="store_true", help="rebuild the ledger even if a kept one matches")
    parser.add_argument("--login-each", dest="shared_sessions", action="store_false",
                        help="every virtual user logs in itself (argon2 each) instead of reusing its role's session")
    parser.add_argument("--db-name", default=DB_NAME, help="the scratch database (kept between runs)")
    parser.add_argument("--ignore-lock", action="store_true", help=f"do not wait while {web.OTHER_LOCK} exists")
    args = parser.parse_args(argv)
    pg = os.environ.get("XIAODI_BENCH_PG_URL")
    if not pg:
        print("skipped: XIAODI_BENCH_PG_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432); this benchmark "
              "compares PostgreSQL deployments", file=sys.stderr)
        return 0
    web.IGNORE_LOCK = args.ignore_lock
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"machine: {web.machine()}; load average {os.getloadavg()}", flush=True)
    url = database(pg, args.fresh, args.db_name)
    index_dir = WORK / "ledger" / "xiaodi-index"
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    info = web.prepare(url, index_dir, args.scale, reuse=not args.fresh)
    dirs = host_dirs(index_dir, max(args.procs))
    tokens = web.issue_tokens(url, info["accounts"])
    shapes, terms = load.list_shapes(), web.search_terms()
    runs: list[dict[str, Any]] = []
    for run_no in range(1, args.runs + 1):
        web.wait_for_other_benchmarks()
        runs += one_repeat(args, url, dirs, info, tokens, shapes, terms, run_no)
    table = medians(runs)
    print_table(table)
    ledger = {k: info[k] for k in ("demands", "achievements", "experts", "funds") if k in info}
    (WORK / "hosts.json").write_text(json.dumps({"ledger": ledger, "scale": args.scale, "runs": runs,
                                                 "medians": table}, ensure_ascii=False, indent=1))
    print(f"results: {WORK / 'hosts.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
