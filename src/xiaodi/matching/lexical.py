"""Lexical retrieval (关键词检索): BM25 over tokens, with incremental updates.

bm25s indexes are static, so the index has three parts:

* **main** — a bm25s index (``method="lucene"``) over the bulk of the documents, rebuilt by ``compact()``;
* **delta** — recent additions and changes, kept as small postings dicts and scored at query time with the
  same Lucene formulas (``scoring.py``) and the main index's statistics, so both sides share one scale;
* **tombstones** — main rows that were removed or replaced; they are masked out of every query.

An update is O(document length) (≈ 0.1 ms); ``needs_compaction`` says when the delta is large enough that a
rebuild pays off, and the caller runs ``compact()`` when convenient (a background job).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from xiaodi.matching.scoring import idf_lucene, tf_lucene, top_k_indices

Allow = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class LexicalHit:
    """One lexical match (关键词命中): document id, BM25 score, 1-based rank and the query terms it contains."""

    id: str
    score: float
    rank: int
    matched_terms: tuple[str, ...]


@dataclass
class _Main:
    """The static part: a bm25s index plus what is needed to score, explain and rebuild it."""

    ids: list[str]
    tokens_flat: np.ndarray  # int32 token ids of every main document, concatenated
    offsets: np.ndarray  # int64, len(ids) + 1
    alive: np.ndarray  # float32 1/0 weight mask (0 = tombstone)
    df: np.ndarray  # int32 document frequency per token id (main documents at build time)
    avg_doc_len: float
    model: Any  # bm25s.BM25, or None when the main index is empty

    @property
    def n_vocab(self) -> int:
        return int(self.df.size)

    def doc_tokens(self, row: int) -> np.ndarray:
        return self.tokens_flat[self.offsets[row] : self.offsets[row + 1]]


def _empty_main() -> _Main:
    return _Main([], np.empty(0, np.int32), np.zeros(1, np.int64), np.empty(0, np.float32),
                 np.empty(0, np.int32), 1.0, None)


class LexicalIndex:
    """BM25 index (BM25索引) with incremental add/update/remove; ids are strings chosen by the caller."""

    def __init__(self, *, k1: float = 1.5, b: float = 0.75, compact_ratio: float = 0.05,
                 compact_min: int = 2000) -> None:
        self.k1 = k1
        self.b = b
        self.compact_ratio = compact_ratio
        self.compact_min = compact_min
        self.vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._main = _empty_main()
        self._main_row: dict[str, int] = {}
        self._delta: dict[str, list[int]] = {}
        self._postings: dict[int, dict[str, int]] = {}
        self._delta_tokens = 0  # total length of the delta documents

    # ----- size and membership -----
    def __len__(self) -> int:
        return int(self._main.alive.sum()) + len(self._delta)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._delta or (doc_id in self._main_row and self._alive(self._main_row[doc_id]))

    def _alive(self, row: int) -> bool:
        return bool(self._main.alive[row] > 0)

    @property
    def delta_size(self) -> int:
        return len(self._delta)

    @property
    def needs_compaction(self) -> bool:
        """True when the delta or the tombstones exceed ``compact_ratio`` of the main index."""
        dead = len(self._main.ids) - int(self._main.alive.sum())
        limit = max(self.compact_min, self.compact_ratio * max(len(self._main.ids), 1))
        return len(self._delta) + dead > limit

    # ----- vocabulary -----
    def _ids_for(self, tokens: Iterable[str], *, grow: bool) -> list[int]:
        out: list[int] = []
        for tok in tokens:
            tid = self.vocab.get(tok)
            if tid is None and grow:
                tid = self.vocab[tok] = len(self._terms)
                self._terms.append(tok)
            if tid is not None:
                out.append(tid)
        return out

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """The IDF of each of ``terms`` the index holds (main documents and delta, as scoring weighs them): how
        much a shared word says — 钢渣 in few documents a lot, 材料 in many little."""
        main = self._main
        n_docs = len(main.ids) + len(self._delta)
        out: dict[str, float] = {}
        for term in dict.fromkeys(terms):
            tid = self.vocab.get(term)
            if tid is None:
                continue
            df = (int(main.df[tid]) if tid < main.n_vocab else 0) + len(self._postings.get(tid, ()))
            if df:
                out[term] = idf_lucene(df, n_docs)
        return out

    def known_terms(self, tokens: Iterable[str]) -> list[str]:
        """The query tokens that occur in the vocabulary (others cannot match lexically)."""
        return [t for t in dict.fromkeys(tokens) if t in self.vocab]

    # ----- building -----
    def build(self, docs: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Rebuild from scratch: ``docs`` yields ``(id, tokens)``; replaces everything (全量重建)."""
        self.vocab, self._terms = {}, []
        self._delta, self._postings, self._delta_tokens = {}, {}, 0
        ids: list[str] = []
        token_ids: list[list[int]] = []
        for doc_id, tokens in docs:
            ids.append(doc_id)
            token_ids.append(self._ids_for(tokens, grow=True))
        self._install_main(ids, token_ids)

    def _install_main(self, ids: list[str], token_ids: list[list[int]]) -> None:
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate ids in lexical build")
        lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.fromiter((t for doc in token_ids for t in doc), dtype=np.int32, count=int(offsets[-1]))
        model = _bm25s_model(token_ids, len(self._terms), self.k1, self.b) if ids else None
        df = np.zeros(len(self._terms), dtype=np.int32)
        if model is not None:
            df = np.diff(model.scores["indptr"]).astype(np.int32)
        avg = float(lengths.mean()) if len(ids) and lengths.sum() else 1.0
        self._main = _Main(ids, flat, offsets, np.ones(len(ids), np.float32), df, avg, model)
        self._main_row = {doc_id: i for i, doc_id in enumerate(ids)}

    def compact(self) -> None:
        """Merge the delta into a rebuilt main index and drop tombstones (合并增量)."""
        ids: list[str] = []
        token_ids: list[list[int]] = []
        for row, doc_id in enumerate(self._main.ids):
            if self._alive(row) and doc_id not in self._delta:
                ids.append(doc_id)
                token_ids.append(self._main.doc_tokens(row).tolist())
        for doc_id, toks in self._delta.items():
            ids.append(doc_id)
            token_ids.append(toks)
        self._delta, self._postings, self._delta_tokens = {}, {}, 0
        self._install_main(ids, token_ids)

    # ----- incremental changes -----
    def add(self, doc_id: str, tokens: Sequence[str]) -> None:
        """Add or replace one document (新增/更新); visible to the next query."""
        self.remove(doc_id)
        toks = self._ids_for(tokens, grow=True)
        self._delta[doc_id] = toks
        self._delta_tokens += len(toks)
        for tid, tf in Counter(toks).items():
            self._postings.setdefault(tid, {})[doc_id] = tf

    def remove(self, doc_id: str) -> bool:
        """Remove one document (删除); returns whether it was present."""
        found = False
        row = self._main_row.get(doc_id)
        if row is not None and self._alive(row):
            self._main.alive[row] = 0.0
            found = True
        old = self._delta.pop(doc_id, None)
        if old is not None:
            self._delta_tokens -= len(old)
            for tid in set(old):
                docs = self._postings.get(tid)
                if docs is not None:
                    docs.pop(doc_id, None)
                    if not docs:
                        del self._postings[tid]
            found = True
        return found

    # ----- querying -----
    def search(self, query_tokens: Sequence[str], top_k: int = 10, *, allow: Allow | None = None,
               ) -> list[LexicalHit]:
        """Top-k documents by BM25 (best first); ``allow`` filters ids before the cut (筛选条件)."""
        q_ids = sorted(set(self._ids_for(query_tokens, grow=False)))
        if not q_ids or top_k <= 0:
            return []
        scored = self._main_scores(q_ids, top_k, allow) + self._delta_scores(q_ids)
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        kept: list[tuple[str, float]] = []
        for doc_id, score in scored:
            if allow is None or allow(doc_id):
                kept.append((doc_id, score))
                if len(kept) == top_k:
                    break
        terms = self._matched_many([doc_id for doc_id, _ in kept], q_ids)
        return [LexicalHit(doc_id, score, rank, matched)
                for rank, ((doc_id, score), matched) in enumerate(zip(kept, terms, strict=True), start=1)]

    def _main_scores(self, q_ids: list[int], top_k: int, allow: Allow | None) -> list[tuple[str, float]]:
        main = self._main
        in_main = [t for t in q_ids if t < main.n_vocab]
        if main.model is None or not in_main:
            return []
        scores = main.model.get_scores_from_ids(in_main, weight_mask=main.alive)
        # Without a filter the main index's own top-k is enough (delta hits are merged in by score below).
        positive = int(np.count_nonzero(scores > 0))
        pool = top_k_indices(scores, positive if allow is not None else min(positive, top_k))
        pool = pool[scores[pool] > 0]
        return list(zip([main.ids[i] for i in pool.tolist()], scores[pool].tolist(), strict=True))

    def _delta_scores(self, q_ids: list[int]) -> list[tuple[str, float]]:
        if not self._delta:
            return []
        main = self._main
        n_docs = len(main.ids) + len(self._delta)
        # Same length normalisation as the main matrix; with no main index yet, the delta's own average.
        avg = main.avg_doc_len if main.ids else max(self._delta_tokens / len(self._delta), 1e-9)
        acc: dict[str, float] = {}
        for tid in q_ids:
            docs = self._postings.get(tid)
            if not docs:
                continue
            main_df = int(main.df[tid]) if tid < main.n_vocab else 0
            idf = idf_lucene(main_df + len(docs), n_docs)
            for doc_id, tf in docs.items():
                dl = len(self._delta[doc_id])
                acc[doc_id] = acc.get(doc_id, 0.0) + idf * tf_lucene(tf, dl, avg, self.k1, self.b)
        return list(acc.items())

    def _matched(self, doc_id: str, q_ids: list[int]) -> tuple[str, ...]:
        doc = self.doc_token_ids(doc_id)
        present = set(doc.tolist()) if isinstance(doc, np.ndarray) else set(doc)
        return tuple(self._terms[t] for t in q_ids if t in present)

    def _matched_many(self, doc_ids: Sequence[str], q_ids: Sequence[int]) -> list[tuple[str, ...]]:
        """``[_matched(doc_id, q_ids) for doc_id in doc_ids]`` (共同词), the main index's documents in one pass over
        the token arrays: a query's 200 hits took 200 conversions of a document's tokens to a Python set."""
        out: list[tuple[str, ...]] = [()] * len(doc_ids)
        main = self._main
        for j, doc_id in enumerate(doc_ids if self._delta else ()):
            if doc_id in self._delta:
                out[j] = self._matched(doc_id, list(q_ids))
        rows = np.fromiter(map(self._main_row.get, doc_ids, repeat(-1)), dtype=np.int64, count=len(doc_ids))
        in_main = np.flatnonzero(rows >= 0)
        in_main = in_main[main.alive[rows[in_main]] > 0]  # a delta document's main row is a tombstone
        if not len(in_main) or not q_ids:
            return out
        where = in_main.tolist()
        picked = rows[in_main]
        starts = main.offsets[picked]
        lengths = main.offsets[picked + 1] - starts
        before = np.cumsum(lengths) - lengths  # where each document's tokens begin in the gathered array
        tokens = main.tokens_flat[np.arange(int(lengths.sum())) + np.repeat(starts - before, lengths)]
        owner = np.repeat(np.arange(len(picked)), lengths)
        query = np.asarray(q_ids, dtype=np.int64)
        order = np.argsort(query, kind="stable")
        hit = np.isin(tokens, query)
        column = order[np.searchsorted(query[order], tokens[hit])]  # the position of the token in ``q_ids``
        present = np.zeros((len(picked), len(query)), dtype=bool)
        present[owner[hit], column] = True
        shared: dict[bytes, tuple[str, ...]] = {}  # documents with the same shared terms share one tuple
        for i, key in enumerate(map(bytes, np.packbits(present, axis=1))):
            terms = shared.get(key)
            if terms is None:
                terms = shared[key] = tuple(self._terms[q_ids[k]] for k in np.flatnonzero(present[i]).tolist())
            out[where[i]] = terms
        return out

    def doc_token_ids(self, doc_id: str) -> Sequence[int] | np.ndarray:
        """The token ids stored for one live document (empty if absent)."""
        if doc_id in self._delta:
            return self._delta[doc_id]
        row = self._main_row.get(doc_id)
        if row is None or not self._alive(row):
            return []
        return self._main.doc_tokens(row)

    def shared_terms(self, doc_id: str, query_tokens: Sequence[str]) -> tuple[str, ...]:
        """Query tokens that also occur in the document (共同词), in query order."""
        return self._matched(doc_id, list(dict.fromkeys(self._ids_for(query_tokens, grow=False))))

    # ----- persistence -----
    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` (main arrays, vocabulary, delta, tombstones)."""
        self.compact()  # one consistent static index on disk; loading then needs no replay
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        main = self._main
        np.save(path / "tokens.npy", main.tokens_flat)
        np.save(path / "offsets.npy", main.offsets)
        meta = {"k1": self.k1, "b": self.b, "ids": main.ids, "terms": self._terms}
        (path / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if main.model is not None:
            main.model.save(path / "bm25s", show_progress=False)

    @classmethod
    def load(cls, directory: str | Path) -> LexicalIndex:
        """Read an index written by ``save``."""
        path = Path(directory)
        meta = json.loads((path / "lexical.json").read_text(encoding="utf-8"))
        index = cls(k1=meta["k1"], b=meta["b"])
        index._terms = list(meta["terms"])
        index.vocab = {t: i for i, t in enumerate(index._terms)}
        ids: list[str] = meta["ids"]
        flat = np.load(path / "tokens.npy")
        offsets = np.load(path / "offsets.npy")
        model = None
        df = np.zeros(len(index._terms), np.int32)
        if ids:
            import bm25s

            model = bm25s.BM25.load(path / "bm25s", show_progress=False)
            df = np.diff(model.scores["indptr"]).astype(np.int32)
        avg = float(np.diff(offsets).mean()) if ids else 1.0
        index._main = _Main(ids, flat, offsets, np.ones(len(ids), np.float32), df, avg or 1.0, model)
        index._main_row = {doc_id: i for i, doc_id in enumerate(ids)}
        return index


def _bm25s_model(token_ids: list[list[int]], n_vocab: int, k1: float, b: float) -> Any:
    """Build the static bm25s matrix from token ids over our own vocabulary (ids 0..n_vocab-1)."""
    import bm25s

    model = bm25s.BM25(k1=k1, b=b, method="lucene")
    vocab = {str(i): i for i in range(n_vocab)}  # bm25s only needs the id range; terms live in LexicalIndex
    model.index((token_ids, vocab), create_empty_token=False, show_progress=False)
    return model
