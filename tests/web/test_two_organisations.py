"""A person who works for two enterprises (一人两单位): 王经理 manages the 河津 aluminium works and the 太原 heavy
industry company. Lists, detail pages and actions all use the same viewer — both organisations — so the demand
list shows the drafts of both, as the claims and the actions already did. (The old adapter kept only the
smaller organisation id for the lists: half of his demands were missing.)"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role

from .conftest import ACTOR, PASSWORD, World, csrf_of


def two_enterprise_manager(session: Session, world: World) -> None:
    user = accounts.create_user(session, actor=ACTOR, username="wang", display_name="王经理", password=PASSWORD,
                                role=Role.ENTERPRISE, organisation_id=world.enterprise.id)
    accounts.add_membership(session, actor=ACTOR, user_id=user.id, role=Role.ENTERPRISE,
                            organisation_id=world.other_enterprise.id)
    session.flush()


def logged_in(app, name: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf_of(c.get("/login").text)},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def test_the_demand_list_shows_the_demands_of_both_enterprises(
    app, session: Session, world: World, login: Callable[[str], TestClient]  # type: ignore[no-untyped-def]
) -> None:
    two_enterprise_manager(session, world)
    wang = logged_in(app, "wang")
    listed = {item["id"] for item in wang.get("/api/demands?size=100").json()["items"]}
    # 河津's published demand and its draft, and 太原's draft: all three are his own organisations' demands
    assert {world.demand_id, world.draft_id, world.other_demand_id} <= listed
    page = wang.get("/demands")
    assert "数控人才需求" in page.text and "重型装备焊接工艺优化" in page.text
    # the detail pages agree with the list
    assert wang.get(f"/api/demands/{world.other_demand_id}").status_code == 200
    assert wang.get(f"/api/demands/{world.draft_id}").status_code == 200


def test_a_one_enterprise_account_still_sees_only_its_own_drafts(
    world: World, login: Callable[[str], TestClient]
) -> None:
    ent = login("enterprise")
    listed = {item["id"] for item in ent.get("/api/demands?size=100").json()["items"]}
    assert world.draft_id in listed and world.other_demand_id not in listed
