"""Real public reports: (metric, value) precision/recall/F1 per split, for both labelled batches.

    PYTHONPATH=src python bench/ingest/reports_dev.py [--details]

Two batches of real Chinese news pages and work reports on 校地合作, labelled with the same 11 keys:

- ``reports_dev/``: the 19 reports of ``../shared/data/reports-dev`` (texts from its ``reports.jsonl``); split
  ``tune`` / ``heldout`` with seed 18, committed before the held-out texts were read;
- ``reports_news/``: 35 more public pages found through the stored pages of the search tool (texts from
  ``../shared/data/reports-news/reports.jsonl`` or ``$XIAODI_REPORTS_NEWS``); split ``tune`` / ``test`` by
  sha256(url), committed with the labels before the reader was run on them.

Only labels (metric, value, unit, approx, a few words of context) are shipped; a batch whose texts are absent is
reported as "skipped", and a texts file that holds only part of a batch is scored on the reports it holds (the row
says "texts of N of M"). Labelled metrics are the 11 keys of the labelling rules; the reader's figures in other
metrics (experts, enterprises, events …), its plans and its breakdowns of a total (其中…, ``part_of``) are not
compared, as the labelling rules skip them.

``--details`` prints the misses of the tune splits only. The untouched splits (reports-dev ``heldout``, reports-news
``test``) are measured only with ``--untouched``, and then as totals: the batches labelled before the current round and
its new batch (``NEW_BATCHES``) each on a row of their own and together.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from xiaodi.ingest.clean import clean_report  # noqa: E402
from xiaodi.ingest.evaluate import Score, score  # noqa: E402
from xiaodi.ingest.figures import extract_figures  # noqa: E402

HERE = Path(__file__).resolve().parent
SHARED = ROOT / ".." / "shared" / "data"
# batch name → (labels folder, texts file, the tune split's name, the untouched split's name)
BATCHES = {
    "reports-dev": (HERE / "reports_dev", SHARED / "reports-dev" / "reports.jsonl", "tune", "heldout"),
    "reports-news": (HERE / "reports_news",
                     Path(os.environ.get("XIAODI_REPORTS_NEWS", SHARED / "reports-news" / "reports.jsonl")),
                     "tune", "test"),
}
LABELLED = frozenset({
    "universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "achievements", "positions",
})  # fmt: skip
# The batches labelled blind in the twelfth round after the ones measured before them were read (n402–): their test
# reports are scored on rows of their own.
NEW_BATCHES = ("batch24", "batch25")
# The labels have no 项目需求 key: the labelling files "产学研合作项目需求600余项" under technology demands.
LABEL_OF = {"project_demand": "tech_demand"}


def _texts(path: Path) -> dict[str, str] | None:
    if not path.is_file():
        return None
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
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


def _present(ids: list[str], texts: dict[str, str]) -> list[str]:
    """The reports of a split whose text is at hand (a texts file may hold only part of a batch)."""
    return [i for i in ids if i in texts]


def _partial(present: list[str], ids: list[str]) -> str:
    return "" if len(present) == len(ids) else f" (texts of {len(present)} of {len(ids)})"


def _row(label: str, n: int, figures: int, s: Score, v: Score) -> str:
    return (f"| {label} | {n} | {figures} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | "
            f"{s.f1:.3f} | {v.f1:.3f} |")


def _measure(batch: str, name: str, ids: list[str], texts: dict[str, str], labels: dict,
             totals: dict[str, list], kinds: tuple[str, ...], details: dict[str, tuple] | None) -> None:
    """Score one group of reports, print its row and add it to the totals it belongs to."""
    present = _present(ids, texts)
    pair, value, misses = evaluate(present, texts, labels)
    n_fig = sum(len(labels[i]["facts"]) for i in present)
    print(_row(f"{batch} {name}{_partial(present, ids)}", len(present), n_fig, pair, value))
    for kind in kinds:
        total = totals.setdefault(kind, [Score(), Score(), 0, 0])
        total[0].add(pair)
        total[1].add(value)
        total[2] += len(present)
        total[3] += n_fig
    if details is not None:
        details.update(misses)


def _groups(split: dict, name: str) -> list[tuple[str, list[str]]]:
    """A split cut into the batches labelled before this round and each round's new batches (``NEW_BATCHES``)."""
    new = [(b, [i for i in split[b] if i in split[name]]) for b in NEW_BATCHES if b in split]
    seen = {i for _b, ids in new for i in ids}
    earlier = [i for i in split[name] if i not in seen]
    return [(name if not new else f"{name}, earlier batches", earlier)] + [(f"{name}, {b}", ids) for b, ids in new]


def main() -> int:
    """Print the tune splits; the untouched splits only with ``--untouched`` (their totals, never their reports)."""
    untouched_too = "--untouched" in sys.argv[1:]
    print("\n### real reports, labelled metrics only\n")
    print("| split | reports | labelled figures | TP | FP | FN | precision | recall | F1 | F1 value only |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    details: dict[str, tuple] = {}
    totals: dict[str, list] = {}
    for batch, (folder, text_file, tune, untouched) in BATCHES.items():
        texts = _texts(text_file)
        if texts is None:
            print(f"| {batch}: skipped ({text_file} is not present) | | | | | | | | | |")
            continue
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        split = json.loads((folder / "split.json").read_text(encoding="utf-8"))
        for name, ids in _groups(split, tune):
            _measure(batch, name, ids, texts, labels, totals, ("tune",), details)
        if not untouched_too:
            continue
        for name, ids in _groups(split, untouched):
            new = any(name.endswith(b) for b in NEW_BATCHES)
            kinds = ("untouched", "untouched, new batches" if new else "untouched, earlier batches")
            _measure(batch, name, ids, texts, labels, totals, kinds, None)
        if "fresh" in split:  # added after the rules of round 2 were frozen: never tuned on, whatever their split
            _measure(batch, "fresh (after the rules were frozen)", split["fresh"], texts, labels, {}, (), None)
    for kind, (pair, value, n, n_fig) in totals.items():
        if n:
            print(_row(f"**all {kind}**", n, n_fig, pair, value))
    if not untouched_too:
        print("\n(untouched splits not measured: pass --untouched for their totals)")
    if "--details" in sys.argv[1:]:
        for rid, (fp, fn) in details.items():
            print(f"{rid}: FP {fp} FN {fn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
