"""One record's update, persisted (增量更新落盘): the journal against rewriting the snapshot.

``PYTHONPATH=src:. python -m bench.matching.persisted_update [--sizes 10000,100000] [--updates 50]``

For each catalog size: build a lexical index of CSL-derived entries, write it as a snapshot, then time
* **journal** — what an update does now: apply in memory and append one line under the journal lock
  (``MatchService._record``);
* **snapshot** — what an update did before: apply and write the whole snapshot (BM25 matrix rebuilt, every
  record written), the baseline;
* **replay** — what another process pays before its next query: read and apply the new line.
Prints one JSON line per size (milliseconds; medians and p99 over ``--updates`` updates, 5 snapshot writes).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.matching.data import CACHE_DIR, load_papers, synthetic_catalog
from xiaodi.matching import journal
from xiaodi.matching.engine import HybridIndex
from xiaodi.matching.service import MatchService, _Loaded
from xiaodi.matching.text import Tokenizer

TARGET = "achievement"


def _ms(samples: list[float]) -> dict[str, float]:
    arr = np.array(samples) * 1000
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p99": round(float(np.percentile(arr, 99)), 2)}


def run(size: int, updates: int, tokenizer: Tokenizer) -> dict[str, object]:
    papers = load_papers()
    entries = synthetic_catalog(papers, size)
    index = HybridIndex(tokenizer)
    index.add_many(entries)
    index.compact()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        here = MatchService(root, None)
        here._save(TARGET, index)
        there = MatchService(root, None)
        other = _Loaded(HybridIndex.load(root / TARGET, tokenizer), here._stamp(TARGET))
        there._catch_up(TARGET, other)
        appended, replayed = [], []
        for i in range(updates):
            doc_id, text, meta = rng.choice(entries)
            change = journal.Change("add", doc_id, f"{text}（第{i}次修改）", dict(meta))
            started = time.perf_counter()
            here._record(TARGET, [change])
            appended.append(time.perf_counter() - started)
            started = time.perf_counter()
            there._catch_up(TARGET, other)
            replayed.append(time.perf_counter() - started)
        rewrites = []
        for _ in range(5):
            started = time.perf_counter()
            here._save(TARGET, index)
            rewrites.append(time.perf_counter() - started)
    return {"size": size, "journal_ms": _ms(appended), "replay_ms": _ms(replayed),
            "snapshot_ms": round(statistics.median(rewrites) * 1000, 1),
            "ratio": round(statistics.median(rewrites) / statistics.median(appended), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--updates", type=int, default=50)
    args = parser.parse_args()
    tokenizer = Tokenizer([], cache_dir=CACHE_DIR / "jieba")
    for size in (int(s) for s in args.sizes.split(",")):
        print(json.dumps(run(size, args.updates, tokenizer), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
