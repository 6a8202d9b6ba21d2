"""Talent apartments and subsidies on the pages (人才公寓、人才补贴): 河津's office registers a room, allocates it to
王测才 for dates, is refused an overlapping stay with a Chinese message and its form kept as typed, checks the
talent out and moves the next one in; it decides a subsidy by rule, pays instalments and reads the totals per
period. The employer, the 太原 office and the talent see none of the forms and may not act — alike on pages and
API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.talent.conftest import TalentWorld
from tests.web.test_talent_pages import tw  # noqa: F401
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.errors import NotFound
from xiaodi.talent import service
from xiaodi.talent.models import ApartmentAllocation, Subsidy, SubsidyGrant

from .conftest import ACTOR, PASSWORD, csrf_for

PAGE = "http://testserver/talent/apartments"


def _post(c: TestClient, path: str, data: dict[str, object], referer: str = PAGE) -> object:
    return c.post(path, data={**data, "csrf_token": csrf_for(c)}, headers={"Referer": referer})


def test_office_allocates_a_unit_refuses_an_overlap_and_checks_out(
        login: Callable[[str], TestClient], tw: TalentWorld, session: Session) -> None:  # noqa: F811
    office = login("hejin")
    page = office.get("/talents").text
    assert 'href="/talent/apartments"' in page and 'href="/talent/subsidies"' in page  # linked from the list
    page = office.get("/talent/apartments").text
    assert "河津人才公寓测试" in page and "分配入住" in page and "河津市" in page

    r = _post(office, f"/talent/apartments/{tw.apartment.id}/units", {"unit_no": "2-801", "layout": "一室一厅"})
    assert r.status_code == 200 and "已登记房间 2-801" in r.text  # type: ignore[attr-defined]
    stay = {"apartment_id": str(tw.apartment.id), "unit_no": "2-801", "talent": tw.talent.code,
            "from_on": "2026-05-01", "to_on": "2027-04-30"}
    r = _post(office, "/talent/apartments/allocate", stay)
    assert r.status_code == 200 and "已分配" in r.text and "王测才" in r.text  # type: ignore[attr-defined]
    [first] = session.scalars(select(ApartmentAllocation).where(
        ApartmentAllocation.apartment_id == tw.apartment.id)).all()

    # a second stay overlapping the first: a clear Chinese error, the form as typed, nothing written
    r = _post(office, "/talent/apartments/allocate", stay | {"from_on": "2026-09-01", "to_on": "2026-12-31"})
    assert r.status_code == 409  # type: ignore[attr-defined]
    text = r.text  # type: ignore[attr-defined]
    assert 'role="alert"' in text and "分配时间重叠" in text and "2-801" in text
    assert 'value="2026-09-01"' in text and 'value="2026-12-31"' in text and f'value="{tw.talent.code}"' in text
    assert session.scalar(select(ApartmentAllocation.id).where(ApartmentAllocation.id != first.id)) is None

    # a talent the office does not know, and a malformed date, are refused in Chinese too
    r = _post(office, "/talent/apartments/allocate", stay | {"talent": "查无此人"})
    assert r.status_code == 422 and "没有找到人才“查无此人”" in r.text  # type: ignore[attr-defined]
    r = _post(office, "/talent/apartments/allocate", stay | {"from_on": "2026/13/01"})
    assert r.status_code == 422 and "入住日期应写作 YYYY-MM-DD" in r.text  # type: ignore[attr-defined]

    page = office.get("/talent/apartments").text
    assert "入住记录" in page and "2027-04-30" in page and "办理退房" in page
    r = _post(office, f"/talent/allocations/{first.id}/check-out", {"on": "2026-08-31"})
    assert r.status_code == 200 and "已办理退房" in r.text and "已退房" in r.text  # type: ignore[attr-defined]
    r = _post(office, "/talent/apartments/allocate", stay | {"from_on": "2026-09-01", "to_on": "2026-12-31"})
    assert r.status_code == 200 and "已分配" in r.text  # type: ignore[attr-defined]

    # the states filter and the API list the same stays, with region and state
    assert "已退房" in office.get("/talent/apartments", params={"state": "vacated"}).text
    stays = office.get("/api/talent/allocations", params={"state": "vacated"}).json()
    assert [(s["unit_no"], s["vacated_on"], s["state_label"], s["region_id"]) for s in stays] == [
        ("2-801", "2026-08-31", "已退房", tw.hejin.id)]
    [apt] = [a for a in office.get("/api/talent/apartments").json() if a["id"] == tw.apartment.id]
    assert apt["region"] == "河津市" and [u["unit_no"] for u in apt["units"]] == ["2-801"]


def test_others_see_no_forms_and_may_not_allocate(
        login: Callable[[str], TestClient], tw: TalentWorld, session: Session) -> None:  # noqa: F811
    office = login("hejin")
    office_stay = office.post("/api/talent/allocations", headers={"X-CSRF-Token": csrf_for(office)}, json={
        "apartment_id": tw.apartment.id, "unit_no": "1-101", "talent_id": tw.talent.id, "from_on": "2026-05-01"})
    assert office_stay.status_code == 201
    accounts.create_user(session, actor=ACTOR, username="taiyuan", display_name="太原办", password=PASSWORD,
                         role=Role.CITY_OFFICE, region_id=tw.taiyuan.id)
    session.flush()
    stay = {"apartment_id": str(tw.apartment.id), "unit_no": "1-102", "talent": tw.talent.code,
            "from_on": "2026-05-01"}
    # 太原's office knows no talent of 河津 (422 "没有找到人才"), the others may not allocate at all (403)
    for name, refused in (("employer", 403), ("taiyuan", 422), ("talent1", 403)):
        c = login(name)
        page = c.get("/talent/apartments").text
        assert 'action="/talent/apartments/allocate"' not in page and "登记房间" not in page, name
        assert ("河津人才公寓测试" in page) == (name == "talent1"), name  # the talent sees their own stay
        assert _post(c, "/talent/apartments/allocate", stay).status_code == refused, name  # type: ignore
        assert _post(c, f"/talent/allocations/{office_stay.json()['id']}/check-out", {"on": "2026-06-01"}
                     ).status_code in (403, 404), name  # type: ignore[attr-defined]
    for name in ("employer", "talent1"):
        assert 'href="/talent/subsidies"' not in login(name).get("/talents").text, name
    assert session.scalar(select(ApartmentAllocation.id).where(ApartmentAllocation.unit_no == "1-102")) is None
    # the talent sees their own stay, nobody else's
    mine = login("talent1").get("/api/talent/allocations").json()
    assert [s["unit_no"] for s in mine] == ["1-101"]
    assert login("employer").get("/api/talent/allocations").json() == []


def test_office_decides_a_subsidy_pays_instalments_and_reads_totals(
        login: Callable[[str], TestClient], tw: TalentWorld, session: Session) -> None:  # noqa: F811
    office = login("hejin")
    page = "http://testserver/talent/subsidies"
    text = office.get("/talent/subsidies").text
    assert "补贴认定" in text and "社保补贴" in text
    r = _post(office, "/talent/subsidies/decide", {"talent": "王测才", "rule": "social_security",
                                                   "decided_on": "2026-05-01"}, page)
    assert r.status_code == 200 and "共 12 期" in r.text and "9600.00" in r.text  # type: ignore[attr-defined]
    # the rule decides who qualifies: a C-class talent gets no A/B living subsidy
    r = _post(office, "/talent/subsidies/decide", {"talent": "王测才", "rule": "living_top"}, page)
    assert r.status_code == 422 and "不符合" in r.text and 'value="王测才"' in r.text  # type: ignore[attr-defined]
    grant = session.scalars(select(SubsidyGrant).where(SubsidyGrant.talent_id == tw.talent.id)).one()

    for period in ("2026-05", "2026-06"):
        r = _post(office, f"/talent/subsidies/{grant.id}/pay", {"period": period, "paid_on": f"{period}-28"}, page)
        assert r.status_code == 200 and f"已发放 {period} 期" in r.text  # type: ignore[attr-defined]
    r = _post(office, f"/talent/subsidies/{grant.id}/pay", {"period": "2026-06", "paid_on": "2026-06-30"}, page)
    assert r.status_code == 409 and "已发放" in r.text  # type: ignore[attr-defined]
    assert len(session.scalars(select(Subsidy).where(Subsidy.grant_id == grant.id)).all()) == 2

    text = office.get("/talent/subsidies", params={"period": "2026"}).text
    assert "2 / 12 期" in text and "1600" in text and "2026-06" in text
    assert "该期次没有发放记录" in office.get("/talent/subsidies", params={"period": "2025"}).text
    [g] = office.get("/api/talent/subsidies").json()
    assert g["paid"] == 2 and g["paid_amount"] == "1600.00" and g["total"] == "9600.00"

    emp = login("employer")
    page_e = emp.get("/talent/subsidies").text
    assert 'action="/talent/subsidies/decide"' not in page_e and "王测才" not in page_e
    assert emp.get("/api/talent/subsidies").json() == []
    assert _post(emp, f"/talent/subsidies/{grant.id}/pay", {"period": "2026-07"}, page
                 ).status_code == 404  # type: ignore[attr-defined]
    assert _post(emp, "/talent/subsidies/decide", {"talent": tw.talent.code, "rule": "social_security"}, page
                 ).status_code == 403  # type: ignore[attr-defined]
    assert [g["id"] for g in login("talent1").get("/api/talent/subsidies").json()] == [grant.id]  # their own


def test_a_stay_for_a_talent_of_another_region_is_not_found(tw: TalentWorld, session: Session) -> None:  # noqa: F811
    other = service.register_talent(session, tw.taiyuan_office, name="太原才", region_id=tw.taiyuan.id)
    with pytest.raises(NotFound, match="不存在或您无权查看"):
        service.allocate(session, tw.office, apartment_id=tw.apartment.id, unit_no="3-1", talent_id=other.id,
                         from_on=tw.talent.introduced_on)  # type: ignore[arg-type]


def test_an_office_registers_an_apartment_and_its_rooms_before_allocating(
        login: Callable[[str], TestClient], tw: TalentWorld, session: Session) -> None:  # noqa: F811
    """Only the demo made apartments: a real deployment had none to allocate. 河津's office registers one on the page
    (and through the API); an employer may not, nor may an office register one in another region."""
    office = login("hejin")
    assert 'action="/talent/apartments/new"' in office.get("/talent/apartments").text
    r = _post(office, "/talent/apartments/new", {"name": "河津市青年人才驿站", "region_id": str(tw.hejin.id),
                                                  "address": "龙门大道1号"})
    assert r.status_code == 200 and "已登记人才公寓“河津市青年人才驿站”" in r.text  # type: ignore[attr-defined]
    created = office.post("/api/talent/apartments", headers={"X-CSRF-Token": csrf_for(office)},
                          json={"name": "河津市人才公寓二期", "region_id": tw.hejin.id})
    assert created.status_code == 201
    assert _post(office, "/talent/apartments/new", {"name": "河津市青年人才驿站", "region_id": str(tw.hejin.id)}
                 ).status_code == 409  # type: ignore[attr-defined]
    for name, region in (("hejin", tw.taiyuan.id), ("employer", tw.hejin.id)):
        r = _post(login(name), "/talent/apartments/new", {"name": f"越权公寓{name}", "region_id": str(region)})
        assert r.status_code == 403, name  # type: ignore[attr-defined]
    assert 'action="/talent/apartments/new"' not in login("employer").get("/talent/apartments").text
