"""The hybrid engine (精准匹配引擎): a demand finds the right resource, with reasons, and bad input is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from xiaodi.core.errors import ValidationFailed
from xiaodi.matching import (
    EmptyIndex,
    EmptyQuery,
    EngineConfig,
    HybridIndex,
    NoKnownTerms,
    QueryContext,
)
from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, USEEncoder
from xiaodi.matching.text import Tokenizer

Catalog = dict[str, tuple[str, dict[str, object]]]


@pytest.fixture(scope="module")
def use() -> USEEncoder:
    return USEEncoder()  # pure numpy, ships its weights; ~2 s to load, ~2 ms per short text


@pytest.fixture()
def engine(tokenizer: Tokenizer, use: USEEncoder, catalog: Catalog, tmp_path: Path) -> Iterator[HybridIndex]:
    cached = CachedEncoder(use, EmbeddingCache(tmp_path / "emb.sqlite"))
    eng = HybridIndex(tokenizer, cached, EngineConfig(background=False))
    eng.add_many((doc_id, text, meta) for doc_id, (text, meta) in catalog.items())
    yield eng
    cached.cache.close()


def test_a_steel_slag_demand_finds_the_slag_achievement_with_reasons(engine: HybridIndex) -> None:
    results = engine.search("我公司每年产生大量钢渣，寻求固废利用技术", 3,
                            context=QueryContext(disciplines=("冶金工程",), region="赣州市"))
    top = results[0]
    assert top.id == "ach-slag" and top.name == "钢渣资源化利用" and top.kind == "成果"
    assert top.reasons[0] == "共同关键词：钢渣、固废利用"
    assert "学科对口：冶金工程" in top.reasons and "同一地区：赣州市" in top.reasons
    assert top.lexical_rank == 1 and top.dense_rank is not None
    assert results.dense_used and results.warnings == []


def test_filters_restrict_the_kind(engine: HybridIndex) -> None:
    results = engine.search("钢渣综合利用", 3, filters={"kind": "专家"})
    assert [r.id for r in results] == ["exp-wang"]


def test_add_change_and_remove_are_visible_in_the_next_search(engine: HybridIndex) -> None:
    engine.add("ach-glass", "钢渣微晶玻璃制备技术", {"name": "钢渣微晶玻璃", "kind": "成果"})
    assert engine.search("微晶玻璃", 1)[0].id == "ach-glass"
    engine.add("ach-glass", "赤泥陶瓷透水砖", {"name": "赤泥透水砖", "kind": "成果"})
    top = engine.search("赤泥透水砖", 1)[0]
    assert (top.id, top.name) == ("ach-glass", "赤泥透水砖")
    assert engine.remove("ach-glass")
    assert "ach-glass" not in [r.id for r in engine.search("赤泥透水砖", 10)]


def test_background_encoding_serves_lexically_until_ready(tokenizer: Tokenizer, use: USEEncoder,
                                                          catalog: Catalog) -> None:
    eng = HybridIndex(tokenizer, use, EngineConfig(background=True))
    eng.add_many((doc_id, text, meta) for doc_id, (text, meta) in catalog.items())
    first = eng.search("钢渣", 1)
    assert first[0].id == "ach-slag"
    assert eng.wait_dense(timeout=30) and eng.dense_ready
    assert eng.search("钢渣", 1).dense_used


def test_empty_query_is_refused_in_chinese(engine: HybridIndex) -> None:
    with pytest.raises(EmptyQuery, match="查询内容为空") as err:
        engine.search("  \u3000 ", 5)
    assert isinstance(err.value, ValidationFailed)


def test_query_without_known_words_is_explained(tokenizer: Tokenizer, catalog: Catalog) -> None:
    lexical_only = HybridIndex(tokenizer, None)
    lexical_only.add_many((doc_id, text, meta) for doc_id, (text, meta) in catalog.items())
    with pytest.raises(NoKnownTerms, match="都没有出现"):
        lexical_only.search("量子通信卫星", 5)
    with pytest.raises(NoKnownTerms, match="没有可检索的词语"):
        lexical_only.search("的了吗？！", 5)


def test_no_known_words_falls_back_to_semantics_with_a_warning(engine: HybridIndex) -> None:
    results = engine.search("量子通信卫星", 3)
    assert results and "仅基于语义相似度" in results.warnings[0]
    assert all(r.lexical_rank is None for r in results)


def test_empty_index_says_so(tokenizer: Tokenizer) -> None:
    with pytest.raises(EmptyIndex, match="匹配索引为空"):
        HybridIndex(tokenizer, None).search("钢渣", 5)


def test_long_text_is_truncated_and_reported(engine: HybridIndex) -> None:
    warnings = engine.add("long", "钢渣" + "冶金固废" * 2000, {"name": "长文本", "kind": "成果"})
    assert warnings and "已截取" in warnings[0]
    results = engine.search("钢渣" * 400, 3)
    assert any("查询文本过长" in w for w in results.warnings)


def test_engine_round_trips_through_disk(engine: HybridIndex, tokenizer: Tokenizer, use: USEEncoder,
                                         tmp_path: Path) -> None:
    expected = [r.id for r in engine.search("稀土 提取", 3)]
    engine.save(tmp_path / "idx")
    loaded = HybridIndex.load(tmp_path / "idx", tokenizer, use, EngineConfig(background=False))
    assert loaded.dense_ready
    assert [r.id for r in loaded.search("稀土 提取", 3)] == expected
    # an index saved before the words were cut this way is not current: the service rebuilds it from the ledger
    assert HybridIndex.tokens_current(tmp_path / "idx")
    (tmp_path / "idx" / "tokens.json").unlink()
    assert not HybridIndex.tokens_current(tmp_path / "idx")


def test_dense_vectors_are_unit_length(use: USEEncoder) -> None:
    vectors = use.encode_passages(["钢渣", "稀土永磁材料"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, use.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_batch_imports_merge_the_delta_but_single_adds_do_not(tokenizer: Tokenizer) -> None:
    eng = HybridIndex(tokenizer, None)
    eng.lexical.compact_min = 10
    eng.add_many((f"a{i}", f"钢渣样品{i}号", {"kind": "成果"}) for i in range(20))
    eng.add_many((f"b{i}", f"稀土样品{i}号", {"kind": "成果"}) for i in range(20))
    assert eng.lexical.delta_size == 0 and len(eng.lexical) == 40
    for i in range(15):
        eng.add(f"c{i}", f"炭微球样品{i}号")
    assert eng.lexical.delta_size == 15 and eng.lexical.needs_compaction
    assert eng.search("炭微球", 20).query_terms == ["炭微球"]


class RecordingEncoder:
    """The real USE encoder, remembering every passage it was given."""

    def __init__(self, inner: USEEncoder) -> None:
        self.inner = inner
        self.passages: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts)


def test_a_school_direction_informs_meaning_but_is_never_a_keyword(tokenizer: Tokenizer, use: USEEncoder) -> None:
    # 云南农业大学's name states 植物保护 (办学方向); it is an inference, not a word of the record.
    recording = RecordingEncoder(use)
    eng = HybridIndex(tokenizer, recording, EngineConfig(background=False))
    context = {"name": "云南农业大学", "semantic_context": "办学方向：植物保护、作物学"}
    eng.add("ynau", "云南农业大学；云南省；昆明市", context)
    eng.add("lab", "植物保护国家重点实验室；植物病虫害", {"name": "植保实验室"})
    assert recording.passages[0] == "云南农业大学;云南省;昆明市;办学方向:植物保护、作物学"  # normalised: NFKC
    results = eng.search("植物保护", 5)
    school = next(r for r in results if r.id == "ynau")
    assert school.lexical_rank is None and school.dense_rank is not None
    assert results[0].id == "lab" and results[0].lexical_rank == 1
    # A changed record is encoded again with its new context.
    eng.add("ynau", "云南农业大学；昆明市", {"name": "云南农业大学", "semantic_context": "办学方向：植物保护"})
    assert recording.passages[-1] == "云南农业大学;昆明市;办学方向:植物保护"


def test_the_strength_table_follows_single_changes_as_a_full_rebuild_would() -> None:
    """ranking's discipline-strength table is updated for the records an edit touched, not rebuilt: after an add,
    a change and a removal it equals a table built from scratch."""
    from xiaodi.matching import ranking

    def meta(name: str, *rows: tuple[str, float]) -> dict[str, object]:
        return {"name": name, "names": [name], "strengths": [[d, s, ["依据"]] for d, s in rows]}

    index = HybridIndex()
    index.add_many([("1", "钢渣 冶金", meta("江西理工大学", ("冶金工程", 0.9))),
                    ("2", "稀土 材料", meta("北京工业大学", ("材料科学与工程", 0.7)))])
    assert ranking._table(index).by_discipline["冶金工程"] == {"1": 0.9}
    index.add("3", "光伏玻璃", meta("武汉理工大学", ("材料科学与工程", 0.95)))
    index.add("1", "钢渣 冶金", meta("江西理工大学", ("矿业工程", 0.6)))
    index.remove("2")
    table = ranking._table(index)
    fresh = ranking._Strengths()
    for rid, record in index.records.items():
        fresh.put(rid, record)
    assert {d: r for d, r in table.by_discipline.items() if r} == {d: r for d, r in fresh.by_discipline.items() if r}
    assert table.by_discipline["材料科学与工程"] == {"3": 0.95} and "1" not in table.by_discipline["冶金工程"]
    assert table.names == {"1": ("江西理工大学",), "3": ("武汉理工大学",)}
