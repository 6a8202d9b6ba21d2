"""The loop is linked both ways by name: a project names its agreement, the demand the agreement answers and the
chosen 揭榜 claim — codes and titles with links, not "需求 24" — and a claim names its demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from .conftest import ACTOR, World


def test_project_agreement_demand_and_claim_name_each_other(
        session: Session, login: Callable[[str], TestClient], personas: dict[str, int], world: World) -> None:
    from xiaodi.demands import service as demands
    from xiaodi.demands import service_claims as claims
    from xiaodi.projects import service as projects

    demand = demands.get_demand(session, demand_id=world.demand_id)
    claim = claims.submit_claim(session, actor=ACTOR, demand_id=demand.id, claimant_org_id=world.university.id,
                                approach="真空蒸馏提纯")
    reviewer = personas["hejin"]
    claims.screen_claim(session, actor=ACTOR, claim_id=claim.id, reviewer_user_id=reviewer, passed=True)
    claims.declare_conflict(session, actor=ACTOR, demand_id=demand.id, reviewer_user_id=reviewer, has_conflict=False)
    criteria = [c.name for c in claims.criteria_for(session, demand_id=demand.id)]
    claims.score_claim(session, actor=ACTOR, claim_id=claim.id, reviewer_user_id=reviewer,
                       scores={name: 80 for name in criteria})
    claims.shortlist(session, actor=ACTOR, demand_id=demand.id, finalist_ids=[claim.id], feedback={})
    claims.select_claim(session, actor=ACTOR, demand_id=demand.id, claim_id=claim.id, feedback={})
    agreement = projects.create_agreement(
        session, actor=ACTOR, title="再生铝提纯技术开发合同", kind="tech_development", signed_on=dt.date(2025, 3, 1),
        amount=Decimal("800000"), region_id=world.hejin.id, demand_id=demand.id, claim_id=claim.id,
        parties=[projects.PartySpec(organisation_id=world.enterprise.id, name=world.enterprise.name, role="party_a"),
                 projects.PartySpec(organisation_id=world.university.id, name=world.university.name,
                                    role="party_b")])
    project = projects.create_project(session, actor=ACTOR, name="再生铝提纯产业化", agreement_id=agreement.id,
                                      region_id=world.hejin.id, enterprise_id=world.enterprise.id)
    session.flush()

    office = login("hejin")
    page = office.get(f"/projects/{project.id}").text
    assert f'<a href="/agreements/{agreement.id}">{agreement.code} 再生铝提纯技术开发合同</a>' in page
    assert f'<a href="/demands/{demand.id}">{demand.code} {demand.title}</a>' in page
    assert f'<a href="/claims/{claim.id}">山西大学的揭榜方案</a>' in page
    page = office.get(f"/agreements/{agreement.id}").text
    assert f'<a href="/demands/{demand.id}">{demand.code} {demand.title}</a>' in page
    assert f"需求 {demand.id}<" not in page
    assert f'<a href="/demands/{demand.id}">{demand.title}</a>' in office.get("/claims").text
    assert f'<a href="/demands/{demand.id}">{demand.code}</a>' in office.get(f"/claims/{claim.id}").text
    # and back: the demand and the claim name the agreement signed on them and its project
    for page in (office.get(f"/demands/{demand.id}").text, office.get(f"/claims/{claim.id}").text):
        assert f'<a href="/agreements/{agreement.id}">{agreement.code} 再生铝提纯技术开发合同</a>' in page
        assert f'<a href="/projects/{project.id}">{project.code} 再生铝提纯产业化</a>' in page
