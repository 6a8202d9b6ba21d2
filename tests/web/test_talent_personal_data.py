"""A talent's ID number and phone (身份证号、手机) on every page, export and API answer: in full for the talent and
the offices of the region, masked for the employer; never in the information table's file, the audit trail
of the register entry, the card, application, apartment or subsidy pages. A malformed ID number is refused
however a talent's person is written — the register, the directory, adopting a directory person — and the
talents table carries no ID numbers at all (a 身份证号 column is reported as ignored, nothing is stored)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.talent.conftest import ACTOR, ID_WANG, TalentWorld
from tests.web.test_talent_pages import tw  # noqa: F401
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.errors import ValidationFailed
from xiaodi.demands import service as demands
from xiaodi.directory.models import Person, PersonKind
from xiaodi.directory.service import create_person, update_person
from xiaodi.talent import service
from xiaodi.talent.models import Talent

from .conftest import PASSWORD, csrf_for

PHONE = "13912340000"
MASKED_PHONE = "139****0000"
BAD_ID = "110105194912310021"  # the check digit should be X


def _cells(xlsx: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).active
    assert sheet is not None
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def _everything_about(c: TestClient, world: TalentWorld) -> str:
    """The text of every page, export and API answer that names the talent."""
    tid = world.talent.id
    parts = [c.get("/talents").text, c.get(f"/talents/{tid}").text, str(c.get("/api/talents").json()),
             str(c.get(f"/api/talents/{tid}").json()), str(c.get(f"/api/talents/{tid}/history").json()),
             _cells(c.get("/talents/export.xlsx").content), c.get("/talents?q=RC").text]
    return "\n".join(parts)


@pytest.mark.parametrize("persona", ["employer"])
def test_the_employer_sees_its_talent_masked_everywhere(persona: str, login: Callable[[str], TestClient],
                                                        tw: TalentWorld) -> None:  # noqa: F811
    text = _everything_about(login(persona), tw)
    assert "王测才" in text  # the employer does see its talent …
    assert ID_WANG not in text and PHONE not in text  # … but neither number in full
    assert MASKED_PHONE in text and ID_WANG[:4] + "*" * 10 + ID_WANG[-4:] in text


@pytest.mark.parametrize("persona", ["hejin", "province", "talent1"])
def test_the_talent_and_the_offices_of_the_region_see_them_in_full(
        persona: str, login: Callable[[str], TestClient], tw: TalentWorld) -> None:  # noqa: F811
    c = login(persona)
    assert ID_WANG in c.get(f"/talents/{tw.talent.id}").text
    assert ID_WANG in str(c.get(f"/api/talents/{tw.talent.id}").json())


def test_the_file_and_the_service_pages_carry_no_personal_numbers(
        login: Callable[[str], TestClient], tw: TalentWorld) -> None:  # noqa: F811
    office = login("hejin")
    h = {"X-CSRF-Token": csrf_for(office)}
    card = office.post("/api/talent/cards", json={"talent_id": tw.talent.id}, headers=h).json()
    office.post(f"/api/talent/cards/{card['id']}/issue", json={}, headers=h)
    office.post("/api/talent/allocations", headers=h, json={"apartment_id": tw.apartment.id, "unit_no": "1-1",
                                                           "talent_id": tw.talent.id, "from_on": "2026-05-01"})
    office.post("/api/talent/subsidies", headers=h, json={"talent_id": tw.talent.id, "rule": "social_security"})
    # the information table holds no personal numbers, even for the office (they are entered on the pages)
    assert ID_WANG not in _cells(office.get("/talents/export.xlsx").content)
    for path in (f"/talent-cards/{card['id']}", "/talent-cards", "/talent/apartments", "/talent/subsidies",
                 "/api/talent/allocations", "/api/talent/subsidies", f"/api/talent/cards/{card['id']}"):
        text = office.get(path).text
        assert ID_WANG not in text and PHONE not in text, path


def test_a_malformed_id_number_is_refused_however_a_talent_is_written(
        session: Session, tw: TalentWorld) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed, match="校验位"):
        create_person(session, actor=ACTOR, kind=PersonKind.TALENT, name="错号一", id_number=BAD_ID)
    with pytest.raises(ValidationFailed, match="校验位"):
        update_person(session, actor=ACTOR, person_id=tw.talent.person_id, id_number=BAD_ID)
    assert session.get(Person, tw.talent.person_id).id_number == ID_WANG  # type: ignore[union-attr]
    assert create_person(session, actor=ACTOR, kind=PersonKind.TALENT, name="对号", id_number="11010519491231002x"
                         ).id_number == "11010519491231002X"  # canonical form
    # an earlier directory record holding a number the rule refuses (written before numbers were checked)
    # cannot become a talent so
    expert = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="旧号专家")
    expert.id_number = BAD_ID
    session.flush()
    with pytest.raises(ValidationFailed, match=r"旧号专家.*身份证号码有误"):
        service.register_talent(session, tw.office, name="", region_id=tw.hejin.id, person_id=expert.id)
    assert session.scalar(select(Talent.id).where(Talent.person_id == expert.id)) is None


def test_the_talents_table_stores_no_id_numbers(login: Callable[[str], TestClient], tw: TalentWorld,  # noqa: F811
                                                session: Session) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["登记编号", "姓名", "所在地区", "身份证号"])
    writer.writerow(["RC140882-900001", "表格才", "山西省运城市河津市", BAD_ID])
    office = login("hejin")
    r = office.post("/import", data={"table": "talents", "csrf_token": csrf_for(office)},
                    files={"file": ("talents.csv", buf.getvalue().encode("utf-8-sig"), "text/csv")})
    assert r.status_code == 200 and "不认识的列，已忽略：身份证号" in r.text
    found = re.search(r'name="upload_id" value="([^"]+)"', r.text)
    assert found
    office.post("/import/confirm", data={"upload_id": found.group(1), "csrf_token": csrf_for(office)})
    person = session.scalars(select(Person).join(Talent, Talent.person_id == Person.id)
                             .where(Talent.code == "RC140882-900001")).one()
    assert person.id_number is None


@pytest.mark.parametrize("bad, why", [
    ("11010519491231002", "18位"), ("110105194912310021", "校验位"), ("110105194913310029", "出生日期"),
    ("990105194912310023", "省级行政区划代码"), ("110105289912310028", "合理范围"),
])
def test_every_persons_id_number_is_checked_when_entered_or_changed(
        session: Session, tw: TalentWorld, bad: str, why: str) -> None:  # noqa: F811
    """An expert's or a contact's number follows the talent's rule (GB 11643: format, province, birth date,
    check digit); a record written before, holding a refused number, keeps its other fields editable."""
    people = session.scalar(select(func.count()).select_from(Person))
    for kind in (PersonKind.EXPERT, PersonKind.CONTACT):
        with pytest.raises(ValidationFailed, match=why):
            create_person(session, actor=ACTOR, kind=kind, name="错号专家", id_number=bad)
    assert session.scalar(select(func.count()).select_from(Person)) == people
    expert = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="对号专家",
                           id_number="11010519491231002x")
    assert expert.id_number == "11010519491231002X"
    with pytest.raises(ValidationFailed, match=why):
        update_person(session, actor=ACTOR, person_id=expert.id, id_number=bad)
    assert expert.id_number == "11010519491231002X"
    expert.id_number = BAD_ID  # an earlier record
    session.flush()
    update_person(session, actor=ACTOR, person_id=expert.id, id_number=BAD_ID, title="教授")
    assert (expert.id_number, expert.title) == (BAD_ID, "教授")


def test_a_talent_account_naming_its_employer_does_not_act_for_it(
        login: Callable[[str], TestClient], tw: TalentWorld, session: Session) -> None:  # noqa: F811
    """The demo's talent account is scoped to its employer (where the talent works): it still sees only what is
    the talent's own — not the employer's other talents and their phones, not the employer's draft demands."""
    accounts.create_user(session, actor=ACTOR, username="talent-at-work", display_name="王测才",
                         password=PASSWORD, person_id=tw.talent.person_id, role=Role.TALENT,
                         organisation_id=tw.employer.id)
    colleague = service.register_talent(session, tw.office, name="李同事", region_id=tw.hejin.id,
                                        phone="13955556666", employer_id=tw.employer.id)
    draft = demands.create_demand(session, actor=ACTOR, owner_id=tw.employer.id, title="企业草稿需求",
                                  kind="technology")
    session.flush()
    me = login("talent-at-work")
    assert [t["code"] for t in me.get("/api/talents").json()["items"]] == [tw.talent.code]
    assert me.get(f"/api/talents/{colleague.id}").status_code == 404
    assert "李同事" not in me.get("/talents").text and "13955556666" not in me.get("/talents").text
    assert me.get(f"/api/demands/{draft.id}").status_code == 404
    assert "我的人才服务" in me.get("/").text  # and lands on the talent's own page
    assert "李同事" in login("employer").get("/talents").text  # the employer itself does see its colleague
