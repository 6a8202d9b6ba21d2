"""BM25 (关键词检索) ranks the right record first and sees every change in the next query."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiaodi.matching.lexical import LexicalIndex
from xiaodi.matching.text import Tokenizer


@pytest.fixture()
def index(tokenizer: Tokenizer, catalog: dict[str, tuple[str, dict[str, object]]]) -> LexicalIndex:
    ix = LexicalIndex()
    ix.build((doc_id, tokenizer.tokenize(text)) for doc_id, (text, _) in catalog.items())
    return ix


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("转炉钢渣综合利用做建材", "ach-slag"),
        ("稀土矿绿色提取 氨氮", "ach-ree"),
        ("锂电池负极用炭微球", "ach-carbon"),
        ("动力电池回收", "ach-battery"),
    ],
)
def test_the_right_record_ranks_first(index: LexicalIndex, tokenizer: Tokenizer, query: str, expected: str) -> None:
    hits = index.search(tokenizer.tokenize(query), 3)
    assert hits[0].id == expected
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_hits_report_the_query_terms_they_contain(index: LexicalIndex, tokenizer: Tokenizer) -> None:
    hit = index.search(tokenizer.tokenize("钢渣 固废利用 稀土"), 1)[0]
    assert hit.id == "ach-slag"
    assert set(hit.matched_terms) == {"钢渣", "固废利用"}


def test_add_change_and_remove_are_visible_in_the_next_query(index: LexicalIndex, tokenizer: Tokenizer) -> None:
    index.add("ach-glass", tokenizer.tokenize("钢渣微晶玻璃制备技术"))
    assert "ach-glass" in [h.id for h in index.search(tokenizer.tokenize("微晶玻璃"), 3)]

    index.add("ach-glass", tokenizer.tokenize("赤泥陶瓷透水砖"))  # the record's text changed
    assert index.search(tokenizer.tokenize("微晶玻璃"), 3) == []
    assert index.search(tokenizer.tokenize("赤泥透水砖"), 1)[0].id == "ach-glass"

    index.remove("ach-slag")
    assert "ach-slag" not in [h.id for h in index.search(tokenizer.tokenize("转炉钢渣"), 5)]
    assert len(index) == 6  # six records, one added, one removed


def test_delta_scores_match_a_rebuilt_index(index: LexicalIndex, tokenizer: Tokenizer) -> None:
    index.add("exp-li", tokenizer.tokenize("李研究员，钢渣碳化固碳与建材利用"))
    before = {h.id: h.score for h in index.search(tokenizer.tokenize("钢渣固碳"), 5)}
    index.compact()
    after = {h.id: h.score for h in index.search(tokenizer.tokenize("钢渣固碳"), 5)}
    assert list(before) == list(after)
    assert before["exp-li"] == pytest.approx(after["exp-li"], rel=0.1)  # same scale before and after merging


def test_filters_apply_before_the_cut(index: LexicalIndex, tokenizer: Tokenizer) -> None:
    experts = {"exp-wang"}
    hits = index.search(tokenizer.tokenize("钢渣 冶金"), 1, allow=lambda d: d in experts)
    assert [h.id for h in hits] == ["exp-wang"]


def test_save_and_load_keep_results(index: LexicalIndex, tokenizer: Tokenizer, tmp_path: Path) -> None:
    index.add("ach-glass", tokenizer.tokenize("钢渣微晶玻璃"))
    index.remove("ach-battery")
    query = tokenizer.tokenize("钢渣 电池")
    index.save(tmp_path / "lex")  # saving merges the delta, so compare with the merged index
    expected = [h.id for h in index.search(query, 5)]
    assert "ach-glass" in expected
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert [h.id for h in loaded.search(query, 5)] == expected
    assert "ach-battery" not in loaded


def test_delta_scoring_equals_bm25s_reference(tokenizer: Tokenizer,
                                              catalog: dict[str, tuple[str, dict[str, object]]]) -> None:
    """Golden test: documents scored by our delta formulas get exactly bm25s's Lucene scores."""
    reference, incremental = LexicalIndex(), LexicalIndex()
    reference.build((doc_id, tokenizer.tokenize(text)) for doc_id, (text, _) in catalog.items())
    for doc_id, (text, _) in catalog.items():
        incremental.add(doc_id, tokenizer.tokenize(text))  # no main index: everything sits in the delta
    for query in ("钢渣 固废利用", "稀土 材料 制备", "电池 回收 利用"):
        tokens = tokenizer.tokenize(query)
        expected = {h.id: h.score for h in reference.search(tokens, 10)}
        got = {h.id: h.score for h in incremental.search(tokens, 10)}
        assert got.keys() == expected.keys()
        for doc_id, score in expected.items():
            assert got[doc_id] == pytest.approx(score, rel=1e-5)
