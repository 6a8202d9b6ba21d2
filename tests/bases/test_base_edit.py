"""修改基地信息: the 河津 office corrects a base's host unit, partner university, lead unit, capacity, contact,
name and type on the base's edit page and through the API — each change audited with its reason; 太原's office
and the enterprise are refused; a mistake brings the form back with what was typed and nothing written."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.bases.conftest import ACTOR, BasesWorld
from tests.web.conftest import csrf_for
from xiaodi.bases import service
from xiaodi.bases.models import ProgrammeBase
from xiaodi.core.audit import AuditEntry
from xiaodi.directory.models import OrgKind
from xiaodi.directory.service import create_organisation


def _base(session: Session, bw: BasesWorld) -> ProgrammeBase:
    base = service.propose_base(session, bw.viewers["hejin"], service.BaseInput(
        name="河津铝业大学生实习实训基地", base_type_id=bw.internship.id, region_id=bw.web.hejin.id,
        host_org_id=bw.web.enterprise.id, partner_org_id=bw.web.university.id, capacity=50,
        contact_name="李工", contact_phone="13900001111"))
    session.flush()
    return base


def _form(c: TestClient, base: ProgrammeBase, **changes: str) -> dict[str, str]:
    return {"csrf_token": csrf_for(c), "version": str(base.version), "name": base.name,
            "base_type_id": str(base.base_type_id), "region": "山西省运城市河津市", "host": base.host.name,
            "partner": base.partner.name, "lead_unit": "", "capacity": "50", "address": "",
            "contact_name": "李工", "contact_phone": "13900001111", "note": "", "reason": ""} | changes


def test_the_office_edits_a_base_on_its_page_audited(session: Session, bw: BasesWorld, login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    new_host = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="河津示例铝业有限公司",
                                   region_id=bw.web.hejin.id)
    session.flush()
    c: TestClient = login("hejin")
    detail = c.get(f"/bases/{base.id}").text
    assert f'href="/bases/{base.id}/edit"' in detail
    form = c.get(f"/bases/{base.id}/edit")
    assert form.status_code == 200 and 'value="河津铝业大学生实习实训基地"' in form.text and 'value="李工"' in form.text
    employment = service.type_by_name(session, "employment")
    r = c.post(f"/bases/{base.id}/edit", data=_form(
        c, base, name="河津铝业大学生就业创业基地", base_type_id=str(employment.id), host="河津示例铝业有限公司",
        lead_unit=bw.lead_unit.name, capacity="120", contact_name="王工", contact_phone="13900002222",
        reason="依托单位更名，扩大接纳规模"))
    assert r.status_code == 200 and "的信息已保存" in r.text, r.text
    session.expire_all()
    saved = session.get(ProgrammeBase, base.id)
    assert saved is not None
    assert (saved.name, saved.base_type_id, saved.host_org_id, saved.lead_unit_id, saved.capacity,
            saved.contact_name, saved.contact_phone) == ("河津铝业大学生就业创业基地", employment.id, new_host.id,
                                                         bw.lead_unit.id, 120, "王工", "13900002222")
    assert saved.partner_org_id == bw.web.university.id and saved.region_id == bw.web.hejin.id  # kept
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "programme_base",
                                                     AuditEntry.entity_id == base.id,
                                                     AuditEntry.action == "update")).one()
    assert entry.reason == "依托单位更名，扩大接纳规模"
    assert entry.before["capacity"] == 50 and entry.after["capacity"] == 120
    assert entry.after["host_org_id"] == new_host.id and "partner_org_id" not in entry.after


def test_a_mistake_brings_the_form_back_filled_and_writes_nothing(session: Session, bw: BasesWorld,
                                                                  login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    c: TestClient = login("hejin")
    r = c.post(f"/bases/{base.id}/edit", data=_form(c, base, name="河津铝业实训基地（新）", capacity="很多",
                                                    contact_name="赵工"),
               headers={"referer": f"http://testserver/bases/{base.id}/edit"})
    assert r.status_code == 422 and "年承载人次应为非负整数" in r.text
    negative = c.post(f"/bases/{base.id}/edit", data=_form(c, base, capacity="-50"))
    assert negative.status_code == 422 and "年承载人次应为非负整数" in negative.text
    assert 'value="河津铝业实训基地（新）"' in r.text and 'value="很多"' in r.text and 'value="赵工"' in r.text
    r = c.post(f"/bases/{base.id}/edit", data=_form(c, base, host="不存在的某某公司", contact_name="赵工"))
    assert r.status_code == 422 and "依托单位" in r.text and 'value="不存在的某某公司"' in r.text
    session.expire_all()
    kept = session.get(ProgrammeBase, base.id)
    assert kept is not None
    assert (kept.name, kept.capacity, kept.contact_name) == ("河津铝业大学生实习实训基地", 50, "李工")


def test_other_offices_and_units_cannot_edit_on_page_or_api(session: Session, bw: BasesWorld,
                                                            login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    taiyuan, enterprise = login("taiyuan"), login("enterprise")
    assert taiyuan.get(f"/bases/{base.id}/edit").status_code == 404  # outside its scope: not even seen
    assert taiyuan.post(f"/bases/{base.id}/edit", data=_form(taiyuan, base, capacity="999")).status_code == 404
    assert enterprise.get(f"/bases/{base.id}/edit").status_code == 403  # its own base, but not office work
    assert f'href="/bases/{base.id}/edit"' not in enterprise.get(f"/bases/{base.id}").text
    assert enterprise.post(f"/bases/{base.id}/edit", data=_form(enterprise, base, capacity="999")).status_code == 403
    r = enterprise.patch(f"/api/bases/{base.id}", headers={"x-csrf-token": csrf_for(enterprise)},
                         json={"capacity": 999})
    assert r.status_code == 403
    hejin = login("hejin")
    r = hejin.patch(f"/api/bases/{base.id}", headers={"x-csrf-token": csrf_for(hejin)},
                    json={"region_id": bw.web.taiyuan.id, "reason": "迁址"})
    assert r.status_code == 403 and "把基地移到该地区" in r.json()["detail"]
    session.expire_all()
    assert session.get(ProgrammeBase, base.id).capacity == 50  # type: ignore[union-attr]


def test_the_api_edits_a_base_with_its_version(session: Session, bw: BasesWorld, login) -> None:  # type: ignore[no-untyped-def]
    base = _base(session, bw)
    c = login("hejin")
    r = c.patch(f"/api/bases/{base.id}", headers={"x-csrf-token": csrf_for(c)},
                json={"lead_unit_id": bw.lead_unit.id, "capacity": 80, "contact_name": "王工",
                      "expected_version": base.version, "reason": "明确牵头单位"})
    assert r.status_code == 200, r.text
    assert r.json()["lead_unit_id"] == bw.lead_unit.id and r.json()["capacity"] == 80
    stale = c.patch(f"/api/bases/{base.id}", headers={"x-csrf-token": csrf_for(c)},
                    json={"capacity": 90, "expected_version": base.version})
    assert stale.status_code == 409
    wrong = c.patch(f"/api/bases/{base.id}", headers={"x-csrf-token": csrf_for(c)},
                    json={"partner_org_id": bw.lead_unit.id})
    assert wrong.status_code == 422 and "不是高校或科研院所" in wrong.json()["detail"]
