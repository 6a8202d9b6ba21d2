"""Time 专项考核 and the 工作简报 on the 100k-demand ledger of ``bench/loop/generate.py`` (a province of 11 cities
and 117 counties), on SQLite and (when reachable) PostgreSQL:

* scoring every county of the province for one year (``assessment.service.score_period``: the ledger figures of
  each county through ``assessment.ledger``, the scores with their working, the ranking) — the issue's target is
  under 5 s;
* the province's briefing for that year (``briefing.document.build`` + ``to_docx``: figures against the previous
  year, the breakdown by city, bases by type, overdue milestones, dispatch decisions, the published ranking,
  notable projects, two matplotlib charts) — under 5 s.

    PYTHONPATH=src .venv/bin/python bench/assessment/run.py [--runs 3] [--skip-pg] [--scale 1.0]

Each measurement is the median of ``--runs`` calls, each in a fresh session after one warm-up call; scoring is
rolled back after each call, so every run scores the period from scratch (inserting every score and rank).
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

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.loop.generate as loop
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import service
from xiaodi.assessment.models import Ranking, Subject
from xiaodi.briefing import document
from xiaodi.core.db import make_engine, transaction
from xiaodi.directory.models import Region

PG_ADMIN = os.environ.get("XIAODI_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
YEAR = 2024
ADMIN = Viewer(user_id=None, name="基准测试", roles=frozenset({Role.ADMIN}))
INDICATORS = [
    service.IndicatorInput("XY", "签约协议", 20, 40, metric="agreements"),
    service.IndicatorInput("JE", "签约金额", 10, 50_000_000, metric="amount_signed"),
    service.IndicatorInput("LD", "项目落地", 20, 20, metric="projects_landed"),
    service.IndicatorInput("ZJ", "到位资金", 20, 30_000_000, metric="funds_in_place"),
    service.IndicatorInput("JD", "基地挂牌", 10, 5, metric="bases"),
    service.IndicatorInput("JB", "需求揭榜", 10, 100, metric="demands_claimed"),
    service.IndicatorInput("XC", "宣传工作", 10, 10),
]


def median_ms(engine: Engine, fn: Callable[[Session], object], runs: int, *, rollback: bool
              ) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms (on SQLite the CPU time is what the call costs
    whatever the machine's load; on PostgreSQL the server's share shows in the wall time only)."""
    def once() -> tuple[float, float]:
        with Session(engine) as s:
            began, began_cpu = time.perf_counter(), time.process_time()
            fn(s)
            elapsed = ((time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000)
            if rollback:
                s.rollback()
            else:
                s.commit()
            return elapsed

    once()
    samples = [once() for _ in range(runs)]
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def prepare(engine: Engine) -> int:
    """The province's indicator set and its 2024 period, scored and published once (for the briefing's ranking)."""
    with transaction(engine) as s:
        made = service.define_set(s, ADMIN, name="示例省省校合作专项考核", year=YEAR, region_id=1,
                                  subject=Subject.REGION, indicators=INDICATORS)
        period = service.add_period(s, ADMIN, set_id=made.id, name=f"{YEAR}年度", starts_on=dt.date(YEAR, 1, 1),
                                    ends_on=dt.date(YEAR, 12, 31))
        period_id = period.id
    with transaction(engine) as s:
        service.score_period(s, ADMIN, period_id=period_id)
        service.publish(s, ADMIN, period_id=period_id, today=dt.date(2025, 1, 10),
                        appeal_deadline=dt.date(2025, 1, 20))
    return period_id


def measure(engine: Engine, runs: int) -> dict[str, tuple[float, float]]:
    period_id = prepare(engine)
    with Session(engine) as s:
        counties = s.scalar(select(func.count()).select_from(Region).where(Region.level == "county"))
        ranked = s.scalar(select(func.count()).select_from(Ranking).where(Ranking.period_id == period_id))
    print(f"  {counties} counties, {ranked} ranked; load average before: {_load()}")

    def briefing(s: Session) -> None:
        brief = document.build(s, ADMIN, region_id=1, date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31),
                               today=dt.date(2025, 6, 30))
        document.to_docx(brief)

    def reopen(s: Session) -> None:  # scoring again needs a period not yet published
        s.execute(text("UPDATE assessment_period SET state = 'scored' WHERE id = :id"), {"id": period_id})
        service.score_period(s, ADMIN, period_id=period_id)

    out = {
        f"assessment: score and rank every county of the province ({counties}), one year":
            median_ms(engine, reopen, runs, rollback=True),
        "briefing: province, one year (build + .docx with 2 charts)": median_ms(engine, briefing, runs,
                                                                                rollback=True),
    }
    print(f"  load average after: {_load()}")
    return out


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _scaled(scale: float) -> None:
    if scale != 1.0:
        for k, v in list(loop.SIZES.items()):
            loop.SIZES[k] = max(20, int(v * scale))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the ledger (1.0: 100k demands)")
    parser.add_argument("--sqlite", help="keep the SQLite ledger in this file and reuse it when it exists")
    args = parser.parse_args()
    _scaled(args.scale)
    print(f"data: {loop.SIZES}")
    results: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.sqlite) if args.sqlite else Path(tmp) / "assess.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            info: dict[str, Any] = loop.generate(url)
            print(f"SQLite ledger generated in {info['seconds']} s")
            if args.sqlite:  # kept for the next run: the assessment written by this one is rolled back below
                _reset(make_engine(url))
        engine = make_engine(url)
        try:
            results["SQLite"] = measure(engine, args.runs)
        finally:
            if args.sqlite:
                _reset(engine)
        engine.dispose()
    if not args.skip_pg:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = "xiaodi_bench_assessment"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        try:
            info = loop.generate(url)
            print(f"PostgreSQL ledger generated in {info['seconds']} s")
            engine = make_engine(url)
            results["PostgreSQL"] = measure(engine, args.runs)
            engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    names = list(next(iter(results.values())))
    print("| measurement | " + " | ".join(f"{db} median wall (s) | {db} median CPU (s)" for db in results) + " |")
    print("|---|" + "---|---|" * len(results))
    for n in names:
        print(f"| {n} | " + " | ".join(f"{results[db][n][0] / 1000:.2f} | {results[db][n][1] / 1000:.2f}"
                                        for db in results) + " |")


def _reset(engine: Engine) -> None:
    """Remove the benchmark's assessment, so a kept ledger starts the next run as generated."""
    with engine.begin() as conn:
        for table in ("assessment_appeal", "assessment_evidence", "ranking", "score", "assessment_period",
                      "indicator"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM indicator_set"))


if __name__ == "__main__":
    main()
