"""An enterprise's demand goes from draft to 发榜, 揭榜, selection, contract and closing; every step is recorded,
and every step the programme does not allow is refused with the demand's current state in the message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, draft_demand, published_demand
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.demands.models import ClaimState, DemandState
from xiaodi.demands.service import (
    IllegalTransition,
    demand_board,
    demand_history,
    transition,
    update_demand,
)
from xiaodi.demands.service_claims import score_claim, screen_claim, select_claim, shortlist, submit_claim
from xiaodi.projects.models import AgreementKind, PartyRole
from xiaodi.projects.service import PartySpec, create_agreement

S = DemandState
ALL_STEPS = ("submit", "review", "reject", "revise", "publish", "claim", "shortlist", "select", "contract", "close",
             "withdraw")
# Written out by hand from the issue (not read from the code): the steps each state allows, and where they lead.
EXPECTED: dict[DemandState, dict[str, DemandState]] = {
    S.DRAFT: {"submit": S.SUBMITTED, "withdraw": S.WITHDRAWN},
    S.SUBMITTED: {"review": S.REVIEWED, "reject": S.REJECTED, "withdraw": S.WITHDRAWN},
    S.REVIEWED: {"publish": S.PUBLISHED, "reject": S.REJECTED, "withdraw": S.WITHDRAWN},
    S.PUBLISHED: {"claim": S.CLAIMED, "close": S.CLOSED, "withdraw": S.WITHDRAWN},
    S.CLAIMED: {"shortlist": S.SHORTLISTED, "close": S.CLOSED, "withdraw": S.WITHDRAWN},
    S.SHORTLISTED: {"select": S.SELECTED, "close": S.CLOSED, "withdraw": S.WITHDRAWN},
    S.SELECTED: {"contract": S.CONTRACTED, "close": S.CLOSED},
    S.CONTRACTED: {"close": S.CLOSED},
    S.CLOSED: {},
    S.WITHDRAWN: {},
    S.REJECTED: {"revise": S.DRAFT},
}


def test_a_demand_goes_round_the_whole_loop_and_each_step_says_who_and_why(
    session: Session, world: World, official: Actor
) -> None:
    boss = Actor(name="河津示例铝业·赵总")
    bureau = Actor(name="河津市工信局·李科长")
    demand = draft_demand(session, world, boss, headcount=None, deadline=local_today() + dt.timedelta(days=30))
    transition(session, actor=boss, demand_id=demand.id, step="submit", viewer=world.owner_viewer())
    transition(session, actor=bureau, demand_id=demand.id, step="review", reason="需求明确", viewer=world.lead_viewer())
    transition(session, actor=bureau, demand_id=demand.id, step="publish", viewer=world.lead_viewer())
    assert demand.published_at is not None

    jx = submit_claim(session, actor=Actor(name="江西理工大学·张教授"), demand_id=demand.id,
                      claimant_org_id=world.named_uni.id, approach="真空蒸馏+区域熔炼", budget=Decimal("450000"))
    wh = submit_claim(session, actor=Actor(name="武汉理工大学·李教授"), demand_id=demand.id,
                      claimant_org_id=world.other_uni.id, approach="偏析法提纯", budget=Decimal("380000"))
    assert demand.state == S.CLAIMED
    reviewer = world.reviewers[0].id
    from xiaodi.demands.service_claims import declare_conflict

    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=reviewer, has_conflict=False)
    for claim in (jx, wh):
        screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=reviewer, passed=True)
        score_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=reviewer,
                    scores={"技术先进性": 90, "实施方案可行性": 85, "团队实力": 80, "经费合理性": 70})
    shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[jx.id, wh.id], feedback={})
    select_claim(session, actor=official, demand_id=demand.id, claim_id=jx.id,
                 feedback={wh.id: "方案可行，但中试条件不足"})
    create_agreement(session, actor=official, title="高纯铝提纯技术开发合同", kind=AgreementKind.TECH_DEVELOPMENT,
                     parties=[PartySpec("河津示例铝业有限公司", PartyRole.PARTY_A, world.enterprise.id),
                              PartySpec("江西理工大学", PartyRole.PARTY_B, world.named_uni.id)],
                     signed_on=dt.date(2025, 5, 8), amount=Decimal("450000"), region_id=world.county.id,
                     claim_id=jx.id)
    assert demand.state == S.CONTRACTED
    transition(session, actor=boss, demand_id=demand.id, step="close", reason="合同履行完毕",
               viewer=world.owner_viewer())

    steps = demand_history(session, demand_id=demand.id)
    assert [(t.from_state, t.to_state) for t in steps] == [
        (None, S.DRAFT), (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.REVIEWED), (S.REVIEWED, S.PUBLISHED),
        (S.PUBLISHED, S.CLAIMED), (S.CLAIMED, S.SHORTLISTED), (S.SHORTLISTED, S.SELECTED),
        (S.SELECTED, S.CONTRACTED), (S.CONTRACTED, S.CLOSED),
    ]
    assert steps[2].actor == bureau.name and steps[2].reason == "需求明确"
    assert steps[-1].actor == boss.name and steps[-1].reason == "合同履行完毕"
    assert all(t.at is not None for t in steps)
    assert wh.state == ClaimState.NOT_SELECTED and wh.feedback == "方案可行，但中试条件不足"
    audit_actions = [e.action for e in history(session, "demand", demand.id)]
    assert audit_actions.count("transition") == 8


@pytest.mark.parametrize("state", list(S))
def test_each_state_allows_exactly_the_steps_of_the_programme(
    session: Session, world: World, official: Actor, state: DemandState
) -> None:
    for step in ALL_STEPS:
        demand = draft_demand(session, world, official, title=f"状态机测试{state}{step}")
        demand.state = state  # set up the starting state directly; the step under test goes through the service
        session.flush()
        if step in EXPECTED[state]:
            transition(session, actor=official, demand_id=demand.id, step=step, reason="测试原因")
            assert demand.state == EXPECTED[state][step], (state, step)
        else:
            with pytest.raises(IllegalTransition, match="当前状态为"):
                transition(session, actor=official, demand_id=demand.id, step=step, reason="测试原因")
            assert demand.state == state


def test_an_illegal_step_names_the_current_state(session: Session, world: World, official: Actor) -> None:
    demand = draft_demand(session, world, official)
    with pytest.raises(IllegalTransition, match="当前状态为“草稿”，不能发榜"):
        transition(session, actor=official, demand_id=demand.id, step="publish")
    with pytest.raises(ValidationFailed, match="没有“approve”这一步"):
        transition(session, actor=official, demand_id=demand.id, step="approve")


def test_rejecting_and_withdrawing_need_a_reason_and_a_rejected_demand_can_be_revised(
    session: Session, world: World, official: Actor
) -> None:
    demand = draft_demand(session, world, official)
    transition(session, actor=official, demand_id=demand.id, step="submit")
    with pytest.raises(ValidationFailed, match="必须说明原因"):
        transition(session, actor=official, demand_id=demand.id, step="reject", reason="  ")
    transition(session, actor=official, demand_id=demand.id, step="reject", reason="技术指标不明确")
    assert demand.state == S.REJECTED and demand.state_reason == "技术指标不明确"
    update_demand(session, actor=official, demand_id=demand.id, description="纯度 99.999%，年产 500 吨")
    transition(session, actor=official, demand_id=demand.id, step="revise")
    transition(session, actor=official, demand_id=demand.id, step="submit")
    with pytest.raises(ValidationFailed, match="必须说明原因"):
        transition(session, actor=official, demand_id=demand.id, step="withdraw")
    transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="企业自行解决")
    reasons = [(t.to_state, t.reason) for t in demand_history(session, demand_id=demand.id)]
    assert (S.REJECTED, "技术指标不明确") in reasons and (S.WITHDRAWN, "企业自行解决") in reasons


def test_a_published_demand_can_no_longer_be_edited(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    with pytest.raises(IllegalTransition, match="不能再修改"):
        update_demand(session, actor=official, demand_id=demand.id, budget=Decimal(1))


def test_a_reviewed_demand_says_so_once_when_edited(session: Session, world: World, official: Actor) -> None:
    """Editing a demand the office has reviewed: “已审核，不能再修改内容”, not “已已审核”."""
    demand = draft_demand(session, world, official)
    for step in ("submit", "review"):
        transition(session, actor=official, demand_id=demand.id, step=step)
    with pytest.raises(IllegalTransition) as err:
        update_demand(session, actor=official, demand_id=demand.id, budget=Decimal(1))
    assert "已审核，不能再修改内容" in str(err.value) and "已已" not in str(err.value)


def test_a_demand_whose_deadline_has_passed_is_not_sent_for_review_nor_published(
        session: Session, world: World, official: Actor) -> None:
    """The enterprise saved 揭榜截止 as last week: sending it for review is refused, asking for a new date; a
    demand reviewed while its date was ahead is not published once it has passed — every 揭榜 would be refused —
    and the message says how to change the date."""
    last_week = local_today() - dt.timedelta(days=7)
    demand = draft_demand(session, world, official, deadline=last_week)
    with pytest.raises(ValidationFailed, match=r"揭榜截止 .* 早于今天.*请修改揭榜截止后再提交审核"):
        transition(session, actor=official, demand_id=demand.id, step="submit")
    assert demand.state == S.DRAFT
    update_demand(session, actor=official, demand_id=demand.id, deadline=local_today())
    for step in ("submit", "review"):
        transition(session, actor=official, demand_id=demand.id, step=step)
    demand.deadline = last_week  # the date passed while the demand waited for 发榜
    with pytest.raises(ValidationFailed, match=r"揭榜截止 .* 早于今天.*不能发榜.*改正揭榜截止"):
        transition(session, actor=official, demand_id=demand.id, step="publish")
    assert demand.state == S.REVIEWED and demand.published_at is None
    transition(session, actor=official, demand_id=demand.id, step="reject", reason="揭榜截止已过")
    transition(session, actor=official, demand_id=demand.id, step="revise")
    update_demand(session, actor=official, demand_id=demand.id, deadline=local_today() + dt.timedelta(days=30))
    for step in ("submit", "review", "publish"):
        transition(session, actor=official, demand_id=demand.id, step=step)
    assert demand.state == S.PUBLISHED


def test_only_the_right_parties_take_each_step(session: Session, world: World, official: Actor) -> None:
    demand = draft_demand(session, world, official)
    owner, lead = world.owner_viewer(), world.lead_viewer()
    with pytest.raises(NotFound):  # the lead unit does not see a draft yet
        transition(session, actor=official, demand_id=demand.id, step="submit", viewer=lead)
    transition(session, actor=official, demand_id=demand.id, step="submit", viewer=owner)
    with pytest.raises(Forbidden, match="无权"):  # the owner cannot approve its own demand
        transition(session, actor=official, demand_id=demand.id, step="review", viewer=owner)
    transition(session, actor=official, demand_id=demand.id, step="review", viewer=lead)
    with pytest.raises(Forbidden):
        transition(session, actor=official, demand_id=demand.id, step="publish", viewer=owner)
    with pytest.raises(Forbidden):  # the lead unit cannot withdraw the enterprise's demand
        transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="x", viewer=lead)
    transition(session, actor=official, demand_id=demand.id, step="publish", viewer=world.office_viewer(session))
    with pytest.raises(Forbidden):  # a university that can see it cannot close it
        transition(session, actor=official, demand_id=demand.id, step="close", reason="x",
                   viewer=world.named_uni_viewer())
    with pytest.raises(Forbidden):  # nor learn, with a stale version, that someone changed it (409 came first)
        transition(session, actor=official, demand_id=demand.id, step="close", reason="x", expected_version=1,
                   viewer=world.named_uni_viewer())
    with pytest.raises(Forbidden):  # the first claim moves it to 已揭榜, nobody does that by hand
        transition(session, actor=official, demand_id=demand.id, step="claim", viewer=world.office_viewer(session))
    with pytest.raises(Forbidden):  # an office of another county is not this demand's office
        from xiaodi.accounts.scope import Viewer

        transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="x",
                   viewer=Viewer.office_of([world.county2.id]))


def test_withdrawing_a_claimed_demand_answers_every_claimant(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    claim = submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                         approach="方案")
    transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="企业转产")
    assert claim.state == ClaimState.NOT_SELECTED
    assert claim.feedback is not None and "企业转产" in claim.feedback


def test_closing_is_refused_while_a_claimant_has_no_feedback(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    claim = submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                         approach="方案")
    claim.state = ClaimState.NOT_SELECTED  # as an import might leave it: decided, but never answered
    session.flush()
    with pytest.raises(ValidationFailed, match="江西理工大学"):
        transition(session, actor=official, demand_id=demand.id, step="close", reason="到期")
    claim.feedback = "方案与需求不符"
    transition(session, actor=official, demand_id=demand.id, step="close", reason="到期")
    assert demand.state == S.CLOSED


def test_a_stale_page_cannot_move_a_demand(session: Session, world: World, official: Actor) -> None:
    demand = draft_demand(session, world, official)
    seen = demand.version
    transition(session, actor=official, demand_id=demand.id, step="submit", expected_version=seen)
    with pytest.raises(Conflict, match="已被他人修改"):
        transition(session, actor=official, demand_id=demand.id, step="withdraw", reason="x", expected_version=seen)


def test_the_board_counts_demands_in_each_state(session: Session, world: World, official: Actor) -> None:
    published_demand(session, world, official, title="看板需求一")
    draft_demand(session, world, official, title="看板需求二")
    board = demand_board(session, viewer=world.owner_viewer())
    assert board["published"] >= 1 and board["draft"] >= 1 and set(board) == {s.value for s in S}
    outsider = demand_board(session, viewer=world.outsider_viewer())
    assert outsider["draft"] == 0
