"""Who sees a demand: the office, the owner enterprise, the named university, another university and an outsider,
for public, directed (定向) and confidential (保密) demands in each part of their life."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, draft_demand, published_demand
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.demands.models import Demand, Visibility
from xiaodi.demands.service import (
    can_view_demand,
    get_demand,
    set_audience,
    transition,
    visible_demands,
)
from xiaodi.demands.service_claims import submit_claim
from xiaodi.directory.regions import region_subtree_ids

PERSONAS = ("office", "owner", "lead", "named_uni", "other_uni", "outsider", "anonymous", "other_county_office",
            "province_office")


def viewers(session: Session, w: World) -> dict[str, Viewer]:
    return {
        "office": w.office_viewer(session),
        "owner": w.owner_viewer(),
        "lead": w.lead_viewer(),
        "named_uni": w.named_uni_viewer(),
        "other_uni": w.other_uni_viewer(),
        "outsider": w.outsider_viewer(),
        "anonymous": Viewer.acting_for(role=Role.TALENT),  # a member acting for no organisation
        "other_county_office": Viewer.office_of(region_subtree_ids(session, w.county2.id)),
        "province_office": Viewer.office_of(region_subtree_ids(session, w.province.id), Role.PROVINCE_OFFICE),
    }


def who_sees(session: Session, w: World, demand: Demand) -> set[str]:
    """The personas that may see ``demand``, checked one by one and through the list, which must agree."""
    seen = set()
    for name, viewer in viewers(session, w).items():
        one = can_view_demand(session, demand_id=demand.id, viewer=viewer)
        in_list = demand.id in {d.id for d in visible_demands(session, viewer=viewer, limit=10_000)}
        assert one == in_list, (name, one, in_list)
        if one:
            seen.add(name)
    return seen


OFFICES = {"office", "province_office"}


def test_a_draft_is_seen_by_its_owner_and_the_office_only(session: Session, world: World, official: Actor) -> None:
    demand = draft_demand(session, world, official)
    assert who_sees(session, world, demand) == OFFICES | {"owner"}


def test_a_submitted_demand_is_also_seen_by_the_lead_unit_that_reviews_it(
    session: Session, world: World, official: Actor
) -> None:
    demand = draft_demand(session, world, official)
    transition(session, actor=official, demand_id=demand.id, step="submit")
    assert who_sees(session, world, demand) == OFFICES | {"owner", "lead"}


def test_a_published_public_demand_is_seen_by_everyone(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    assert who_sees(session, world, demand) == set(PERSONAS)


def test_a_directed_demand_is_seen_only_by_the_named_universities(
    session: Session, world: World, official: Actor
) -> None:
    demand = published_demand(session, world, official, visibility=Visibility.DIRECTED,
                              audience=(world.named_uni.id,))
    assert who_sees(session, world, demand) == OFFICES | {"owner", "lead", "named_uni"}


def test_a_confidential_demand_is_hidden_from_other_offices_and_outsiders(
    session: Session, world: World, official: Actor
) -> None:
    demand = published_demand(session, world, official, visibility=Visibility.CONFIDENTIAL,
                              audience=(world.third_uni.id,))
    assert who_sees(session, world, demand) == OFFICES | {"owner", "lead"} | set()
    set_audience(session, actor=official, demand_id=demand.id, organisation_ids=[world.named_uni.id])
    assert "named_uni" in who_sees(session, world, demand)
    assert "other_county_office" not in who_sees(session, world, demand)


def test_a_withdrawn_public_demand_disappears_from_the_public_list(
    session: Session, world: World, official: Actor
) -> None:
    demand = published_demand(session, world, official)
    transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="企业已解决")
    assert who_sees(session, world, demand) == OFFICES | {"owner", "lead"}


def test_a_claimant_keeps_seeing_the_demand_it_claimed(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.other_uni.id, approach="方案")
    transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="企业已解决")
    assert "other_uni" in who_sees(session, world, demand)
    assert "named_uni" not in who_sees(session, world, demand)


def test_a_demand_out_of_sight_is_not_found_rather_than_forbidden(
    session: Session, world: World, official: Actor
) -> None:
    demand = published_demand(session, world, official, visibility=Visibility.DIRECTED,
                              audience=(world.named_uni.id,))
    with pytest.raises(NotFound):
        get_demand(session, demand_id=demand.id, viewer=world.other_uni_viewer())
    assert get_demand(session, demand_id=demand.id, viewer=world.named_uni_viewer()).id == demand.id


def test_a_university_outside_a_directed_demand_cannot_claim_it(
    session: Session, world: World, official: Actor
) -> None:
    demand = published_demand(session, world, official, visibility=Visibility.DIRECTED,
                              audience=(world.named_uni.id,))
    with pytest.raises(Forbidden, match="定向范围"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.other_uni.id,
                     approach="方案")


def test_a_directed_demand_names_universities_and_cannot_be_published_without_them(
    session: Session, world: World, official: Actor
) -> None:
    with pytest.raises(ValidationFailed, match="只能指定高校"):
        draft_demand(session, world, official, visibility=Visibility.DIRECTED, audience=(world.other_enterprise.id,))
    with pytest.raises(ValidationFailed, match="必须先指定可见的单位"):
        published_demand(session, world, official, title="未指定定向高校", visibility=Visibility.DIRECTED)


def test_only_the_owner_or_office_changes_the_audience(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official, visibility=Visibility.DIRECTED,
                              audience=(world.named_uni.id,))
    with pytest.raises(Forbidden):
        set_audience(session, actor=official, demand_id=demand.id, organisation_ids=[world.named_uni.id],
                     viewer=world.named_uni_viewer())
    added = set_audience(session, actor=official, demand_id=demand.id,
                         organisation_ids=[world.named_uni.id, world.other_uni.id], viewer=world.owner_viewer())
    assert added == [world.other_uni.id]
