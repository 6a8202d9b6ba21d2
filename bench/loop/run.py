"""Time ``xiaodi figures`` and ``xiaodi dispatch`` on the generated ledger, on SQLite and (when reachable) PostgreSQL.

    PYTHONPATH=src .venv/bin/python bench/loop/run.py [--runs 7] [--skip-pg]

Each measurement is the median of ``--runs`` calls of the service, each in a fresh session (what one command
does after start-up), after one warm-up call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import SIZES, generate

from xiaodi.core.db import make_engine
from xiaodi.directory.models import Region
from xiaodi.dispatch.service import dispatch_list
from xiaodi.figures.compute import compute_figures

PG_ADMIN = os.environ.get("XIAODI_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AS_OF = dt.date(2025, 6, 30)
YEAR: dict[str, Any] = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}


def median_ms(engine: Engine, fn: Callable[[Session], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (``time.process_time``), in ms.

    On SQLite the query runs in this process, so the CPU time is what the call costs, whatever the load of the
    machine; on PostgreSQL the server's work shows in the wall time only.
    """
    with Session(engine) as s:
        fn(s)
    times, cpu = [], []
    for _ in range(runs):
        with Session(engine) as s:
            began, began_cpu = time.perf_counter(), time.process_time()
            fn(s)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "?") if Path("/proc/cpuinfo").exists() else "?"
    return f"{os.cpu_count()} cores, {model}"


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def measure(engine: Engine, info: dict, runs: int) -> dict[str, tuple[float, float]]:
    with Session(engine) as s:
        county = s.scalar(select(Region.id).where(Region.level == "county").limit(1))
    city, unit = info["cities"][0], info["units"][0]
    cases: dict[str, Callable[[Session], object]] = {
        "figures province (all time)": lambda s: compute_figures(s, region_id=1),
        "figures province, one year": lambda s: compute_figures(s, region_id=1, **YEAR),
        "figures city, one year": lambda s: compute_figures(s, region_id=city, **YEAR),
        "figures county (all time)": lambda s: compute_figures(s, region_id=county),
        "figures province, one unit": lambda s: compute_figures(s, region_id=1, unit_id=unit),
        "dispatch list, one unit": lambda s: dispatch_list(s, unit_id=unit, as_of=AS_OF),
        "dispatch list, one county": lambda s: dispatch_list(s, region_id=county, as_of=AS_OF),
    }
    print(f"  load average before: {load()}")
    out = {name: median_ms(engine, fn, runs) for name, fn in cases.items()}
    print(f"  load average after: {load()}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    print(f"data: {SIZES}")
    print(f"machine: {machine()}")
    results: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/loop.db"
        info = generate(url)
        print(f"SQLite ledger generated in {info['seconds']} s "
              f"({info['claims']} claims, {info['milestones']} milestones, {info['funds']} fund records)")
        engine = make_engine(url)
        results["SQLite"] = measure(engine, info, args.runs)
        engine.dispose()
    if not args.skip_pg:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = "xiaodi_bench_loop"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        try:
            info = generate(url)
            print(f"PostgreSQL ledger generated in {info['seconds']} s")
            engine = make_engine(url)
            results["PostgreSQL"] = measure(engine, info, args.runs)
            engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    names = list(next(iter(results.values())))
    print("| query | " + " | ".join(f"{db} median wall (ms) | {db} median CPU (ms)" for db in results) + " |")
    print("|---|" + "---|---|" * len(results))
    for n in names:
        print(f"| {n} | " + " | ".join(f"{results[db][n][0]:.1f} | {results[db][n][1]:.1f}" for db in results) + " |")


if __name__ == "__main__":
    main()
