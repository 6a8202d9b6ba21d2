"""Rank fusion (结果融合) and the typed results of matching (匹配结果)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xiaodi.matching.scoring import rrf_scores

LEXICAL = "lexical"
DENSE = "dense"


@dataclass(frozen=True, slots=True)
class FusedHit:
    """One fused candidate: RRF score plus each retriever's 1-based rank and raw score (absent = not retrieved)."""

    id: str
    score: float
    ranks: dict[str, int]
    scores: dict[str, float]


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    k: int = 60,
    weights: Mapping[str, float] | None = None,
    top_k: int | None = None,
) -> list[FusedHit]:
    """Fuse ranked ``(id, score)`` lists (倒数排名融合, RRF); ties broken by best single rank, then id."""
    ranks: dict[str, dict[str, int]] = {}
    raw: dict[str, dict[str, float]] = {}
    for retriever, ranked in rankings.items():
        for rank, (doc_id, score) in enumerate(ranked, start=1):
            ranks.setdefault(doc_id, {})[retriever] = rank
            raw.setdefault(doc_id, {})[retriever] = score
    fused = rrf_scores({name: [d for d, _ in ranked] for name, ranked in rankings.items()}, k=k, weights=weights)
    order = sorted(fused, key=lambda d: (-fused[d], min(ranks[d].values()), d))
    if top_k is not None:
        order = order[:top_k]
    return [FusedHit(d, fused[d], ranks[d], raw[d]) for d in order]


@dataclass(slots=True)
class MatchResult:
    """A ranked, explained candidate (匹配结果): never a bare score — ``reasons`` says why in Chinese."""

    id: str
    name: str
    kind: str
    score: float
    reasons: list[str] = field(default_factory=list)
    lexical_rank: int | None = None
    dense_rank: int | None = None
    matched_terms: list[str] = field(default_factory=list)
    lexical_score: float | None = None
    dense_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class MatchResults(list[MatchResult]):
    """The ranked list of one search, plus what the caller should tell the user (``warnings``, 提示)."""

    def __init__(self, results: Sequence[MatchResult] = (), *, warnings: Sequence[str] = (),
                 dense_used: bool = False, query_terms: Sequence[str] = (), routes: Sequence[Any] = ()) -> None:
        super().__init__(results)
        self.warnings = list(warnings)
        self.dense_used = dense_used
        self.query_terms = list(query_terms)
        self.routes = list(routes)  # the disciplines the demand was routed to (routing.Route), when ranked by them
