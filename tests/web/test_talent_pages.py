"""Talent services through the web: the talent's home page is their own services; they apply for a card with
evidence, 河津's office issues it, the talent applies once for 落户 and 子女入学, each department answers its step
on the page — and every forbidden step fails alike on pages and API. ID numbers and phones stay masked for the
employer and for departments without a step of the talent's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.talent.conftest import ID_WANG, TalentWorld, build_talent_world
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.talent.models import ApplicationStep, ServiceApplication, TalentCard

from .conftest import ACTOR, PASSWORD, World, csrf_for


@pytest.fixture
def tw(session: Session, personas: dict[str, int], world: World) -> TalentWorld:
    """The talent world, with accounts: the talent, the two departments' staff and the employer."""
    t = build_talent_world(session)
    for username, kwargs in {
        "talent1": {"role": Role.TALENT, "person_id": t.talent.person_id},
        "police": {"role": Role.LEAD_UNIT, "organisation_id": t.police.id},
        "schools": {"role": Role.LEAD_UNIT, "organisation_id": t.education.id},
        "employer": {"role": Role.ENTERPRISE, "organisation_id": t.employer.id},
    }.items():
        accounts.create_user(session, actor=ACTOR, username=username, display_name=f"测试·{username}",
                             password=PASSWORD, **kwargs)  # type: ignore[arg-type]
    session.flush()
    return t


def _post(c: TestClient, path: str, data: dict[str, object]) -> object:
    return c.post(path, data={**data, "csrf_token": csrf_for(c)})


def test_talent_story_card_then_one_stop(login: Callable[[str], TestClient], tw: TalentWorld,
                                         session: Session) -> None:
    me = login("talent1")
    home = me.get("/").text
    assert "我的人才服务" in home and "申领人才卡" in home and "工作台" not in home.split("<main")[1]
    menu = home.split('id="mainnav"')[1].split("</nav>")[0]  # the talent's own menu, not an enterprise's
    assert 'href="/talent-applications"' in menu and 'href="/demands"' not in menu and "工作台" not in menu

    r = me.post("/talent/cards/apply", data={"talent_id": tw.talent.id, "card_name": "河东英才卡",
                                             "evidence": "博士学位证书\n劳动合同", "csrf_token": csrf_for(me)})
    assert r.status_code == 200 and "等待办公室审核" in r.text and "待审核" in r.text
    card = session.scalars(select(TalentCard).where(TalentCard.talent_id == tw.talent.id)).one()

    # the talent cannot issue their own card (403), the employer does not see it (404)
    assert me.post(f"/talent/cards/{card.id}/decide", data={"action": "issue", "csrf_token": csrf_for(me)}
                   ).status_code == 403
    emp = login("employer")
    assert emp.post(f"/api/talent/cards/{card.id}/issue", json={}, headers={"X-CSRF-Token": csrf_for(emp)}
                    ).status_code == 404

    office = login("hejin")
    page = office.get(f"/talent-cards/{card.id}").text
    assert "审核通过并发卡" in page
    r = office.post(f"/talent/cards/{card.id}/decide", data={"action": "issue", "years": "3",
                                                            "csrf_token": csrf_for(office)})
    assert r.status_code == 200 and "已发卡" in r.text and "享受的优惠条件" in r.text

    home = me.get("/talent/me").text
    assert "有效" in home and "一件事申请" in home and "落户" in home and "安家补助（A类）" not in home
    r = me.post("/talent/applications", data={"card_id": str(card.id), "benefit": [str(tw.settle_id),
                                              str(tw.school_id)], "csrf_token": csrf_for(me)})
    assert r.status_code == 200 and "已分送 2 个部门" in r.text
    app = session.scalars(select(ServiceApplication).where(ServiceApplication.card_id == card.id)).one()
    steps = {s.department_id: s.id for s in session.scalars(
        select(ApplicationStep).where(ApplicationStep.application_id == app.id))}

    police = login("police")
    desk = police.get("/").text  # the department's dashboard points at what waits for it
    assert "一件事待办理" in desk and "有 1 项等待本部门办理" in desk and 'href="/talent/steps"' in desk
    assert "王测才" in police.get("/talent/steps").text
    # the police may not answer the schools' step; the employer sees nothing of the application
    assert _post(police, f"/talent/steps/{steps[tw.education.id]}/answer",
                 {"decision": "approve"}).status_code == 403  # type: ignore[attr-defined]
    assert emp.get(f"/talent-applications/{app.id}").status_code == 404
    r = _post(police, f"/talent/steps/{steps[tw.police.id]}/answer", {"decision": "approve", "answer": "已落户"})
    assert r.status_code == 200 and "已办结" in r.text  # type: ignore[attr-defined]
    schools = login("schools")
    r = schools.post(f"/api/talent/steps/{steps[tw.education.id]}/answer", json={"approve": True},
                     headers={"X-CSRF-Token": csrf_for(schools)})
    assert r.status_code == 200 and r.json()["state_label"] == "已办结"

    home = me.get("/talent/me").text
    assert "已落户" in home and "已办结" in home and home.count("已办结") >= 3  # both steps and the application
    assert "一件事待办理" not in police.get("/").text  # nothing waits any more
    trail = office.get(f"/talent-applications/{app.id}").text.split("操作留痕")[1]
    assert "<strong>办结</strong>" in trail and "finish" not in trail


def test_application_to_the_wrong_department_refused_in_chinese(login: Callable[[str], TestClient],
                                                                tw: TalentWorld) -> None:
    office = login("hejin")
    token = csrf_for(office)
    card = office.post("/api/talent/cards", json={"talent_id": tw.talent.id}, headers={"X-CSRF-Token": token})
    assert card.status_code == 201, card.text
    office.post(f"/api/talent/cards/{card.json()['id']}/issue", json={}, headers={"X-CSRF-Token": token})
    me = login("talent1")
    r = me.post("/api/talent/applications", headers={"X-CSRF-Token": csrf_for(me)},
                json={"card_id": card.json()["id"], "items": [{"benefit_id": tw.school_id,
                                                               "department_id": tw.police.id}]})
    assert r.status_code == 422 and "不办理“子女入学”" in r.json()["detail"]


def test_malformed_id_number_refused_on_the_api(login: Callable[[str], TestClient], tw: TalentWorld) -> None:
    office = login("hejin")
    r = office.post("/api/talent/talents", headers={"X-CSRF-Token": csrf_for(office)},
                    json={"name": "错号", "region_id": tw.hejin.id, "id_number": "110105194912310021"})
    assert r.status_code == 422 and "校验位" in r.json()["detail"]
    emp = login("employer")
    r = emp.post("/api/talent/talents", headers={"X-CSRF-Token": csrf_for(emp)},
                 json={"name": "越权", "region_id": tw.hejin.id})
    assert r.status_code == 403


def test_id_numbers_and_phones_masked(login: Callable[[str], TestClient], tw: TalentWorld) -> None:
    masked = ID_WANG[:4] + "*" * 10 + ID_WANG[-4:]
    assert ID_WANG in login("hejin").get(f"/talents/{tw.talent.id}").text
    assert ID_WANG in login("talent1").get(f"/talents/{tw.talent.id}").text
    page = login("employer").get(f"/talents/{tw.talent.id}").text
    assert ID_WANG not in page and masked in page and "13912340000" not in page
    assert login("police").get(f"/talents/{tw.talent.id}").status_code == 404  # no step: not theirs to see
    api = login("employer").get("/api/talents").json()
    assert "13912340000" not in str(api)


def test_lists_are_scoped(login: Callable[[str], TestClient], tw: TalentWorld) -> None:
    assert "王测才" in login("province").get("/talents").text
    assert "王测才" not in login("university").get("/talents").text
    assert login("outsider").get("/talents").status_code == 403


def test_office_api_apartments_subsidies_internships(login: Callable[[str], TestClient], tw: TalentWorld,
                                                     world: World) -> None:
    office, emp = login("hejin"), login("employer")
    h, he = {"X-CSRF-Token": csrf_for(office)}, {"X-CSRF-Token": csrf_for(emp)}
    assert office.post(f"/api/talent/apartments/{tw.apartment.id}/units", json={"unit_no": "2-801"},
                       headers=h).status_code == 201
    stay = {"apartment_id": tw.apartment.id, "unit_no": "2-801", "talent_id": tw.talent.id,
            "from_on": "2026-05-01", "to_on": "2027-05-01"}
    assert emp.post("/api/talent/allocations", json=stay, headers=he).status_code == 403
    first = office.post("/api/talent/allocations", json=stay, headers=h)
    assert first.status_code == 201, first.text
    again = office.post("/api/talent/allocations", json=stay | {"from_on": "2026-09-01"}, headers=h)
    assert again.status_code == 409 and "重叠" in again.json()["detail"]
    out = office.post(f"/api/talent/allocations/{first.json()['id']}/check-out", json={"on": "2026-08-31"},
                      headers=h)
    assert out.status_code == 200 and out.json()["vacated_on"] == "2026-08-31"
    moved_in = office.post("/api/talent/allocations", json=stay | {"from_on": "2026-09-01"}, headers=h)
    assert moved_in.status_code == 201

    grant = office.post("/api/talent/subsidies", headers=h,
                        json={"talent_id": tw.talent.id, "rule": "social_security", "decided_on": "2026-05-01"})
    assert grant.status_code == 201 and grant.json()["total"] == "9600.00"
    assert emp.post(f"/api/talent/subsidies/{grant.json()['id']}/payments",
                    json={"period": "2026-06", "paid_on": "2026-06-30"}, headers=he).status_code == 404
    paid = office.post(f"/api/talent/subsidies/{grant.json()['id']}/payments",
                       json={"period": "2026-06", "paid_on": "2026-06-30"}, headers=h)
    assert paid.status_code == 201 and paid.json()["paid"] == 1
    totals = office.get("/api/talent/subsidy-totals?period=2026").json()
    assert totals == [{"period": "2026-06", "kind": "social_security", "kind_label": "社保补贴", "payments": 1,
                       "amount": "800.00"}]
    assert login("talent1").get("/api/talent/subsidy-totals").json()[0]["amount"] == "800.00"  # their own
    assert emp.get("/api/talent/subsidy-totals").json() == []

    post = emp.post("/api/talent/internship-posts", headers=he, json={
        "title": "质检实习", "host_org_id": tw.employer.id, "places": 1, "starts_on": "2026-07-01",
        "ends_on": "2026-07-10", "daily_subsidy": "80", "accommodation": True, "insurance": True})
    assert post.status_code == 201, post.text
    uni = login("university")
    placed = uni.post("/api/talent/internships", headers={"X-CSRF-Token": csrf_for(uni)}, json={
        "post_id": post.json()["id"], "student_name": "学生甲", "university_id": world.university.id})
    assert placed.status_code == 201, placed.text
    assert placed.json()["subsidy_amount"] == "800.00" and placed.json()["days"] == 10
    full = office.post("/api/talent/internships", headers=h, json={
        "post_id": post.json()["id"], "student_name": "学生乙", "university_id": world.university.id})
    assert full.status_code == 409 and "名额已满" in full.json()["detail"]
    assert "学生甲" in uni.get("/internships").text and "学生甲" not in login("enterprise").get("/internships").text


def test_card_refuse_renew_revoke_on_the_api(login: Callable[[str], TestClient], tw: TalentWorld) -> None:
    office, me = login("hejin"), login("talent1")
    h = {"X-CSRF-Token": csrf_for(office)}
    card = me.post("/api/talent/cards", json={"talent_id": tw.talent.id, "evidence": ["博士学位证书"]},
                   headers={"X-CSRF-Token": csrf_for(me)}).json()
    assert office.post(f"/api/talent/cards/{card['id']}/refuse", json={}, headers=h).status_code == 422
    refused = office.post(f"/api/talent/cards/{card['id']}/refuse", json={"reason": "材料不全"}, headers=h).json()
    assert refused["state_label"] == "未通过" and refused["reason"] == "材料不全"
    again = me.post("/api/talent/cards", json={"talent_id": tw.talent.id}, headers={"X-CSRF-Token": csrf_for(me)})
    issued = office.post(f"/api/talent/cards/{again.json()['id']}/issue", json={"years": 2}, headers=h).json()
    assert issued["card_no"].startswith("RC") and issued["benefits"]
    renewed = office.post(f"/api/talent/cards/{issued['id']}/renew", json={"years": 1}, headers=h).json()
    assert renewed["expires_on"] > issued["expires_on"]
    assert me.post(f"/api/talent/cards/{issued['id']}/revoke", json={"reason": "自行"},
                   headers={"X-CSRF-Token": csrf_for(me)}).status_code == 403
    assert office.post(f"/api/talent/cards/{issued['id']}/revoke", json={"reason": "离晋"},
                       headers=h).json()["state"] == "revoked"
    trail = office.get(f"/talent-cards/{issued['id']}").text.split("操作留痕")[1]  # the card's history in Chinese
    assert "审核通过并发卡" in trail and "续期" in trail and "撤销人才卡" in trail and "撤销授权" not in trail
    assert not any(f"<strong>{word}</strong>" in trail for word in ("issue", "renew", "revoke"))
    assert "不予通过" in office.get(f"/talent-cards/{card['id']}").text.split("操作留痕")[1]
    bad = office.post("/api/talent/benefits", headers=h, json={
        "code": "X", "name": "错部门", "department_id": tw.employer.id, "region_id": tw.hejin.id})
    assert bad.status_code == 422 and "不是政府职能部门" in bad.json()["detail"]
    assert office.post("/api/talent/benefits", headers=h, json={
        "code": "YL", "name": "医疗保健绿色通道", "department_id": tw.police.id, "region_id": tw.hejin.id,
        "kind": "medical", "time_limit_days": 7}).status_code == 201


def test_figures_page_counts_talents_and_interns(login: Callable[[str], TestClient], tw: TalentWorld,
                                                 world: World) -> None:
    office = login("hejin")
    h = {"X-CSRF-Token": csrf_for(office)}
    post = office.post("/api/talent/internship-posts", headers=h, json={
        "title": "质检实习", "host_org_id": tw.employer.id, "places": 3, "starts_on": "2026-07-01",
        "ends_on": "2026-07-10"}).json()
    for name in ("学生甲", "学生乙"):
        office.post("/api/talent/internships", headers=h, json={
            "post_id": post["id"], "student_name": name, "university_id": world.university.id})
    page = office.get("/figures").text
    assert "人才与实习实训" in page and "实习实训·分地区" in page and "山西省运城市河津市" in page
    section = page.split('id="talent-figures"')[1].split("</section>\n{% ")[0]
    assert '<span class="figure-value">20</span><span class="figure-label">实习天数' in section
    assert "人才与实习实训" not in login("enterprise").get("/figures").text  # a unit's own figures: none
