"""An enterprise drafts a demand in the browser; after 发榜, two universities answer it (揭榜); the county office
screens the claims, declares no conflict of interest, scores them on the weighted criteria, shortlists and selects
one — every claimant that is not chosen hears why. The same steps work as JSON; others are refused."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.directory.models import Organisation, PersonKind
from xiaodi.directory.service import create_person

from .conftest import ACTOR, PASSWORD, World, csrf_for

SCORES = {"技术先进性": "90", "实施方案可行性": "80", "团队实力": "85", "经费合理性": "70"}


def _post(c: TestClient, path: str, data: dict[str, str | list[str]]) -> str:
    """A page form as the browser sends it (a list is a repeated field); returns where it redirects (303)."""
    r = c.post(path, data={**data, "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303, (r.text[r.text.find("role=\"alert\""):][:300] or r.text[:500])
    return str(r.headers["location"])


def _second_university(session: Session, login: Callable[[str], TestClient]) -> TestClient:
    tyut = session.scalars(select(Organisation).where(Organisation.name == "太原理工大学")).one()
    accounts.create_user(session, actor=ACTOR, username="tyut", display_name="太原理工·赵老师", password=PASSWORD,
                         role=Role.UNIVERSITY, organisation_id=tyut.id)
    session.flush()
    return login("tyut")


def test_an_enterprise_drafts_and_edits_a_demand_in_the_browser(
        login: Callable[[str], TestClient], world: World) -> None:
    ent = login("enterprise")
    assert "填报需求" in ent.get("/demands").text and "需求名称" in ent.get("/demands/new").text
    where = _post(ent, "/demands/new", {
        "title": "铝灰渣无害化处置技术", "kind": "technology", "description": "铝灰渣含氮化铝，遇水放出氨气",
        "keywords": "铝灰、无害化；资源化", "budget": "120万元", "deadline": "2030-12-31", "visibility": "public"})
    demand_id = int(where.rsplit("/", 1)[1])
    record = ent.get(f"/api/demands/{demand_id}").json()
    assert record["state"] == "draft" and record["budget"] == "1200000.00"
    assert record["keywords"] == ["铝灰", "无害化", "资源化"]
    page = ent.get(where).text
    assert "修改需求" in page and "提交审核" in page
    _post(ent, f"/demands/{demand_id}/edit", {"title": "铝灰渣无害化与资源化技术", "budget": "1500000",
                                              "keywords": "铝灰、无害化", "version": "1"})
    assert ent.get(f"/api/demands/{demand_id}").json()["title"] == "铝灰渣无害化与资源化技术"
    assert ent.get(f"/api/demands/{demand_id}").json()["budget"] == "1500000.00"
    # a stale form (someone changed it meanwhile) is refused, nothing changes
    r = ent.post(f"/demands/{demand_id}/edit", data={"title": "旧标题", "version": "1", "csrf_token": csrf_for(ent)})
    assert r.status_code == 409
    # a published demand is no longer edited in place
    r = ent.post(f"/demands/{world.demand_id}/edit", data={"title": "改", "csrf_token": csrf_for(ent)})
    assert r.status_code == 409 and "不能再修改" in r.text


def test_a_bad_draft_names_the_field_and_writes_nothing(login: Callable[[str], TestClient], world: World) -> None:
    ent = login("enterprise")
    before = ent.get("/api/demands").json()["total"]
    r = ent.post("/demands/new", data={"title": "某需求", "budget": "很多钱", "csrf_token": csrf_for(ent)})
    assert r.status_code == 422 and "预算" in r.text
    assert ent.get("/api/demands").json()["total"] == before


def test_drafting_through_the_api_and_who_may_write_for_whom(
        login: Callable[[str], TestClient], world: World) -> None:
    ent = login("enterprise")
    r = ent.post("/api/demands", json={"title": "数控机床维修人才", "kind": "talent", "headcount": 3},
                 headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code == 201 and r.json()["owner_id"] == world.enterprise.id
    # an enterprise cannot write in another unit's name; the county office can, for a unit of its county only
    r = ent.post("/api/demands", json={"title": "冒名需求", "owner_id": world.other_enterprise.id},
                 headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code == 403
    office = login("hejin")
    r = office.post("/api/demands", json={"title": "代填需求", "owner_id": world.enterprise.id},
                    headers={"X-CSRF-Token": csrf_for(office)})
    assert r.status_code == 201
    r = office.post("/api/demands", json={"title": "越权代填", "owner_id": world.other_enterprise.id},
                    headers={"X-CSRF-Token": csrf_for(office)})
    assert r.status_code == 403
    assert login("outsider").post("/api/demands", json={"title": "x"}).status_code in (403, 401)


def test_the_office_reviews_claims_and_selects_one_in_the_browser(
        login: Callable[[str], TestClient], session: Session, world: World) -> None:
    d = world.demand_id
    universities = (login("university"), _second_university(session, login))
    for uni in universities:
        _post(uni, f"/demands/{d}/claims", {"approach": "熔体过滤与在线除气联合工艺", "budget": "60万元"})
    office = login("hejin")
    claims = {c["claimant"]: c["id"] for c in office.get(f"/api/demands/{d}/claims").json()}
    sxu, tyut = claims["山西大学"], claims["太原理工大学"]
    page = office.get(f"/demands/{d}").text
    assert "形式审查" in page and "利益冲突声明" in page

    for cid in (sxu, tyut):
        _post(office, f"/demands/{d}/claims/{cid}/screen", {"decision": "pass"})
    # scoring before declaring conflicts of interest is refused
    r = office.post(f"/demands/{d}/claims/{sxu}/scores",
                    data={**{f"score_{k}": v for k, v in SCORES.items()}, "csrf_token": csrf_for(office)})
    assert r.status_code == 403 and "利益冲突" in r.text
    _post(office, f"/demands/{d}/conflict-declarations", {"has_conflict": "no"})
    _post(office, f"/demands/{d}/claims/{sxu}/scores", {f"score_{k}": v for k, v in SCORES.items()})
    _post(office, f"/demands/{d}/claims/{tyut}/scores", {f"score_{k}": "60" for k in SCORES})
    ranking = office.get(f"/api/demands/{d}/ranking").json()
    assert [x["claimant"] for x in ranking] == ["山西大学", "太原理工大学"]
    assert ranking[0]["score"] == 82.75  # 0.30·90 + 0.30·80 + 0.25·85 + 0.15·70 = 27 + 24 + 21.25 + 10.5

    # shortlisting both, then selecting one without feedback for the other is refused
    _post(office, f"/demands/{d}/shortlist", {"finalist": [str(sxu), str(tyut)]})
    told = office.get(f"/demands/{d}").text  # both went through: nobody was left out, so nobody "收到反馈"
    assert "已确定 2 个入围方案" in told and "未入围方案已收到反馈" not in told
    r = office.post(f"/demands/{d}/selection", data={"claim_id": str(sxu), "csrf_token": csrf_for(office)})
    assert r.status_code == 422 and "反馈" in r.text
    _post(office, f"/demands/{d}/selection", {"claim_id": str(sxu), f"feedback_{tyut}": "方案可行但报价偏高",
                                              "reason": "综合得分第一"})
    states = {c["claimant"]: (c["state"], c["feedback"]) for c in office.get(f"/api/demands/{d}/claims").json()}
    assert states["山西大学"][0] == "selected"
    assert states["太原理工大学"] == ("not_selected", "方案可行但报价偏高")
    page = office.get(f"/demands/{d}").text
    assert "已选定" in page and f"/agreements/new?claim={sxu}" in page
    # the enterprise, which took part in choosing, is told who registers the agreement — no link it cannot use
    owner = login("enterprise").get(f"/demands/{d}").text
    assert "/agreements/new?claim=" not in owner and "签约协议由所在地区校地合作办公室登记" in owner
    # the selected university hears of it in its inbox (揭榜方案选定); the other claimant does not
    chosen, other = (uni.get("/inbox").text for uni in universities)
    assert "您单位的揭榜方案已被需求" in chosen and "您单位的揭榜方案已被需求" not in other
    # the office registers the agreement; opening 登记协议 again for the claim links it instead of a second form
    draft = office.get(f"/agreements/new?claim={sxu}").text
    parties = re.findall(r'name="party_name" maxlength="200" value="([^"]*)"', draft)[:2]  # as pre-filled
    form = {"title": "铝熔体净化合作协议", "kind": "tech_development", "amount": "60万元", "region": "河津市",
            "party_role": ["party_a", "party_b"], "party_name": parties, "party_org": ["", ""],
            "demand_id": str(d), "claim_id": str(sxu)}
    # two mistakes in a row: each answer is the same form, still for the claim (it posts to where it came from,
    # so the browser's next Referer names the claim too — before, the second answer had lost it, and the agreement
    # was saved without its demand)
    action = f"/agreements/new?claim={sxu}"
    assert f'action="{action}"' in draft
    referer = f"http://testserver/agreements/new?claim={sxu}"
    for mistake in ({"amount": "六十个"}, {"region": "火星市"}):
        r = office.post(action, data={**form, **mistake, "csrf_token": csrf_for(office)},
                        headers={"Referer": referer}, follow_redirects=False)
        assert r.status_code == 422 and f'name="claim_id" value="{sxu}"' in r.text and "据揭榜方案签约" in r.text
        referer = f"http://testserver{action}"  # the answer's own address, as the browser shows it
    signed = _post(office, action, form)
    again = office.get(f"/agreements/new?claim={sxu}").text
    assert 'action="/agreements/new' not in again and f'href="{signed}"' in again and "不能重复登记" in again
    r = office.post("/agreements/new", data={**form, "csrf_token": csrf_for(office)})  # a second tab's form
    assert r.status_code == 409 and "不能重复登记" in r.text


def test_review_is_for_the_demand_s_deciders(login: Callable[[str], TestClient], world: World) -> None:
    d = world.demand_id
    uni = login("university")
    _post(uni, f"/demands/{d}/claims", {"approach": "方案"})
    cid = uni.get(f"/api/demands/{d}/claims").json()[0]["id"]
    # the claimant cannot screen, score or select its own claim
    for path, body in ((f"/api/demands/{d}/claims/{cid}/screen", {"passed": True}),
                       (f"/api/demands/{d}/shortlist", {"finalist_ids": [cid]}),
                       (f"/api/demands/{d}/selection", {"claim_id": cid})):
        assert uni.post(path, json=body, headers={"X-CSRF-Token": csrf_for(uni)}).status_code == 403, path
    assert uni.get(f"/api/demands/{d}/ranking").status_code == 403
    # the office of another region does not even see the demand of 太原
    office = login("hejin")
    r = office.post(f"/api/demands/{world.other_demand_id}/claims/{cid}/screen", json={"passed": True},
                    headers={"X-CSRF-Token": csrf_for(office)})
    assert r.status_code == 404
    # a claim of another demand is not found under this one
    r = office.post(f"/api/demands/{d}/claims/999999/screen", json={"passed": True},
                    headers={"X-CSRF-Token": csrf_for(office)})
    assert r.status_code == 404
    # the owner (enterprise) is a decider: it screens through the API; a failing screen needs feedback
    ent = login("enterprise")
    r = ent.post(f"/api/demands/{d}/claims/{cid}/screen", json={"passed": False},
                 headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code == 422
    r = ent.post(f"/api/demands/{d}/claims/{cid}/screen", json={"passed": False, "comment": "缺少团队资质证明"},
                 headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code == 200 and r.json()["state"] == "screened_out"
    assert uni.get(f"/api/demands/{d}/claims").json()[0]["feedback"] == "缺少团队资质证明"


def test_a_claimant_withdraws_its_claim(login: Callable[[str], TestClient], world: World) -> None:
    d = world.demand_id
    uni = login("university")
    _post(uni, f"/demands/{d}/claims", {"approach": "方案"})
    cid = uni.get(f"/api/demands/{d}/claims").json()[0]["id"]
    r = uni.post(f"/api/demands/{d}/claims/{cid}/withdraw", json={"reason": "团队另有任务"},
                 headers={"X-CSRF-Token": csrf_for(uni)})
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    ent = login("enterprise")
    r = ent.post(f"/api/demands/{d}/claims/{cid}/withdraw", json={"reason": "x"},
                 headers={"X-CSRF-Token": csrf_for(ent)})
    assert r.status_code in (403, 409)


def test_an_invited_expert_reads_the_claims_and_scores_them(
        session: Session, login: Callable[[str], TestClient], world: World) -> None:
    """The county office invites an expert to review; the expert sees the claims, declares and scores. An expert
    who was not invited sees neither the claims nor a score form."""
    d = world.demand_id
    uni = login("university")
    _post(uni, f"/demands/{d}/claims", {"approach": "真空蒸馏提纯方案"})
    cid = uni.get(f"/api/demands/{d}/claims").json()[0]["id"]
    office = login("hejin")
    _post(office, f"/demands/{d}/claims/{cid}/screen", {"decision": "pass"})
    # reviewers of another university (the world's expert is 山西大学's own, who would have to recuse)
    other = session.scalars(select(Organisation).where(Organisation.name == "太原理工大学")).one()
    reviewer = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="赵评审", organisation_id=other.id)
    for name in ("expert", "bystander"):
        accounts.create_user(session, actor=ACTOR, username=name, display_name=f"{name}·专家", password=PASSWORD,
                             role=Role.EXPERT, person_id=reviewer.id)
    accounts.create_user(session, actor=ACTOR, username="colleague", display_name="山西大学·专家", password=PASSWORD,
                         role=Role.EXPERT, person_id=world.expert_id)
    session.flush()
    expert, bystander = login("expert"), login("bystander")
    assert expert.get(f"/claims/{cid}").status_code == 404  # not invited: the claim is not the expert's to read
    r = expert.post(f"/api/demands/{d}/conflict-declarations", json={"has_conflict": False},
                    headers={"X-CSRF-Token": csrf_for(expert)})
    assert r.status_code == 403

    page = office.get(f"/demands/{d}").text
    assert "邀请评审" in page and "expert·专家（expert）" in page
    expert_id = expert.get("/api/me").json()["id"]
    _post(office, f"/demands/{d}/reviewers", {"reviewer_user_id": str(expert_id)})
    assert "已邀请：expert·专家" in office.get(f"/demands/{d}").text
    assert any(f"/demands/{d}" in (n["link"] or "") for n in expert.get("/api/notifications").json()["items"])

    assert expert.get(f"/claims/{cid}").status_code == 200
    page = expert.get(f"/demands/{d}").text
    assert "山西大学" in page and "利益冲突声明" in page
    _post(expert, f"/demands/{d}/conflict-declarations", {"has_conflict": "no"})
    assert "提交评分" in expert.get(f"/demands/{d}").text
    _post(expert, f"/demands/{d}/claims/{cid}/scores", {f"score_{k}": v for k, v in SCORES.items()})
    ranking = office.get(f"/api/demands/{d}/ranking").json()
    assert ranking[0]["score"] == 82.75 and ranking[0]["reviewers"] == 1

    # an expert of the claimant's own university, invited and declaring no conflict, still recuses — the office is
    # told so when it invites, and the expert beside the claim, before typing any score
    colleague = login("colleague")
    assert "山西大学·专家（colleague）（与山西大学同单位，须回避其方案）" in office.get(f"/demands/{d}").text
    _post(office, f"/demands/{d}/reviewers", {"reviewer_user_id": str(colleague.get("/api/me").json()["id"])})
    _post(colleague, f"/demands/{d}/conflict-declarations", {"has_conflict": "no"})
    page = colleague.get(f"/demands/{d}").text
    assert "您与揭榜单位“山西大学”属同一单位，应当回避" in page and f"/claims/{cid}/scores" not in page
    r = colleague.post(f"/api/demands/{d}/claims/{cid}/scores", json={"scores": dict(SCORES)},
                       headers={"X-CSRF-Token": csrf_for(colleague)})
    assert r.status_code == 403 and "应当回避" in r.json()["detail"]

    # the expert who was not invited still cannot take part
    assert bystander.get(f"/claims/{cid}").status_code == 404
    assert "提交评分" not in bystander.get(f"/demands/{d}").text
    r = bystander.post(f"/api/demands/{d}/claims/{cid}/scores", json={"scores": dict(SCORES)},
                       headers={"X-CSRF-Token": csrf_for(bystander)})
    assert r.status_code == 403
    # and only the demand's deciders invite
    r = uni.post(f"/api/demands/{d}/reviewers", json={"reviewer_user_id": expert_id},
                 headers={"X-CSRF-Token": csrf_for(uni)})
    assert r.status_code == 403


def test_an_expert_of_a_university_neither_claims_nor_drafts_in_its_name(
        session: Session, login: Callable[[str], TestClient], world: World) -> None:
    """An expert's account names the university they work at (山西大学) so that they review and serve orders; a 揭榜
    or a demand in the university's name is the university's own account's (before, an expert's 揭榜 was filed as
    山西大学's)."""
    accounts.create_user(session, actor=ACTOR, username="sxu-expert", display_name="山西大学·李测试",
                         password=PASSWORD, role=Role.EXPERT, organisation_id=world.university.id,
                         person_id=world.expert_id)
    session.flush()
    d = world.demand_id
    expert = login("sxu-expert")
    page = expert.get(f"/demands/{d}")
    assert page.status_code == 200 and "提交揭榜方案" not in page.text
    r = expert.post(f"/demands/{d}/claims", data={"approach": "以学校名义揭榜", "csrf_token": csrf_for(expert)},
                    follow_redirects=False)
    assert r.status_code == 403 and "专家账号不代表所在单位揭榜" in r.text
    r = expert.post(f"/api/demands/{d}/claims", json={"approach": "以学校名义揭榜"},
                    headers={"X-CSRF-Token": csrf_for(expert)})
    assert r.status_code == 403
    assert expert.get("/demands/new").status_code == 403
    assert login("university").get(f"/api/demands/{d}/claims").json() == []  # nothing was filed
    _post(login("university"), f"/demands/{d}/claims", {"approach": "真空蒸馏提纯方案"})  # the university's own may
