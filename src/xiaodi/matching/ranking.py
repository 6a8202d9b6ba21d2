"""Ranking candidates for a demand (匹配排序): for a university, discipline strength first, then content, then place.

Keyword and semantic search over a school's profile only find a school whose profile shares words or meaning with
the demand; from a cold start a profile is little more than its disciplines, so a strong school can be invisible.
The ranking therefore reads three pieces of evidence, each a number in [0, 1] a person can check in the reasons:

- **学科实力** (``_route_scores``): the demand routed to its disciplines, times the school's strength in them;
- **内容相关** (content): how high the school's own profile text ranks for the demand by keywords and by meaning
  (1 at the top, ½ at rank 11), so a school with the matching achievement, expert or project comes forward;
- **地区** (region): the same city (1) or province (0.6) as the demand — how many partnerships start (就近). In
  the real cases of ``data/benchmarks/matching`` that state the enterprise's place, about half of the partners
  are in the same province, while a province holds a thirtieth of the institutions: a strong prior, kept bounded
  (at most 30 points) and never a filter.

The match score is ``100 × (0.40 学科 + 0.30 内容 + 0.30 地区)``; a demand that names the school adds 50 points.
The weights are set by what each piece means (strength is the main evidence, content confirms it, place breaks the
many near-ties among schools of similar strength), not fitted case by case. The region had 0.25 until 2026-12-06:
on the 118 tuning cases (dev, tune, tune2) moving 0.05 from the route to the region raised the top-10 share from
0.38 to 0.42 and 0.30–0.35 gave the same, so the smaller value was kept; a lower region weight (0.20) lost.
The score is an absolute number, so its 强/中/弱 label
means the same on every query.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from itertools import repeat
from weakref import WeakKeyDictionary

import numpy as np

from xiaodi.core.errors import XiaodiError
from xiaodi.matching import explain
from xiaodi.matching.engine import NO_RESULTS, HybridIndex, NoKnownTerms, _lexical_text
from xiaodi.matching.explain import QueryContext, ReasonInput, build_reasons
from xiaodi.matching.fusion import DENSE, LEXICAL, MatchResult, MatchResults
from xiaodi.matching.routing import VAGUE_SPECIFICITY, DisciplineRouter, Route, route_stopwords, strength_table
from xiaodi.matching.scoring import idf_lucene

NAMED_BONUS = 0.5
SAME_CITY, SAME_PROVINCE = 1.0, 0.6
CONTENT_HALF_RANK = 10  # the content evidence halves at this many places below the top
POOL = 200  # candidates taken from each retriever and from the discipline route
SEMANTIC_POPULATION = 3500  # ~ the universities and institutes of a cold start: what a semantic rank is read against
MIN_NAME_CHARS = 4  # a name shorter than this ("中大") is too ambiguous to count as the demand naming the school
STRONG, MEDIUM = 60, 35  # score bands of the 强/中/弱 label
# The discipline and region reasons are written here with their evidence (a name-stated direction among them, with
# its basis); these explain the content match.
CONTENT_BUILDERS = (explain.shared_terms_reason, explain.platform_reason, explain.cooperation_reason,
                    explain.semantic_reason)


class VagueDemand(NoKnownTerms):
    """A demand too vague to match (需求过于笼统): "详见附件", "您好，请联系我们" — no informative word that any
    resource holds, and no closer in meaning to any discipline than to the average one. Without this every such text
    got candidates rated 中 on the meaning route's noise; a placeholder is told what to write instead."""

    code = "vague_demand"

    def __init__(self) -> None:
        super().__init__("需求描述过于笼统，无法匹配：其中没有资源库里出现过的专业词语，在语义上也不指向任何学科。"
                         "请写明要解决的技术问题、产品、工艺或材料（如“煤矸石制备建筑材料”）后再匹配。")


def strength_label(score: float) -> str:
    """强/中/弱 for a 0–100 match score (匹配强度), the same bands on every query."""
    return "强" if score >= STRONG else "中" if score >= MEDIUM else "弱"


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each piece of evidence counts for one target (they sum to 1)."""

    route: float
    content: float
    region: float
    # A keyword hit counts by the share of the demand's informative words it holds (``_keyword_coverage``), not by
    # its place alone: where the text is all the evidence there is, the first hit of a small list otherwise scored
    # 强 on one generic word (an achievement's 推介 to every demand that says 材料).
    keyword_coverage: bool = False


# An institution is judged by its strength in the demand's disciplines; a single achievement, expert or platform by
# what it is about (its text), its discipline confirming; the reverse searches (who may want an achievement) by text.
INSTITUTIONS = Weights(route=0.40, content=0.30, region=0.30)
RESOURCES = Weights(route=0.25, content=0.60, region=0.15)
TEXT_ONLY = Weights(route=0.0, content=0.85, region=0.15, keyword_coverage=True)
WEIGHTS: dict[str, Weights] = {"university": INSTITUTIONS, "achievement": RESOURCES, "expert": RESOURCES,
                               "platform": RESOURCES, "enterprise": TEXT_ONLY, "demand": TEXT_ONLY}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The numbers behind one candidate's score, kept for its reasons."""

    route: float
    content: float
    region: float
    named: bool
    weights: Weights = INSTITUTIONS

    @property
    def score(self) -> float:
        return _score(self.weights, self.route, self.content, self.region, self.named)


def _score(w: Weights, route: float, content: float, region: float, named: bool) -> float:
    """The 0–100 match score of one candidate (匹配度); the ranking's hot loop calls it without an ``Evidence``."""
    base = w.route * route + w.content * content + w.region * region
    return 100.0 * min(1.0, base + (NAMED_BONUS if named else 0.0))


class _Strengths:
    """Per index: discipline → {record id: strength}, kept in step with the index's changes."""

    def __init__(self) -> None:
        self.generation = -1
        self.by_discipline: dict[str, dict[str, float]] = {}
        self.of: dict[str, tuple[str, ...]] = {}  # record id → its disciplines, to take them out when it changes
        self.names: dict[str, tuple[str, ...]] = {}  # record id → names and aliases, for a demand that names a school
        # the names by their first MIN_NAME_CHARS characters: a demand is read once, not once per named record
        self._by_start: dict[str, dict[str, tuple[str, ...]]] = {}
        self.row: dict[str, int] = {}  # record id → its row in the route arrays (kept for the table's life)
        self.ids: list[str] = []  # row → record id
        self._columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # discipline → (rows, strengths), in dict order

    def put(self, rid: str, record: object | None) -> None:
        for d in self.of.pop(rid, ()):
            self.by_discipline.get(d, {}).pop(rid, None)
            self._columns.pop(d, None)
        for name in self.names.pop(rid, ()):
            owners = self._by_start.get(name[:MIN_NAME_CHARS], {})
            owners.pop(rid, None)
            if not owners:
                self._by_start.pop(name[:MIN_NAME_CHARS], None)
        if record is None:
            return
        meta = record.meta  # type: ignore[attr-defined]
        table = strength_table(meta.get("strengths") or [])
        if table and rid not in self.row:
            self.row[rid] = len(self.ids)
            self.ids.append(rid)
        for d, (s, _) in table.items():
            self.by_discipline.setdefault(d, {})[rid] = s
            self._columns.pop(d, None)
        self.of[rid] = tuple(table)
        named = tuple(n for n in meta.get("names") or () if len(n) >= MIN_NAME_CHARS)
        if named:
            self.names[rid] = named
            for start in dict.fromkeys(n[:MIN_NAME_CHARS] for n in named):
                self._by_start.setdefault(start, {})[rid] = tuple(n for n in named if n.startswith(start))

    def named_in(self, text: str) -> set[str]:
        """The records one of whose names stands in ``text`` (需求点名的单位) — the same set as trying every name of
        every record (``any(name in text …)``), which cost a query ~3,500 searches of the demand on a cold start."""
        found: set[str] = set()
        for i in range(len(text) - MIN_NAME_CHARS + 1):
            owners = self._by_start.get(text[i : i + MIN_NAME_CHARS])
            for rid, names in (owners or {}).items():
                if rid not in found and any(text.startswith(name, i) for name in names):
                    found.add(rid)
        return found

    def columns(self, discipline: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows and strengths of the records strong in ``discipline``, in the order they entered it."""
        cached = self._columns.get(discipline)
        if cached is None:
            entries = self.by_discipline.get(discipline, {})
            rows = np.fromiter((self.row[rid] for rid in entries), dtype=np.int64, count=len(entries))
            cached = rows, np.fromiter(entries.values(), dtype=np.float64, count=len(entries))
            self._columns[discipline] = cached
        return cached


_TABLES: WeakKeyDictionary[HybridIndex, _Strengths] = WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def _table(index: HybridIndex) -> _Strengths:
    """The strength table of ``index``: updated for the records changed since it was last read (one edit on a
    100,000-record index touches one record), rebuilt only when it is new or older than the index's change log."""
    with _TABLES_LOCK:
        table = _TABLES.get(index)
        if table is not None and table.generation == index.generation:
            return table
        with index._lock:  # the index's own lock: no change lands between reading the log and the records
            log = list(index.changes)
            if table is not None and log and log[0][0] <= table.generation + 1:
                changed = {rid for generation, ids in log if generation > table.generation for rid in ids}
                for rid in changed:
                    table.put(rid, index.records.get(rid))
            else:
                table = _Strengths()
                for rid, record in list(index.records.items()):
                    table.put(rid, record)
                _TABLES[index] = table
            table.generation = index.generation
        return table


class _RouteScores:
    """Every record's strength in the demand's disciplines, weighted by the route (学科对口分), over arrays.

    A 100,000-record catalog has ~1,000 records per routed discipline; summing them in Python dicts and sorting the
    sums took a third of a query's ranking. The sums are the same floating-point sums in the same order, and ties
    keep the order a dict would have (the first route, then the order records entered the discipline), so the
    candidates taken are exactly those of the dict version (``as_dict``)."""

    def __init__(self, table: _Strengths, routes: Sequence[Route]) -> None:
        self._table = table
        size = len(table.ids)
        self._scores = np.zeros(size, dtype=np.float64)
        self._first = np.full(size, _UNSEEN, dtype=np.int64)  # where a dict would have put the record
        offset = 0
        for r in routes:
            rows, strengths = table.columns(r.discipline)
            if len(rows) and int(rows.max()) >= size:  # a record added by another thread meanwhile: the next query
                keep = rows < size
                rows, strengths = rows[keep], strengths[keep]
            if not len(rows):
                continue
            self._scores[rows] += r.weight * strengths
            self._first[rows] = np.minimum(self._first[rows], offset + np.arange(len(rows)))
            offset += len(rows)
        self._touched = np.flatnonzero(self._first != _UNSEEN)

    def __bool__(self) -> bool:
        return bool(len(self._touched))

    def _order(self) -> np.ndarray:
        rows = self._touched
        return rows[np.lexsort((self._first[rows], -self._scores[rows]))]

    def top(self, n: int) -> list[str]:
        """The ``n`` best record ids (= ``sorted(as_dict(), key=-score)[:n]``)."""
        ids = self._table.ids
        return [ids[row] for row in self._order()[:n].tolist()]

    def get(self, rid: str) -> float:
        row = self._table.row.get(rid)
        if row is None or row >= len(self._scores) or self._first[row] == _UNSEEN:
            return 0.0
        return float(self._scores[row])

    def values(self, rids: Sequence[str]) -> list[float]:
        """``[get(rid) for rid in rids]`` in one pass over the arrays (the pool's ~600 candidates)."""
        rows = np.fromiter(map(self._table.row.get, rids, repeat(-1)), dtype=np.int64, count=len(rids))
        rows[rows >= len(self._scores)] = -1
        known = rows >= 0
        out = np.zeros(len(rids), dtype=np.float64)
        taken = rows[known]
        out[known] = np.where(self._first[taken] != _UNSEEN, self._scores[taken], 0.0)
        return out.tolist()

    def as_dict(self) -> dict[str, float]:
        """Record id → score for every record in a routed discipline, in the order a dict would have them."""
        ids = self._table.ids
        rows = self._touched[np.argsort(self._first[self._touched], kind="stable")]
        return {ids[row]: float(self._scores[row]) for row in rows.tolist()}


_UNSEEN = np.iinfo(np.int64).max


def _route_scores(table: _Strengths, routes: Sequence[Route]) -> dict[str, float]:
    """Record id → its weighted strength in the demand's disciplines (the benchmark reads the whole route)."""
    return _RouteScores(table, routes).as_dict()


def _without_boilerplate(rankings: dict[str, list[tuple[str, float]]], terms: Mapping[str, tuple[str, ...]],
                         ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, tuple[str, ...]]]:
    """Keyword hits that share only demand boilerplate with the demand (需要高校团队协助) are no content match: a
    college tagged 成人高校 does not fit a recycling demand because both say 高校."""
    boilerplate = route_stopwords()
    kept = {rid: ts for rid, ts in terms.items() if any(t not in boilerplate for t in ts)}
    if LEXICAL in rankings:
        rankings = {**rankings, LEXICAL: [(rid, s) for rid, s in rankings[LEXICAL] if rid in kept]}
    return rankings, kept


_ENCODING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="xiaodi-query-encoder")
OVERLAP_ENCODING = True


def _query_vector(index: HybridIndex, text: str) -> Future[np.ndarray | None]:
    """The query's vector as a future: at once when no model call is needed (a stored demand matched again finds it
    in the embedding cache — handing that lookup to the encoding thread cost the query a thread switch), else
    encoded in the encoding thread."""
    try:
        at_hand, vector = index.query_vector_at_hand(text)
    except XiaodiError:  # an empty query or index: the thread's ``query_vector`` raises it as before
        at_hand, vector = False, None
    if not at_hand:
        return _ENCODING.submit(index.query_vector, text)
    done: Future[np.ndarray | None] = Future()
    done.set_result(vector)
    return done


def _vector(future: Future[np.ndarray | None] | None) -> np.ndarray | None:
    """The query's vector, or None when it could not be made (the router then encodes for itself or reads words)."""
    if future is None:
        return None
    try:
        return future.result()
    except XiaodiError:  # an empty query or index: ``retrieve`` has said so already
        return None


def _region(meta: Mapping[str, object], context: QueryContext) -> float:
    if context.city and meta.get("city") == context.city:
        return SAME_CITY
    if context.region and meta.get("region") == context.region:
        return SAME_PROVINCE
    return 0.0


class _Pool:
    """The candidates of one query (候选池) — the retrievers' hits, the schools the demand names and the best of the
    discipline route — scored over arrays: the same numbers, by the same floating-point operations in the same
    order, as scoring each candidate on its own (``_content_rank``, ``_content``, ``_region``, ``_score``), which cost
    a query 2–3 ms of Python over ~600 candidates of which ten are shown. Ties are broken by record id, as before."""

    def __init__(self, index: HybridIndex, rankings: Mapping[str, Sequence[tuple[str, float]]], named: set[str],
                 route: _RouteScores, context: QueryContext, weights: Weights,
                 filters: Mapping[str, object] | None, coverage: Mapping[str, float] | None = None) -> None:
        self._lexical = {rid: n for n, (rid, _) in enumerate(rankings.get(LEXICAL, ()), start=1)}
        self._dense = {rid: n for n, (rid, _) in enumerate(rankings.get(DENSE, ()), start=1)}
        self._population = max(1, len(index.records))
        self._weights = weights
        records = index.records
        allow = index.allow(filters)
        pool = set(self._lexical) | set(self._dense) | named | set(route.top(POOL))
        ids = sorted(filter(records.__contains__, pool) if allow is None else  # sorted: ties by id
                     (rid for rid in pool if rid in records and allow(rid)))
        self.ids = ids
        n = len(ids)
        self._named = np.fromiter(map(named.__contains__, ids), dtype=bool, count=n)
        self.route = np.asarray(route.values(ids), dtype=np.float64)
        self.content = self._contents(records) if coverage is None else self._covered_contents(records, coverage)
        if context.city or context.region:
            self.region = np.fromiter((_region(records[rid].meta, context) for rid in ids), np.float64, count=n)
        else:
            self.region = np.zeros(n, dtype=np.float64)
        # _score: w·route + w·content + w·region, plus the named bonus (0.0 adds nothing), capped at 1, times 100
        base = weights.route * self.route + weights.content * self.content + weights.region * self.region
        self.score = 100.0 * np.minimum(1.0, base + np.where(self._named, NAMED_BONUS, 0.0))

    def _contents(self, records: Mapping[str, object]) -> np.ndarray:
        """Content evidence (内容相关度) of every candidate: 1 / (1 + (r − 1) / 10) of the best of its ranks that
        count as content evidence (0 when none counts).

        A bare profile's semantic rank only restates its name and the direction the name states (办学方向), already
        counted as discipline strength — counting it again put vocational colleges named 能源 on top of a 高炉煤气
        demand. Any semantic rank is read as the share of the index it beats, placed on a population of
        ``SEMANTIC_POPULATION`` records: the first of ten experts is only in the top tenth (rank 350 of 3,500) — a
        semantic search always has a first, even when nothing in the index is about the demand (the demo's
        fruit-supply demand got a rare-earth achievement at 60 points) — while in an index of 3,500 records or more
        (the reference profiles of a cold start and up) a rank keeps its value.
        """
        ids, n = self.ids, len(self.ids)
        lexical = np.fromiter(map(self._lexical.get, ids, repeat(0)), dtype=np.int64, count=n)  # 0: not found
        counted, semantic = self._semantic_ranks(records)
        best = lexical.astype(np.float64)
        with_lexical = lexical[counted] > 0
        best[counted] = np.where(with_lexical, np.minimum(lexical[counted], semantic), semantic)
        out = np.zeros(n, dtype=np.float64)
        some = best > 0
        out[some] = 1.0 / (1.0 + (best[some] - 1) / CONTENT_HALF_RANK)
        return out

    def _covered_contents(self, records: Mapping[str, object], coverage: Mapping[str, float]) -> np.ndarray:
        """Content evidence where a keyword hit counts by its coverage (``Weights.keyword_coverage``): the better of
        its keyword place times the share of the query's informative words it holds, and its semantic place (read
        as in ``_contents``)."""
        ids, n = self.ids, len(self.ids)
        lexical = np.fromiter(map(self._lexical.get, ids, repeat(0)), dtype=np.int64, count=n)
        share = np.fromiter(map(coverage.get, ids, repeat(0.0)), dtype=np.float64, count=n)
        out = np.zeros(n, dtype=np.float64)
        hit = lexical > 0
        out[hit] = share[hit] / (1.0 + (lexical[hit] - 1) / CONTENT_HALF_RANK)
        counted, semantic = self._semantic_ranks(records)
        out[counted] = np.maximum(out[counted], 1.0 / (1.0 + (semantic - 1) / CONTENT_HALF_RANK))
        return out

    def _semantic_ranks(self, records: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
        """The candidates whose semantic rank counts as content evidence (not bare profiles), and that rank read as
        its share of the index on ``SEMANTIC_POPULATION`` records (only ever lowered)."""
        ids = self.ids
        dense = np.fromiter(map(self._dense.get, ids, repeat(0)), dtype=np.int64, count=len(ids))
        found = np.flatnonzero(dense)
        bare = [bool(records[ids[i]].meta.get("bare")) for i in found.tolist()]  # type: ignore[attr-defined]
        counted = found[~np.asarray(bare, dtype=bool)] if bare else found
        return counted, np.maximum(dense[counted], np.round(dense[counted] / self._population * SEMANTIC_POPULATION))

    def best_first(self) -> Iterator[tuple[str, Evidence]]:
        """Candidates by score, best first, each with its evidence (built only for those the caller reads)."""
        order = np.argsort(-self.score, kind="stable")
        route, content, region = self.route.tolist(), self.content.tolist(), self.region.tolist()
        named = self._named.tolist()
        for i in order.tolist():
            yield self.ids[i], Evidence(route[i], content[i], region[i], named[i], self._weights)

    def ranks(self, rid: str) -> dict[str, int]:
        """Retriever → the candidate's 1-based place in it."""
        out = {}
        if rid in self._lexical:
            out[LEXICAL] = self._lexical[rid]
        if rid in self._dense:
            out[DENSE] = self._dense[rid]
        return out

    def standing(self, rid: str) -> float | None:
        """The candidate's semantic rank as a share of the index (0.001 = the top 0.1 %)."""
        place = self._dense.get(rid)
        return None if place is None else place / self._population


def rank(index: HybridIndex, router: DisciplineRouter, text: str, *, weights: Weights = INSTITUTIONS,
         top_k: int = 10, filters: Mapping[str, object] | None = None, context: QueryContext | None = None,
         ) -> MatchResults:
    """Candidates of one index for a demand, best first, each with its 0–100 score and Chinese reasons."""
    context = context or QueryContext()
    unknown: NoKnownTerms | None = None
    # The query is encoded once, in another thread (the model releases the GIL), while the keyword search, the
    # router's words and the strength table run here; the semantic search and the router read the same vector.
    vector: Future[np.ndarray | None] | None = None
    if index.encoder is not None:
        vector = _query_vector(index, text)
        if not OVERLAP_ENCODING:  # the serial order of before 2026-12-06, kept for the latency benchmark's baseline
            futures_wait([vector])
    words = router.by_words(text) if weights.route else []
    table = _table(index)
    try:
        rankings, lex_terms, tokens, warnings = index.retrieve(text, POOL, filters, vector=vector)
    except NoKnownTerms as exc:  # no shared word and no semantic side: the disciplines may still answer
        rankings, lex_terms, tokens, warnings, unknown = {}, {}, [], [], exc
    rankings, lex_terms = _without_boilerplate(rankings, lex_terms)
    shared = router.encoder is not None and index.encoder is not None and router.encoder.name == index.encoder.name
    qvec = _vector(vector) if shared else None
    routes = router.route(text, qvec, words) if weights.route else []
    route = _RouteScores(table, routes)
    named = table.named_in(text)
    if unknown is not None and not route and not named:
        raise unknown
    if weights.route and not named and _vague(index, router, text, tokens, qvec):
        raise VagueDemand()
    coverage = _keyword_coverage(index, tokens, lex_terms) if weights.keyword_coverage else None
    pool = _Pool(index, rankings, named, route, context, weights, filters, coverage)
    results: list[MatchResult] = []
    for rid, ev in pool.best_first():
        if len(results) == top_k:
            break
        result = _result(index, rid, ev, routes, pool.ranks(rid), lex_terms, context, pool.standing(rid), text)
        if not _nothing_about_the_demand(result.reasons):  # not worth a call
            results.append(result)
    if not results:
        warnings.append(NO_RESULTS)
    return MatchResults(results, warnings=warnings, dense_used=DENSE in rankings,
                        query_terms=list(dict.fromkeys(t for ts in lex_terms.values() for t in ts)), routes=routes)


def _informative_words(tokens: Sequence[str]) -> list[str]:
    """The query's words that say what it is about, once each: demand boilerplate (合作、高校、需求 — in every
    profile) and single characters left out."""
    boilerplate = route_stopwords()
    return [t for t in dict.fromkeys(tokens) if t not in boilerplate and len(t) > 1]


def _vague(index: HybridIndex, router: DisciplineRouter, text: str, tokens: Sequence[str],
           vector: np.ndarray | None) -> bool:
    """No informative word any record holds (``_informative_words``) and a meaning that points at no discipline
    (``DisciplineRouter.specificity``). Without an encoder the meaning cannot be read, and nothing is called vague."""
    if index.known_terms(_informative_words(tokens)):
        return False
    specificity = router.specificity(text, vector)
    return specificity is not None and specificity < VAGUE_SPECIFICITY


def _keyword_coverage(index: HybridIndex, tokens: Sequence[str],
                      lex_terms: Mapping[str, tuple[str, ...]]) -> dict[str, float]:
    """Each keyword hit's share of the query's informative weight (关键词覆盖度): the IDF of the query's words it
    holds over the IDF of all the query's words (boilerplate and single characters left out on both sides), under a
    square root — 1.0 for a hit holding every word, little for one holding only a word most records hold."""
    words = _informative_words(tokens)
    idf = index.lexical.idf(words)
    # a word no record holds weighs as one that a single record holds: it is what the query is about, and nobody
    # shares it (without it, 材料 was all an index of eight demands knew of a 超高温稀土耐热材料 and "covered" it)
    rare = idf_lucene(1, max(len(index.lexical), 1))
    total = sum(idf.get(t, rare) for t in words)
    if total <= 0:
        return {}
    # the square root: shared words add less as more are shared (a quarter of what the text says is half the
    # evidence, as a term's weight saturates in BM25); one generic word stays weak, most of the words strong
    return {rid: math.sqrt(min(1.0, sum(idf.get(t, 0.0) for t in set(terms)) / total))
            for rid, terms in lex_terms.items()}


NEARBY = "，就近合作"  # the end of the proximity reason


def _nothing_about_the_demand(reasons: Sequence[str]) -> bool:
    """No reason a person could check, or only that the candidate is near (同市/同省): proximity is a prior on top
    of evidence, not a reason to call a school that has nothing to do with the demand."""
    return all(r == explain.NO_SINGLE_REASON or r.endswith(NEARBY) for r in reasons)


def _result(index: HybridIndex, rid: str, evidence: Evidence, routes: Sequence[Route], ranks: Mapping[str, int],
            lex_terms: Mapping[str, tuple[str, ...]], context: QueryContext, standing: float | None,
            text: str = "") -> MatchResult:
    record = index.records[rid]
    boilerplate = route_stopwords()
    terms = tuple(t for t in lex_terms.get(rid, ()) if t not in boilerplate)  # never only 需要、新、理工 …
    table = strength_table(record.meta.get("strengths") or [])
    reasons = route_reasons(routes, table)
    if evidence.named:
        reasons.insert(0, "需求中点名了该单位")
    if evidence.region:
        place = record.meta.get("city") if evidence.region == SAME_CITY else record.meta.get("region")
        reasons.append(f"{'同市' if evidence.region == SAME_CITY else '同省'}（{place}）{NEARBY}")
    meta = {k: v for k, v in record.meta.items() if k != "strengths"}
    if meta.get("labs"):
        meta["labs"] = relevant_labs(meta["labs"], routes, table, terms, said=" ".join(reasons))
    dense_rank = None if meta.get("bare") else ranks.get(DENSE)  # a bare profile's meaning is only its name
    reason_input = ReasonInput(terms, {**meta, "kind": record.kind}, context, ranks.get(LEXICAL), dense_rank,
                               standing, query_text=text, candidate_text=_lexical_text(record))
    others = build_reasons(reason_input, builders=CONTENT_BUILDERS, fallback=not reasons)
    reasons.extend(r for r in others if r not in reasons)
    score = round(evidence.score, 1)
    return MatchResult(id=rid, name=record.name, kind=record.kind, score=score, reasons=reasons,
                       lexical_rank=ranks.get(LEXICAL), dense_rank=ranks.get(DENSE), matched_terms=list(terms),
                       meta={**meta, "evidence": evidence, "label": strength_label(score)})


def relevant_labs(labs: Sequence[str], routes: Sequence[Route], table: Mapping[str, tuple[float, list[str]]],
                  terms: Sequence[str], said: str = "") -> list[str]:
    """The candidate's key labs that bear on the demand (依托平台): a lab that is evidence of a routed discipline,
    or whose name holds a word the demand shares — not every lab of the school; none already named in ``said``."""
    routed = {b for r in shown_routes(routes, table) for b in table[r.discipline][1]}
    words = [t for t in terms if len(t) >= 2 and t not in explain.GENERIC_TERMS]
    return [lab for lab in labs if (lab in routed or any(t in lab for t in words)) and lab not in said]


def _facts(discipline: str, bases: Sequence[str], limit: int = 3) -> str:
    """冶金工程 A+（第四轮学科评估）、双一流建设学科、钢铁冶金新技术国家重点实验室 — the discipline named once: the
    bases after the first drop its name ("冶金工程（双一流建设学科）" → "双一流建设学科")."""
    out: list[str] = []
    for basis in bases[:limit]:
        if out and basis.startswith(discipline + "（") and basis.endswith("）"):
            basis = basis[len(discipline) + 1:-1]
        out.append(basis)
    return "、".join(dict.fromkeys(out))


def shown_routes(routes: Sequence[Route], table: Mapping[str, tuple[float, list[str]]], limit: int = 2,
                 ) -> list[Route]:
    """The routed disciplines the reasons name: those that carry most of the candidate's score. A lab is a reason
    (依托平台) only as evidence of one of them — a lab of a discipline the reasons do not name says nothing a person
    can check."""
    parts = sorted(((r.weight * table[r.discipline][0], r) for r in routes if r.discipline in table),
                   key=lambda t: -t[0])
    return [r for _, r in parts[:limit]]


def route_reasons(routes: Sequence[Route], table: Mapping[str, tuple[float, list[str]]], limit: int = 2) -> list[str]:
    """学科对口：冶金工程 A+（第四轮学科评估）、钢铁冶金国家重点实验室（需求涉及冶金工程：钢渣） — the routed
    disciplines that carry most of the candidate's score, with the facts behind its strength."""
    out = []
    for r in shown_routes(routes, table, limit):
        facts = _facts(r.discipline, table[r.discipline][1])
        words = [t for t in r.terms if t not in explain.GENERIC_TERMS]  # one character only from route_terms.txt (茶)
        why = f"；需求涉及{r.discipline}（{'、'.join(words[:4])}）" if words else f"；需求与{r.discipline}语义相近"
        out.append(f"学科对口：{facts}{why}")
    return out


