"""An enterprise orders a service (点单); the university dispatches it (派单) to a team, which declines, then to an
expert, who accepts (接单); the service is recorded and the enterprise rates it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from tests.demands.loop_world import World
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.demands.service import IllegalTransition
from xiaodi.orders.models import AssignmentState, OrderState, ServiceKind
from xiaodi.orders.service import (
    assign_order,
    assignments_of,
    cancel_order,
    finish_service,
    place_order,
    rate_order,
    record_service,
    respond_to_assignment,
)


def test_an_order_is_dispatched_declined_redispatched_served_and_rated(
    session: Session, world: World, official: Actor
) -> None:
    order = place_order(session, actor=Actor(name="河津示例铝业·赵总"), enterprise_id=world.enterprise.id,
                        university_id=world.named_uni.id, title="电解槽能耗诊断", kind=ServiceKind.DIAGNOSIS,
                        viewer=world.owner_viewer())
    assert order.state == OrderState.PLACED and order.code.startswith("DD-")
    uni = world.named_uni_viewer()
    first = assign_order(session, actor=official, order_id=order.id, team_id=world.team.id, viewer=uni)
    with pytest.raises(ValidationFailed, match="拒单必须说明原因"):
        respond_to_assignment(session, actor=official, assignment_id=first.id, accept=False)
    respond_to_assignment(session, actor=Actor(name="冶金技术服务团"), assignment_id=first.id, accept=False,
                        reason="团队成员本月在外地")
    assert order.state == OrderState.DECLINED
    second = assign_order(session, actor=official, order_id=order.id, expert_id=world.expert.id, viewer=uni)
    respond_to_assignment(session, actor=Actor(name="张冶金"), assignment_id=second.id, accept=True)
    assert order.state == OrderState.ACCEPTED
    record_service(session, actor=Actor(name="张冶金"), order_id=order.id, served_on=dt.date(2025, 6, 3),
                   hours=Decimal("6"), summary="现场测试槽电压，提出极距调整方案",
                   outcome="吨铝电耗预计降低 200 千瓦时")
    assert order.state == OrderState.IN_SERVICE
    finish_service(session, actor=official, order_id=order.id)
    rate_order(session, actor=Actor(name="河津示例铝业·赵总"), order_id=order.id, rating=5, comment="专业、及时",
               viewer=world.owner_viewer())
    assert (order.state, order.rating) == (OrderState.RATED, 5)
    assert [(d.state, d.response_reason) for d in assignments_of(session, order_id=order.id)] == [
        (AssignmentState.DECLINED, "团队成员本月在外地"), (AssignmentState.ACCEPTED, None)]
    trail = [(e.before or {}).get("state") for e in history(session, "service_order", order.id)
             if e.action == "transition"]
    assert trail == ["placed", "dispatched", "declined", "dispatched", "accepted", "in_service", "served"]


def test_a_university_dispatches_only_to_its_own_teams_and_experts(
    session: Session, world: World, official: Actor
) -> None:
    order = place_order(session, actor=official, enterprise_id=world.enterprise.id, university_id=world.named_uni.id,
                        title="检测服务", kind=ServiceKind.TESTING)
    with pytest.raises(ValidationFailed, match="不属于承接该订单的高校"):
        assign_order(session, actor=official, order_id=order.id, expert_id=world.other_expert.id)
    with pytest.raises(Forbidden):
        assign_order(session, actor=official, order_id=order.id, team_id=world.team.id,
                       viewer=world.other_uni_viewer())
    with pytest.raises(ValidationFailed, match="一个服务团队或一位专家"):
        assign_order(session, actor=official, order_id=order.id, team_id=world.team.id, expert_id=world.expert.id)


def test_an_order_without_a_university_is_placed_with_one_at_dispatch(
    session: Session, world: World, official: Actor
) -> None:
    order = place_order(session, actor=official, enterprise_id=world.enterprise.id, title="人才培训")
    with pytest.raises(ValidationFailed, match="请指定承接高校"):
        assign_order(session, actor=official, order_id=order.id, team_id=world.team.id)
    assign_order(session, actor=official, order_id=order.id, team_id=world.team.id, university_id=world.named_uni.id)
    assert order.university_id == world.named_uni.id


def test_steps_out_of_order_and_bad_ratings_are_refused(session: Session, world: World, official: Actor) -> None:
    order = place_order(session, actor=official, enterprise_id=world.enterprise.id, university_id=world.named_uni.id,
                        title="技术咨询")
    with pytest.raises(IllegalTransition, match="当前为“已点单”，不能评价"):
        rate_order(session, actor=official, order_id=order.id, rating=4)
    with pytest.raises(IllegalTransition, match="不能登记服务"):
        record_service(session, actor=official, order_id=order.id, served_on=dt.date(2025, 6, 1), summary="x")
    d = assign_order(session, actor=official, order_id=order.id, team_id=world.team.id)
    respond_to_assignment(session, actor=official, assignment_id=d.id, accept=True)
    with pytest.raises(IllegalTransition, match="已答复"):
        respond_to_assignment(session, actor=official, assignment_id=d.id, accept=False, reason="x")
    with pytest.raises(ValidationFailed, match="晚于今天"):  # a service not yet given
        record_service(session, actor=official, order_id=order.id, served_on=local_today() + dt.timedelta(days=1),
                       summary="咨询")
    with pytest.raises(ValidationFailed, match="0–24 小时"):  # 999 hours in one day's record
        record_service(session, actor=official, order_id=order.id, served_on=dt.date(2025, 6, 1), summary="咨询",
                       hours=Decimal("999"))
    record_service(session, actor=official, order_id=order.id, served_on=dt.date(2025, 6, 1), summary="咨询")
    finish_service(session, actor=official, order_id=order.id)
    with pytest.raises(ValidationFailed, match="1 到 5"):
        rate_order(session, actor=official, order_id=order.id, rating=6)
    with pytest.raises(Forbidden, match="点单企业"):
        rate_order(session, actor=official, order_id=order.id, rating=1, viewer=world.outsider_viewer())
    with pytest.raises(IllegalTransition, match="不能取消"):
        cancel_order(session, actor=official, order_id=order.id, reason="x")


def test_only_an_enterprise_places_orders_in_its_own_name(session: Session, world: World, official: Actor) -> None:
    with pytest.raises(ValidationFailed, match="不是企业"):
        place_order(session, actor=official, enterprise_id=world.named_uni.id, title="x")
    with pytest.raises(Forbidden, match="本企业名义"):
        place_order(session, actor=official, enterprise_id=world.enterprise.id, title="x",
                    viewer=world.outsider_viewer())
    order = place_order(session, actor=official, enterprise_id=world.enterprise.id, title="x")
    with pytest.raises(ValidationFailed, match="说明原因"):
        cancel_order(session, actor=official, order_id=order.id, reason="")
    cancel_order(session, actor=official, order_id=order.id, reason="需求取消")
    assert order.state == OrderState.CANCELLED
