"""Universities claim (揭榜) a published demand; the office screens the proposals, reviewers who declared no
conflict score them on weighted criteria, finalists are named and one is selected — and every other claimant
is told why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World, published_demand
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, Forbidden, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandState, ReviewStage
from xiaodi.demands.service import IllegalTransition
from xiaodi.demands.service_claims import (
    CriterionSpec,
    claims_of,
    declare_conflict,
    ranking,
    score_claim,
    screen_claim,
    select_claim,
    set_criteria,
    shortlist,
    submit_claim,
    withdraw_claim,
)

CRITERIA = [CriterionSpec("技术先进性", Decimal("0.5")), CriterionSpec("团队实力", Decimal("0.3")),
            CriterionSpec("经费合理性", Decimal("0.2"), max_score=Decimal(10))]
SHA = "a" * 64


def three_claims(session: Session, w: World, actor: Actor) -> tuple[Demand, Claim, Claim, Claim]:
    demand = published_demand(session, w, actor)
    set_criteria(session, actor=actor, demand_id=demand.id, criteria=CRITERIA)
    jx = submit_claim(session, actor=actor, demand_id=demand.id, claimant_org_id=w.named_uni.id,
                      claimant_person_id=w.expert.id, team="张冶金团队（5人）", approach="真空蒸馏",
                      budget=Decimal("450000"), schedule="12个月",
                      attachments=[{"name": "方案.pdf", "size": 1024, "sha256": SHA,
                                    "content_type": "application/pdf"}])
    wh = submit_claim(session, actor=actor, demand_id=demand.id, claimant_org_id=w.other_uni.id,
                      approach="偏析法")
    ty = submit_claim(session, actor=actor, demand_id=demand.id, claimant_org_id=w.third_uni.id,
                      approach="三层液电解")
    return demand, jx, wh, ty


def test_staged_review_selects_one_and_answers_every_other_claimant(
    session: Session, world: World, official: Actor
) -> None:
    demand, jx, wh, ty = three_claims(session, world, official)
    r1, r2 = world.reviewers[0].id, world.reviewers[1].id
    screen_claim(session, actor=official, claim_id=ty.id, reviewer_user_id=r1, passed=False,
                 comment="缺少单位盖章的承诺书")
    for claim in (jx, wh):
        screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=r1, passed=True)
    for reviewer in (r1, r2):
        declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=reviewer, has_conflict=False)
    score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                scores={"技术先进性": 90, "团队实力": 80, "经费合理性": 8})  # 45 + 24 + 16 = 85
    score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r2,
                scores={"技术先进性": 80, "团队实力": 90, "经费合理性": 6})  # 40 + 27 + 12 = 79
    score_claim(session, actor=official, claim_id=wh.id, reviewer_user_id=r1,
                scores={"技术先进性": 70, "团队实力": 70, "经费合理性": 10})  # 35 + 21 + 20 = 76
    ranked = ranking(session, demand_id=demand.id)
    assert [(r.claimant, r.score, r.reviewers) for r in ranked] == [
        ("江西理工大学", Decimal("82.00"), 2), ("武汉理工大学", Decimal("76.00"), 1), ("太原理工大学", None, 0)]

    shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[jx.id, wh.id], feedback={})
    assert demand.state == DemandState.SHORTLISTED
    with pytest.raises(ValidationFailed, match="武汉理工大学"):
        select_claim(session, actor=official, demand_id=demand.id, claim_id=jx.id, feedback={})
    select_claim(session, actor=official, demand_id=demand.id, claim_id=jx.id,
                 feedback={wh.id: "技术路线可行，但评分低于中选方案"})
    assert demand.state == DemandState.SELECTED
    assert (jx.state, wh.state, ty.state) == (ClaimState.SELECTED, ClaimState.NOT_SELECTED, ClaimState.SCREENED_OUT)
    assert wh.feedback == "技术路线可行，但评分低于中选方案" and ty.feedback == "缺少单位盖章的承诺书"
    assert jx.attachments[0]["sha256"] == SHA and jx.decided_at is not None


def test_shortlisting_requires_feedback_for_those_left_out(session: Session, world: World, official: Actor) -> None:
    demand, jx, wh, ty = three_claims(session, world, official)
    r1 = world.reviewers[0].id
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r1, has_conflict=False)
    for claim in (jx, wh, ty):
        screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=r1, passed=True)
    score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                scores={"技术先进性": 90, "团队实力": 80, "经费合理性": 8})
    with pytest.raises(ValidationFailed, match="武汉理工大学、太原理工大学"):
        shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[jx.id], feedback={wh.id: " "})
    with pytest.raises(ValidationFailed, match="还没有专家评分"):
        shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[wh.id],
                  feedback={jx.id: "x", ty.id: "x"})
    shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[jx.id],
              feedback={wh.id: "未进入前两名", ty.id: "预算超出需求上限"})
    assert wh.state == ty.state == ClaimState.NOT_SELECTED and ty.feedback == "预算超出需求上限"


def test_a_reviewer_must_declare_and_one_with_a_conflict_steps_aside(
    session: Session, world: World, official: Actor
) -> None:
    demand, jx, wh, _ = three_claims(session, world, official)
    r1, r2 = world.reviewers[0].id, world.reviewers[1].id
    for claim in (jx, wh):
        screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=r1, passed=True)
    scores = {"技术先进性": 80, "团队实力": 80, "经费合理性": 8}
    with pytest.raises(Forbidden, match="先提交利益冲突声明"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r2, scores=scores)
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r2, has_conflict=False)
    with pytest.raises(ValidationFailed, match="必须说明情况"):
        declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r2, has_conflict=True,
                         claim_id=jx.id)
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r2, has_conflict=True,
                     claim_id=jx.id, statement="曾在江西理工大学任教")
    with pytest.raises(Forbidden, match="应当回避"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r2, scores=scores)
    score_claim(session, actor=official, claim_id=wh.id, reviewer_user_id=r2, scores=scores)  # no conflict there


def test_a_reviewer_of_the_claimants_own_university_recuses_whatever_they_declared(
    session: Session, world: World, official: Actor
) -> None:
    """The demo's expert of 山西大学 ticked 不存在利益冲突 and scored 山西大学's own claim: a reviewer whose expert
    record (or account) belongs to the claimant's organisation may not score that claim, only the others."""
    demand, jx, wh, _ = three_claims(session, world, official)
    r3 = world.reviewers[2]
    r3.person_id = world.expert.id  # the reviewer's expert record: an expert of the university that claimed jx
    session.flush()
    for claim in (jx, wh):
        screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=world.reviewers[0].id, passed=True)
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r3.id, has_conflict=False)
    scores = {"技术先进性": 90, "团队实力": 90, "经费合理性": 9}
    with pytest.raises(Forbidden, match="属同一单位，应当回避"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r3.id, scores=scores)
    score_claim(session, actor=official, claim_id=wh.id, reviewer_user_id=r3.id, scores=scores)  # another school


def test_scores_must_match_the_criteria_and_their_ranges(session: Session, world: World, official: Actor) -> None:
    demand, jx, _, _ = three_claims(session, world, official)
    r1 = world.reviewers[0].id
    screen_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1, passed=True)
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=r1, has_conflict=False)
    with pytest.raises(ValidationFailed, match=r"缺少 经费合理性$"):  # no "，多出 无" after it
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                    scores={"技术先进性": 1, "团队实力": 1})
    with pytest.raises(ValidationFailed, match=r"评分项与评审指标不符：多出 创新性$"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                    scores={"技术先进性": 1, "团队实力": 1, "经费合理性": 1, "创新性": 1})
    with pytest.raises(ValidationFailed, match="0 到 10"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                    scores={"技术先进性": 1, "团队实力": 1, "经费合理性": 11})
    score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                scores={"技术先进性": 1, "团队实力": 1, "经费合理性": 1})
    with pytest.raises(Conflict, match="已对此方案打过分"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1,
                    scores={"技术先进性": 1, "团队实力": 1, "经费合理性": 1})
    with pytest.raises(IllegalTransition, match="不能进行该阶段评分"):
        score_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=r1, stage=ReviewStage.FINAL,
                    scores={"技术先进性": 1, "团队实力": 1, "经费合理性": 1})
    with pytest.raises(Conflict, match="不能再修改评审指标"):
        set_criteria(session, actor=official, demand_id=demand.id, criteria=CRITERIA)


def test_criteria_weights_must_add_up_to_one(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official)
    with pytest.raises(ValidationFailed, match="权重之和应为 1"):
        set_criteria(session, actor=official, demand_id=demand.id,
                     criteria=[CriterionSpec("技术先进性", Decimal("0.6")), CriterionSpec("团队实力", Decimal("0.6"))])


def test_what_a_claim_may_not_be(session: Session, world: World, official: Actor) -> None:
    demand = published_demand(session, world, official, deadline=local_today() + dt.timedelta(days=3))
    with pytest.raises(ValidationFailed, match="不能揭自己的榜"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.enterprise.id,
                     approach="方案", claimant_person_id=world.expert.id)
    with pytest.raises(ValidationFailed, match="sha256"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                     approach="方案", attachments=[{"name": "方案.pdf", "sha256": "zz"}])
    with pytest.raises(Forbidden, match="本单位名义"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                     approach="方案", viewer=world.other_uni_viewer())
    claim = submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                         approach="方案", viewer=world.named_uni_viewer())
    with pytest.raises(Conflict, match="已揭此榜"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                     approach="第二个方案")
    withdraw_claim(session, actor=official, claim_id=claim.id, reason="团队调整", viewer=world.named_uni_viewer())
    submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id, approach="新方案")
    demand.deadline = local_today() - dt.timedelta(days=1)
    with pytest.raises(IllegalTransition, match="截止"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.other_uni.id,
                     approach="方案")


def test_a_withdrawn_claim_says_its_state_once(session: Session, world: World, official: Actor) -> None:
    """Withdrawing a claim twice: “当前为“已撤回”，不能撤回”, never “已已撤回”."""
    demand = published_demand(session, world, official)
    claim = submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                         approach="方案", viewer=world.named_uni_viewer())
    withdraw_claim(session, actor=official, claim_id=claim.id, reason="团队调整", viewer=world.named_uni_viewer())
    with pytest.raises(IllegalTransition, match="揭榜方案当前为“已撤回”，不能撤回") as err:
        withdraw_claim(session, actor=official, claim_id=claim.id, reason="再撤", viewer=world.named_uni_viewer())
    assert "已已" not in str(err.value)


def test_the_deadline_is_a_day_in_china_not_on_the_servers_utc_clock(
        session: Session, world: World, official: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim's deadline ends at midnight where the programme is: at 1:00 the next morning in China the server's
    UTC clock is still on the deadline day, and a late claim used to get in."""
    from xiaodi.core.settings import Settings

    utc_day = dt.datetime.now(dt.UTC).date()
    demand = published_demand(session, world, official)
    demand.deadline = utc_day  # (set after 发榜, which needs a deadline not before the local day)
    monkeypatch.setattr(Settings, "today", lambda self: utc_day + dt.timedelta(days=1))
    with pytest.raises(IllegalTransition, match=f"已于 {utc_day:%Y-%m-%d} 截止"):
        submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                     approach="方案")


def test_a_claimant_sees_only_its_own_claim(session: Session, world: World, official: Actor) -> None:
    demand, jx, _, _ = three_claims(session, world, official)
    assert [c.id for c in claims_of(session, demand_id=demand.id, viewer=world.named_uni_viewer())] == [jx.id]
    assert len(claims_of(session, demand_id=demand.id, viewer=world.owner_viewer())) == 3


def test_a_university_cannot_decide_on_claims(session: Session, world: World, official: Actor) -> None:
    _, jx, _, _ = three_claims(session, world, official)
    with pytest.raises(Forbidden):
        screen_claim(session, actor=official, claim_id=jx.id, reviewer_user_id=world.reviewers[0].id, passed=True,
                     viewer=world.named_uni_viewer())
