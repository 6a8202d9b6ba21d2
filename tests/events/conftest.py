"""Events fixtures: the web personas (tests/web/conftest.py), plus a Taiyuan event the Hejin office must not run,
a lead unit (牵头单位) account and viewers for the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import (  # noqa: F401 — fixtures shared with the web tests
    PASSWORD,
    World,
    app,
    client,
    login,
    personas,
    world,
)
from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role, User
from xiaodi.accounts.scope import Viewer, viewer_for
from xiaodi.core.audit import Actor
from xiaodi.directory.models import OrgKind
from xiaodi.directory.service import create_organisation

ACTOR = Actor.system("test")


@pytest.fixture
def viewer(session: Session, personas: dict[str, int]) -> Callable[[str], Viewer]:  # noqa: F811
    def _viewer(name: str) -> Viewer:
        return viewer_for(session, session.get(User, personas[name]))  # type: ignore[arg-type]
    return _viewer


@pytest.fixture
def lead_unit(session: Session, world: World, personas: dict[str, int]) -> int:  # noqa: F811
    """A provincial department (牵头单位) with an account ``lead``; returns the organisation id."""
    org = create_organisation(session, actor=ACTOR, kind=OrgKind.GOVERNMENT, name="山西省测试人才工作局",
                              region_id=None)
    user = accounts.create_user(session, actor=ACTOR, username="lead", display_name="测试·牵头单位",
                                password=PASSWORD, role=Role.LEAD_UNIT, organisation_id=org.id)
    personas["lead"] = user.id
    session.flush()
    return org.id


@pytest.fixture
def taiyuan_event(session: Session, world: World, viewer: Callable[[str], Viewer]) -> int:  # noqa: F811
    from xiaodi.events import service

    event = service.create_event(session, viewer("province"), name="太原测试对接会", kind="matchmaking",
                                 starts_on=dt.date(2025, 3, 1), region_id=world.taiyuan.id)
    return event.id


def select_one(session: Session, stmt: object) -> object:
    return session.scalars(stmt).one()  # type: ignore[call-overload]


__all__ = ["select", "select_one"]
