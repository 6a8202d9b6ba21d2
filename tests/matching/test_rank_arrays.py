"""The ranking's array paths (查询提速) give exactly what the per-candidate Python gave: the shared terms of every
keyword hit, and every candidate's content evidence, score and place — through edits, removals, bare profiles,
places, named schools and filters. The references below are the per-item versions the arrays replaced. A demand
matched again reads its vector from the cache without a trip through the encoding thread."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from xiaodi.matching import ranking
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache
from xiaodi.matching.engine import EngineConfig, HybridIndex
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.fusion import DENSE, LEXICAL
from xiaodi.matching.lexical import LexicalIndex
from xiaodi.matching.routing import DisciplineRouter, Route

WORDS = ["钢渣", "冶金", "固废", "建材", "稀土", "提取", "电池", "回收", "余热", "发电", "煤气", "茶", "葡萄酒", "轴承"]
DISCIPLINES = ["冶金工程", "材料科学与工程", "环境科学与工程"]
CITIES = [("山西", "运城"), ("山西", "太原"), ("江西", "赣州"), (None, None)]


def _reference_terms(index: LexicalIndex, doc_id: str, q_ids: list[int]) -> tuple[str, ...]:
    """The per-hit version: the document's tokens as a set, the query's terms it holds in query order."""
    present = set(int(t) for t in index.doc_token_ids(doc_id))
    return tuple(index._terms[t] for t in q_ids if t in present)


def test_every_hit_reports_the_same_shared_terms_as_one_document_at_a_time() -> None:
    rng = random.Random(3)
    index = LexicalIndex(compact_min=10_000)
    index.build((f"d{i}", rng.choices(WORDS, k=rng.randint(1, 12))) for i in range(300))
    for i in rng.sample(range(300), 40):  # changed documents live in the delta, removed ones nowhere
        if i % 4:
            index.add(f"d{i}", rng.choices(WORDS, k=rng.randint(1, 8)))
        else:
            index.remove(f"d{i}")
    for _ in range(30):
        query = rng.sample(WORDS, rng.randint(1, 6))
        hits = index.search(query, 300)
        q_ids = sorted({index.vocab[w] for w in query if w in index.vocab})
        assert hits and all(h.matched_terms == _reference_terms(index, h.id, q_ids) for h in hits)
        assert all(h.matched_terms for h in hits)  # a keyword hit shares at least one word
    asked = ["d1", "gone", *(f"d{i}" for i in range(0, 300, 7))]
    # not in id order: the terms come back in the order asked
    q_ids = sorted((index.vocab[w] for w in ("电池", "钢渣", "茶", "稀土")), reverse=True)
    assert index._matched_many(asked, q_ids) == [_reference_terms(index, d, q_ids) for d in asked]


def _reference_scores(index: HybridIndex, rankings: Mapping[str, list[tuple[str, float]]], named: set[str],
                      route: ranking._RouteScores, context: QueryContext, weights: ranking.Weights,
                      allow: object) -> list[tuple[float, str, float, float, float]]:
    """The loop the pool replaced: each candidate's ranks, content, region and score in Python, sorted."""
    ranks: dict[str, dict[str, int]] = {}
    for retriever, ranked in rankings.items():
        for position, (rid, _) in enumerate(ranked, start=1):
            ranks.setdefault(rid, {})[retriever] = position
    population = max(1, len(index.records))
    standings = {rid: n / population for n, (rid, _) in enumerate(rankings.get(DENSE, []), start=1)}

    def content_rank(rid: str, r: dict[str, int]) -> int | None:
        if DENSE not in r:
            return min(r.values(), default=None)
        others = min((v for k, v in r.items() if k != DENSE), default=None)
        if index.records[rid].meta.get("bare"):
            return others
        dense = max(r[DENSE], round(standings[rid] * ranking.SEMANTIC_POPULATION))
        return dense if others is None else min(others, dense)

    def content(best: int | None) -> float:
        return 0.0 if best is None else 1.0 / (1.0 + (best - 1) / ranking.CONTENT_HALF_RANK)

    evidence = {rid: content(content_rank(rid, r)) for rid, r in ranks.items() if rid in index.records}
    pool = set(ranks) | named | set(route.top(ranking.POOL))
    candidates = [rid for rid in pool if rid in index.records and (allow is None or allow(rid))]  # type: ignore[operator]
    scored = []
    for rid, route_score in zip(candidates, route.values(candidates), strict=True):
        ev = (route_score, evidence.get(rid, 0.0), ranking._region(index.records[rid].meta, context))
        scored.append((ranking._score(weights, *ev, rid in named), rid, *ev))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return scored


def test_the_pool_scores_and_orders_every_candidate_as_the_per_candidate_loop_did() -> None:
    rng = random.Random(11)
    index = HybridIndex()
    items = []
    for i in range(400):
        province, city = rng.choice(CITIES)
        strengths = [[d, rng.choice([1.0, 0.84, 0.61]), [f"{d}（学科评估）"]] for d in rng.sample(DISCIPLINES, 2)]
        meta = {"name": f"单位{i}", "kind": rng.choice(["university", "institute"]), "region": province,
                "city": city, "bare": i % 5 == 0, "strengths": strengths if i % 3 else []}
        items.append((f"u{i:03d}", "、".join(rng.choices(WORDS, k=5)), meta))
    index.add_many(items)
    table = ranking._table(index)
    ids = list(index.records)
    for case in range(40):
        lexical = [(rid, 1.0) for rid in rng.sample(ids, rng.randint(0, 120))]
        dense = [(rid, 1.0) for rid in rng.sample(ids, rng.randint(0, 120))] + [("removed", 0.5)]
        rankings = {k: v for k, v in ((LEXICAL, lexical), (DENSE, dense)) if v}
        named = set(rng.sample(ids, rng.randint(0, 3)))
        route = ranking._RouteScores(table, [Route(d, rng.random()) for d in rng.sample(DISCIPLINES, 2)])
        province, city = rng.choice(CITIES)
        context = QueryContext(region=province, city=city if case % 2 else None)
        weights = rng.choice([ranking.INSTITUTIONS, ranking.RESOURCES, ranking.TEXT_ONLY])
        filters = {"kind": "institute"} if case % 4 == 0 else None
        expected = _reference_scores(index, rankings, named, route, context, weights, index.allow(filters))
        pool = ranking._Pool(index, rankings, named, route, context, weights, filters)
        got = [(ev.score, rid, ev.route, ev.content, ev.region) for rid, ev in pool.best_first()]
        assert got == expected and len(got) > 0
        computed = dict(zip(pool.ids, pool.score.tolist(), strict=True))  # the array's own scores, not recomputed
        assert [computed[rid] for _, rid, *_ in got] == [t[0] for t in expected]
        first = got[0][1]
        assert pool.ranks(first) == {k: n for k, v in rankings.items()
                                     for n, (rid, _) in enumerate(v, start=1) if rid == first}


class _CountingModel:
    """A stand-in model that counts the queries it encodes (and in which thread)."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.threads: list[str] = []

    def _vec(self, texts: list[str]) -> np.ndarray:
        rows = np.array([[len(t), t.count("钢"), 1.0, sum(map(ord, t)) % 7] for t in texts], np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.threads.append(threading.current_thread().name)
        return self._vec(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._vec(texts)


def test_a_demand_matched_again_takes_its_vector_from_the_cache_in_the_query_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[str] = []  # what rank hands to the encoding thread
    submit = ranking._ENCODING.submit
    monkeypatch.setattr(ranking._ENCODING, "submit", lambda fn, text: handed.append(text) or submit(fn, text))
    model = _CountingModel()
    index = HybridIndex(encoder=CachedEncoder(model, EmbeddingCache(tmp_path / "emb.sqlite")),  # type: ignore[arg-type]
                        config=EngineConfig(background=False))
    index.add_many([(f"u{i}", text, {"name": f"单位{i}", "kind": "university"})
                    for i, text in enumerate(["钢渣综合利用", "稀土提取", "余热发电", "茶叶加工"])])
    router = DisciplineRouter()
    demand = "转炉钢渣综合利用做建材"
    assert index.query_vector_at_hand(demand) == (False, None)  # never seen: the encoding thread will encode it
    first = ranking.rank(index, router, demand, weights=ranking.RESOURCES)
    assert model.threads == ["xiaodi-query-encoder_0"]
    at_hand, vector = index.query_vector_at_hand(demand)
    assert at_hand and vector is not None and np.array_equal(vector, index.query_vector(demand))
    again = ranking.rank(index, router, demand, weights=ranking.RESOURCES)
    assert len(model.threads) == 1 and handed == [demand]  # the cache answered, in this thread
    assert [(h.id, h.score, h.reasons) for h in again] == [(h.id, h.score, h.reasons) for h in first]
    assert first.dense_used and again.dense_used and first[0].id == "u0"


def test_the_semantic_scan_shared_by_two_threads_scores_bit_for_bit_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.matching import dense

    rng = np.random.default_rng(5)
    index = dense.DenseIndex(16, capacity=8)
    ids = [f"r{i}" for i in range(dense._CHUNK * 20 + 37)]  # not a whole number of chunks
    index.add(ids, rng.normal(size=(len(ids), 16)).astype(np.float32))
    for doc_id in ids[::97]:
        index.remove(doc_id)
    queries = [rng.normal(size=16).astype(np.float32) for _ in range(5)]
    shared = [index.scores(q) for q in queries]
    monkeypatch.setattr(dense, "_HELPER", None)  # one thread
    alone = [index.scores(q) for q in queries]
    assert all(np.array_equal(a, b) for a, b in zip(shared, alone, strict=True))
    assert [h.id for h in index.search(queries[0], 50)] == [ids[i] for i in np.argsort(-alone[0], kind="stable")[:50]]


def test_the_schools_a_demand_names_are_those_any_of_whose_names_it_contains_through_edits() -> None:
    rng = random.Random(2)
    stems = ["太原理工大学", "太原理工大学现代科技学院", "山西大学", "山西大学商务学院", "中北大学", "中大",
             "江西理工大学", "南昌大学", "运城学院", "山西农业大学", "山西农业大学信息学院", "理工大学"]
    table = ranking._Strengths()

    def record(i: int) -> object:
        return type("R", (), {"meta": {"names": [*rng.sample(stems, rng.randint(0, 3)), f"单位{i}号研究院"]}})()

    for i in range(60):
        table.put(str(i), record(i))
    for i in rng.sample(range(60), 25):  # renamed, or gone
        table.put(str(i), record(i) if i % 3 else None)
    texts = ["与太原理工大学现代科技学院合作", "山西农业大学信息学院和中大", "钢渣利用", "运城学院",
             "需要理工大学的团队", "单位7号研究院、单位12号研究院", "", "中北大",
             *("".join(rng.sample(stems, 3)) for _ in range(20))]
    for text in texts:
        expected = {rid for rid, names in table.names.items() if any(name in text for name in names)}
        assert table.named_in(text) == expected
    assert table.named_in("与太原理工大学现代科技学院合作")  # the demand that names a school finds it


def test_a_reverse_search_scores_a_keyword_hit_by_how_much_of_the_text_it_shares() -> None:
    """Who may want an achievement (成果推介, text only): the enterprise sharing its specific words is strong, the
    first of those sharing only 材料 — a word many records hold — is weak, however small the list (it used to score
    强 for being first)."""
    index = HybridIndex()
    index.add_many([
        ("e1", "光伏玻璃生产企业，关注透光率提升与节能熔化", {"name": "光伏玻璃厂", "kind": "enterprise"}),
        ("e2", "新能源新材料方向博士，材料学专业", {"name": "材料博士需求", "kind": "demand"}),
        ("e3", "建筑材料销售与材料检测", {"name": "建材公司", "kind": "enterprise"}),
        ("e4", "化工材料与新材料贸易", {"name": "化工公司", "kind": "enterprise"}),
    ])
    router = DisciplineRouter()
    glass = ranking.rank(index, router, "光伏玻璃透光率提升与节能熔化技术；镀膜涂层", weights=ranking.TEXT_ONLY)
    assert glass[0].id == "e1" and glass[0].meta["label"] == "强"
    heat = ranking.rank(index, router, "超高温稀土耐热材料；高温结构材料", weights=ranking.TEXT_ONLY)
    assert heat and all(r.meta["label"] == "弱" for r in heat)
    # the institutions' ranking keeps reading a keyword hit by its place (its scores are measured on real cases)
    assert not ranking.INSTITUTIONS.keyword_coverage and not ranking.RESOURCES.keyword_coverage
