"""``python -m bench [AREA ...]`` (or ``make bench``): run the benchmarks of each area in turn.

Areas: ingest, tables, loop, matching, web, assessment, scale, hosts. Each writes its own section's numbers;
docs/benchmarks.md records them.
"""

from __future__ import annotations

import subprocess
import sys

AREAS: dict[str, list[str]] = {
    "ingest": [sys.executable, "bench/ingest/run.py"],
    "tables": [sys.executable, "bench/tables/run.py"],
    "loop": [sys.executable, "bench/loop/run.py"],
    "matching": [sys.executable, "-m", "bench.matching"],
    "web": [sys.executable, "bench/web/run.py"],
    "assessment": [sys.executable, "bench/assessment/run.py"],
    "scale": [sys.executable, "bench/scale/catalog.py"],  # PostgreSQL (+ pgvector) only: XIAODI_BENCH_PG_URL
    "hosts": [sys.executable, "bench/scale/hosts.py"],  # PostgreSQL only: XIAODI_BENCH_PG_URL
}


def main(argv: list[str]) -> int:
    chosen = argv or list(AREAS)
    unknown = [a for a in chosen if a not in AREAS]
    if unknown:
        print(f"未知的基准：{'、'.join(unknown)}；可选：{'、'.join(AREAS)}", file=sys.stderr)
        return 2
    for area in chosen:
        print(f"== bench {area}", flush=True)
        code = subprocess.call(AREAS[area])
        if code:
            return code
    return 0


raise SystemExit(main(sys.argv[1:]))
