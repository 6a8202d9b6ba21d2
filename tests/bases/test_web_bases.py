"""Bases on the web, as the personas use them: the 河津 office takes a base from 申报 to 挂牌 and records an
internship batch (pages and API); the 太原 office and the enterprise are refused; the province office keeps the
type list; an office sets up a 1+1+N pairing with a duty and the lead unit reports it done."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.bases.conftest import BasesWorld
from tests.web.conftest import csrf_for
from xiaodi.bases import service
from xiaodi.bases.models import BaseActivity, BaseState, Duty, DutyState, Pairing, ProgrammeBase


def _base(session: Session, bw: BasesWorld, state: str = "recognised") -> ProgrammeBase:
    base = service.propose_base(session, bw.viewers["hejin"], service.BaseInput(
        name="河津铝业大学生实习实训基地", base_type_id=bw.internship.id, region_id=bw.web.hejin.id,
        host_org_id=bw.web.enterprise.id, partner_org_id=bw.web.university.id, lead_unit_id=bw.lead_unit.id))
    for step in ("review", "recognise")[: ("proposed", "reviewed", "recognised").index(state)]:
        service.take_step(session, bw.viewers["hejin"], base.id, step, on=dt.date(2025, 4, 1))
    session.flush()
    return base


def _pairing(session: Session, bw: BasesWorld, base_id: int | None = None) -> Pairing:
    pairing = service.create_pairing(session, bw.viewers["hejin"], university_id=bw.web.university.id,
                                     lead_unit_id=bw.lead_unit.id, region_id=bw.web.hejin.id,
                                     base_ids=[base_id] if base_id else [], member_ids=[bw.member.id])
    session.flush()
    return pairing


def test_the_office_plaques_a_base_and_records_a_batch_on_the_pages(session: Session, bw: BasesWorld,
                                                                    login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    c: TestClient = login("hejin")
    page = c.get(f"/bases/{base.id}")
    assert page.status_code == 200 and "基地办理" in page.text and "挂牌" in page.text
    r = c.post(f"/bases/{base.id}/steps", data={"csrf_token": csrf_for(c), "step": "plaque", "on": "2025-06-01",
                                                 "ceremony": "河津市政府会议室", "version": str(base.version)})
    assert r.status_code == 200 and "已办理挂牌" in r.text
    r = c.post(f"/bases/{base.id}/activities", data={"csrf_token": csrf_for(c), "kind": "internship",
                                                      "held_on": "2025-07-01", "participants": "30", "days": "20"})
    assert r.status_code == 200 and "已记录实习实训" in r.text and "30 人次" in r.text
    session.refresh(base)
    assert base.state == BaseState.PLAQUED and base.plaque_on == dt.date(2025, 6, 1)
    assert session.scalar(select(BaseActivity.participants).where(BaseActivity.base_id == base.id)) == 30


def test_a_negative_count_on_the_activity_form_is_named_for_what_it_must_be(session: Session, bw: BasesWorld,
                                                                           login) -> None:  # type: ignore[no-untyped-def]
    """参加人次 "-30" and 天数 "-2" typed on /bases/<id>: refused as 非负整数 / 正整数 — “应为整数” read wrong for a
    number that is whole — and nothing is recorded."""
    base = _base(session, bw)
    service.take_step(session, bw.viewers["hejin"], base.id, "plaque", on=dt.date(2025, 6, 1), ceremony="会议室")
    session.flush()
    c: TestClient = login("hejin")
    for field, value, said in (("participants", "-30", "参加人次应为非负整数"), ("days", "-2", "天数应为正整数")):
        form = {"csrf_token": csrf_for(c), "kind": "internship", "held_on": "2025-07-01", "participants": "30",
                "days": "20"} | {field: value}
        r = c.post(f"/bases/{base.id}/activities", data=form)
        assert r.status_code == 422 and said in r.text and "应为整数" not in r.text
    assert session.scalar(select(func.count()).where(BaseActivity.base_id == base.id)) == 0


def test_out_of_order_on_the_page_is_a_chinese_message(session: Session, bw: BasesWorld, login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw, "proposed")
    c = login("hejin")
    r = c.post(f"/bases/{base.id}/steps", data={"csrf_token": csrf_for(c), "step": "plaque", "ceremony": "仪式"})
    assert r.status_code == 422 and "不能办理挂牌" in r.text


def test_another_regions_office_and_the_enterprise_are_refused(session: Session, bw: BasesWorld,
                                                               login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    taiyuan = login("taiyuan")
    assert taiyuan.get(f"/bases/{base.id}").status_code == 404
    r = taiyuan.post(f"/api/bases/{base.id}/steps", json={"step": "plaque", "ceremony": "x"},
                     headers={"x-csrf-token": csrf_for(taiyuan)})
    assert r.status_code == 404
    ent = login("enterprise")
    assert ent.get(f"/bases/{base.id}").status_code == 200  # the host sees its base
    r = ent.post(f"/api/bases/{base.id}/steps", json={"step": "plaque", "ceremony": "x"},
                 headers={"x-csrf-token": csrf_for(ent)})
    assert r.status_code == 403 and "校地合作办公室" in r.json()["detail"]
    session.refresh(base)
    assert base.state == BaseState.RECOGNISED


def test_the_api_runs_a_base_life_and_reports_figures(session: Session, bw: BasesWorld,
                                                      login) -> None:  # type: ignore[no-untyped-def]
    c = login("province")
    h = {"x-csrf-token": csrf_for(c)}
    r = c.post("/api/bases", headers=h, json={"name": "山西大学河津智库合作基地", "base_type_id":
                                              service.type_by_name(session, "think_tank").id,
                                              "region_id": bw.web.hejin.id, "partner_org_id": bw.web.university.id})
    assert r.status_code == 201, r.text
    base_id = r.json()["id"]
    for step in ({"step": "review"}, {"step": "recognise", "on": "2025-04-01"},
                 {"step": "plaque", "on": "2025-05-01", "ceremony": "揭牌仪式"}, {"step": "operate"}):
        r = c.post(f"/api/bases/{base_id}/steps", headers=h, json=step)
        assert r.status_code == 200, r.text
    assert r.json()["state_label"] == "运行中" and "yearly_review" in r.json()["next_steps"]
    r = c.post(f"/api/bases/{base_id}/activities", headers=h,
               json={"kind": "training", "held_on": "2025-06-01", "participants": 40, "days": 2})
    assert r.status_code == 201
    figures = c.get("/api/base-figures", params={"region_id": bw.web.hejin.id}).json()
    assert figures["by_type"] == {"智库合作基地": 1}
    assert figures["activities"][0]["person_days"] == 80
    assert "/api/bases/{base_id}/steps" in c.get("/api/openapi.json").json()["paths"]


def test_the_province_office_keeps_the_types_others_cannot(session: Session, bw: BasesWorld,
                                                           login) -> None:  # type: ignore[no-untyped-def]
    hejin = login("hejin")
    r = hejin.post("/api/base-types", json={"name": "县办自创基地"}, headers={"x-csrf-token": csrf_for(hejin)})
    assert r.status_code == 403
    prov = login("province")
    page = prov.get("/base-types")
    assert page.status_code == 200 and "红色教育和国情教育基地" in page.text and "新增基地类型" in page.text
    r = prov.post("/base-types", data={"csrf_token": csrf_for(prov), "name": "乡村振兴示范基地"})
    assert r.status_code == 200 and "已新增基地类型" in r.text
    row = service.type_by_name(session, "乡村振兴示范基地")
    r = prov.patch(f"/api/base-types/{row.id}", json={"is_active": False, "reason": "试行结束"},
                   headers={"x-csrf-token": csrf_for(prov)})
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_a_pairing_with_a_wrong_kind_is_refused_and_nothing_written(session: Session, bw: BasesWorld,
                                                                    login) -> None:  # type: ignore[no-untyped-def]
    c = login("hejin")
    r = c.post("/api/pairings", headers={"x-csrf-token": csrf_for(c)},
               json={"university_id": bw.web.enterprise.id, "lead_unit_id": bw.lead_unit.id,
                     "region_id": bw.web.hejin.id})
    assert r.status_code == 422 and "不是高校" in r.json()["detail"]
    r = c.post("/api/pairings", headers={"x-csrf-token": csrf_for(c)},
               json={"university_id": bw.web.university.id, "lead_unit_id": bw.web.enterprise.id,
                     "region_id": bw.web.hejin.id})
    assert r.status_code == 422 and "不是牵头单位" in r.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Pairing)) == 0


def test_the_lead_unit_sees_its_duties_and_reports_one_done(session: Session, bw: BasesWorld,
                                                            login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    pairing = _pairing(session, bw, base.id)
    office = login("hejin")
    r = office.post(f"/pairings/{pairing.id}/duties", data={
        "csrf_token": csrf_for(office), "unit_id": str(bw.lead_unit.id), "title": "组织暑期实习实训",
        "due_on": "2025-08-31", "milestone_title": ["发布岗位", ""], "milestone_due": ["2025-06-30", ""]})
    assert r.status_code == 200 and "已下达职责任务" in r.text
    duty = session.scalars(select(Duty).where(Duty.pairing_id == pairing.id)).one()
    lead = login("lead")
    assert "组织暑期实习实训" in lead.get("/duties").text
    assert "河津铝业大学生实习实训基地" in lead.get("/bases").text
    assert lead.get(f"/pairings/{pairing.id}").status_code == 200
    r = lead.post(f"/duties/{duty.id}/reports", data={"csrf_token": csrf_for(lead), "note": "接收实习学生30人",
                                                      "done": "1"})
    assert r.status_code == 422 and "佐证材料" in r.text
    r = lead.post(f"/duties/{duty.id}/reports", data={"csrf_token": csrf_for(lead), "note": "接收实习学生30人",
                                                      "evidence": "实习名单.xlsx", "done": "1"})
    assert r.status_code == 200 and "已报告完成" in r.text
    session.refresh(duty)
    assert duty.state == DutyState.DONE and duty.evidence == "实习名单.xlsx"
    assert all(m.done_on is not None for m in duty.milestones)


def test_only_the_duty_unit_reports_and_others_do_not_see_it(session: Session, bw: BasesWorld,
                                                             login) -> None:  # type: ignore[no-untyped-def]
    pairing = _pairing(session, bw)
    duty = service.add_duty(session, bw.viewers["hejin"], pairing.id, service.DutyInput(
        unit_id=bw.member.id, title="教育局任务", due_on=dt.date(2025, 9, 1)))
    session.flush()
    lead = login("lead")  # sees the pairing's plan, but the duty is the member unit's
    r = lead.post(f"/api/duties/{duty.id}/reports", json={"note": "代报"}, headers={"x-csrf-token": csrf_for(lead)})
    assert r.status_code == 403
    taiyuan = login("taiyuan")
    r = taiyuan.get(f"/api/duties/{duty.id}")
    assert r.status_code == 404
    ent = login("enterprise")
    assert ent.get(f"/pairings/{pairing.id}").status_code == 404
