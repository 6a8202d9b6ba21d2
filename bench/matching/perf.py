"""Speed and memory: encoder throughput, fused query latency, incremental updates, index memory."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.matching.data import CACHE_DIR, Paper, synthetic_catalog
from xiaodi.matching.dense import DenseIndex
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, Encoder
from xiaodi.matching.engine import EngineConfig, HybridIndex
from xiaodi.matching.lexical import LexicalIndex
from xiaodi.matching.text import Tokenizer


def rss_mb() -> float:
    """Resident memory of this process in MiB (from /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(samples: list[float]) -> dict[str, float]:
    arr = np.array(samples) * 1000
    return {"p50_ms": float(np.percentile(arr, 50)), "p99_ms": float(np.percentile(arr, 99)),
            "max_ms": float(arr.max())}


def throughput(encoder: Encoder, texts: list[str]) -> float:
    """Passages encoded per second (no cache), after one warm-up call."""
    encoder.encode_passages(texts[:2])
    started = time.perf_counter()
    encoder.encode_passages(texts)
    return len(texts) / (time.perf_counter() - started)


def _real_vectors(encoder: Encoder, texts: list[str]) -> np.ndarray:
    cached = CachedEncoder(encoder, EmbeddingCache(CACHE_DIR / "embeddings.sqlite"))
    return cached.encode_passages(texts)


def _fill_dense(dense: DenseIndex, ids: list[str], base: np.ndarray, seed: int = 3) -> None:
    """Real vectors first, then mixtures of two real vectors plus noise: latency does not depend on content."""
    rng = np.random.default_rng(seed)
    n_real = min(len(base), len(ids))
    dense.add(ids[:n_real], base[:n_real])
    for start in range(n_real, len(ids), 20000):
        chunk = ids[start : start + 20000]
        a = base[rng.integers(0, len(base), len(chunk))]
        b = base[rng.integers(0, len(base), len(chunk))]
        noise = rng.normal(0, 0.02, a.shape).astype(np.float32)
        dense.add(chunk, a + b + noise)


def catalog_engine(papers: list[Paper], n: int, encoder: Encoder, tokenizer: Tokenizer,
                   base_texts: int) -> tuple[HybridIndex, dict[str, float]]:
    """An engine over ``n`` synthetic entries: real tokens; ``base_texts`` real vectors, the rest mixed."""
    entries = synthetic_catalog(papers, n)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    engine = HybridIndex(tokenizer, None, EngineConfig())
    engine.add_many(entries)
    lexical_s = time.perf_counter() - started
    engine.encoder = encoder
    engine.dense = DenseIndex(encoder.dim, storage=engine.config.storage, capacity=n)
    base = _real_vectors(encoder, [t for _, t, _ in entries[:base_texts]])
    _fill_dense(engine.dense, [i for i, _, _ in entries], base)
    gc.collect()
    facts = {"entries": n, "lexical_build_s": lexical_s, "rss_delta_mb": rss_mb() - before,
             "dense_mb": engine.dense.nbytes / 2**20, "lexical_arrays_mb": _lexical_mb(engine.lexical)}
    return engine, facts


def _lexical_mb(index: LexicalIndex) -> float:
    main = index._main
    total = main.tokens_flat.nbytes + main.offsets.nbytes + main.alive.nbytes + main.df.nbytes
    if main.model is not None:
        total += sum(main.model.scores[k].nbytes for k in ("data", "indices", "indptr"))
    return total / 2**20


def query_latency(engine: HybridIndex, queries: list[str], runs: int = 1) -> dict[str, float]:
    """Wall time of ``search`` (normalise + tokenise + query encoding + both retrievers + fusion + reasons)."""
    engine.search(queries[0], 10)
    samples: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        for q in queries:
            started, cpu_started = time.perf_counter(), time.thread_time()
            engine.search(q, 10)
            samples.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - cpu_started)
    out = percentiles(samples)
    # CPU time of the querying thread: what the query costs on a core of its own (the machine is shared).
    out.update({f"cpu_{k}": v for k, v in percentiles(cpu).items()})
    return out


def cached_query_latency(engine: HybridIndex, queries: list[str]) -> dict[str, float]:
    """Latency when the query's vector is already in the embedding cache (a stored demand re-matched)."""
    assert engine.encoder is not None
    raw = engine.encoder
    engine.encoder = CachedEncoder(raw, EmbeddingCache(CACHE_DIR / "embeddings.sqlite"))
    try:
        engine.encoder.encode_queries(queries)  # warm: every query vector now comes from the cache
        return {f"cached_{k}": v for k, v in query_latency(engine, queries).items()}
    finally:
        engine.encoder = raw


def stage_latency(engine: HybridIndex, queries: list[str]) -> dict[str, float]:
    """Median per stage, to see where a query's time goes."""
    assert engine.encoder is not None and engine.dense is not None
    stages: dict[str, list[float]] = {"tokenise": [], "encode_query": [], "lexical": [], "dense": []}
    for q in queries:
        t0 = time.perf_counter()
        tokens = engine.tokenizer.tokenize(q)
        t1 = time.perf_counter()
        vec = engine.encoder.encode_queries([q])[0]
        t2 = time.perf_counter()
        engine.lexical.search(tokens, 100)
        t3 = time.perf_counter()
        engine.dense.search(vec, 100)
        t4 = time.perf_counter()
        for key, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[key].append(value)
    return {f"{k}_p50_ms": float(np.median(v) * 1000) for k, v in stages.items()}


def update_latency(engine: HybridIndex, papers: list[Paper], n: int = 200) -> dict[str, float]:
    """One-record add / change / remove while serving (dense encoding queued to the background thread)."""
    rng = random.Random(11)
    adds: list[float] = []
    removes: list[float] = []
    visible: list[float] = []
    for i in range(n):
        p = rng.choice(papers)
        doc_id = f"upd{i % (n // 2)}"  # the second half changes records added by the first half
        started = time.perf_counter()
        engine.add(doc_id, f"{p.title}。{'、'.join(p.keywords)}", {"name": p.title, "kind": "成果"})
        adds.append(time.perf_counter() - started)
        if i % 10 == 0:
            engine.wait_dense(30)
            visible.append(time.perf_counter() - started)
    engine.wait_dense(60)
    for i in range(n // 2):
        started = time.perf_counter()
        engine.remove(f"upd{i}")
        removes.append(time.perf_counter() - started)
    out = {f"add_{k}": v for k, v in percentiles(adds).items()}
    out.update({f"remove_{k}": v for k, v in percentiles(removes).items()})
    out.update({f"add_until_dense_{k}": v for k, v in percentiles(visible).items()})
    started = time.perf_counter()
    engine.compact()
    out["compact_s"] = time.perf_counter() - started
    return out


def lexical_million(papers: list[Paper], tokenizer: Tokenizer, n: int, dims: int,
                    queries: list[list[str]], qvecs: np.ndarray) -> dict[str, float]:
    """Lexical index over ``n`` recombined token lists plus an int8 dense matrix: memory and latency."""
    rng = random.Random(5)
    title_toks = [tokenizer.tokenize(p.title) for p in papers]
    kw_toks = [tokenizer.tokenize(" ".join(p.keywords)) for p in papers]
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = LexicalIndex()
    index.build((f"m{i}", title_toks[rng.randrange(len(papers))] + kw_toks[rng.randrange(len(papers))])
                for i in range(n))
    build_s = time.perf_counter() - started
    gc.collect()
    lexical_rss = rss_mb() - before
    dense = DenseIndex(dims, capacity=n)
    ids = [f"m{i}" for i in range(n)]
    _fill_dense(dense, ids, qvecs)
    gc.collect()
    out = {"entries": n, "lexical_build_s": build_s, "lexical_rss_mb": lexical_rss,
           "lexical_arrays_mb": _lexical_mb(index), "dense_mb": dense.nbytes / 2**20,
           "rss_delta_mb": rss_mb() - before}
    lex = _timed(lambda q: index.search(q, 100), queries)
    den = _timed(lambda v: dense.search(v, 100), list(qvecs[: len(queries)]))
    out.update({f"lexical_{k}": v for k, v in lex.items()})
    out.update({f"dense_{k}": v for k, v in den.items()})
    return out


def _timed(fn: Callable[[Any], object], items: list[Any]) -> dict[str, float]:
    fn(items[0])
    samples = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)
