"""Ingest benchmark: precision/recall/F1 of stated figures on labelled reports, and throughput on one core.

    PYTHONPATH=src python bench/ingest/run.py [--test-details]

Three scopes, scored separately:

- **seeds + own**: the five seeds (../shared/seeds, labels in tests/fixtures/ingest/seed_labels.json) and the
  hand-made noisy reports (tests/fixtures/ingest/reports, labels in own_labels.json). The rules were written while
  reading these, so their score is a training-set score.
- **held-out dev** (h01–h08 and d01–d14 in tests/fixtures/ingest/heldout, labels in heldout_labels.json): written
  and labelled before the extractor was run on them; their failures were used to tune the rules (h01–h08 in the
  first round, d01–d14 in the second). Sub-totals are printed for each batch.
- **held-out test** (h09–h16): written and labelled with h01–h08, NOT used to tune the rules. Only the totals are
  printed unless ``--test-details`` is given, so that tuning does not drift towards them.

- **real reports** (texts in ../shared/data/reports-dev and ../shared/data/reports-news or $XIAODI_REPORTS_NEWS; labels
  in bench/ingest/reports_dev and bench/ingest/reports_news): see ``reports_dev.py``; tune and untouched split totals,
  "skipped" for a batch whose texts are absent.

Plan flags: among the figures found with the right (metric, value), how many have ``is_plan`` as labelled.

Throughput is cleaning + extraction of every report of all scopes, median of 5 runs, single process, CPU time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from xiaodi.ingest.clean import clean_report  # noqa: E402
from xiaodi.ingest.evaluate import Score, score  # noqa: E402
from xiaodi.ingest.figures import extract_figures  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
# The seed reports are news texts not shipped with the repository: read from beside the clone when present.
SEEDS = Path(os.environ.get("XIAODI_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
HELDOUT = FIXTURES / "heldout"

Report = tuple[str, bytes, list[tuple[str, float]], dict[tuple[str, Decimal], bool]]


def _read(labels_file: str, folder: Path, names: list[str] | None = None) -> list[Report]:
    labels = json.loads((FIXTURES / labels_file).read_text(encoding="utf-8"))
    out = []
    for name, items in labels.items():
        path = folder / name
        if name.startswith("_") or not path.exists() or (names is not None and name not in names):
            continue
        plans = {(i["metric"], Decimal(str(i["value"])).normalize()): bool(i.get("is_plan")) for i in items}
        out.append((name, path.read_bytes(), [(i["metric"], i["value"]) for i in items], plans))
    return out


def labelled() -> list[Report]:
    """(name, raw bytes, expected (metric, value)) for the seeds and own reports that are present."""
    if not SEEDS.is_dir():
        print(f"skipped: the five seed reports ({SEEDS}, not shipped; set XIAODI_SEEDS_DIR) — "
              "'seeds + own' scores the own reports only", file=sys.stderr)
    return _read("seed_labels.json", SEEDS) + _read("own_labels.json", FIXTURES / "reports")


def heldout(split: str) -> list[Report]:
    """The held-out reports of one split: "dev" (used for tuning) or "test" (never used for tuning)."""
    labels = json.loads((FIXTURES / "heldout_labels.json").read_text(encoding="utf-8"))
    return _read("heldout_labels.json", HELDOUT, labels["_split"][split])


def quality(reports: list[Report]) -> tuple[Score, Score, list[str], tuple[int, int]]:
    pair, value = Score(), Score()
    rows = []
    plan_ok = plan_all = 0
    for name, raw, expected, plans in reports:
        figures = extract_figures(clean_report(raw, filename=name).text)
        found = [(f.metric, f.value) for f in figures]
        flags = {(f.metric, f.value.normalize()): f.is_plan for f in reversed(figures)}  # first mention wins
        for key, flag in flags.items():
            if key in plans:
                plan_all += 1
                plan_ok += plans[key] == flag
        s = score(found, expected)
        pair.add(s)
        value.add(score(found, expected, value_only=True))
        rows.append(f"| {name} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |")
    return pair, value, rows, (plan_ok, plan_all)


def throughput(reports: list[Report], runs: int = 5, rounds: int = 20) -> float:
    clean_report(reports[0][1])  # first use builds the 繁简 tables and region list: not part of the steady rate
    rates = []
    for _ in range(runs):
        start = time.process_time()  # CPU time of this process: per-core rate, robust to other load
        for _ in range(rounds):
            for name, raw, _expected, _plans in reports:
                extract_figures(clean_report(raw, filename=name).text)
        rates.append(rounds * len(reports) / (time.process_time() - start))
    return statistics.median(rates)


def _total_rows(label: str, pair: Score, value: Score) -> list[str]:
    return [
        f"| **{label}, (metric, value)** | {pair.tp} | {pair.fp} | {pair.fn} | {pair.precision:.3f} | "
        f"{pair.recall:.3f} | {pair.f1:.3f} |",
        f"| **{label}, value only** | {value.tp} | {value.fp} | {value.fn} | {value.precision:.3f} | "
        f"{value.recall:.3f} | {value.f1:.3f} |",
    ]


def _figures(reports: list[Report]) -> int:
    return sum(len(r[2]) for r in reports)


def main() -> None:
    test_details = "--test-details" in sys.argv[1:]
    scopes = [
        ("seeds + own reports (rules written while reading these: training-set score)", "seeds + own", labelled(),
         True),
        ("held-out dev, h01–h08 + d01–d14 (failures used to tune the rules)", "held-out dev", heldout("dev"), True),
        ("held-out test, h09–h16 (NOT used to tune the rules)", "held-out test", heldout("test"), test_details),
    ]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    summary = []
    for title, short, reports, details in scopes:
        pair, value, rows, (plan_ok, plan_all) = quality(reports)
        print(f"\n### {title}\n\nreports: {len(reports)} labelled ({_figures(reports)} labelled figures)\n")
        print("| scope | TP | FP | FN | precision | recall | F1 |")
        print("|---|---|---|---|---|---|---|")
        if details:
            print("\n".join(rows))
        if short == "held-out dev":
            for batch in ("h", "d"):
                part = [r for r in reports if r[0].startswith(batch)]
                if part:
                    bp, bv, _rows, _plans = quality(part)
                    print("\n".join(_total_rows(f"dev {part[0][0][:3]}…{part[-1][0][:3]}", bp, bv)))
        print("\n".join(_total_rows(short, pair, value)))
        print(f"\nplan flags as labelled: {plan_ok}/{plan_all}")
        summary.append(f"| {short} | {len(reports)} | {pair.f1:.3f} | {value.f1:.3f} |")
    print("\n### summary\n\n| scope | reports | F1 (metric, value) | F1 value only |\n|---|---|---|---|")
    print("\n".join(summary))
    everything = [r for _t, _s, reports, _d in scopes for r in reports]
    rate = throughput(everything)
    kb = sum(len(r[1]) for r in everything) / len(everything) / 1024
    print(f"\nthroughput over all {len(everything)} reports (clean + extract, one core, CPU time, median of 5): "
          f"{rate:.0f} reports/s (mean report {kb:.1f} KB, {rate * kb:.0f} KB/s)")


if __name__ == "__main__":
    main()
    from reports_dev import main as real_reports  # bench/ingest is the script's own folder, on sys.path

    real_reports()
