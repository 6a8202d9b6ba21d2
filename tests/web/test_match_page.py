"""The matching page (精准匹配) as an office and an enterprise use it: free text or a demand → universities,
experts, achievements and platforms side by side; an office marks a candidate and the list says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.web.conftest import ACTOR, PASSWORD, csrf_for
from xiaodi.matching import service


@pytest.fixture()
def default_encoder(monkeypatch, tmp_path) -> Iterator[None]:
    """The default encoder (the meaning is what tells a placeholder apart), its index under ``tmp_path``; the service
    is dropped afterwards, or later tests would save demands with it and write an index beside their database."""
    monkeypatch.delenv("XIAODI_MATCH_ENCODER", raising=False)
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    service.reset_services()
    yield
    service.reset_services()


def test_an_enterprise_matches_free_text_and_reads_scores_and_reasons(login, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    ent = login("enterprise")
    page = ent.get("/match", params={"text": "钢铁企业钢渣综合利用", "place": "山西运城"})
    assert page.status_code == 200
    html = page.text
    assert "需求涉及的学科" in html and "冶金工程" in html
    for column in ("高校/科研院所", "专家", "科技成果", "科研平台"):
        assert column in html
    assert "第四轮学科评估" in html
    assert re.search(r'class="badge match-(强|中|弱)"', html)
    assert 'href="/organisations/' in html
    assert "精准匹配" in ent.get("/").text  # in the menu


def test_an_office_marks_a_candidate_of_a_demand_and_the_list_says_so(login, world, monkeypatch,
                                                                       tmp_path) -> None:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    office = login("hejin")
    page = office.get("/match", params={"demand": world.demand_id})
    assert page.status_code == 200 and "铝合金废料再生提纯技术" in page.text
    first = re.search(r'name="target" value="university">\s*<input type="hidden" name="record_id" value="(\d+)"',
                      page.text)
    assert first, "an office sees the marking form"
    r = office.post("/match/feedback", data={
        "csrf_token": csrf_for(office), "demand_id": world.demand_id, "target": "university",
        "record_id": first.group(1), "verdict": "unsuitable", "reason": "该校无再生铝方向团队"},
        follow_redirects=False)
    assert r.status_code == 303
    again = office.get("/match", params={"demand": world.demand_id}).text
    assert "不合适：该校无再生铝方向团队" in again
    assert "已记录对接结论" in again


def test_an_enterprise_may_not_mark_and_an_office_sees_no_other_regions_demand(login, world, monkeypatch,
                                                                              tmp_path) -> None:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    ent = login("enterprise")
    r = ent.post("/api/match/feedback", json={"demand_id": world.demand_id, "target": "university",
                                              "record_id": world.university.id, "verdict": "contacted",
                                              "reason": "自己标记"}, headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code == 403 and "办公室" in r.json()["detail"]
    office = login("hejin")
    assert office.get("/match", params={"demand": world.other_demand_id}).status_code == 404
    r = office.post("/api/match/feedback", json={"demand_id": world.other_demand_id, "target": "university",
                                                 "record_id": world.university.id, "verdict": "contacted",
                                                 "reason": "越权"}, headers={"X-CSRF-Token": csrf_for(office)})
    assert r.status_code == 404


def test_a_neighbouring_county_reads_a_published_demands_candidates_but_may_not_mark_them(
        login, world, session, monkeypatch, tmp_path) -> None:
    """稷山县's office may read 河津's published demand and its candidates; a verdict on them is 河津's (and the
    offices above it) — before, the neighbour's 不合适 pushed a school to the end of 河津's list."""
    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.directory.models import Region

    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    jishan = session.scalars(select(Region).where(Region.code == "140824")).one()
    accounts.create_user(session, actor=ACTOR, username="jishan", display_name="稷山县校地合作办", password=PASSWORD,
                         role=Role.COUNTY_OFFICE, region_id=jishan.id)
    session.flush()
    neighbour = login("jishan")
    page = neighbour.get("/match", params={"demand": world.demand_id})
    assert page.status_code == 200 and "铝合金废料再生提纯技术" in page.text
    assert 'action="/match/feedback"' not in page.text
    for path, body in (("/match/feedback", None), ("/api/match/feedback", "json")):
        data = {"demand_id": world.demand_id, "target": "university", "record_id": world.university.id,
                "verdict": "unsuitable", "reason": "邻县的结论"}
        r = (neighbour.post(path, json=data, headers={"X-CSRF-Token": csrf_for(neighbour)}) if body else
             neighbour.post(path, data={**data, "csrf_token": csrf_for(neighbour)}, follow_redirects=False))
        assert r.status_code == 403, path
    assert "邻县的结论" not in login("hejin").get("/match", params={"demand": world.demand_id}).text
    province = login("province")
    assert 'action="/match/feedback"' in province.get("/match", params={"demand": world.demand_id}).text


def test_the_api_answers_with_disciplines_scores_and_the_place_prior(login, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    ent = login("enterprise")
    body = ent.get("/api/match", params={"text": "煤矿瓦斯抽采与煤层气开发", "place": "山西晋城", "top": 5}).json()
    assert body["target"] == "university" and body["disciplines"][0]["name"]
    assert all(0 <= i["score"] <= 100 and i["label"] in {"强", "中", "弱"} for i in body["items"])


def test_the_page_hands_over_typed_text_only_for_members_with_the_forms_token(login, client, monkeypatch,
                                                                              tmp_path) -> None:
    """The matching page posts what is being typed to /api/match/prepare (输入中预编码); like the match itself it
    is for members, and like every cookie-authenticated POST it needs the page's CSRF token."""
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    ent = login("enterprise")
    page = ent.get("/match").text
    assert 'data-prepare="/api/match/prepare"' in page
    token = re.search(r'data-csrf="([^"]+)"', page)
    assert token and token.group(1) == csrf_for(ent)
    r = ent.post("/api/match/prepare", json={"text": "煤矸石制备陶瓷"}, headers={"X-CSRF-Token": token.group(1)})
    assert r.status_code == 202 and r.json() == {"accepted": True}
    assert ent.post("/api/match/prepare", json={"text": "煤矸石"}).status_code == 403  # no token
    assert ent.post("/api/match/prepare", json={"text": ""},
                    headers={"X-CSRF-Token": token.group(1)}).status_code == 422
    outsider = login("outsider")
    assert outsider.post("/api/match/prepare", json={"text": "煤矸石"},
                         headers={"X-CSRF-Token": csrf_for(outsider)}).status_code == 403
    assert client.post("/api/match/prepare", json={"text": "煤矸石"}).status_code in (401, 403)


def _achievement(session, world):  # type: ignore[no-untyped-def]
    from xiaodi.catalog.service import create_achievement

    found = create_achievement(session, actor=ACTOR, title="铝合金焊接与再生铝除杂提纯技术",
                               owner_id=world.university.id, field="材料", keywords=["再生铝", "焊接", "提纯"],
                               summary="再生铝熔体除杂提纯，重型装备铝合金焊接工艺")
    session.flush()
    return found


def test_a_university_sees_where_its_achievement_may_go_and_an_office_only_its_own_regions(
        login, world, session, monkeypatch, tmp_path) -> None:
    """成果推介: the achievement's own university and the offices see the enterprises and demands it may serve,
    each within what they may read; an enterprise reading the resource list does not."""
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    achievement = _achievement(session, world)
    page = login("university").get(f"/achievements/{achievement.id}").text
    assert "成果推介：可能需要这项成果的企业与需求" in page
    assert "铝合金废料再生提纯技术" in page and re.search(r'class="badge match-(强|中|弱)"', page)

    def names(persona: str) -> set[str]:
        r = login(persona).get(f"/api/match/achievements/{achievement.id}", params={"top": 20})
        assert r.status_code == 200, r.text
        return {item["name"] for item in r.json()["items"]}

    assert "太原测试重工有限公司" in names("province")  # an enterprise of 太原: the province's office reads it
    assert names("hejin") >= {"山西河津测试铝业有限公司", "铝合金废料再生提纯技术"}
    assert "太原测试重工有限公司" not in names("hejin")  # 河津's office does not, nor does a university
    assert "太原测试重工有限公司" not in names("university") and "铝合金废料再生提纯技术" in names("university")
    assert "成果推介" not in login("enterprise").get(f"/achievements/{achievement.id}").text
    r = login("enterprise").get(f"/api/match/achievements/{achievement.id}")
    assert r.status_code == 403 and "成果所属单位" in r.json()["detail"]
    assert login("province").get("/api/match/achievements/999999").status_code == 404


def test_an_achievement_with_only_weak_matches_says_so(login, world, session, monkeypatch, tmp_path) -> None:
    """An achievement that shares only a word or two with the demands: the panel says the candidates are weak,
    rather than presenting them as who to call."""
    from xiaodi.catalog.service import create_achievement

    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    heat = create_achievement(session, actor=ACTOR, title="超高温稀土耐热材料", owner_id=world.university.id,
                              field="高温结构材料", summary="航空发动机叶片用稀土耐热材料，可用于再生领域")
    session.flush()
    page = login("province").get(f"/achievements/{heat.id}").text
    assert "成果推介" in page
    badges = re.findall(r'class="badge match-(强|中|弱)"', page)
    assert badges and set(badges) == {"弱"}
    assert "暂无强或中等匹配的推介对象" in page


def test_a_columns_own_note_stays_in_its_column_and_no_result_is_its_empty_list() -> None:
    """The page showed one column's "没有与资源库相同的关键词" and "没有找到符合条件的匹配结果" above the other
    columns' results; a note every column gives (the semantic index still building) stays on top."""
    from xiaodi.matching.engine import NO_RESULTS
    from xiaodi.matching.pages import split_notes
    from xiaodi.matching.service import MatchAnswer

    building = "语义索引建立中，结果仅按关键词。"
    only_meaning = "没有与资源库相同的关键词，结果仅基于语义相似度。"
    answers = {"university": MatchAnswer(warnings=[building]),
               "platform": MatchAnswer(warnings=[building, only_meaning, NO_RESULTS])}
    shared, per_column = split_notes(answers)
    assert shared == [building]
    assert per_column == {"university": [], "platform": [only_meaning]}


def test_a_region_filter_that_names_no_region_is_said_so(login, monkeypatch, tmp_path) -> None:
    """地区 = 火星 answered "暂无匹配结果", as though nothing matched there; it names no region, and the page and the
    API say so. A part of a real name (山西) still filters."""
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.setenv("XIAODI_MATCH_INDEX_DIR", str(tmp_path / "index"))
    ent = login("enterprise")
    r = ent.get("/api/match", params={"text": "煤层气开发", "region": "火星"})
    assert r.status_code == 422 and "未找到地区“火星”" in r.text
    assert "未找到地区“火星”" in ent.get("/match", params={"text": "煤层气开发", "region": "火星"}).text
    assert ent.get("/api/match", params={"text": "煤层气开发", "region": "山西"}).status_code == 200
    # the 需求所在地 (a prior, not a filter) is held to the same: 火星 was matched as though no place was given
    r = ent.get("/api/match", params={"text": "煤层气开发", "place": "火星"})
    assert r.status_code == 422 and "未找到地区“火星”" in r.text
    assert "未找到地区“火星”" in ent.get("/match", params={"text": "煤层气开发", "place": "火星"}).text
    assert ent.get("/api/match", params={"text": "煤层气开发", "place": "山西运城"}).status_code == 200


def test_an_enterprise_that_types_a_placeholder_is_told_what_to_write(login, default_encoder) -> None:
    ent = login("enterprise")
    html = ent.get("/match", params={"text": "详见附件"}).text
    assert "需求描述过于笼统" in html and "请写明要解决的技术问题" in html
    assert 'class="badge match-' not in html, "no candidate is offered for a placeholder"
    body = ent.get("/api/match", params={"text": "详见附件", "target": "university"})
    assert body.status_code == 422 and body.json()["error"] == "vague_demand" and "过于笼统" in body.json()["detail"]


def test_a_demand_saved_with_a_placeholder_shows_what_to_write_on_its_match_page(login, world, session,
                                                                                 default_encoder) -> None:
    from xiaodi.demands import service as demands

    vague = demands.create_demand(session, actor=ACTOR, owner_id=world.enterprise.id, title="详见附件",
                                  kind="technology")
    session.flush()
    office = login("hejin")
    html = office.get("/match", params={"demand": vague.id}).text
    assert "需求描述过于笼统" in html and 'class="badge match-' not in html
    assert "需求描述过于笼统" in office.get(f"/demands/{vague.id}").text, "the demand's own page says it too"


def test_a_demands_page_stays_up_when_matching_fails_and_says_so_without_its_insides(login, world, session,
                                                                                     monkeypatch) -> None:
    from xiaodi.demands import service as demands

    demand = demands.create_demand(session, actor=ACTOR, owner_id=world.enterprise.id, title="铝灰渣无害化处置",
                                   kind="technology")
    session.flush()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("index file /var/lib/xiaodi/ix.npz truncated")  # e.g. a disk that filled up

    monkeypatch.setattr(service, "answer_for_demand", broken)
    office = login("hejin")
    page = office.get(f"/demands/{demand.id}")
    assert page.status_code == 200 and "铝灰渣无害化处置" in page.text
    assert "暂时无法计算匹配候选" in page.text and "truncated" not in page.text
    api = office.get(f"/api/demands/{demand.id}/candidates").json()
    assert api["items"] == [] and api["note"].startswith("暂时无法计算匹配候选")
