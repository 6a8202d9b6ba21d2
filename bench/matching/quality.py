"""Retrieval quality on CSL: known-item search and discipline assignment, for lexical, dense and fused."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bench.matching.data import CACHE_DIR, Paper
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, Encoder
from xiaodi.matching.engine import EngineConfig, HybridIndex
from xiaodi.matching.fusion import DENSE, LEXICAL, reciprocal_rank_fusion
from xiaodi.matching.text import Tokenizer, normalise

POOL = 100
TASKS: dict[str, Callable[[Paper], str]] = {
    "全部关键词 → 摘要": lambda p: " ".join(p.keywords),
    "前两个关键词 → 论文": lambda p: " ".join(p.keywords[:2]),
    "标题 → 摘要": lambda p: p.title,
}


@dataclass
class Scores:
    """recall@10, nDCG@10 and MRR (over the top 100) of one method on one task."""

    recall10: float
    ndcg10: float
    mrr: float
    n: int


def metrics(ranks: Sequence[int | None]) -> Scores:
    """Aggregate 1-based ranks of the single relevant item (None = not in the pool)."""
    n = len(ranks)
    recall = sum(1 for r in ranks if r is not None and r <= 10) / n
    ndcg = sum(1 / math.log2(r + 1) for r in ranks if r is not None and r <= 10) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return Scores(recall, ndcg, mrr, n)


def _rank_of(target: str, ranked: Sequence[tuple[str, float]]) -> int | None:
    for i, (doc_id, _) in enumerate(ranked, start=1):
        if doc_id == target:
            return i
    return None


def build_engine(papers: list[Paper], encoder: Encoder | None, tokenizer: Tokenizer) -> HybridIndex:
    """An engine over the papers' abstracts (id = paper index), encoding through the on-disk cache."""
    enc = CachedEncoder(encoder, EmbeddingCache(CACHE_DIR / "embeddings.sqlite")) if encoder else None
    engine = HybridIndex(tokenizer, enc, EngineConfig(background=False))
    engine.add_many((str(i), p.abstract, {"name": p.title, "kind": p.discipline}) for i, p in enumerate(papers))
    return engine


Rankings = dict[str, list[tuple[str, float]]]
GRID_K = (10, 30, 60)
GRID_W = (0.25, 0.5, 0.75, 1.0)


def _fused(rankings: Rankings, k: int = 60, w_dense: float = 1.0) -> list[tuple[str, float]]:
    weights = {LEXICAL: 1.0, DENSE: w_dense}
    return [(h.id, h.score) for h in reciprocal_rank_fusion(rankings, k=k, weights=weights)]


def _methods(rankings: Rankings, k: int = 60, w_dense: float = 1.0) -> Rankings:
    out = dict(rankings)
    out["fused"] = _fused(rankings)
    out["fused-tuned"] = _fused(rankings, k, w_dense)
    return out


def collect(engine: HybridIndex, papers: list[Paper]) -> dict[str, list[Rankings]]:
    """Per task, the per-retriever rankings (top 100) of every paper's query."""
    collected: dict[str, list[Rankings]] = {}
    for task, make_query in TASKS.items():
        queries = [make_query(p) for p in papers]
        if engine.encoder is not None:  # one batched encode (cached) instead of one call per query
            engine.encoder.encode_queries([normalise(q)[:500][:512] for q in queries])
        collected[task] = [engine.retrieve(q, POOL)[0] for q in queries]
    return collected


def tune_fusion(collected: dict[str, list[Rankings]], papers: list[Paper]) -> tuple[int, float, float]:
    """RRF ``k`` and dense weight with the best mean MRR over all tasks, on the dev split only."""
    dev = [i for i, p in enumerate(papers) if p.split == "dev"]
    best: tuple[int, float, float] = (60, 1.0, -1.0)
    for k in GRID_K:
        for w in GRID_W:
            ranks = [_rank_of(str(i), _fused(collected[t][i], k, w)) for t in collected for i in dev]
            mrr = metrics(ranks).mrr
            if mrr > best[2]:
                best = (k, w, mrr)
    return best


def engine_has_dense(per_query: list[Rankings]) -> bool:
    return any(DENSE in r for r in per_query)


def known_item(collected: dict[str, list[Rankings]], papers: list[Paper], k: int, w_dense: float,
               ) -> dict[str, dict[str, Scores]]:
    """On the test split: where the paper that produced the query lands, per task and method."""
    test = [i for i, p in enumerate(papers) if p.split == "test"]
    results: dict[str, dict[str, Scores]] = {}
    for task, per_query in collected.items():
        ranks: dict[str, list[int | None]] = defaultdict(list)
        methods = [LEXICAL, DENSE, "fused", "fused-tuned"] if engine_has_dense(per_query) else [LEXICAL, "fused"]
        for i in test:
            ranked_by = _methods(per_query[i], k, w_dense)
            for method in methods:  # a retriever that returned nothing scores a miss, not a skipped query
                ranks[method].append(_rank_of(str(i), ranked_by.get(method, [])))
        results[task] = {m: metrics(r) for m, r in ranks.items()}
    return results


def _vote(ranked: Sequence[tuple[str, float]], papers: list[Paper], self_id: str, k: int = 10) -> list[str]:
    votes: defaultdict[str, float] = defaultdict(float)
    neighbours = [d for d, _ in ranked if d != self_id][:k]
    for rank, doc_id in enumerate(neighbours, start=1):
        votes[papers[int(doc_id)].discipline] += 1.0 / rank
    return sorted(votes, key=lambda d: -votes[d])


def discipline(engine: HybridIndex, papers: list[Paper]) -> dict[str, dict[str, float]]:
    """Abstract → discipline (学科): kNN voting (k=10, 1/rank weights, leave-one-out) and dense centroids."""
    hits: dict[str, list[int | None]] = defaultdict(list)
    vectors = _passage_matrix(engine, len(papers))
    for i, p in enumerate(papers):
        tokens = engine.tokenizer.tokenize(p.abstract)
        rankings = {LEXICAL: [(h.id, h.score) for h in engine.lexical.search(tokens, 11)]}
        if vectors is not None:  # abstract ↔ abstract is symmetric: use the stored passage vectors
            sims = vectors @ vectors[i]
            order = np.argsort(-sims)[:11]
            rankings[DENSE] = [(str(j), float(sims[j])) for j in order]
        for method, ranked in _methods(rankings).items():
            if method == "fused-tuned":  # tuned on known-item queries only; same as "fused" here
                continue
            labels = _vote(ranked, papers, str(i))
            hits[f"kNN {method}"].append(labels.index(p.discipline) + 1 if p.discipline in labels else None)
    if vectors is not None:
        hits["centroid dense"] = _centroid_ranks(vectors, papers)
    return {m: {"acc@1": sum(r == 1 for r in rs) / len(rs), "acc@3": sum(r is not None and r <= 3 for r in rs)
                / len(rs)} for m, rs in hits.items()}


def _passage_matrix(engine: HybridIndex, n: int) -> np.ndarray | None:
    if engine.dense is None:
        return None
    rows = [engine.dense.vector(str(i)) for i in range(n)]
    return np.stack([r if r is not None else np.zeros(engine.dense.dim, np.float32) for r in rows])


def _centroid_ranks(vectors: np.ndarray, papers: list[Paper]) -> list[int | None]:
    labels = sorted({p.discipline for p in papers})
    index = {d: j for j, d in enumerate(labels)}
    sums = np.zeros((len(labels), vectors.shape[1]), np.float32)
    counts = np.zeros(len(labels), np.float32)
    for v, p in zip(vectors, papers, strict=True):
        sums[index[p.discipline]] += v
        counts[index[p.discipline]] += 1
    out: list[int | None] = []
    for v, p in zip(vectors, papers, strict=True):
        j = index[p.discipline]
        own = sums.copy()
        own[j] -= v  # leave the paper itself out of its class centroid
        n = counts.copy()
        n[j] -= 1
        cents = own / np.maximum(n, 1)[:, None]
        cents /= np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-9)
        order = list(np.argsort(-(cents @ v)))
        out.append(order.index(j) + 1 if n[j] > 0 else None)
    return out


def run_quality(papers: list[Paper], encoders: dict[str, Encoder], tokenizer: Tokenizer) -> dict[str, object]:
    """All quality numbers, per encoder (the lexical numbers repeat: they do not depend on the encoder)."""
    report: dict[str, object] = {}
    for name, encoder in encoders.items():
        started = time.perf_counter()
        engine = build_engine(papers, encoder, tokenizer)
        collected = collect(engine, papers)
        k, w_dense, dev_mrr = tune_fusion(collected, papers)
        report[name] = {"known_item": known_item(collected, papers, k, w_dense),
                        "tuned": {"k": k, "w_dense": w_dense, "dev_mrr": dev_mrr},
                        "discipline": discipline(engine, papers), "seconds": time.perf_counter() - started}
        print(f"[quality] {name}: {time.perf_counter() - started:.0f}s", flush=True)
    return report

