"""Time each SQL statement that ``compute_figures`` runs, on an existing generated ledger.

    PYTHONPATH=src .venv/bin/python bench/loop/profile_figures.py sqlite:////tmp/loop.db [--runs 5] [--plan]

For each statement: the median wall time and the median process CPU time (``time.process_time``: the Python
process only; for PostgreSQL the server's time shows in the wall time alone). ``--plan`` prints
``EXPLAIN QUERY PLAN`` (SQLite) or ``EXPLAIN (ANALYZE, BUFFERS)`` (PostgreSQL) of every statement once.
The machine is shared, so compare the CPU column when the wall column is noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from xiaodi.core.db import make_engine
from xiaodi.directory.models import Organisation, Region
from xiaodi.figures.compute import compute_figures

YEAR = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", action="store_true")
    parser.add_argument("--case", default=None, help="only the cases whose name contains this")
    args = parser.parse_args()
    engine = make_engine(args.url)
    with Session(engine) as s:
        county = s.scalar(select(Region.id).where(Region.level == "county").order_by(Region.id).limit(1))
        city = s.scalar(select(Region.id).where(Region.level == "city").order_by(Region.id).limit(1))
        unit = s.scalar(select(Organisation.id).where(Organisation.kind == "government").order_by(Organisation.id)
                        .limit(1))
    cases: dict[str, dict[str, Any]] = {
        "province (all time)": {"region_id": 1},
        "province, one year": {"region_id": 1, **YEAR},
        "city, one year": {"region_id": city, **YEAR},
        "county (all time)": {"region_id": county},
        "province, one unit": {"region_id": 1, "unit_id": unit},
    }
    stmts: list[tuple[str, Any, float, float]] = []
    started: dict[int, tuple[float, float]] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        started[id(cursor)] = (time.perf_counter(), time.process_time())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        wall0, cpu0 = started.pop(id(cursor))
        # fetch happens after execute for SQLite; rows are consumed right after, so this is close enough
        stmts.append((statement, parameters, time.perf_counter() - wall0, time.process_time() - cpu0))

    for name, kwargs in cases.items():
        if args.case and args.case not in name:
            continue
        with Session(engine) as s:
            compute_figures(s, **kwargs)  # warm-up
        per: dict[int, list[tuple[float, float]]] = defaultdict(list)
        texts: dict[int, tuple[str, Any]] = {}
        totals, cpu_totals = [], []
        for _ in range(args.runs):
            stmts.clear()
            with Session(engine) as s:
                w0, c0 = time.perf_counter(), time.process_time()
                compute_figures(s, **kwargs)
                totals.append((time.perf_counter() - w0) * 1000)
                cpu_totals.append((time.process_time() - c0) * 1000)
            for i, (text, params, wall, cpu) in enumerate(stmts):
                per[i].append((wall * 1000, cpu * 1000))
                texts[i] = (text, params)
        print(f"\n== {name}: total median {statistics.median(totals):.1f} ms wall, "
              f"{statistics.median(cpu_totals):.1f} ms CPU (python process)")
        for i in sorted(per):
            text, params = texts[i]
            head = " ".join(text.split())[:110]
            print(f"  [{i}] {statistics.median(w for w, _ in per[i]):7.1f} ms wall "
                  f"{statistics.median(c for _, c in per[i]):7.1f} ms cpu  {head}")
            if args.plan:
                with engine.connect() as conn:
                    prefix = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
                              else "EXPLAIN (ANALYZE, BUFFERS) ")
                    for row in conn.exec_driver_sql(prefix + text, params).all():
                        print("        ", " | ".join(str(x) for x in row))
    engine.dispose()


if __name__ == "__main__":
    main()
