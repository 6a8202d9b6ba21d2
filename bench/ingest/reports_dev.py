"""Real public reports (../shared/data/reports-dev): (metric, value) precision/recall/F1 per split.

    PYTHONPATH=src python bench/ingest/reports_dev.py [--details]

The labels (metric, value, unit, approx; no text) are shipped in ``reports_dev/labels.json``; the texts are read
from ``../shared/data/reports-dev/reports.jsonl`` and the bench says "skipped" when that file is absent. The split
(``reports_dev/split.json``, seed 18) was committed before the held-out texts were read: rules are tuned on ``tune``
only. Labelled metrics are the 11 keys of the labelling rules; the reader's figures in other metrics (experts,
enterprises, events …), its plans and its breakdowns of a total (其中…, ``part_of``) are not compared, as the
labelling rules skip them.

``--details`` prints the misses of the tune split only; the held-out split is printed as totals.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from xiaodi.ingest.clean import clean_report  # noqa: E402
from xiaodi.ingest.evaluate import Score, score  # noqa: E402
from xiaodi.ingest.figures import extract_figures  # noqa: E402

HERE = Path(__file__).resolve().parent / "reports_dev"
TEXTS = ROOT / ".." / "shared" / "data" / "reports-dev" / "reports.jsonl"
LABELLED = frozenset({
    "universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "achievements", "positions",
})  # fmt: skip
# The labels have no 项目需求 key: the labelling files "产学研合作项目需求600余项" under technology demands.
LABEL_OF = {"project_demand": "tech_demand"}


def _texts() -> dict[str, str] | None:
    if not TEXTS.is_file():
        return None
    rows = (json.loads(line) for line in TEXTS.read_text(encoding="utf-8").splitlines() if line.strip())
    return {r["id"]: r["text"] for r in rows}


def found_figures(text: str) -> list[tuple[str, Any]]:
    """The reader's results in the labelled metrics (plans left out, as the labels leave them out)."""
    figures = extract_figures(clean_report(text.encode("utf-8"), filename="report.txt").text)
    metrics = ((LABEL_OF.get(f.metric, f.metric), f) for f in figures if not f.is_plan and f.part_of is None)
    return [(m, f.value) for m, f in metrics if m in LABELLED]


def _norm(items: list[tuple[str, Any]]) -> set[tuple[str, Decimal]]:
    return {(m, Decimal(str(v)).normalize()) for m, v in items}


def evaluate(ids: list[str], texts: dict[str, str], labels: dict) -> tuple[Score, Score, dict[str, tuple]]:
    pair, value, misses = Score(), Score(), {}
    for rid in ids:
        found = found_figures(texts[rid])
        expected = [(f["metric"], f["value"]) for f in labels[rid]["facts"]]
        s = score(found, expected)
        pair.add(s)
        value.add(score(found, expected, value_only=True))
        if s.fp or s.fn:
            misses[rid] = (sorted(_norm(found) - _norm(expected)), sorted(_norm(expected) - _norm(found)))
    return pair, value, misses


def _row(label: str, n: int, figures: int, s: Score, v: Score) -> str:
    return (f"| {label} | {n} | {figures} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | "
            f"{s.f1:.3f} | {v.f1:.3f} |")


def main() -> int:
    texts = _texts()
    if texts is None:
        print(f"reports-dev: skipped ({TEXTS} is not present)")
        return 0
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))
    print("\n### real reports (reports-dev), labelled metrics only\n")
    print("| split | reports | labelled figures | TP | FP | FN | precision | recall | F1 | F1 value only |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    details = {}
    for name in ("tune", "heldout"):
        ids = split[name]
        pair, value, misses = evaluate(ids, texts, labels)
        n_fig = sum(len(labels[i]["facts"]) for i in ids)
        print(_row(name, len(ids), n_fig, pair, value))
        if name == "tune":
            details = misses
    if "--details" in sys.argv[1:]:
        for rid, (fp, fn) in details.items():
            print(f"{rid}: FP {fp} FN {fn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
