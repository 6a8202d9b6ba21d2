"""RRF (倒数排名融合) against a hand-computed example; explanations (匹配理由) name what is shared."""

from __future__ import annotations

import pytest

from xiaodi.matching.explain import QueryContext, ReasonInput, build_reasons
from xiaodi.matching.fusion import reciprocal_rank_fusion


def test_rrf_matches_a_hand_computed_example() -> None:
    rankings = {
        "lexical": [("a", 9.0), ("b", 7.0), ("c", 1.0)],
        "dense": [("b", 0.9), ("d", 0.8), ("a", 0.7)],
    }
    fused = reciprocal_rank_fusion(rankings, k=60)
    # b: 1/62 + 1/61 = 0.032522…, a: 1/61 + 1/63 = 0.032266…, d: 1/62, c: 1/63
    assert [h.id for h in fused] == ["b", "a", "d", "c"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1].score == pytest.approx(1 / 61 + 1 / 63)
    assert fused[0].ranks == {"lexical": 2, "dense": 1}
    assert fused[2].ranks == {"dense": 2} and fused[2].scores == {"dense": 0.8}


def test_rrf_weights_shift_the_order() -> None:
    rankings = {"lexical": [("a", 1.0)], "dense": [("b", 1.0)]}
    fused = reciprocal_rank_fusion(rankings, weights={"lexical": 1.0, "dense": 2.0})
    assert [h.id for h in fused] == ["b", "a"]
    assert fused[0].score == pytest.approx(2 / 61)


def test_explanation_lists_shared_terms_without_sub_tokens() -> None:
    reasons = build_reasons(ReasonInput(["钢渣", "固废", "固废利用"], {}))
    assert reasons[0] == "共同关键词：钢渣、固废利用"


def test_structured_context_becomes_reasons() -> None:
    meta = {"disciplines": ["冶金工程"], "region": "赣州市", "platforms": ["稀土工程中心"],
            "partners": ["赣州某钢铁公司"]}
    query = QueryContext(disciplines=("冶金工程",), region="赣州市", organisation="赣州某钢铁公司")
    reasons = build_reasons(ReasonInput(["钢渣"], meta, query, lexical_rank=1, dense_rank=2))
    assert "学科对口：冶金工程" in reasons
    assert "同一地区：赣州市" in reasons
    assert "依托平台：稀土工程中心" in reasons
    assert "既往合作：曾与赣州某钢铁公司合作" in reasons
    assert "内容与需求意思相近（语义检索第2名）" in reasons


def test_never_a_bare_score() -> None:
    assert build_reasons(ReasonInput([], {})) == ["与需求文本整体相关（无单一突出理由）"]
    assert build_reasons(ReasonInput([], {}, dense_rank=1)) == ["内容与需求意思相近（语义检索第1名）"]
    # a rank deep in the semantic list is no reason a person can use
    assert build_reasons(ReasonInput([], {}, dense_rank=156)) == ["与需求文本整体相关（无单一突出理由）"]


# The third is an invented merger, to show a second basis.
JXUST_DIRECTIONS = {"directions": [["冶金工程", "曾用名“江西冶金学院”含“冶金”"],
                                   ["材料科学与工程", "曾用名“江西冶金学院”含“冶金”"],
                                   ["矿业工程", "并入院校“赣南矿业学院”含“矿业”"]]}


def test_a_direction_is_given_with_the_name_that_states_it() -> None:
    by_term = build_reasons(ReasonInput(["冶金"], JXUST_DIRECTIONS, lexical_rank=3))
    assert "办学方向：冶金工程、材料科学与工程（曾用名“江西冶金学院”含“冶金”）" in by_term
    by_discipline = build_reasons(ReasonInput([], JXUST_DIRECTIONS, QueryContext(disciplines=("矿业工程",)),
                                              lexical_rank=9))
    assert "办学方向：矿业工程（并入院校“赣南矿业学院”含“矿业”）" in by_discipline


def test_a_match_by_meaning_alone_shows_every_direction() -> None:
    reasons = build_reasons(ReasonInput([], JXUST_DIRECTIONS, dense_rank=4))
    assert reasons[0] == ("办学方向：冶金工程、材料科学与工程（曾用名“江西冶金学院”含“冶金”）；"
                          "矿业工程（并入院校“赣南矿业学院”含“矿业”）")


def test_directions_the_query_does_not_touch_are_left_out() -> None:
    reasons = build_reasons(ReasonInput(["钢渣"], JXUST_DIRECTIONS, lexical_rank=1, dense_rank=2))
    assert not any(r.startswith("办学方向") for r in reasons)


def test_an_institutes_direction_is_a_research_direction() -> None:
    meta = {"kind": "institute", "directions": [["电子科学与技术", "名称含“半导体”"]]}
    reasons = build_reasons(ReasonInput(["半导体"], meta, lexical_rank=1))
    assert reasons[1] == "研究方向：电子科学与技术（名称含“半导体”）"
