"""Vague demands (需求过于笼统): how many placeholders are refused, and how many real demands are refused by mistake.

A demand with no informative word that any resource holds and a meaning that points at no discipline
(``ranking.VagueDemand``, ``routing.VAGUE_SPECIFICITY``) gets no candidates, but a message saying what to write. This
counts, per set, the texts ``rank`` refuses that way on the university index of a fresh ``db init``:

- the real demand → partner cases of ``data/benchmarks/matching`` (tuning sets and the two untouched ones): every
  refusal there is a mistake;
- ``data/benchmarks/matching/placeholders/``: texts offices type that are not demands (set A written while the
  signal was chosen, set B written afterwards by someone who did not know it): every answer there is a miss.

Run: ``PYTHONPATH=src:. python -m bench.matching.vague``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench.matching.cold_start import CASE_DIR, prepare, read_cases, reference_database
from xiaodi.core.db import make_engine
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.ranking import INSTITUTIONS, VagueDemand, rank

PLACEHOLDERS = CASE_DIR / "placeholders"
CASE_SETS = {  # set name → (file, what a refusal is)
    "调参案例 dev+tune+tune2": ([CASE_DIR / "news_cases_dev.jsonl", CASE_DIR / "news_cases_tune.jsonl",
                                 CASE_DIR / "news_cases_tune2.jsonl"], "误拒"),
    "未触碰案例 heldout+test2": ([CASE_DIR / "heldout" / "news_cases_heldout.jsonl",
                                  CASE_DIR / "test2" / "news_cases_test2.jsonl"], "误拒"),
}


def texts_of(name: str) -> list[str]:
    if name in CASE_SETS:
        return [c["topic"] for c in read_cases(CASE_SETS[name][0])]
    return [line.strip() for line in (PLACEHOLDERS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def refused(index: Any, router: Any, texts: list[str]) -> int:
    count = 0
    for text in texts:
        try:
            rank(index, router, text, weights=INSTITUTIONS, top_k=10, context=QueryContext())
        except VagueDemand:
            count += 1
    return count


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        engine = make_engine(f"sqlite:///{reference_database(Path(work))}")
        print("| 文本集 | 条数 | 判为过于笼统 | 含义 |\n|---|---:|---:|---|")
        with Session(engine) as session:
            index, router, _names, _places = prepare(session)  # one index for every set
            for name in [*CASE_SETS, "set_a.txt", "set_b.txt"]:
                texts = texts_of(name)
                n = refused(index, router, texts)
                meaning = CASE_SETS[name][1] if name in CASE_SETS else "拦下的占位文字"
                print(f"| {name} | {len(texts)} | {n} ({n / len(texts):.0%}) | {meaning} |")
        engine.dispose()


if __name__ == "__main__":
    main()
