"""Ingest benchmark: precision/recall/F1 of stated figures on all labelled reports, and throughput on one core.

    PYTHONPATH=src python bench/ingest/run.py

Labelled reports: the five seeds (../shared/seeds, labels in tests/fixtures/ingest/seed_labels.json) and the
hand-made noisy reports (tests/fixtures/ingest/reports, labels in own_labels.json). Throughput is cleaning +
extraction of every report, median of 5 runs, single process.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from xiaodi.ingest.clean import clean_report  # noqa: E402
from xiaodi.ingest.evaluate import Score, score  # noqa: E402
from xiaodi.ingest.figures import extract_figures  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SEEDS = ROOT / ".." / "shared" / "seeds"


def labelled() -> list[tuple[str, bytes, list[tuple[str, float]]]]:
    """(name, raw bytes, expected (metric, value)) for every labelled report that is present."""
    out = []
    for labels_file, folder in (("seed_labels.json", SEEDS), ("own_labels.json", FIXTURES / "reports")):
        labels = json.loads((FIXTURES / labels_file).read_text(encoding="utf-8"))
        for name, items in labels.items():
            path = folder / name
            if name.startswith("_") or not path.exists():
                continue
            out.append((name, path.read_bytes(), [(i["metric"], i["value"]) for i in items]))
    return out


def quality(reports: list[tuple[str, bytes, list[tuple[str, float]]]]) -> tuple[Score, Score, list[str]]:
    pair, value = Score(), Score()
    rows = []
    for name, raw, expected in reports:
        found = [(f.metric, f.value) for f in extract_figures(clean_report(raw, filename=name).text)]
        s = score(found, expected)
        pair.add(s)
        value.add(score(found, expected, value_only=True))
        rows.append(f"| {name} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |")
    return pair, value, rows


def throughput(reports: list[tuple[str, bytes, list[tuple[str, float]]]], runs: int = 5, rounds: int = 20) -> float:
    clean_report(reports[0][1])  # first use builds the 繁简 tables and region list: not part of the steady rate
    rates = []
    for _ in range(runs):
        start = time.process_time()  # CPU time of this process: per-core rate, robust to other load
        for _ in range(rounds):
            for name, raw, _expected in reports:
                extract_figures(clean_report(raw, filename=name).text)
        rates.append(rounds * len(reports) / (time.process_time() - start))
    return statistics.median(rates)


def main() -> None:
    reports = labelled()
    pair, value, rows = quality(reports)
    rate = throughput(reports)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    print(f"reports: {len(reports)} labelled ({sum(len(r[2]) for r in reports)} labelled figures)\n")
    print("| scope | TP | FP | FN | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| **all, (metric, value)** | {pair.tp} | {pair.fp} | {pair.fn} | {pair.precision:.3f} | "
          f"{pair.recall:.3f} | {pair.f1:.3f} |")
    print(f"| **all, value only** | {value.tp} | {value.fp} | {value.fn} | {value.precision:.3f} | "
          f"{value.recall:.3f} | {value.f1:.3f} |")
    kb = sum(len(r[1]) for r in reports) / len(reports) / 1024
    print(f"\nthroughput (clean + extract, one core, CPU time, median of 5): {rate:.0f} reports/s "
          f"(mean report {kb:.1f} KB, {rate * kb:.0f} KB/s)")


if __name__ == "__main__":
    main()
