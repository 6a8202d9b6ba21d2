"""An agreement is signed and creates a project; the project moves signed → started → landed → in production →
accepted as its milestones are reached, and funds arrive over time — corrected, never overwritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.demands.loop_world import World
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Claim, Demand
from xiaodi.demands.service import IllegalTransition
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    AgreementState,
    FundSource,
    Milestone,
    PartyRole,
    Project,
    ProjectStage,
)
from xiaodi.projects.service import (
    MilestoneSpec,
    PartySpec,
    add_milestone,
    complete_milestone,
    correct_funds,
    create_agreement,
    create_project,
    fund_history,
    funds_in_place,
    move_project,
    projects_with_funds,
    record_funds,
    stage_history,
)

P = ProjectStage


def signed_project(session: Session, w: World, actor: Actor, name: str = "高纯铝中试线") -> Project:
    agreement = create_agreement(
        session, actor=actor, title=f"{name}合作协议", kind=AgreementKind.PROJECT_COOPERATION,
        parties=[PartySpec("河津示例铝业有限公司", PartyRole.PARTY_A, w.enterprise.id),
                 PartySpec("江西理工大学", PartyRole.PARTY_B, w.named_uni.id)],
        signed_on=dt.date(2025, 3, 1), amount=Decimal("30000000"), region_id=w.county.id)
    return create_project(
        session, actor=actor, name=name, agreement_id=agreement.id, responsible_unit_id=w.lead_unit.id,
        partner_id=w.named_uni.id, enterprise_id=w.enterprise.id, leader_in_charge="刘副市长",
        pledged_amount=Decimal("30000000"),
        milestones=[MilestoneSpec("开工建设", dt.date(2025, 4, 30), P.STARTED),
                    MilestoneSpec("设备安装完成、项目落地", dt.date(2025, 9, 30), P.LANDED)])


def test_an_agreement_creates_a_project_that_follows_its_milestones(
    session: Session, world: World, official: Actor
) -> None:
    project = signed_project(session, world, official)
    assert project.region_id == world.county.id and project.stage == P.SIGNED
    started, landed = session.scalars(
        select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.due_on)).all()
    complete_milestone(session, actor=official, milestone_id=started.id, done_on=dt.date(2025, 4, 28))
    assert project.stage == P.STARTED and project.started_on == dt.date(2025, 4, 28)
    complete_milestone(session, actor=official, milestone_id=landed.id, done_on=dt.date(2025, 10, 8))
    assert project.stage == P.LANDED and project.landed_on == dt.date(2025, 10, 8)
    move_project(session, actor=official, project_id=project.id, to=P.IN_PRODUCTION, reached_on=dt.date(2026, 1, 5))
    move_project(session, actor=official, project_id=project.id, to=P.ACCEPTED, reached_on=dt.date(2026, 6, 30))
    assert [(c.from_stage, c.to_stage) for c in stage_history(session, project_id=project.id)] == [
        (None, P.SIGNED), (P.SIGNED, P.STARTED), (P.STARTED, P.LANDED), (P.LANDED, P.IN_PRODUCTION),
        (P.IN_PRODUCTION, P.ACCEPTED)]
    with pytest.raises(IllegalTransition, match="已验收"):
        move_project(session, actor=official, project_id=project.id, to=P.STALLED, reason="x")
    with pytest.raises(IllegalTransition, match="已于 2025-04-28 完成"):
        complete_milestone(session, actor=official, milestone_id=started.id, done_on=dt.date(2025, 5, 1))


def test_stages_only_move_forward_and_skipped_stages_get_the_date_reached(
    session: Session, world: World, official: Actor
) -> None:
    project = signed_project(session, world, official)
    move_project(session, actor=official, project_id=project.id, to=P.LANDED, reached_on=dt.date(2025, 8, 1))
    assert (project.started_on, project.landed_on) == (dt.date(2025, 8, 1), dt.date(2025, 8, 1))
    with pytest.raises(IllegalTransition, match="只能向前推进"):
        move_project(session, actor=official, project_id=project.id, to=P.STARTED)
    with pytest.raises(ValidationFailed, match="必须说明原因"):
        move_project(session, actor=official, project_id=project.id, to=P.STALLED)
    move_project(session, actor=official, project_id=project.id, to=P.STALLED, reason="环评手续未批复")
    with pytest.raises(IllegalTransition, match="只能向前推进"):  # resuming cannot go back behind the stall
        move_project(session, actor=official, project_id=project.id, to=P.STARTED)
    move_project(session, actor=official, project_id=project.id, to=P.IN_PRODUCTION, reached_on=dt.date(2025, 12, 1))
    move_project(session, actor=official, project_id=project.id, to=P.CANCELLED, reason="企业破产重整")
    with pytest.raises(IllegalTransition, match="已终止"):
        move_project(session, actor=official, project_id=project.id, to=P.ACCEPTED)
    assert project.landed_on == dt.date(2025, 8, 1)


def test_agreements_need_two_parties_and_honest_amounts(session: Session, world: World, official: Actor) -> None:
    with pytest.raises(ValidationFailed, match="两个签约方"):
        create_agreement(session, actor=official, title="x", kind=AgreementKind.OTHER,
                         parties=[PartySpec("甲", PartyRole.PARTY_A)])
    with pytest.raises(ValidationFailed, match="负数"):
        create_agreement(session, actor=official, title="x", kind=AgreementKind.OTHER, amount=Decimal(-1),
                         parties=[PartySpec("甲", PartyRole.PARTY_A), PartySpec("乙", PartyRole.PARTY_B)])
    agreement = create_agreement(session, actor=official, title="人才供给协议", kind="talent_supply",
                                 parties=[PartySpec("河津示例铝业有限公司", PartyRole.PARTY_A, world.enterprise.id),
                                          PartySpec("运城学院", PartyRole.PARTY_B)])
    assert [p.name for p in agreement.parties] == ["河津示例铝业有限公司", "运城学院"]
    assert agreement.code.startswith("XY-")


def test_funds_arrive_and_a_correction_counts_once(session: Session, world: World, official: Actor) -> None:
    project = signed_project(session, world, official)
    first = record_funds(session, actor=official, project_id=project.id, amount=Decimal("5000000"),
                         arrived_on=dt.date(2025, 4, 1), source=FundSource.SELF_RAISED)
    record_funds(session, actor=official, project_id=project.id, amount=Decimal("3000000"),
                 arrived_on=dt.date(2025, 7, 1), source=FundSource.FISCAL)
    assert funds_in_place(session, project_id=project.id) == Decimal("8000000.00")
    fixed = correct_funds(session, actor=official, fund_record_id=first.id, amount=Decimal("4500000"),
                          reason="银行回单核对，实际到位450万元")
    assert funds_in_place(session, project_id=project.id) == Decimal("7500000.00")
    with pytest.raises(Conflict, match="已被更正"):
        correct_funds(session, actor=official, fund_record_id=first.id, amount=Decimal("1"), reason="x")
    correct_funds(session, actor=official, fund_record_id=fixed.id, amount=Decimal("0"), reason="重复录入，撤销")
    assert funds_in_place(session, project_id=project.id) == Decimal("3000000.00")
    assert len(fund_history(session, project_id=project.id)) == 4  # nothing was deleted
    assert fixed.arrived_on == first.arrived_on
    assert history(session, "fund_record", fixed.id)[0].reason == "银行回单核对，实际到位450万元"
    with pytest.raises(ValidationFailed):
        record_funds(session, actor=official, project_id=project.id, amount=Decimal("0"), arrived_on=local_today())
    assert (project.id, Decimal("3000000.00")) in [(p.id, t) for p, t in projects_with_funds(session, limit=1000)]


def test_a_milestone_belongs_to_the_projects_unit_unless_named(
    session: Session, world: World, official: Actor
) -> None:
    project = signed_project(session, world, official)
    own = add_milestone(session, actor=official, project_id=project.id, title="环评", due_on=dt.date(2025, 5, 1))
    other = add_milestone(session, actor=official, project_id=project.id, title="供电接入", due_on=dt.date(2025, 5, 1),
                          responsible_unit_id=world.office.id)
    assert own.responsible_unit_id == world.lead_unit.id and other.responsible_unit_id == world.office.id
    assert own.original_due_on == own.due_on and own.slip_count == 0


def _selected_claim(session: Session, world: World, official: Actor) -> tuple[Demand, Claim]:
    """A published demand whose one claim went through review and was selected (中选)."""
    from tests.demands.loop_world import published_demand
    from xiaodi.demands.service_claims import (
        declare_conflict,
        score_claim,
        screen_claim,
        select_claim,
        shortlist,
        submit_claim,
    )

    demand = published_demand(session, world, official, title="铝灰渣资源化")
    claim = submit_claim(session, actor=official, demand_id=demand.id, claimant_org_id=world.named_uni.id,
                         approach="湿法回收")
    reviewer = world.reviewers[0].id
    declare_conflict(session, actor=official, demand_id=demand.id, reviewer_user_id=reviewer, has_conflict=False)
    screen_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=reviewer, passed=True)
    score_claim(session, actor=official, claim_id=claim.id, reviewer_user_id=reviewer,
                scores={"技术先进性": 90, "实施方案可行性": 85, "团队实力": 80, "经费合理性": 75})
    shortlist(session, actor=official, demand_id=demand.id, finalist_ids=[claim.id], feedback={})
    select_claim(session, actor=official, demand_id=demand.id, claim_id=claim.id, feedback={})
    return demand, claim


def _sign_for(session: Session, world: World, official: Actor, claim: Claim, amount: str = "75") -> Agreement:
    return create_agreement(
        session, actor=official, title="铝灰渣资源化技术开发合同", kind=AgreementKind.TECH_DEVELOPMENT,
        parties=[PartySpec("河津示例铝业有限公司", PartyRole.PARTY_A, world.enterprise.id),
                 PartySpec("江西理工大学", PartyRole.PARTY_B, world.named_uni.id)],
        amount=Decimal(amount) * 10_000, claim_id=claim.id)


def test_an_agreement_signed_for_a_claim_records_the_demand_it_answers(
    session: Session, world: World, official: Actor
) -> None:
    demand, claim = _selected_claim(session, world, official)
    agreement = _sign_for(session, world, official, claim)  # only the claim is named
    assert agreement.demand_id == demand.id and agreement.claim_id == claim.id
    assert demand.state == "contracted"


def test_a_selected_claim_is_signed_once_so_the_figures_count_it_once(
    session: Session, world: World, official: Actor
) -> None:
    """The office opened 登记协议 twice for the same 中选 claim: the second is refused, the first stands."""
    _demand, claim = _selected_claim(session, world, official)
    first = _sign_for(session, world, official, claim)
    with pytest.raises(Conflict, match=f"已登记协议.*{first.code}"):
        _sign_for(session, world, official, claim)
    signed = session.scalars(select(Agreement).where(Agreement.claim_id == claim.id)).all()
    assert signed == [first]
    first.state = AgreementState.TERMINATED  # 协议终止: the claim may be signed anew
    session.flush()
    assert _sign_for(session, world, official, claim, amount="60").claim_id == claim.id


def test_a_party_listed_twice_is_refused_before_anything_is_written(
    session: Session, world: World, official: Actor
) -> None:
    with pytest.raises(ValidationFailed, match="重复"):
        create_agreement(
            session, actor=official, title="重复签约方", kind=AgreementKind.PROJECT_COOPERATION,
            parties=[PartySpec("江西理工大学", PartyRole.PARTY_B, world.named_uni.id),
                     PartySpec("江西理工大学", PartyRole.PARTY_B, world.named_uni.id)])


def test_a_cancelled_project_takes_no_new_milestones_or_funds(
    session: Session, world: World, official: Actor
) -> None:
    project = signed_project(session, world, official)
    move_project(session, actor=official, project_id=project.id, to=P.CANCELLED, reason="企业经营调整")
    with pytest.raises(ValidationFailed, match="不再设置节点"):
        add_milestone(session, actor=official, project_id=project.id, title="补充节点", due_on=dt.date(2025, 12, 1))
    with pytest.raises(ValidationFailed, match="已终止"):
        record_funds(session, actor=official, project_id=project.id, amount=Decimal("100"),
                     arrived_on=dt.date(2025, 12, 1))


def test_two_records_drawing_the_same_number_get_a_conflict_not_a_crash(
    session: Session, world: World, official: Actor
) -> None:
    first = signed_project(session, world, official)
    with pytest.raises(Conflict, match="重复"):
        create_project(session, actor=official, name="同号项目", code=first.code)


def test_a_milestone_due_before_its_agreement_was_signed_is_a_typo(session: Session, world: World,
                                                                    official: Actor) -> None:
    """A county office typed 2020 for 2030: the milestone would be overdue from its first day on the dashboard."""
    agreement = create_agreement(
        session, actor=official, title="余热回收技术合作协议", kind="tech_development",
        parties=[PartySpec(organisation_id=world.enterprise.id, name=world.enterprise.name, role="party_a"),
                 PartySpec(organisation_id=world.named_uni.id, name=world.named_uni.name, role="party_b")],
        signed_on=dt.date(2026, 12, 5))
    project = create_project(session, actor=official, name="余热发电改造", agreement_id=agreement.id,
                             region_id=world.county.id)
    with pytest.raises(ValidationFailed, match="早于协议签订日期 2026-12-05"):
        add_milestone(session, actor=official, project_id=project.id, title="完成余热系统诊断",
                      due_on=dt.date(2020, 1, 1))
    done = add_milestone(session, actor=official, project_id=project.id, title="完成余热系统诊断",
                         due_on=dt.date(2027, 1, 1))
    assert done.due_on == dt.date(2027, 1, 1)


def test_an_agreement_signed_on_a_future_day_is_refused(session: Session, world: World, official: Actor) -> None:
    """签约日期 next week: the agreement has not been signed, so it is not registered (and counted) yet."""
    from xiaodi.projects.models import Agreement
    next_week = local_today() + dt.timedelta(days=7)
    with pytest.raises(ValidationFailed, match=r"签约日期 .* 晚于今天"):
        create_agreement(session, actor=official, title="未来的合作协议", kind=AgreementKind.OTHER,
                         signed_on=next_week,
                         parties=[PartySpec("甲", PartyRole.PARTY_A), PartySpec("乙", PartyRole.PARTY_B)])
    assert session.scalar(select(Agreement.id).where(Agreement.title == "未来的合作协议")) is None
    today = create_agreement(session, actor=official, title="今天的合作协议", kind=AgreementKind.OTHER,
                             signed_on=local_today(),
                             parties=[PartySpec("甲", PartyRole.PARTY_A), PartySpec("乙", PartyRole.PARTY_B)])
    assert today.signed_on == local_today()


def test_funds_arriving_on_a_future_day_are_refused(session: Session, world: World, official: Actor) -> None:
    """到位日期 next month: the money has not arrived; neither a new record nor a correction may say so."""
    project = signed_project(session, world, official)
    later = local_today() + dt.timedelta(days=30)
    with pytest.raises(ValidationFailed, match=r"到位日期 .* 晚于今天"):
        record_funds(session, actor=official, project_id=project.id, amount=Decimal("100"), arrived_on=later)
    first = record_funds(session, actor=official, project_id=project.id, amount=Decimal("100"),
                         arrived_on=dt.date(2025, 4, 1))
    with pytest.raises(ValidationFailed, match=r"到位日期 .* 晚于今天"):
        correct_funds(session, actor=official, fund_record_id=first.id, amount=Decimal("90"), reason="核对",
                      arrived_on=later)
    assert len(fund_history(session, project_id=project.id)) == 1


def test_the_same_agreement_sent_twice_is_registered_once(session: Session, world: World, official: Actor) -> None:
    """The county office presses 保存 twice (or the city types in the county's signing again): same title, day and
    parties — the second is refused naming the first, so 签约 and its amount count once; an agreement of the same
    parties with its own title, or signed on another day, is another agreement."""
    first = session.get(Agreement, signed_project(session, world, official).agreement_id)
    assert first is not None
    parties = [PartySpec("河津示例铝业有限公司", PartyRole.PARTY_A, world.enterprise.id),
               PartySpec("江西理工大学", PartyRole.PARTY_B, world.named_uni.id)]
    with pytest.raises(Conflict, match=rf"协议“高纯铝中试线合作协议”（{first.code}）已登记，签约日期和签约方相同"):
        create_agreement(session, actor=official, title=" 高纯铝中试线合作协议 ", kind=AgreementKind.OTHER,
                         parties=list(reversed(parties)), signed_on=dt.date(2025, 3, 1))
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1
    create_agreement(session, actor=official, title="高纯铝中试线合作协议（二期）", kind=AgreementKind.OTHER,
                     parties=parties, signed_on=dt.date(2025, 3, 1))
    create_agreement(session, actor=official, title="高纯铝中试线合作协议", kind=AgreementKind.OTHER,
                     parties=parties, signed_on=dt.date(2026, 3, 1))
