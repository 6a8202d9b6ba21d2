"""点单派单 through the web: 河津's enterprise orders a service from 山西大学, the university dispatches it to its
service team (which declines) and then to its expert 李测试, who accepts, records the service and finishes it;
the enterprise rates it. Others are refused: another enterprise and another university do not even see the order
(404), a party without the part for a step is refused it (403), and a stale page gets 409."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.records import create
from xiaodi.directory.models import Organisation, PersonKind
from xiaodi.directory.service import create_person
from xiaodi.orders.models import ServiceTeam

from .conftest import ACTOR, PASSWORD, World, csrf_for


@dataclass
class Crew:
    team_id: int
    other_university: Organisation
    other_expert_id: int  # an expert of 太原理工大学


@pytest.fixture
def crew(session: Session, world: World, personas: dict[str, int]) -> Crew:
    """Beyond the shared personas: 山西大学's service team, its expert's own account, an account of 太原's
    enterprise and one of another university (太原理工大学)."""
    team = create(session, ServiceTeam(name="山西大学材料技术服务团", organisation_id=world.university.id,
                                       fields=["材料"]), actor=ACTOR)
    other_uni = session.scalars(select(Organisation).where(Organisation.name == "太原理工大学")).one()
    other_expert = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="王测试",
                                 organisation_id=other_uni.id, title="教授")
    for username, kwargs in (
        ("expert", {"role": Role.EXPERT, "person_id": world.expert_id}),
        ("taiyuan_ent", {"role": Role.ENTERPRISE, "organisation_id": world.other_enterprise.id}),
        ("other_uni", {"role": Role.UNIVERSITY, "organisation_id": other_uni.id}),
    ):
        accounts.create_user(session, actor=ACTOR, username=username, display_name=f"测试·{username}",
                             password=PASSWORD, **kwargs)  # type: ignore[arg-type]
    session.flush()
    return Crew(team_id=team.id, other_university=other_uni, other_expert_id=other_expert.id)


def post(c: TestClient, path: str, body: dict[str, Any] | None = None) -> Any:
    return c.post(path, json=body or {}, headers={"X-CSRF-Token": csrf_for(c)})


def place(c: TestClient, world: World, title: str = "再生铝杂质在线检测方案咨询") -> dict[str, Any]:
    r = post(c, "/api/orders", {"title": title, "university_id": world.university.id, "kind": "testing",
                                "description": "希望高校团队到厂诊断", "contact_phone": "13912345678"})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_an_order_goes_from_placed_to_rated(login: Callable[[str], TestClient], world: World, crew: Crew) -> None:
    ent, uni = login("enterprise"), login("university")
    order = place(ent, world)
    oid = order["id"]
    assert (order["state"], order["enterprise"], order["university"]) == ("placed", world.enterprise.name, "山西大学")
    assert order["code"].startswith("DD-") and order["version"] == 1

    expert = login("expert")
    assert expert.get(f"/api/orders/{oid}").status_code == 404  # not dispatched to the expert yet

    r = post(uni, f"/api/orders/{oid}/dispatch", {"expert_id": world.expert_id, "expected_version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "dispatched" and r.json()["dispatches"][0]["assignee"] == "李测试"

    assert expert.get(f"/api/orders/{oid}").status_code == 200  # now it concerns the expert
    r = post(expert, f"/api/orders/{oid}/respond", {"accept": True})
    assert r.status_code == 200 and r.json()["state"] == "accepted", r.text
    r = post(expert, f"/api/orders/{oid}/record", {"served_on": "2025-06-03", "hours": "6",
                                                   "summary": "现场取样检测，提出除杂工艺调整方案",
                                                   "outcome": "杂质含量预计下降 30%"})
    assert r.status_code == 200 and r.json()["state"] == "in_service", r.text
    assert r.json()["records"][0]["recorded_by"] == "测试·expert"
    r = post(expert, f"/api/orders/{oid}/finish")
    assert r.status_code == 200 and r.json()["state"] == "served", r.text

    r = post(ent, f"/api/orders/{oid}/rate", {"rating": 5, "comment": "专业、及时"})
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["rating"], r.json()["rating_comment"]) == ("rated", 5, "专业、及时")
    assert login("hejin").get(f"/api/orders/{oid}").json()["state"] == "rated"  # the county office follows it
    trail = [(e["actor"], e["reason"]) for e in ent.get(f"/api/orders/{oid}/history").json()
             if e["action"] == "状态流转"]
    assert ("测试·university", "派给李测试") in trail and ("测试·enterprise", "专业、及时") in trail
    assert [actor for actor, _ in trail].count("测试·expert") == 3  # accepted, in service, served


def test_a_declined_order_goes_back_to_the_university_and_is_dispatched_again(
    login: Callable[[str], TestClient], world: World, crew: Crew,
) -> None:
    ent, uni, expert = login("enterprise"), login("university"), login("expert")
    oid = place(ent, world)["id"]
    assert post(uni, f"/api/orders/{oid}/dispatch", {"team_id": crew.team_id}).status_code == 200
    r = post(uni, f"/api/orders/{oid}/respond", {"accept": False})  # the university answers for its team
    assert r.status_code == 422 and r.json()["detail"] == "拒单必须说明原因"
    r = post(uni, f"/api/orders/{oid}/respond", {"accept": False, "reason": "团队成员本月在外地"})
    assert r.status_code == 200 and r.json()["state"] == "declined"
    r = post(uni, f"/api/orders/{oid}/respond", {"accept": True})
    assert r.status_code == 409 and r.json()["error"] == "illegal_transition"  # nothing is waiting for an answer

    r = post(uni, f"/api/orders/{oid}/dispatch", {"expert_id": world.expert_id})
    assert r.status_code == 200 and r.json()["state"] == "dispatched"
    r = post(expert, f"/api/orders/{oid}/respond", {"accept": True})
    assert r.status_code == 200, r.text
    assert [(d["assignee"], d["state"], d["response_reason"]) for d in r.json()["dispatches"]] == [
        ("山西大学材料技术服务团", "declined", "团队成员本月在外地"), ("李测试", "accepted", None)]

    # A team or expert of another university is refused by the service with its reason.
    oid2 = place(ent, world, "第二单")["id"]
    r = post(uni, f"/api/orders/{oid2}/dispatch", {"expert_id": crew.other_expert_id})
    assert r.status_code == 422 and "不属于承接该订单的高校" in r.json()["detail"]
    # An expert who declined has no say once the order went to someone else.
    assert post(uni, f"/api/orders/{oid2}/dispatch", {"expert_id": world.expert_id}).status_code == 200
    assert post(expert, f"/api/orders/{oid2}/respond", {"accept": False, "reason": "出差"}).status_code == 200
    assert post(uni, f"/api/orders/{oid2}/dispatch", {"team_id": crew.team_id}).status_code == 200
    r = post(expert, f"/api/orders/{oid2}/respond", {"accept": True})
    assert r.status_code == 403 and "被派单的专家" in r.json()["detail"]


def test_only_the_parties_of_an_order_take_its_steps(
    login: Callable[[str], TestClient], world: World, crew: Crew,
) -> None:
    ent, uni = login("enterprise"), login("university")
    oid = place(ent, world)["id"]

    # Outside the order's scope: 404, whatever the step.
    for persona in ("taiyuan_ent", "other_uni"):
        c = login(persona)
        for step, body in (("dispatch", {"expert_id": world.expert_id}), ("cancel", {"reason": "x"}),
                           ("rate", {"rating": 1}), ("respond", {"accept": True})):
            r = post(c, f"/api/orders/{oid}/{step}", body)
            assert r.status_code == 404 and r.json()["error"] == "not_found", (persona, step, r.text)
    # An account without a role is refused before any lookup.
    assert post(login("outsider"), f"/api/orders/{oid}/cancel", {"reason": "x"}).status_code == 403

    # Inside the scope, but not their part: 403 with the reason.
    r = post(ent, f"/api/orders/{oid}/dispatch", {"expert_id": world.expert_id})
    assert r.status_code == 403 and r.json()["detail"] == "只有承接订单的高校或所在地办公室可以派单"
    r = post(uni, f"/api/orders/{oid}/cancel", {"reason": "不想做"})
    assert r.status_code == 403 and r.json()["detail"] == "只有点单企业可以取消订单"
    assert post(uni, f"/api/orders/{oid}/dispatch", {"expert_id": world.expert_id}).status_code == 200
    r = post(ent, f"/api/orders/{oid}/respond", {"accept": True})
    assert r.status_code == 403 and "被派单的专家" in r.json()["detail"]
    r = post(login("hejin"), f"/api/orders/{oid}/respond", {"accept": True})
    assert r.status_code == 403  # the office follows the order but does not answer for the expert
    assert post(login("expert"), f"/api/orders/{oid}/respond", {"accept": True}).status_code == 200
    r = post(ent, f"/api/orders/{oid}/record", {"served_on": "2025-06-03", "summary": "自己写的服务记录"})
    assert r.status_code == 403 and "接单的专家" in r.json()["detail"]
    assert post(uni, f"/api/orders/{oid}/record", {"served_on": "2025-06-03", "summary": "上门服务"}).status_code == 200
    assert post(uni, f"/api/orders/{oid}/finish").status_code == 200
    r = post(uni, f"/api/orders/{oid}/rate", {"rating": 5})
    assert r.status_code == 403 and r.json()["detail"] == "只有点单企业可以评价服务"
    r = post(ent, f"/api/orders/{oid}/rate", {"rating": 6})
    assert r.status_code == 422 and r.json()["error"] == "validation_failed"


def test_who_may_place_an_order(login: Callable[[str], TestClient], world: World, crew: Crew) -> None:
    ent = login("enterprise")
    r = post(ent, "/api/orders", {"title": "冒名点单", "enterprise_id": world.other_enterprise.id})
    assert r.status_code == 404  # 太原's enterprise lies outside the Hejin enterprise's scope
    r = post(login("university"), "/api/orders", {"title": "高校点单"})
    assert r.status_code == 403 and r.json()["detail"] == "您的角色无权点单"
    r = post(ent, "/api/orders", {"title": "  "})
    assert r.status_code == 422 and r.json()["detail"] == "点单内容不能为空"
    r = post(ent, "/api/orders", {"title": "x", "kind": "nonsense"})
    assert r.status_code == 422

    hejin = login("hejin")
    r = post(hejin, "/api/orders", {"title": "代企业点单：人才培训", "enterprise_id": world.enterprise.id,
                                    "kind": "training"})
    assert r.status_code == 201 and r.json()["university"] is None  # the office will choose the university
    r2 = post(hejin, "/api/orders", {"title": "越界点单", "enterprise_id": world.other_enterprise.id})
    assert r2.status_code == 404
    r3 = post(hejin, "/api/orders", {"title": "未写企业"})
    assert r3.status_code == 422 and r3.json()["detail"] == "请指定点单企业"

    # An order without a university: the office names one when it dispatches; the university cannot see it before.
    oid = r.json()["id"]
    assert login("university").get(f"/api/orders/{oid}").status_code == 404
    r = post(hejin, f"/api/orders/{oid}/dispatch", {"team_id": crew.team_id})
    assert r.status_code == 422 and "请指定承接高校" in r.json()["detail"]
    r = post(hejin, f"/api/orders/{oid}/dispatch", {"team_id": crew.team_id, "university_id": world.university.id})
    assert r.status_code == 200 and r.json()["university"] == "山西大学"
    assert login("university").get(f"/api/orders/{oid}").status_code == 200


def test_a_stale_page_cannot_overwrite_a_newer_order(login: Callable[[str], TestClient], world: World,
                                                     crew: Crew) -> None:
    ent, uni = login("enterprise"), login("university")
    oid = place(ent, world)["id"]
    assert post(uni, f"/api/orders/{oid}/dispatch", {"team_id": crew.team_id, "expected_version": 1}).status_code == 200
    r = post(ent, f"/api/orders/{oid}/cancel", {"reason": "改期", "expected_version": 1})
    assert r.status_code == 409 and r.json()["error"] == "conflict" and "已被他人修改" in r.json()["detail"]
    r = post(uni, f"/api/orders/{oid}/dispatch", {"expert_id": world.expert_id, "expected_version": 1})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    # The same from a stale page form.
    r = ent.post(f"/orders/{oid}/cancel", data={"reason": "改期", "version": "1", "csrf_token": csrf_for(ent)})
    assert r.status_code == 409 and "已被他人修改" in r.text
    r = post(ent, f"/api/orders/{oid}/cancel", {"reason": "改期", "expected_version": 2})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"


def form(c: TestClient, path: str, data: dict[str, str]) -> str:
    """Post a page form as the browser does; return the page it redirects to, with its flashed message."""
    r = c.post(path, data={**data, "csrf_token": csrf_for(c)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c.get(r.headers["location"]).text


def test_the_order_flow_in_the_browser_pages(login: Callable[[str], TestClient], world: World, crew: Crew) -> None:
    ent = login("enterprise")
    assert "我要点单" in ent.get("/orders").text
    assert "提交订单" in ent.get("/orders/new").text and 'name="enterprise"' not in ent.get("/orders/new").text
    r = ent.post("/orders/new", data={"title": "铝灰资源化利用咨询", "kind": "consulting", "university": "山西大学",
                                      "csrf_token": csrf_for(ent)}, follow_redirects=False)
    assert r.status_code == 303
    path = r.headers["location"]
    page = ent.get(path).text
    assert "已点单，订单编号 DD-" in page and "铝灰资源化利用咨询" in page
    assert "取消订单" in page and "派单</button>" not in page and "接单</button>" not in page

    uni = login("university")
    page = uni.get(path).text
    assert "派单</button>" in page and "李测试" in page and "山西大学材料技术服务团" in page and "取消订单" not in page
    page = form(uni, f"{path}/dispatch", {"assignee": f"expert:{world.expert_id}", "version": "1"})
    assert "已派单给李测试" in page and "待接单" in page

    expert = login("expert")
    page = expert.get(path).text
    assert "接单</button>" in page and "拒单</button>" in page and "派单</button>" not in page
    page = form(expert, f"{path}/respond", {"decision": "accept", "version": "2"})
    assert "已接单" in page and "登记服务记录" in page
    page = form(expert, f"{path}/record", {"served_on": "2025-06-03", "hours": "4小时", "summary": "现场调研铝灰处置",
                                           "outcome": "提出铝灰制备净水剂方案"})
    assert "服务记录已登记" in page and "现场调研铝灰处置" in page and "4.0" in page and "服务完成</button>" in page
    page = form(expert, f"{path}/finish", {})
    assert "服务已完成" in page and "提交评价" not in page  # rating is the enterprise's

    page = ent.get(path).text
    assert "提交评价" in page
    page = form(ent, f"{path}/rate", {"rating": "4", "comment": "方案可行"})
    assert "已评价：4 分" in page and "方案可行" in page and "您当前没有需要办理的操作" in page


def test_order_pages_refuse_what_the_role_does_not_allow(
    login: Callable[[str], TestClient], world: World, crew: Crew,
) -> None:
    for persona, expected in (("university", 403), ("expert", 403), ("outsider", 403), ("hejin", 200)):
        assert login(persona).get("/orders/new").status_code == expected, persona
    hejin = login("hejin")
    assert 'name="enterprise"' in hejin.get("/orders/new").text  # the office orders for an enterprise
    page = form(hejin, "/orders/new", {"title": "代企业点单", "enterprise": world.enterprise.name, "kind": "training"})
    assert "已点单" in page
    r = hejin.post("/orders/new", data={"title": "越界", "enterprise": world.other_enterprise.name,
                                        "csrf_token": csrf_for(hejin)})
    assert r.status_code == 422 and "辖区内没有" in r.text  # the form comes back: outside or unknown, said alike
    ent = login("enterprise")
    r = ent.post("/orders/new", data={"title": "x", "university": "山西大", "csrf_token": csrf_for(ent)})
    assert r.status_code in (409, 422) and "山西大学" in r.text  # a near miss is offered, not guessed
    oid = place(ent, world)["id"]
    r = ent.post(f"/orders/{oid}/dispatch", data={"assignee": f"team:{crew.team_id}", "csrf_token": csrf_for(ent)})
    assert r.status_code == 403 and "只有承接订单的高校" in r.text
    taiyuan = login("taiyuan_ent")
    assert taiyuan.get(f"/orders/{oid}").status_code == 404
    r = taiyuan.post(f"/orders/{oid}/cancel", data={"reason": "x", "csrf_token": csrf_for(taiyuan)})
    assert r.status_code == 404
    r = ent.post(f"/orders/{oid}/cancel", data={"reason": "x"})  # no CSRF token
    assert r.status_code == 403
