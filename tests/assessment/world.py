"""The people and places of the assessment stories: 运城市's office assesses the counties of 运城市 (河津市, 稷山县 …)
on agreements signed, bases plaqued and a publicity item proven by evidence. Shared by the service, CLI and web
tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment.models import Subject
from xiaodi.assessment.service import IndicatorInput
from xiaodi.directory.models import Organisation, OrgKind, Region, RegionLevel
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.projects.models import Agreement, AgreementKind

YEAR = 2025
INDICATORS = [
    IndicatorInput("XY", "签约协议", 40, 4, metric="agreements", unit="项"),
    IndicatorInput("JD", "挂牌基地", 30, 2, metric="bases", unit="个"),
    IndicatorInput("XC", "宣传工作", 30, 10, unit="篇", description="在市级以上媒体宣传报道篇数，凭报道清单认定"),
]


@dataclass
class AssessWorld:
    province: Region
    city: Region  # 运城市
    hejin: Region  # 河津市
    jishan: Region  # 稷山县
    linfen_county: Region  # 尧都区, 临汾市: outside the city

    def city_office(self, session: Session) -> Viewer:
        return office(session, self.city, Role.CITY_OFFICE, "运城市校地合作办·李芳")

    def hejin_office(self, session: Session) -> Viewer:
        return office(session, self.hejin, Role.COUNTY_OFFICE, "河津市校地合作办·王敏")

    def jishan_office(self, session: Session) -> Viewer:
        return office(session, self.jishan, Role.COUNTY_OFFICE, "稷山县校地合作办·赵强")

    def other_office(self, session: Session) -> Viewer:
        return office(session, self.linfen_county, Role.COUNTY_OFFICE, "尧都区校地合作办·孙丽")


def office(session: Session, region: Region, role: Role, name: str) -> Viewer:
    return Viewer(user_id=None, name=name, roles=frozenset({role}),
                  region_ids=frozenset(region_subtree_ids(session, region.id)),
                  office_region_ids=frozenset({region.id}))


def enterprise(org_id: int) -> Viewer:
    return Viewer(user_id=None, name="企业·演示", roles=frozenset({Role.ENTERPRISE}),
                  organisation_ids=frozenset({org_id}))


def _region(session: Session, code: str, name: str, level: RegionLevel, parent: Region | None) -> Region:
    """The reference region of that code, or (on a database without reference data) one made like it."""
    found = session.scalar(select(Region).where(Region.code == code))
    if found is None:
        found = Region(code=code, name=name, level=level, parent_id=parent.id if parent else None,
                       full_name=(parent.full_name if parent else "") + name)
        session.add(found)
        session.flush()
    return found


def build_world(session: Session) -> AssessWorld:
    province = _region(session, "140000", "山西省", RegionLevel.PROVINCE, None)
    city = _region(session, "140800", "运城市", RegionLevel.CITY, province)
    linfen = _region(session, "141000", "临汾市", RegionLevel.CITY, province)
    world = AssessWorld(province, city, _region(session, "140882", "河津市", RegionLevel.COUNTY, city),
                        _region(session, "140824", "稷山县", RegionLevel.COUNTY, city),
                        _region(session, "141002", "尧都区", RegionLevel.COUNTY, linfen))
    # The ledger of 2025: 河津市 signed 2 agreements, 稷山县 5 (and one in 2024, outside the period).
    signed = [(world.hejin, dt.date(2025, 3, 1))] * 2 + [(world.jishan, dt.date(2025, 5, 1))] * 5
    signed.append((world.jishan, dt.date(2024, 6, 1)))
    for n, (region, day) in enumerate(signed):
        session.add(Agreement(code=f"KH-{n}", title=f"考核测试协议{n}", kind=AgreementKind.PROJECT_COOPERATION,
                              signed_on=day, amount=Decimal(100000), region_id=region.id))
    session.flush()
    return world


def enterprise_org(session: Session, world: AssessWorld) -> Organisation:
    org = Organisation(kind=OrgKind.ENTERPRISE, name="河津市考核测试企业有限公司", region_id=world.hejin.id)
    session.add(org)
    session.flush()
    return org


def define(session: Session, world: AssessWorld, indicators: list[IndicatorInput] | None = None):  # type: ignore[no-untyped-def]
    from xiaodi.assessment import service

    return service.define_set(session, world.city_office(session), name="运城市省校合作专项考核", year=YEAR,
                              region_id=world.city.id, subject=Subject.REGION,
                              indicators=indicators or INDICATORS)
