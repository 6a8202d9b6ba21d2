"""Markdown tables from the runs that ``bench/web/run.py`` appended to ``$XIAODI_BENCH_DIR/runs.jsonl``.

    .venv/bin/python bench/web/report.py [RUNS.jsonl] [--db sqlite] [--workers 2] [--think 1,5] [--last N]
                                         [--endpoints] [--gc]

Prints one row per run (requests, throughput, errors, CPU of the server, the database backends and the load
generator, machine busy, load average, p50/p95/p99 of each group), the medians of the selected runs against
the targets, and with ``--endpoints`` each endpoint's and each variant's medians; ``--gc`` adds the full
collections the server processes logged during each measured minute (runs made with ``--gc-log``).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
from pathlib import Path
from typing import Any

WORK = Path(os.environ.get("XIAODI_BENCH_DIR", "/tmp/xiaodi_bench_web"))
TARGETS = {"list": 150.0, "api": 150.0, "dashboard": 300.0}
GROUPS = ("list", "api", "dashboard", "detail")


def gc_events(folder: Path) -> list[tuple[float, str, float]]:
    out = []
    for name in glob.glob(str(folder / "gc-*.log")):
        for line in Path(name).read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1].startswith("gen"):
                out.append((float(parts[0]), parts[1], float(parts[2])))
    return out


def other_cpu(r: dict[str, Any]) -> float:
    """CPU seconds the rest of the machine used during the measured minute (busy time less this benchmark's)."""
    cpu = r["cpu"]
    busy = cpu["machine_busy_pct"] / 100 * (cpu.get("cores") or 2) * r["measured_s"]
    return max(0.0, busy - cpu["server_s"] - cpu["pg_backends_s"] - cpu["load_generator_s"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", default=str(WORK / "runs.jsonl"))
    parser.add_argument("--db")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--think")
    parser.add_argument("--last", type=int)
    parser.add_argument("--endpoints", action="store_true")
    parser.add_argument("--gc", action="store_true")
    args = parser.parse_args()
    runs: list[dict[str, Any]] = [json.loads(line) for line in Path(args.runs).read_text().splitlines() if line]
    if args.db:
        runs = [r for r in runs if r["db"] == args.db]
    if args.workers:
        runs = [r for r in runs if r["workers"] == args.workers]
    if args.think:
        think = [float(x) for x in args.think.split(",")]
        runs = [r for r in runs if list(r["think"]) == think]
    if args.last:
        runs = runs[-args.last:]
    if not runs:
        raise SystemExit("no runs selected")
    events = gc_events(Path(args.runs).parent / "gc") if args.gc else []
    head = ("| db | workers | think (s) | requests | req/s | errors | server CPU (s) | DB backends CPU (s) | "
            "load generator CPU (s) | other processes' CPU (s) | machine busy | load avg | "
            + " | ".join(f"{g} p50 / p95 / p99 (ms)" for g in GROUPS) + (" | full GCs (ms) |" if args.gc else " |"))
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in runs:
        cpu = r["cpu"]
        cells = [r["db"], str(r["workers"]), "–".join(f"{x:g}" for x in r["think"]), str(r["requests"]),
                 f"{r['rps']:.1f}", str(r["errors"] + r.get("n_failures", 0)), f"{cpu['server_s']:.1f}",
                 f"{cpu['pg_backends_s']:.1f}", f"{cpu['load_generator_s']:.1f}", f"{other_cpu(r):.0f}",
                 f"{cpu['machine_busy_pct']:.0f} %",
                 f"{r['loadavg_from'][0]:.1f}→{r['loadavg_to'][0]:.1f}"]
        for g in GROUPS:
            s = r["groups"].get(g)
            cells.append(f"{s['p50']:.0f} / {s['p95']:.0f} / {s['p99']:.0f}" if s else "–")
        if args.gc:
            e0 = r.get("measure_from_epoch", 0.0)
            full = [ms for t, gen, ms in events if gen == "gen2" and e0 <= t <= e0 + r["measured_s"]]
            cells.append(", ".join(f"{ms:.0f}" for ms in full) or "none")
        print("| " + " | ".join(cells) + " |")
    print()
    print(f"Medians of {len(runs)} runs:")
    print()
    print("| group | p50 (ms) | p95 (ms) | p99 (ms) | target p95 | verdict | requests | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for g in GROUPS:
        rows = [r["groups"][g] for r in runs if g in r["groups"]]
        p50, p95, p99 = (statistics.median(x[m] for x in rows) for m in ("p50", "p95", "p99"))
        target = TARGETS.get(g)
        verdict = "—" if target is None else ("met" if p95 <= target else "**not met**")
        print(f"| {g} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {f'≤ {target:.0f} ms' if target else '—'} | {verdict} | "
              f"{sum(x['n'] for x in rows)} | {sum(x['errors'] for x in rows)} |")
    if args.endpoints:
        for section in ("endpoints", "variants"):
            print()
            print(f"| {section[:-1]} | requests | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
            print("|---|---|---|---|---|---|")
            keys = sorted({k for r in runs for k in r[section]})
            for k in keys:
                rows = [r[section][k] for r in runs if k in r[section]]
                n = sum(x["n"] for x in rows)
                if section == "variants" and n < 10:
                    continue
                p50, p95, p99 = (statistics.median(x[m] for x in rows) for m in ("p50", "p95", "p99"))
                print(f"| {k} | {n} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {sum(x['errors'] for x in rows)} |")


if __name__ == "__main__":
    main()
