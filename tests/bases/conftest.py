"""Fixtures of the bases tests: the web world of 河津市 (tests/web) with a lead unit (牵头单位) and its account, a
member unit, the 12 base types, and a base plaqued at the 河津 enterprise."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import ACTOR, PASSWORD, World, app, client, csrf_for, login, personas, world  # noqa: F401
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role, User
from xiaodi.accounts.scope import Viewer, viewer_for
from xiaodi.bases import service
from xiaodi.bases.models import BaseType
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.service import create_organisation


@dataclass
class BasesWorld:
    web: World
    lead_unit: Organisation  # 河津市人力资源和社会保障局 (government)
    member: Organisation  # 河津市教育局
    other_lead: Organisation  # 太原 (outside 河津)
    internship: BaseType
    viewers: dict[str, Viewer]


def viewer(session: Session, username: str) -> Viewer:
    return viewer_for(session, session.scalars(select(User).where(User.username == username)).one())


@pytest.fixture
def bw(session: Session, world: World, personas: dict[str, int]) -> BasesWorld:  # noqa: F811
    service.seed_base_types(session, actor=ACTOR)
    lead = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="河津市人力资源和社会保障局",
                               region_id=world.hejin.id)
    member = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="河津市教育局",
                                 region_id=world.hejin.id)
    other = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="太原市科学技术局",
                                region_id=world.taiyuan.id)
    accounts.create_user(session, actor=ACTOR, username="lead", display_name="测试·牵头单位", password=PASSWORD,
                         role=Role.LEAD_UNIT, organisation_id=lead.id)
    accounts.create_user(session, actor=ACTOR, username="taiyuan", display_name="测试·太原市办", password=PASSWORD,
                         role=Role.CITY_OFFICE, region_id=world.taiyuan.id)
    session.flush()
    names = ("province", "hejin", "enterprise", "university", "outsider", "admin", "lead", "taiyuan")
    return BasesWorld(web=world, lead_unit=lead, member=member, other_lead=other,
                      internship=service.type_by_name(session, "internship"),
                      viewers={n: viewer(session, n) for n in names})


def region(session: Session, code: str) -> Region:
    return session.scalars(select(Region).where(Region.code == code)).one()
