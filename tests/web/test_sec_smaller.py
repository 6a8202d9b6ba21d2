"""Smaller findings of the attack on the platform (security issue #16, item 8): the review ranking leaks no claim
its reader may not see, detail responses carry the ``version`` to send back, and no conflict names a table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.core.errors import Conflict
from xiaodi.core.records import create
from xiaodi.demands.service_claims import invite_reviewer, submit_claim
from xiaodi.directory.models import Organisation, Region

from .conftest import ACTOR, PASSWORD, World, csrf_for


def _two_claims(session: Session, world: World) -> dict[str, int]:
    """山西大学 and 太原理工大学 answer the 河津 enterprise's published demand."""
    tyut = session.scalars(select(Organisation).where(Organisation.name == "太原理工大学")).one()
    ids = {}
    for org in (world.university, tyut):
        claim = submit_claim(session, actor=ACTOR, demand_id=world.demand_id, claimant_org_id=org.id,
                             approach=f"{org.name}的方案")
        ids[org.name] = claim.id
    session.flush()
    return ids


def test_an_expert_sees_in_the_ranking_only_the_claims_he_may_see(
        login: Callable[[str], TestClient], session: Session, world: World, personas: dict[str, int]) -> None:
    claims = _two_claims(session, world)
    reviewer = accounts.create_user(session, actor=ACTOR, username="reviewer", display_name="评审专家·钱",
                                    password=PASSWORD, role=Role.EXPERT, person_id=world.expert_id)  # 李测试, 山西大学
    session.flush()
    expert = login("reviewer")  # not invited: neither the other university's claim nor the ranking
    assert claims["太原理工大学"] not in {c["id"] for c in expert.get(f"/api/demands/{world.demand_id}/claims").json()}
    assert expert.get(f"/api/demands/{world.demand_id}/ranking").status_code == 403
    invite_reviewer(session, actor=ACTOR, demand_id=world.demand_id, reviewer_user_id=reviewer.id)
    session.flush()  # invited: the ranking never shows more than the claims list does
    visible = {c["id"] for c in expert.get(f"/api/demands/{world.demand_id}/claims").json()}
    ranking = expert.get(f"/api/demands/{world.demand_id}/ranking")
    assert ranking.status_code == 200
    assert {r["claim_id"] for r in ranking.json()} <= visible

    office = login("hejin")  # the demand's office decides: it sees every claim, in the list and in the ranking
    ranked = {r["claim_id"] for r in office.get(f"/api/demands/{world.demand_id}/ranking").json()}
    assert ranked == set(claims.values())


@pytest.mark.parametrize("resource", ["demands", "projects", "agreements", "organisations", "experts"])
def test_a_detail_response_carries_the_version_to_send_back(login: Callable[[str], TestClient], world: World,
                                                            resource: str) -> None:
    ids = {"demands": world.draft_id, "projects": world.project_id, "agreements": world.agreement_id,
           "organisations": world.enterprise.id, "experts": world.expert_id}
    office = login("hejin")
    record = office.get(f"/api/{resource}/{ids[resource]}").json()
    assert isinstance(record["version"], int) and record["version"] >= 1, record


def test_editing_with_the_version_read_from_the_api_wins_once(login: Callable[[str], TestClient],
                                                              world: World) -> None:
    ent = login("enterprise")
    headers = {"X-CSRF-Token": csrf_for(ent)}
    version = ent.get(f"/api/demands/{world.draft_id}").json()["version"]
    first = ent.patch(f"/api/demands/{world.draft_id}", json={"title": "数控人才需求（修订）",
                                                                "expected_version": version}, headers=headers)
    assert first.status_code == 200
    stale = ent.patch(f"/api/demands/{world.draft_id}", json={"title": "另一人的修订", "expected_version": version},
                      headers=headers)
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]


def test_a_conflict_never_names_a_table(session: Session) -> None:
    taken = session.scalars(select(Region).where(Region.code == "140882")).one()
    with pytest.raises(Conflict) as refused:
        create(session, Region(code=taken.code, name=taken.name, level=taken.level, full_name=taken.full_name),
               actor=ACTOR)
    assert "region" not in refused.value.message and "该记录" in refused.value.message


def test_patching_a_required_field_to_null_is_refused(login: Callable[[str], TestClient], world: World) -> None:
    """Found by the fuzzer: ``{"title": null}`` reached the database's NOT NULL and answered 500."""
    ent = login("enterprise")
    for field in ("title", "visibility", "keywords"):
        r = ent.patch(f"/api/demands/{world.draft_id}", json={field: None}, headers={"X-CSRF-Token": csrf_for(ent)})
        assert r.status_code == 422 and field in r.json()["detail"], (field, r.text[:300])
    assert ent.get(f"/api/demands/{world.draft_id}").json()["title"] == "数控人才需求"
