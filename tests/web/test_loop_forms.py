"""The closed loop through the web: the 河津 county office signs an agreement for the selected 揭榜 claim (the demand
becomes 已签约), starts a project with its 倒排工期 milestones, records funds in place (the figures follow), marks a
milestone reached and records a 调度会 that gives an overdue milestone a new date — by page forms and by the JSON
API. Enterprises, universities and outsiders are refused (403); another county's records do not exist for 河津 (404);
a stale page answers 409."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor
from xiaodi.core.settings import local_today
from xiaodi.demands.service_claims import (
    declare_conflict,
    score_claim,
    screen_claim,
    select_claim,
    shortlist,
    submit_claim,
)
from xiaodi.projects import service as projects

from .conftest import ACTOR, World, csrf_for

TODAY = local_today()
LATE = TODAY - dt.timedelta(days=30)  # a deadline already passed
LATER = TODAY + dt.timedelta(days=45)
SCORES = {"技术先进性": 90, "实施方案可行性": 85, "团队实力": 80, "经费合理性": 75}


@pytest.fixture
def selected_claim(session: Session, world: World, personas: dict[str, int]) -> int:
    """山西大学 answered the 河津 enterprise's published demand and was selected (中选) after review."""
    claim = submit_claim(session, actor=Actor(name="山西大学·李教授"), demand_id=world.demand_id,
                         claimant_org_id=world.university.id, approach="真空蒸馏与区域熔炼联合提纯",
                         budget=Decimal("600000"))
    reviewer = personas["admin"]
    declare_conflict(session, actor=ACTOR, demand_id=world.demand_id, reviewer_user_id=reviewer, has_conflict=False)
    screen_claim(session, actor=ACTOR, claim_id=claim.id, reviewer_user_id=reviewer, passed=True)
    score_claim(session, actor=ACTOR, claim_id=claim.id, reviewer_user_id=reviewer, scores=SCORES)
    shortlist(session, actor=ACTOR, demand_id=world.demand_id, finalist_ids=[claim.id], feedback={})
    select_claim(session, actor=ACTOR, demand_id=world.demand_id, claim_id=claim.id, feedback={})
    session.flush()
    return claim.id


def figures(c: TestClient) -> dict[str, str]:
    r = c.get("/api/figures", params={"region": "河津市"})
    assert r.status_code == 200, r.text
    return r.json()["figures"]  # type: ignore[no-any-return]


def form_post(c: TestClient, path: str, data: dict[str, Any]) -> Any:
    """Post a page form with the session's CSRF token and follow the 303 to the page that flashes the outcome."""
    r = c.post(path, data={**data, "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303, (path, r.status_code, r.text[:500])
    return c.get(r.headers["location"])


def api(c: TestClient, path: str, body: dict[str, Any]) -> Any:
    return c.post(path, json=body, headers={"X-CSRF-Token": csrf_for(c)})


# ── the story, by page forms ─────────────────────────────────────────────────────────────────────────────────


def test_county_office_runs_the_loop_with_page_forms(
    login: Callable[[str], TestClient], world: World, selected_claim: int,
) -> None:
    office = login("hejin")
    assert 'href="/agreements/new"' in office.get("/agreements").text  # the list links to the form
    before = figures(office)
    assert before["到位资金"] == "0元" and before["签约协议"] == "1"

    # 新建协议 for the selected claim: the parties, the ids and a title are filled in.
    form = office.get("/agreements/new", params={"claim": selected_claim})
    assert form.status_code == 200
    html = form.text
    assert "山西河津测试铝业有限公司" in html and "山西大学" in html and "铝合金废料再生提纯技术合作协议" in html
    assert f'name="claim_id" value="{selected_claim}"' in html and "保存后，需求转为“已签约”" in html
    page = form_post(office, "/agreements/new", {
        "title": "铝合金废料再生提纯技术开发合同", "kind": "tech_development", "signed_on": "2025-03-18",
        "amount": "60万元", "region": "河津市", "demand_id": str(world.demand_id), "claim_id": str(selected_claim),
        "party_role": ["party_a", "party_b", "party_c"],
        "party_name": ["山西河津测试铝业有限公司", "山西大学", ""], "party_org": ["", "", ""],
    })
    assert "铝合金废料再生提纯技术开发合同" in page.text and "已登记" in page.text and "现为“已签约”" in page.text
    assert office.get(f"/api/demands/{world.demand_id}").json()["state"] == "contracted"
    agreement_id = int(str(page.url).rsplit("/", 1)[1])
    assert "新建项目" in page.text and "山西大学" in page.text  # the form offers the parties as partner/enterprise

    # 新建项目 from the agreement, with its 倒排工期.
    page = form_post(office, f"/agreements/{agreement_id}/projects", {
        "name": "再生铝提纯二期", "region": "河津市", "partner": "山西大学", "enterprise": "山西河津测试铝业有限公司",
        "leader_in_charge": "王副市长", "pledged_amount": "500万元",
        "milestone_title": ["设备进场", "中试线投产", ""], "milestone_due": [LATE.isoformat(), LATER.isoformat(), ""],
        "milestone_stage": ["started", "in_production", ""],
    })
    assert "已立项" in page.text and "节点 2 个" in page.text
    project_id = int(str(page.url).rsplit("/", 1)[1])
    for form_name in ("添加节点", "登记到位资金", "记录调度会", "确认完成", "节点推进"):
        assert form_name in page.text, form_name
    shown = office.get(f"/api/projects/{project_id}").json()
    assert shown["leader_in_charge"] == "王副市长" and shown["pledged_amount"] == "5000000.00"
    assert shown["partner.name"] == "山西大学"

    # 到位资金: the county's figures follow.
    page = form_post(office, f"/projects/{project_id}/funds", {"amount": "120万元", "arrived_on": "2025-04-01",
                                                               "source": "self_raised", "note": "首期"})
    assert "已登记到位资金 120万元" in page.text
    after = figures(office)
    assert after["到位资金"] == "120万元" and after["签约协议"] == "2" and after["签约金额"] != before["签约金额"]
    assert int(after["签约项目"]) == int(before["签约项目"]) + 1

    # A milestone added, then the overdue one is dispatched to a new date.
    page = form_post(office, f"/projects/{project_id}/milestones", {"title": "环评批复", "due_on": LATER.isoformat()})
    assert "已添加节点“环评批复”" in page.text
    milestones = {m["title"]: m for m in office.get(f"/api/projects/{project_id}/milestones").json()}
    late = milestones["设备进场"]
    page = form_post(office, f"/projects/{project_id}/dispatch-meetings", {
        "held_on": TODAY.isoformat(), "title": "再生铝项目调度会", "chaired_by": "王副市长",
        "milestone_id": [str(late["id"])], "milestone_version": [str(late["version"])],
        "decision": ["协调设备厂家加快供货"], "new_due_on": [LATER.isoformat()],
    })
    assert "已记录县级调度会" in page.text and "1 个节点调整了时限" in page.text
    late = {m["title"]: m for m in office.get(f"/api/projects/{project_id}/milestones").json()}["设备进场"]
    assert late["due_on"] == LATER.isoformat() and late["original_due_on"] == LATE.isoformat()
    assert late["slip_count"] == 1
    # the project's page keeps the meeting's decision (调度记录): when, which meeting, what was decided, new date
    record = page.text[page.text.index('id="decisions"'):page.text.index('id="funds"')]
    for said in (TODAY.isoformat(), "再生铝项目调度会（县级，王副市长主持）", "设备进场", "协调设备厂家加快供货",
                 LATER.isoformat()):
        assert said in record, said

    # The milestone is reached: the project moves to 已开工.
    page = form_post(office, f"/projects/milestones/{late['id']}/complete",
                     {"done_on": TODAY.isoformat(), "version": str(late["version"])})
    assert "节点“设备进场”已于" in page.text
    assert office.get(f"/api/projects/{project_id}").json()["stage"] == "started"

    # A fund record corrected on the page: the sum counts the correction once.
    fund_id = office.get(f"/api/projects/{project_id}/funds").json()["records"][0]["id"]
    page = form_post(office, f"/projects/funds/{fund_id}/correct", {"amount": "100万元", "reason": "银行回单核对"})
    assert "合计 100万元" in page.text
    assert figures(office)["到位资金"] == "100万元"


def test_those_who_may_not_write_see_no_forms(login: Callable[[str], TestClient], world: World) -> None:
    for persona in ("enterprise", "university"):
        c = login(persona)
        page = c.get(f"/projects/{world.project_id}").text
        assert "中试线开工" in page  # they see the loop of their project …
        for form_name in ("登记到位资金", "记录调度会", "添加节点", "确认完成"):
            assert form_name not in page, (persona, form_name)  # … but not the office's forms
        assert "新建项目" not in c.get(f"/agreements/{world.agreement_id}").text
        r = c.get("/agreements/new")
        assert r.status_code == 403 and "只有校地合作办公室或管理员可以登记签约协议" in r.text
    assert "新建项目" in login("province").get(f"/agreements/{world.agreement_id}").text


def test_page_forms_answer_mistakes_in_chinese(login: Callable[[str], TestClient], world: World) -> None:
    office = login("hejin")
    token = csrf_for(office)
    r = office.post(f"/projects/{world.project_id}/funds", data={"amount": "一大笔", "csrf_token": token})
    assert r.status_code == 422 and "不是有效金额" in r.text
    r = office.post(f"/agreements/{world.agreement_id}/projects",
                    data={"name": "缺时限的项目", "milestone_title": ["开工"], "milestone_due": [""],
                          "milestone_stage": [""], "csrf_token": token})
    assert r.status_code == 422 and "请填写节点“开工”的完成时限" in r.text
    r = office.post(f"/agreements/{world.agreement_id}/projects",
                    data={"name": "名称不对的项目", "partner": "山西大字", "csrf_token": token})
    assert r.status_code == 422 and "未找到合作高校“山西大字”" in r.text and "山西大学" in r.text
    r = office.post(f"/projects/{world.project_id}/funds", data={"amount": "10万元"})  # no CSRF token
    assert r.status_code == 403
    assert office.get(f"/api/projects/{world.project_id}/funds").json()["records"] == []


# ── the story, by the JSON API ───────────────────────────────────────────────────────────────────────────────


def test_the_loop_through_the_api(login: Callable[[str], TestClient], world: World, selected_claim: int) -> None:
    office = login("hejin")
    r = api(office, "/api/agreements", {
        "title": "再生铝技术开发合同", "kind": "tech_development", "signed_on": "2025-03-18", "amount": "600000",
        "claim_id": selected_claim,
        "parties": [{"role": "party_a", "organisation_id": world.enterprise.id},
                    {"role": "party_b", "name": "山西大学"},
                    {"role": "witness", "name": "河津市科技局（未登记）"}],
    })
    assert r.status_code == 201, r.text
    agreement = r.json()
    assert agreement["demand_state"] == "contracted" and agreement["region_id"] == world.hejin.id
    assert (agreement["demand_id"], agreement["claim_id"]) == (world.demand_id, selected_claim)
    assert agreement["code"].startswith("XY-") and Decimal(agreement["amount"]) == 600000
    assert [(p["role"], p["organisation_id"]) for p in agreement["parties"]] == [
        ("party_a", world.enterprise.id), ("party_b", world.university.id), ("witness", None)]
    assert office.get(f"/api/demands/{world.demand_id}").json()["state"] == "contracted"

    r = api(office, "/api/projects", {
        "name": "再生铝提纯二期", "agreement_id": agreement["id"], "partner_id": world.university.id,
        "enterprise": "山西河津测试铝业有限公司", "leader_in_charge": "王副市长", "pledged_amount": "5000000",
        "milestones": [{"title": "设备进场", "due_on": LATE.isoformat(), "target_stage": "started"},
                       {"title": "投产", "due_on": LATER.isoformat(), "target_stage": "in_production"}],
    })
    assert r.status_code == 201, r.text
    project = r.json()
    assert project["region_id"] == world.hejin.id and project["stage"] == "signed"
    late, production = project["milestones"]
    assert (late["title"], late["state"], late["version"]) == ("设备进场", "pending", 1)

    r = api(office, f"/api/projects/{project['id']}/milestones", {"title": "环评批复", "due_on": LATER.isoformat()})
    assert r.status_code == 201 and r.json()["original_due_on"] == LATER.isoformat()

    # 到位资金 and its correction.
    r = api(office, f"/api/projects/{project['id']}/funds",
            {"amount": "2000000", "arrived_on": "2025-04-01", "source": "fiscal", "note": "省级专项"})
    assert r.status_code == 201 and r.json()["funds_in_place"] == "2000000.00"
    first = r.json()["id"]
    r = api(office, f"/api/projects/funds/{first}/correct", {"amount": "1500000", "reason": "按到账回单更正"})
    assert r.status_code == 201 and r.json()["funds_in_place"] == "1500000.00" and r.json()["corrects_id"] == first
    r = api(office, f"/api/projects/funds/{first}/correct", {"amount": "1000000", "reason": "再改一次"})
    assert r.status_code == 409 and "已被更正" in r.json()["detail"]
    listed = office.get(f"/api/projects/{project['id']}/funds").json()
    assert listed["funds_in_place"] == "1500000.00" and len(listed["records"]) == 2
    assert figures(office)["到位资金"] == "150万元"

    # 调度会: the overdue milestone gets a new date; the second slip goes up to the city (市级).
    meeting = {"held_on": TODAY.isoformat(), "chaired_by": "王副市长",
               "decisions": [{"milestone_id": late["id"], "decision": "协调设备厂家", "new_due_on": LATER.isoformat(),
                              "expected_version": late["version"]}]}
    r = api(office, f"/api/projects/{project['id']}/dispatch-meetings", meeting)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["level"] == "county" and body["items"][0]["escalated"] is False
    moved = body["milestones"][0]
    assert moved["due_on"] == LATER.isoformat() and moved["slip_count"] == 1
    # The same page sent again is stale: 409, nothing moves.
    r = api(office, f"/api/projects/{project['id']}/dispatch-meetings", meeting)
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    again = {**meeting, "decisions": [{"milestone_id": late["id"], "decision": "再延一个月",
                                       "new_due_on": (LATER + dt.timedelta(days=30)).isoformat(),
                                       "expected_version": moved["version"]}]}
    r = api(office, f"/api/projects/{project['id']}/dispatch-meetings", again)
    assert r.status_code == 201 and r.json()["items"][0]["escalated_to_level"] == "city"

    # The milestone is reached (stale version first), and the project moves to 已开工.
    current = {m["id"]: m for m in office.get(f"/api/projects/{project['id']}/milestones").json()}[late["id"]]
    r = api(office, f"/api/projects/milestones/{late['id']}/complete",
            {"done_on": TODAY.isoformat(), "expected_version": late["version"]})
    assert r.status_code == 409 and r.json()["error"] == "conflict"
    r = api(office, f"/api/projects/milestones/{late['id']}/complete",
            {"done_on": TODAY.isoformat(), "expected_version": current["version"]})
    assert r.status_code == 200 and r.json()["state"] == "done"
    assert office.get(f"/api/projects/{project['id']}").json()["stage"] == "started"
    r = api(office, f"/api/projects/milestones/{late['id']}/complete", {})
    assert r.status_code == 409 and "已于" in r.json()["detail"]  # reached once only

    # A stage move from a stale page: 409.
    r = api(office, f"/api/projects/{project['id']}/stage", {"to": "landed", "expected_version": 1})
    assert r.status_code == 409
    assert production["state"] == "pending"


def test_agreement_without_a_claim_and_the_mistakes_the_api_refuses(
    login: Callable[[str], TestClient], world: World,
) -> None:
    office = login("hejin")
    parties = [{"role": "party_a", "name": "山西河津测试铝业有限公司"}, {"role": "party_b", "name": "山西大学"}]
    r = api(office, "/api/agreements", {"title": "人才共育框架协议", "kind": "strategic_framework", "parties": parties})
    assert r.status_code == 201 and r.json()["region_id"] == world.hejin.id  # the office's own county by default
    r = api(office, "/api/agreements", {"title": "一方协议", "kind": "other", "parties": parties[:1]})
    assert r.status_code == 422
    r = api(office, "/api/agreements", {"title": "重复签约方", "kind": "other", "parties": [parties[0], parties[0]]})
    assert r.status_code == 422 and "重复" in r.json()["detail"]
    r = api(office, "/api/agreements", {"title": "需求未选定", "kind": "other", "parties": parties,
                                        "claim_id": 2_000_000_000})
    assert r.status_code == 404
    r = api(office, f"/api/projects/{world.project_id}/funds", {"amount": "-5"})
    assert r.status_code == 422
    r = api(office, f"/api/projects/{world.project_id}/milestones",
            {"title": "验收", "due_on": LATER.isoformat(), "target_stage": "stalled"})
    assert r.status_code == 422 and "开工、落地、投产或验收" in r.json()["detail"]


# ── who may do what ──────────────────────────────────────────────────────────────────────────────────────────


def write_requests(w: World, milestone_id: int, fund_id: int) -> list[tuple[str, dict[str, Any]]]:
    parties = [{"role": "party_a", "organisation_id": w.enterprise.id},
               {"role": "party_b", "organisation_id": w.university.id}]
    return [
        ("/api/agreements", {"title": "越权协议", "kind": "other", "parties": parties}),
        ("/api/projects", {"name": "越权项目", "agreement_id": w.agreement_id}),
        (f"/api/projects/{w.project_id}/milestones", {"title": "越权节点", "due_on": LATER.isoformat()}),
        (f"/api/projects/milestones/{milestone_id}/complete", {"done_on": TODAY.isoformat()}),
        (f"/api/projects/{w.project_id}/funds", {"amount": "100"}),
        (f"/api/projects/funds/{fund_id}/correct", {"amount": "0", "reason": "越权更正"}),
        (f"/api/projects/{w.project_id}/dispatch-meetings",
         {"held_on": TODAY.isoformat(), "decisions": [{"milestone_id": milestone_id, "decision": "越权调度",
                                                       "new_due_on": LATER.isoformat()}]}),
        (f"/api/projects/{w.project_id}/stage", {"to": "started"}),
    ]


@pytest.fixture
def hejin_records(session: Session, world: World) -> tuple[int, int]:
    """The 河津 project's milestone and a fund record of it."""
    milestone = projects.add_milestone(session, actor=ACTOR, project_id=world.project_id, title="设备进场",
                                       due_on=LATE)
    fund = projects.record_funds(session, actor=ACTOR, project_id=world.project_id, amount=Decimal(300000),
                                 arrived_on=LATE)
    session.flush()
    return milestone.id, fund.id


@pytest.mark.parametrize("persona", ["enterprise", "university", "outsider"])
def test_only_offices_write_the_loop(
    persona: str, login: Callable[[str], TestClient], world: World, hejin_records: tuple[int, int],
) -> None:
    c = login(persona)
    for path, body in write_requests(world, *hejin_records):
        r = api(c, path, body)
        assert r.status_code == 403, (persona, path, r.text)
        assert set(r.json()) == {"error", "detail"}
    page_posts = [(f"/projects/{world.project_id}/funds", {"amount": "10万元"}),
                  (f"/projects/milestones/{hejin_records[0]}/complete", {}),
                  (f"/agreements/{world.agreement_id}/projects", {"name": "越权项目"}),
                  ("/agreements/new", {"title": "越权协议", "kind": "other", "party_role": ["party_a", "party_b"],
                                       "party_name": ["甲", "乙"], "party_org": ["", ""]})]
    token = csrf_for(c)
    for path, data in page_posts:
        r = c.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 403, (persona, path)
    if persona != "outsider":
        assert "只有校地合作办公室或管理员" in api(c, f"/api/projects/{world.project_id}/funds",
                                                  {"amount": "100"}).json()["detail"]


def test_another_countys_records_do_not_exist_for_hejin(
    login: Callable[[str], TestClient], world: World, session: Session,
) -> None:
    other_ms = projects.add_milestone(session, actor=ACTOR, project_id=world.other_project_id, title="焊接中心开工",
                                      due_on=LATE)
    other_fund = projects.record_funds(session, actor=ACTOR, project_id=world.other_project_id,
                                       amount=Decimal(500000), arrived_on=LATE)
    session.flush()
    office = login("hejin")
    other = World(**{**world.__dict__, "project_id": world.other_project_id})
    for path, body in write_requests(other, other_ms.id, other_fund.id)[2:]:
        r = api(office, path, body)
        assert r.status_code == 404, (path, r.text)
    assert office.get(f"/api/projects/{world.other_project_id}/milestones").status_code == 404
    # Nor can 河津 reach 太原's milestone through its own project's 调度会.
    r = api(office, f"/api/projects/{world.project_id}/dispatch-meetings",
            {"held_on": TODAY.isoformat(), "decisions": [{"milestone_id": other_ms.id, "decision": "越界调度",
                                                          "new_due_on": LATER.isoformat()}]})
    assert r.status_code == 404
    # Nor sign an agreement, or start a project, in 太原.
    parties = [{"role": "party_a", "name": "某企业"}, {"role": "party_b", "organisation_id": world.university.id}]
    r = api(office, "/api/agreements", {"title": "太原协议", "kind": "other", "region": "太原市", "parties": parties})
    assert r.status_code == 403 and "所在地" in r.json()["detail"]
    r = api(office, "/api/projects", {"name": "太原项目", "region_id": world.taiyuan.id})
    assert r.status_code == 403
    # The province office may do it all (太原 is in 山西省).
    province = login("province")
    r = api(province, f"/api/projects/{world.other_project_id}/funds", {"amount": "100000"})
    assert r.status_code == 201 and r.json()["funds_in_place"] == "600000.00"
    assert other_ms.due_on == LATE
