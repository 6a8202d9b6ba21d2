"""The people and places of the closed-loop tests: 河津市 in 运城市, a county office, a lead unit, enterprises,
universities, reviewers, an expert and a service team. Shared by tests/demands and tests/projects.

Records are found or created, so the builder works on the migrated test ledger (reference regions and
universities loaded) and on an empty database alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role, User
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import Actor
from xiaodi.demands.models import Demand, DemandKind, Visibility
from xiaodi.demands.service import create_demand, transition
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind, Region, RegionLevel
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.orders.models import ServiceTeam


@dataclass
class World:
    province: Region
    city: Region  # 运城市
    county: Region  # 河津市
    county2: Region  # 稷山县
    other_city: Region  # 临汾市
    office: Organisation  # 河津市校地合作办公室
    lead_unit: Organisation  # 河津市工业和信息化局 (牵头单位)
    enterprise: Organisation  # owner of the demands
    other_enterprise: Organisation
    named_uni: Organisation  # 江西理工大学, named in directed demands
    other_uni: Organisation  # 武汉理工大学
    third_uni: Organisation  # 太原理工大学
    reviewers: list[User]
    expert: Person
    other_expert: Person  # an expert of the other university
    team: ServiceTeam

    # The personas of the visibility tests.
    def office_viewer(self, session: Session) -> Viewer:
        return Viewer.office_of(region_subtree_ids(session, self.county.id))

    def owner_viewer(self) -> Viewer:
        return Viewer.acting_for(self.enterprise.id, role=Role.ENTERPRISE)

    def lead_viewer(self) -> Viewer:
        return Viewer.acting_for(self.lead_unit.id, role=Role.LEAD_UNIT)

    def named_uni_viewer(self) -> Viewer:
        return Viewer.acting_for(self.named_uni.id, role=Role.UNIVERSITY)

    def other_uni_viewer(self) -> Viewer:
        return Viewer.acting_for(self.other_uni.id, role=Role.UNIVERSITY)

    def outsider_viewer(self) -> Viewer:
        return Viewer.acting_for(self.other_enterprise.id, role=Role.ENTERPRISE)


def region(session: Session, code: str, name: str, level: RegionLevel, parent: Region | None) -> Region:
    found = session.scalar(select(Region).where(Region.code == code))
    if found is None:
        full = (parent.full_name if parent else "") + name
        found = Region(code=code, name=name, level=level, parent_id=parent.id if parent else None, full_name=full)
        session.add(found)
        session.flush()
    return found


def org(session: Session, kind: OrgKind, name: str, region_id: int | None = None) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.kind == kind, Organisation.name == name))
    if found is None:
        found = Organisation(kind=kind, name=name, region_id=region_id)
        session.add(found)
        session.flush()
    return found


def user(session: Session, username: str, display: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    if found is None:
        found = User(username=username, display_name=display)
        session.add(found)
        session.flush()
    return found


def person(session: Session, name: str, organisation_id: int) -> Person:
    found = session.scalar(select(Person).where(Person.name == name, Person.organisation_id == organisation_id))
    if found is None:
        found = Person(kind=PersonKind.EXPERT, name=name, organisation_id=organisation_id, title="教授")
        session.add(found)
        session.flush()
    return found


def build_world(session: Session) -> World:
    province = region(session, "140000", "山西省", RegionLevel.PROVINCE, None)
    city = region(session, "140800", "运城市", RegionLevel.CITY, province)
    county = region(session, "140882", "河津市", RegionLevel.COUNTY, city)
    county2 = region(session, "140824", "稷山县", RegionLevel.COUNTY, city)
    other_city = region(session, "141000", "临汾市", RegionLevel.CITY, province)
    named_uni = org(session, OrgKind.UNIVERSITY, "江西理工大学")
    other_uni = org(session, OrgKind.UNIVERSITY, "武汉理工大学")
    team = session.scalar(select(ServiceTeam).where(ServiceTeam.name == "江西理工大学冶金技术服务团"))
    if team is None:
        team = ServiceTeam(name="江西理工大学冶金技术服务团", organisation_id=named_uni.id, fields=["冶金"])
        session.add(team)
        session.flush()
    return World(
        province=province, city=city, county=county, county2=county2, other_city=other_city,
        office=org(session, OrgKind.GOVERNMENT, "河津市校地合作办公室（测试）", county.id),
        lead_unit=org(session, OrgKind.GOVERNMENT, "河津市工业和信息化局（测试）", county.id),
        enterprise=org(session, OrgKind.ENTERPRISE, "河津示例铝业有限公司", county.id),
        other_enterprise=org(session, OrgKind.ENTERPRISE, "稷山示例食品有限公司", county2.id),
        named_uni=named_uni, other_uni=other_uni, third_uni=org(session, OrgKind.UNIVERSITY, "太原理工大学"),
        reviewers=[user(session, f"loop_reviewer_{i}", f"评审专家{i}") for i in (1, 2, 3)],
        expert=person(session, "张冶金", named_uni.id), other_expert=person(session, "李材料", other_uni.id),
        team=team,
    )


def draft_demand(session: Session, w: World, actor: Actor, *, title: str = "高纯铝提纯工艺攻关",
                 kind: DemandKind = DemandKind.TECHNOLOGY, visibility: Visibility = Visibility.PUBLIC,
                 audience: tuple[int, ...] = (), **fields: Any) -> Demand:
    return create_demand(session, actor=actor, owner_id=w.enterprise.id, title=title, kind=kind,
                         lead_unit_id=w.lead_unit.id, visibility=visibility, audience_ids=audience,
                         budget=Decimal("500000"), **fields)


def published_demand(session: Session, w: World, actor: Actor, **kwargs: Any) -> Demand:
    """A demand taken through submit → review → publish (发榜) by trusted callers."""
    demand = draft_demand(session, w, actor, **kwargs)
    for step in ("submit", "review", "publish"):
        transition(session, actor=actor, demand_id=demand.id, step=step)
    return demand
