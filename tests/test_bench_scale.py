"""The scale benchmarks (bench/scale, issue 19) keep running: their measuring parts work on a tiny catalog without
pgvector, and the whole catalog comparison runs end to end where a PostgreSQL with the ``vector`` extension is at
hand (skipped elsewhere: the product never needs pgvector)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.matching.data import load_papers
from bench.scale import catalog, hosts
from bench.web import load
from xiaodi.matching.text import Tokenizer

REPO = Path(__file__).resolve().parents[1]


def test_chinese_tokens_reach_postgresql_whole_with_their_positions() -> None:
    assert catalog.tsvector_literal(["深度-学习", "C++", "学习", "it's", "学习"]) == (
        "'深度-学习':1 'C++':2 '学习':3,5 'it''s':4")
    assert catalog.tsquery_literal(["机器", "学习", "机器"]) == "'机器' | '学习'"


def test_the_in_process_side_is_measured_on_a_tiny_catalog() -> None:
    papers = load_papers(60)
    tokenizer = Tokenizer(sorted({p.discipline for p in papers}))
    encoder = catalog.make_encoder(fake=True)
    base = encoder.encode_passages([p.title for p in papers])
    vectors = catalog.scale_vectors(base, 500)
    queries = catalog.queries_of(papers)[:10]
    q_vecs = encoder.encode_queries([q for _, q in queries])
    truth = catalog.exact_top(vectors, q_vecs, 100)
    assert set(truth[0][:10]) == {int(i) for i in np.argsort(-(vectors @ q_vecs[0]))[:10]}

    out: dict[str, Any] = {}
    tops = catalog.in_process(out, 500, papers, tokenizer, vectors, truth,
                              [tokenizer.tokenize(q) for _, q in queries], q_vecs, runs=1)
    assert len(tops) == 10
    assert out["inproc_int8_recall@10"] >= 0.9
    assert {"inproc_bm25_top100", "inproc_dense_top100", "inproc_rss_mb"} <= set(out)


def test_users_stay_with_one_process_and_the_table_compares_against_one_process(capsys: pytest.CaptureFixture[str],
                                                                                ) -> None:
    plan = load.Plan(base_url="http://a", base_urls=["http://a", "http://b"], users=4, warmup=0, duration=1,
                     think=(0, 0), accounts={}, password="", tokens={}, search_terms=[], shapes={})
    assert [plan.url_of(i) for i in range(4)] == ["http://a", "http://b", "http://a", "http://b"]
    runs = [{"processes": p, "users": 50, "run": r, "rps": 10.0 * p + r, "rps_per_process": 10.0 + r / p,
             "p50": 20.0, "p95": 80.0, "p99": 90.0, "errors": 0, "failures": 0, "loadavg_from": [3.0]}
            for p in (1, 2) for r in (1, 2, 3)]
    table = hosts.medians(runs)
    assert [(t["processes"], t["rps"]) for t in table] == [(1, 12.0), (2, 22.0)]
    hosts.print_table(table)
    assert "| 2 | 50 | 22.0 | 11.0 | 1.83 |" in capsys.readouterr().out


def _pgvector_url() -> str | None:
    url = os.environ.get("XIAODI_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return None
    try:
        with catalog.connect(url) as conn:
            found = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    except Exception:  # no server there: nothing to run against
        return None
    return url.rsplit("/", 1)[0] if found else None


def test_the_catalog_comparison_runs_end_to_end_where_pgvector_is_installed(tmp_path: Path) -> None:
    server = _pgvector_url()
    if server is None:
        pytest.skip("needs XIAODI_TEST_DATABASE_URL on a PostgreSQL with the vector extension installed")
    out = tmp_path / "catalog.json"
    done = subprocess.run([sys.executable, "bench/scale/catalog.py", "--tiny", "--runs", "1", "--queries", "10",
                           "--db-name", "xiaodi_test_bench_scale", "--out", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "XIAODI_BENCH_PG_URL": server.replace("+psycopg", "")})
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"pgvector HNSW"' in out.read_text(encoding="utf-8")
