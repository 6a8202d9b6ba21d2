"""Talent-service fixtures: 河津市 with its office, two departments (公安局 for 落户, 教育局 for 子女入学), a
talent with evidence and an account, an employer, a 太原 office that must see nothing of 河津, and a tier list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import Actor
from xiaodi.core.records import create
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.service import create_organisation
from xiaodi.talent import service
from xiaodi.talent.models import Apartment, Talent, TalentTier

ACTOR = Actor.system("test")
ID_WANG = "11010519491231002X"  # a valid GB 11643 number (check digit X)


@dataclass
class TalentWorld:
    hejin: Region
    taiyuan: Region
    office: Viewer  # 河津市办公室
    taiyuan_office: Viewer
    police: Organisation  # 河津市公安局 (落户)
    education: Organisation  # 河津市教育局 (子女入学)
    police_staff: Viewer
    education_staff: Viewer
    employer: Organisation
    employer_staff: Viewer
    talent: Talent
    talent_viewer: Viewer
    settle_id: int  # benefit 落户 (all tiers) by the police
    school_id: int  # benefit 子女入学 (all tiers) by education
    top_only_id: int  # a benefit for A-class only
    apartment: Apartment


def _region(session: Session, code: str) -> Region:
    return session.scalars(select(Region).where(Region.code == code)).one()


def _staff(name: str, org: Organisation) -> Viewer:
    return Viewer(user_id=None, name=name, roles=frozenset({Role.LEAD_UNIT}), organisation_ids=frozenset({org.id}))


@pytest.fixture
def tw(session: Session) -> TalentWorld:
    return build_talent_world(session)


def build_talent_world(session: Session) -> TalentWorld:
    hejin, taiyuan = _region(session, "140882"), _region(session, "140100")
    office = Viewer(user_id=None, name="河津市办公室·王敏", roles=frozenset({Role.COUNTY_OFFICE}),
                    region_ids=frozenset({hejin.id}))
    taiyuan_office = Viewer(user_id=None, name="太原市办公室·赵", roles=frozenset({Role.CITY_OFFICE}),
                            region_ids=frozenset({taiyuan.id}))
    for code, name, rank in (("A", "顶尖人才", 1), ("B", "领军人才", 2), ("C", "拔尖人才", 3), ("D", "优秀人才", 4)):
        if session.scalar(select(TalentTier.id).where(TalentTier.code == code)) is None:
            create(session, TalentTier(code=code, name=name, rank=rank), actor=ACTOR)
    police = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="河津市公安局测试",
                                 region_id=hejin.id)
    education = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="河津市教育局测试",
                                    region_id=hejin.id)
    employer = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="河津测试新材料有限公司",
                                   region_id=hejin.id)
    uni = session.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
    talent = service.register_talent(session, office, name="王测才", region_id=hejin.id, id_number=ID_WANG,
                                     phone="13912340000", tier="C", category="青年博士", employer_id=employer.id,
                                     university_id=uni.id, introduced_on=dt.date(2026, 3, 1),
                                     evidence=["博士学位证书", "劳动合同"])
    settle = service.add_benefit(session, office, code="LH", name="落户", department_id=police.id,
                                 region_id=hejin.id, kind="settlement", time_limit_days=5)
    school = service.add_benefit(session, office, code="RX", name="子女入学", department_id=education.id,
                                 region_id=hejin.id, kind="schooling", time_limit_days=10)
    top = service.add_benefit(session, office, code="AF", name="安家补助（A类）", department_id=police.id,
                              region_id=hejin.id, min_tier="A", amount=Decimal("1000000"))
    apartment = create(session, Apartment(name="河津人才公寓测试", region_id=hejin.id, units=44), actor=ACTOR)
    session.flush()
    return TalentWorld(
        hejin=hejin, taiyuan=taiyuan, office=office, taiyuan_office=taiyuan_office, police=police,
        education=education, police_staff=_staff("公安局·李", police), education_staff=_staff("教育局·张", education),
        employer=employer, employer_staff=Viewer(user_id=None, name="企业·刘", roles=frozenset({Role.ENTERPRISE}),
                                                 organisation_ids=frozenset({employer.id})),
        talent=talent, talent_viewer=Viewer(user_id=None, name="王测才", roles=frozenset({Role.TALENT}),
                                            person_id=talent.person_id),
        settle_id=settle.id, school_id=school.id, top_only_id=top.id, apartment=apartment)
