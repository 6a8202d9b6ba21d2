"""Precision/recall of extracted figures against labels (数字提取评测), shared by the tests and the benchmark.

Figures are compared as multisets of (metric, value) — and of value alone — per report, so a figure stated twice
must be found twice only when it is labelled twice; planned targets are compared like results (labels mark them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Score:
    """True positives, false positives, false negatives and the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


def score(found: Iterable[tuple[str, Decimal | int | float]], expected: Iterable[tuple[str, Decimal | int | float]],
          *, value_only: bool = False) -> Score:
    """Compare found and expected figures as sets of (metric, value) (or value alone)."""

    def keys(items: Iterable[tuple[str, Decimal | int | float]]) -> Counter[tuple[str, Decimal]]:
        return Counter(("" if value_only else m, Decimal(str(v)).normalize()) for m, v in items)

    f, e = keys(found), keys(expected)
    # a figure restated in the same report counts once: reports repeat their headline figures
    fs, es = set(f), set(e)
    return Score(tp=len(fs & es), fp=len(fs - es), fn=len(es - fs))
