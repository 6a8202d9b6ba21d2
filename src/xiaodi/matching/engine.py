"""Hybrid matching engine (精准匹配引擎): tokenizer + BM25 + dense vectors + cache, fused by RRF and explained.

The ledger feeds records (成果、专家、平台、高校…) with ``add``/``remove``; ``search`` answers a demand's text
with ranked, explained ``MatchResult`` objects. Dense encoding may run in a background thread: the lexical side
serves at once, and ``dense_ready`` says when every record has its vector.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.matching.dense import DenseIndex, Storage
from xiaodi.matching.encoders import Encoder
from xiaodi.matching.explain import QueryContext, ReasonInput, build_reasons
from xiaodi.matching.fusion import DENSE, LEXICAL, MatchResult, MatchResults, reciprocal_rank_fusion
from xiaodi.matching.lexical import LexicalIndex
from xiaodi.matching.text import Tokenizer, normalise

Filters = Mapping[str, Any]


class EmptyQuery(ValidationFailed):
    """The query has no content (查询为空)."""

    code = "empty_query"


class NoKnownTerms(ValidationFailed):
    """No query word occurs in the index and semantic search cannot help (无可匹配词语)."""

    code = "no_known_terms"


class EmptyIndex(XiaodiError):
    """Nothing has been indexed yet (匹配索引为空)."""

    status = 409
    code = "index_empty"


# Meta key of text the dense side reads and the lexical side does not: what is inferred about a record (a
# school's 办学方向 from its name) may inform meaning, but never counts as a keyword the record contains.
SEMANTIC_CONTEXT = "semantic_context"
# What only BM25 reads (the words of the demands a school was marked 已对接 on): rare shared words are evidence, but
# given to the encoder a demand-like sentence made the profile close to every demand (docs/benchmarks_matching.md).
LEXICAL_CONTEXT = "lexical_context"
CHANGE_LOG = 1024  # changes remembered for derived tables (see ``HybridIndex.changes``)
NO_RESULTS = "没有找到符合条件的匹配结果。"  # the note of an answer with no candidate (CLI, API, pages)


# How records are built: cut into words (``text.Tokenizer``) and profiled (``strength``); raised when either
# changes, so saved indexes are rebuilt. 2: a long domain name's parts are its own words, not every dictionary word
# read across them (气化 in 大气化学). 3: a state key lab is evidence of the disciplines its name states
# (``strength.key_lab_disciplines``), kept in each university's profile.
TOKENS_VERSION = 3

@dataclass(frozen=True, slots=True)
class Record:
    """One indexed resource (资源记录): display name, kind (成果/专家/平台/高校…), indexed text and context."""

    id: str
    name: str
    kind: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Tunable limits of the engine; the defaults are the ones the benchmarks measured."""

    max_chars: int = 4000  # indexed text per record
    dense_chars: int = 512  # text given to the encoder (models truncate near 512 tokens anyway)
    max_query_chars: int = 500
    pool: int = 100  # candidates taken from each retriever before fusion
    rrf_k: int = 60
    weights: Mapping[str, float] | None = None
    storage: Storage = "int8"
    background: bool = True  # encode passages in a background thread
    # False: another process encodes the passages (on the queue, ``xiaodi worker``'s ``matching.encode`` job) and
    # this index takes their vectors from the encoder's shared store (``known_passages``) as they arrive
    encode_here: bool = True
    batch_size: int = 64
    stale_tolerance: float = 0.01  # use dense while at most this share of records (min 50) awaits encoding


def _matches(value: Any, wanted: Any) -> bool:
    if callable(wanted):
        return bool(wanted(value))
    have = set(value) if isinstance(value, list | tuple | set | frozenset) else {value}
    want = set(wanted) if isinstance(wanted, list | tuple | set | frozenset) else {wanted}
    return bool(have & want)


class HybridIndex:
    """Lexical + dense retrieval over one set of records, with incremental updates (增量更新)."""

    def __init__(self, tokenizer: Tokenizer | None = None, encoder: Encoder | None = None,
                 config: EngineConfig | None = None) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.encoder = encoder
        self.config = config or EngineConfig()
        self.records: dict[str, Record] = {}
        self.lexical = LexicalIndex()
        self.dense = DenseIndex(encoder.dim, storage=self.config.storage) if encoder is not None else None
        self._pending: dict[str, str] = {}  # id -> text awaiting encoding (latest version wins)
        self._in_flight = 0
        self._lock = threading.RLock()
        self._worker: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self.dense_error: BaseException | None = None
        self.generation = 0  # goes up with every change, so derived tables (e.g. discipline strengths) know to refresh
        # (generation, ids) of the latest changes, so a derived table can update only those records; bounded — a table
        # older than the oldest entry rebuilds in full.
        self.changes: deque[tuple[int, tuple[str, ...]]] = deque(maxlen=CHANGE_LOG)

    def __len__(self) -> int:
        return len(self.records)

    # ----- writing -----
    def _prepare(self, doc_id: str, text: str, meta: Mapping[str, Any] | None) -> tuple[Record, list[str]]:
        return prepare_record(doc_id, text, meta, self.config)

    def add(self, doc_id: str, text: str, meta: Mapping[str, Any] | None = None) -> list[str]:
        """Add or replace one record (新增/更新); returns warnings (e.g. text truncated)."""
        return self.add_many([(doc_id, text, meta)])

    def add_many(self, items: Iterable[tuple[str, str, Mapping[str, Any] | None]]) -> list[str]:
        """Add or replace many records; an empty engine builds its static BM25 index in one go (批量建索引)."""
        prepared = [self._prepare(*item) for item in items]
        warnings = [w for _, ws in prepared for w in ws]
        token_lists = [(r.id, self.tokenizer.tokenize(_lexical_text(r), normalised=True)) for r, _ in prepared]
        with self._lock:
            self.generation += 1
            self.changes.append((self.generation, tuple(r.id for r, _ in prepared)))
            bulk = not self.records and len(prepared) > 1
            for record, _ in prepared:
                self.records[record.id] = record
            if bulk:
                self.lexical.build(token_lists)
            else:
                for doc_id, tokens in token_lists:
                    self.lexical.add(doc_id, tokens)
                if len(prepared) > 1 and self.lexical.needs_compaction:
                    self.lexical.compact()  # a batch import pays for the merge; a single add never does
            if self.dense is not None:
                for record, _ in prepared:
                    self._pending[record.id] = self.dense_text(record)
        self._schedule_dense()
        return warnings

    def remove(self, doc_id: str) -> bool:
        """Remove one record (删除) from every part of the index; returns whether it was there."""
        with self._lock:
            self.generation += 1
            self.changes.append((self.generation, (str(doc_id),)))
            found = self.records.pop(doc_id, None) is not None
            self.lexical.remove(doc_id)
            self._pending.pop(doc_id, None)
            if self.dense is not None:
                self.dense.remove(doc_id)
        return found

    def compact(self) -> None:
        """Merge the lexical delta into the main index (run from a maintenance job)."""
        with self._lock:
            self.lexical.compact()

    # ----- dense encoding -----
    @property
    def dense_ready(self) -> bool:
        """True when every record has its vector (语义索引就绪)."""
        with self._lock:
            return self.dense is not None and not self._pending and self._in_flight == 0

    def _schedule_dense(self) -> None:
        if self.dense is None or not self._pending:
            return
        self._take_known()
        if not self.config.encode_here:
            return  # the queue's worker encodes them; _dense_usable takes its vectors when they are there
        if not self.config.background:
            self._drain()
            return
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._drain, name="xiaodi-dense", daemon=True)
                self._worker.start()

    def _take_known(self) -> None:
        """Vectors already at hand (the encoder's cache, the shipped reference profiles) are added at once, so an
        index built from known texts is semantic from its first query; only the rest waits for the model."""
        known = getattr(self.encoder, "known_passages", None)
        if known is None or self.dense is None:
            return
        with self._lock:
            pending = list(self._pending.items())
        found = known([text for _, text in pending])
        if not found:
            return
        with self._lock:
            ready = [(doc_id, text) for doc_id, text in pending
                     if text in found and self._pending.get(doc_id) == text]
            for doc_id, _ in ready:
                del self._pending[doc_id]
            if ready:
                self.dense.add([doc_id for doc_id, _ in ready], np.stack([found[text] for _, text in ready]))

    def _next_batch(self) -> list[tuple[str, str]]:
        with self._lock:
            batch = list(self._pending.items())[: self.config.batch_size]
            for doc_id, _ in batch:
                del self._pending[doc_id]
            self._in_flight = len(batch)
            if not batch:
                self._idle.notify_all()
            return batch

    def _drain(self) -> None:
        assert self.encoder is not None and self.dense is not None
        while batch := self._next_batch():
            try:
                vectors = self.encoder.encode_passages([text for _, text in batch])
            except Exception as exc:  # keep serving lexically; the error is reported by search()
                with self._lock:
                    self.dense_error = exc
                    self._in_flight = 0
                    self._idle.notify_all()
                return
            with self._lock:
                keep = [i for i, (doc_id, text) in enumerate(batch) if self._current(doc_id, text)]
                if keep:
                    self.dense.add([batch[i][0] for i in keep], vectors[keep])
                self._in_flight = 0

    def _current(self, doc_id: str, text: str) -> bool:
        record = self.records.get(doc_id)
        return record is not None and doc_id not in self._pending and self.dense_text(record) == text

    def dense_text(self, record: Record) -> str:
        """What the encoder reads: the start of the text, and the record's semantic context whole."""
        return dense_text(record, self.config)

    def wait_dense(self, timeout: float | None = None) -> bool:
        """Block until the dense index is complete (or ``timeout`` seconds pass); returns ``dense_ready``."""
        with self._idle:
            self._idle.wait_for(lambda: (not self._pending and self._in_flight == 0) or self.dense_error is not None,
                                timeout=timeout)
        return self.dense_ready

    def _dense_usable(self) -> tuple[bool, list[str]]:
        if self.dense is None or self.encoder is None:
            return False, []
        if self.dense_error is not None:
            return False, [f"语义检索暂不可用（{self.dense_error}），本次结果仅基于关键词检索。"]
        if not self.config.encode_here and self._pending:
            self._take_known()  # what the worker has encoded since the last query
        waiting = len(self._pending) + self._in_flight
        tolerance = max(50, int(self.config.stale_tolerance * len(self.records)))
        if len(self.dense) == 0 or waiting > tolerance:
            return False, [f"语义索引正在建立（尚有{waiting}条待编码），本次结果仅基于关键词检索。"]
        if waiting:
            return True, [f"语义索引更新中：{waiting}条新记录暂只参与关键词检索。"]
        return True, []

    # ----- searching -----
    def allow(self, filters: Filters | None) -> Callable[[str], bool] | None:
        """The predicate on record ids that ``filters`` (kind or meta fields) stand for; None: everything."""
        if not filters:
            return None

        def allow(doc_id: str) -> bool:
            record = self.records.get(doc_id)
            if record is None:
                return False
            for key, wanted in filters.items():
                value = record.kind if key == "kind" else record.meta.get(key)
                if not _matches(value, wanted):
                    return False
            return True

        return allow

    def _check_query(self, query: str) -> tuple[str, list[str]]:
        text = normalise(query or "")  # as ``query_dense_text`` reads it: the two must agree
        if not text:
            raise EmptyQuery("查询内容为空：请输入需求描述或关键词。")
        if not self.records:
            raise EmptyIndex("匹配索引为空：还没有任何资源记录，请先导入数据或重建索引。")
        if len(text) > self.config.max_query_chars:
            note = f"查询文本过长（{len(text)}字），已截取前{self.config.max_query_chars}字进行匹配。"
            return text[: self.config.max_query_chars], [note]
        return text, []

    def query_vector(self, query: str) -> np.ndarray | None:
        """The encoder's vector of ``query`` as ``retrieve`` reads it (normalised, cut to ``dense_chars``), or None
        when the semantic side cannot answer; the caller may share it (the discipline router reads the same)."""
        text, _ = self._check_query(query)
        with self._lock:
            use_dense, _ = self._dense_usable()
        return self._encode_query(text) if use_dense else None

    def query_vector_at_hand(self, query: str) -> tuple[bool, np.ndarray | None]:
        """``(True, query_vector(query))`` when that needs no model call — the vector is in the encoder's cache, or
        the semantic side cannot answer (None) — else ``(False, None)``: the caller encodes it (in another thread)."""
        known = getattr(self.encoder, "known_query", None)
        if known is None:
            return False, None
        text, _ = self._check_query(query)
        with self._lock:
            use_dense, _ = self._dense_usable()
        if not use_dense:
            return True, None
        try:
            vector = known(text[: self.config.dense_chars])
        except Exception:  # an unreadable cache: the encoding thread's ``query_vector`` deals with it as before
            return False, None
        return vector is not None, vector

    def known_terms(self, tokens: Sequence[str]) -> list[str]:
        """The query tokens some record holds (资源库里出现过的词)."""
        with self._lock:
            return self.lexical.known_terms(tokens)

    def retrieve(self, query: str, pool: int | None = None, filters: Filters | None = None, *,
                 vector: np.ndarray | Future[np.ndarray | None] | None = None,
                 ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, tuple[str, ...]], list[str], list[str]]:
        """Per-retriever rankings before fusion: ``(rankings, lexical matched terms, query tokens, warnings)``;
        ``vector``: the query's vector when the caller already has it (``query_vector``), or a future of it being
        encoded in another thread — the keyword search runs meanwhile."""
        text, warnings = self._check_query(query)
        tokens = self.tokenizer.tokenize(text, normalised=True)
        with self._lock:
            known = self.lexical.known_terms(tokens)
            use_dense, notes = self._dense_usable()
        warnings += notes
        if not known and not use_dense:
            raise NoKnownTerms(self._no_terms_message(tokens))
        if not known:
            warnings.append("没有与资源库相同的关键词，结果仅基于语义相似度。")
        pool = pool or self.config.pool
        allow = self.allow(filters)
        rankings: dict[str, list[tuple[str, float]]] = {}
        lex_terms: dict[str, tuple[str, ...]] = {}
        if known:
            with self._lock:
                hits = self.lexical.search(tokens, pool, allow=allow)
            rankings[LEXICAL] = [(h.id, h.score) for h in hits]
            lex_terms = {h.id: h.matched_terms for h in hits}
        qvec: np.ndarray | None = None
        if use_dense:
            qvec = vector.result() if isinstance(vector, Future) else vector
            if qvec is None:
                qvec = self._encode_query(text)
        with self._lock:
            if qvec is not None and self.dense is not None:
                rankings[DENSE] = [(h.id, h.score) for h in self.dense.search(qvec, pool, allow=allow)]
        return rankings, lex_terms, tokens, warnings

    def search(self, query: str, top_k: int = 10, filters: Filters | None = None,
               context: QueryContext | None = None) -> MatchResults:
        """Ranked, explained candidates for ``query`` (精准匹配); ``filters`` restrict kind or meta fields."""
        rankings, lex_terms, tokens, warnings = self.retrieve(query, max(self.config.pool, top_k), filters)
        fused = reciprocal_rank_fusion(rankings, k=self.config.rrf_k, weights=self.config.weights, top_k=top_k)
        with self._lock:
            results = [self._result(h, lex_terms, tokens, context, query) for h in fused if h.id in self.records]
        if not results:
            warnings.append(NO_RESULTS)
        known = self.lexical.known_terms(tokens)
        return MatchResults(results, warnings=warnings, dense_used=DENSE in rankings, query_terms=known)

    def _encode_query(self, text: str) -> np.ndarray | None:
        assert self.encoder is not None
        try:
            return self.encoder.encode_queries([text[: self.config.dense_chars]])[0]
        except Exception as exc:  # a broken model must not take keyword search down with it
            self.dense_error = exc
            return None

    def _no_terms_message(self, tokens: Sequence[str]) -> str:
        if not tokens:
            return "查询中没有可检索的词语（只有标点、数字符号或常用虚词），请补充具体的技术或需求关键词。"
        shown = "、".join(list(dict.fromkeys(tokens))[:8])
        return f"查询中的词语（{shown}）在资源库中都没有出现，且语义检索不可用；请换一种说法或检查错别字。"

    def _result(self, hit: Any, lex_terms: Mapping[str, tuple[str, ...]], tokens: Sequence[str],
                context: QueryContext | None, query: str = "") -> MatchResult:
        record = self.records[hit.id]
        terms = lex_terms.get(hit.id) or self.lexical.shared_terms(hit.id, tokens)
        reason_input = ReasonInput(terms, {**record.meta, "kind": record.kind}, context or QueryContext(),
                                   hit.ranks.get(LEXICAL), hit.ranks.get(DENSE), query_text=query,
                                   candidate_text=_lexical_text(record))
        return MatchResult(
            id=record.id, name=record.name, kind=record.kind, score=hit.score,
            reasons=build_reasons(reason_input), lexical_rank=hit.ranks.get(LEXICAL),
            dense_rank=hit.ranks.get(DENSE), matched_terms=list(terms),
            lexical_score=hit.scores.get(LEXICAL), dense_score=hit.scores.get(DENSE), meta=record.meta,
        )

    # ----- persistence -----
    def save(self, directory: str | Path) -> None:
        """Write records, the lexical index and the dense index to ``directory`` (索引落盘)."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        with self._lock:
            lines = (json.dumps([r.id, r.name, r.kind, r.text, r.meta], ensure_ascii=False)
                     for r in self.records.values())
            (path / "records.jsonl").write_text("\n".join(lines), encoding="utf-8")
            self.lexical.save(path / "lexical")
            (path / "tokens.json").write_text(json.dumps({"version": TOKENS_VERSION}), encoding="utf-8")
            if self.dense is not None and self.encoder is not None:
                self.dense.save(path / "dense")
                (path / "encoder.json").write_text(json.dumps({"name": self.encoder.name}), encoding="utf-8")

    @staticmethod
    def tokens_current(directory: str | Path) -> bool:
        """Whether the index in ``directory`` was built the way this version builds records (``TOKENS_VERSION``);
        one saved by an older version is rebuilt, or its words and a query's (or its profiles and the ledger's)
        would differ."""
        saved = Path(directory) / "tokens.json"
        try:
            return bool(json.loads(saved.read_text(encoding="utf-8")).get("version") == TOKENS_VERSION)
        except (OSError, ValueError):
            return False

    @classmethod
    def load(cls, directory: str | Path, tokenizer: Tokenizer | None = None, encoder: Encoder | None = None,
             config: EngineConfig | None = None) -> HybridIndex:
        """Read an engine written by ``save``; records without a vector for this encoder are re-queued."""
        path = Path(directory)
        engine = cls(tokenizer, encoder, config)
        raw = (path / "records.jsonl").read_text(encoding="utf-8")
        for line in filter(None, raw.splitlines()):
            doc_id, name, kind, text, meta = json.loads(line)
            engine.records[doc_id] = Record(doc_id, name, kind, text, meta)
        engine.lexical = LexicalIndex.load(path / "lexical")
        saved = path / "encoder.json"
        if encoder is not None and saved.exists() and json.loads(saved.read_text())["name"] == encoder.name:
            engine.dense = DenseIndex.load(path / "dense")
        if engine.dense is not None:
            engine._pending = {i: engine.dense_text(r) for i, r in engine.records.items()
                               if i not in engine.dense}
            engine._schedule_dense()
        return engine


def prepare_record(doc_id: str, text: str, meta: Mapping[str, Any] | None,
                   config: EngineConfig) -> tuple[Record, list[str]]:
    """The record an index holds for a document (normalised, cut to ``max_chars``), and the warnings."""
    meta = dict(meta or {})
    clean = normalise(text)
    warnings: list[str] = []
    if len(clean) > config.max_chars:
        warnings.append(f"记录 {doc_id} 文本过长（{len(clean)}字），已截取前{config.max_chars}字建立索引。")
        clean = clean[: config.max_chars]
    for key in (SEMANTIC_CONTEXT, LEXICAL_CONTEXT):
        if meta.get(key):
            meta[key] = normalise(str(meta[key]))
    name = str(meta.pop("name", "") or clean[:30])
    kind = str(meta.pop("kind", ""))
    return Record(str(doc_id), name, kind, clean, meta), warnings


def query_dense_text(query: str, config: EngineConfig) -> str:
    """What the encoder reads of a query: normalised and cut as ``HybridIndex._check_query`` cuts it
    (``max_query_chars``), then to ``dense_chars``. Its vector is keyed by this text, so a vector encoded ahead of
    time (a saved demand's, 预编码) is the one its match finds."""
    return normalise(query or "")[: config.max_query_chars][: config.dense_chars]


def dense_text(record: Record, config: EngineConfig) -> str:
    """What the encoder reads of a record (its passage): the start of the text, and the semantic context whole.
    The passage is the key of its vector (``EmbeddingCache.key``): the same text is never encoded twice."""
    limit = config.dense_chars
    extra = str(record.meta.get(SEMANTIC_CONTEXT) or "")[: limit // 2]
    if not extra:
        return record.text[:limit]
    return record.text[: limit - len(extra) - 1] + ";" + extra


def _lexical_text(record: Record) -> str:
    """What BM25 indexes: the text and the record's lexical context."""
    extra = str(record.meta.get(LEXICAL_CONTEXT) or "")
    return f"{record.text}；{extra}" if extra else record.text
