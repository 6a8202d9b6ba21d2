"""Scoring variants for matching (精准匹配评分): small pure functions, no state.

The BM25 parts reproduce bm25s's ``method="lucene"`` formulas, so documents scored outside the bm25s matrix
(the small delta index of recent changes) are on the same scale as documents inside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def idf_lucene(df: int, n_docs: int) -> float:
    """Lucene BM25 inverse document frequency (逆文档频率): ``log(1 + (N - df + 0.5) / (df + 0.5))``."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def tf_lucene(tf: float, doc_len: float, avg_doc_len: float, k1: float, b: float) -> float:
    """Lucene BM25 term-frequency saturation (词频饱和): ``tf / (tf + k1 * (1 - b + b * dl / avgdl))``."""
    return tf / (tf + k1 * (1.0 - b + b * doc_len / max(avg_doc_len, 1e-9)))


def rrf_scores(
    rankings: Mapping[str, Sequence[str]],
    *,
    k: int = 60,
    weights: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Reciprocal rank fusion (倒数排名融合): ``sum_r w_r / (k + rank_r(d))`` with 1-based ranks."""
    fused: dict[str, float] = {}
    for retriever, ranked in rankings.items():
        weight = 1.0 if weights is None else weights.get(retriever, 1.0)
        for rank, doc_id in enumerate(ranked, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    return fused


def top_k_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest finite scores, best first (ties by lower index)."""
    if k <= 0 or scores.size == 0:
        return np.empty(0, dtype=np.int64)
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    order = np.lexsort((part, -scores[part]))
    best = part[order]
    return best[np.isfinite(scores[best])]


def quantise_int8(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8 quantisation (向量量化): returns ``(codes, scales)`` with ``v ≈ codes * scale``."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if vectors.size else np.zeros(len(vectors), np.float32)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return codes, scales


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (单位化), float32; zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
