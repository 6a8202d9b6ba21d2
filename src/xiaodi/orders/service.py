"""Orders and their assignment (点单/派单/接单): an enterprise orders a service from a university, the university
assigns it to a service team or an expert, who accepts or declines; the service is recorded and the enterprise rates it.

An order's life: placed → assigned → accepted → in service → served → rated; a decline returns it to the
university for another assignment (declined), and an order not yet served can be cancelled with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.records import check_version, create, flush_or_conflict, get_live, next_code
from xiaodi.core.settings import local_today, not_after_today
from xiaodi.demands.service import IllegalTransition
from xiaodi.directory.models import Organisation, OrgKind, Person
from xiaodi.orders.access import may_act_for
from xiaodi.orders.models import (
    Assignment,
    AssignmentState,
    OrderState,
    ServiceKind,
    ServiceOrder,
    ServiceRecord,
    ServiceTeam,
)

OS = OrderState


def _order_move(session: Session, order: ServiceOrder, to: OrderState, *, actor: Actor, allowed: set[OrderState],
                doing: str, reason: str | None = None, expected_version: int | None = None,
                changes: dict[str, object] | None = None) -> None:
    check_version(order, expected_version, f"订单“{order.title}”")
    if order.state not in allowed:
        raise IllegalTransition(f"订单“{order.title}”当前为“{OrderState(order.state).label}”，不能{doing}")
    before = model_snapshot(order)
    for key, value in (changes or {}).items():
        setattr(order, key, value)
    order.state = to
    flush_or_conflict(session, f"订单“{order.title}”")
    audit.record(session, actor=actor, action="transition", obj=order, before=before, reason=reason)


def _enterprise_side(order: ServiceOrder, viewer: Viewer | None, doing: str) -> None:
    if not may_act_for(viewer, order.enterprise_id):
        raise Forbidden(f"只有点单企业可以{doing}")


def place_order(
    session: Session,
    *,
    actor: Actor,
    enterprise_id: int,
    title: str,
    university_id: int | None = None,
    kind: ServiceKind | str = ServiceKind.CONSULTING,
    description: str | None = None,
    demand_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    viewer: Viewer | None = None,
) -> ServiceOrder:
    """企业点单: an enterprise orders a service, from a named university or leaving the choice to the office."""
    enterprise = get_live(session, Organisation, enterprise_id, "点单企业")
    if not may_act_for(viewer, enterprise.id):
        raise Forbidden("只能以本企业名义点单")
    if enterprise.kind != OrgKind.ENTERPRISE:
        raise ValidationFailed(f"“{enterprise.name}”不是企业，不能点单")
    if university_id is not None:
        uni = get_live(session, Organisation, university_id, "服务高校")
        if uni.kind not in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE):
            raise ValidationFailed(f"“{uni.name}”不是高校或科研院所")
    if not (title or "").strip():
        raise ValidationFailed("点单内容不能为空")
    try:
        kind = ServiceKind(kind)
    except ValueError as exc:
        raise ValidationFailed(f"服务类别应为：{'、'.join(k.value for k in ServiceKind)}") from exc
    order = ServiceOrder(code=_next_code(session), enterprise_id=enterprise.id, university_id=university_id,
                         region_id=enterprise.region_id, demand_id=demand_id, title=title.strip(),
                         description=description, kind=kind, state=OS.PLACED, contact_name=contact_name,
                         contact_phone=contact_phone)
    return create(session, order, actor=actor)


def _next_code(session: Session) -> str:
    return next_code(session, ServiceOrder.code, "DD", local_today().year)


def assign_order(
    session: Session,
    *,
    actor: Actor,
    order_id: int,
    team_id: int | None = None,
    expert_id: int | None = None,
    university_id: int | None = None,
    expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Assignment:
    """派单: the university (or the office) assigns the order to one of its service teams or experts."""
    order = get_live(session, ServiceOrder, order_id, "订单")
    if (team_id is None) == (expert_id is None):
        raise ValidationFailed("派单须指定一个服务团队或一位专家")
    chosen = order.university_id or university_id
    if chosen is None:
        raise ValidationFailed("该订单未指定高校，派单时请指定承接高校")
    if not may_act_for(viewer, chosen):
        raise Forbidden("只有接单高校或办公室可以派单")
    if team_id is not None:
        team = get_live(session, ServiceTeam, team_id, "服务团队")
        owner_id: int | None = team.organisation_id
        who = team.name
    else:
        expert = get_live(session, Person, expert_id or 0, "专家")
        owner_id, who = expert.organisation_id, expert.name
    if owner_id != chosen:
        raise ValidationFailed(f"“{who}”不属于承接该订单的高校，不能派单")
    _order_move(session, order, OS.ASSIGNED, actor=actor, allowed={OS.PLACED, OS.DECLINED}, doing="派单",
                reason=f"派给{who}", expected_version=expected_version, changes={"university_id": chosen})
    row = Assignment(order_id=order.id, team_id=team_id, expert_id=expert_id, dispatched_by=actor.name,
                   dispatched_by_user_id=actor.user_id, state=AssignmentState.PENDING)
    return create(session, row, actor=actor)


def respond_to_assignment(
    session: Session, *, actor: Actor, assignment_id: int, accept: bool, reason: str | None = None,
) -> Assignment:
    """接单 or 拒单: the team or expert answers; a decline needs a reason and sends the order back to be
    assigned again."""
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise ValidationFailed(f"派单（编号 {assignment_id}）不存在")
    if row.state != AssignmentState.PENDING:
        raise IllegalTransition("该派单已答复，不能重复接单或拒单")
    if not accept and not (reason or "").strip():
        raise ValidationFailed("拒单必须说明原因")
    order = get_live(session, ServiceOrder, row.order_id, "订单")
    before = model_snapshot(row)
    row.state = AssignmentState.ACCEPTED if accept else AssignmentState.DECLINED
    row.response_reason = reason
    row.responded_at = utcnow()
    flush_or_conflict(session, "派单")
    audit.record(session, actor=actor, action="accept" if accept else "decline", obj=row, before=before,
                 reason=reason)
    if accept:
        _order_move(session, order, OS.ACCEPTED, actor=actor, allowed={OS.ASSIGNED}, doing="接单")
    else:
        _order_move(session, order, OS.DECLINED, actor=actor, allowed={OS.ASSIGNED}, doing="拒单", reason=reason)
    return row


MAX_SERVICE_HOURS = 24  # a record is one day's service (服务日期)


def record_service(
    session: Session,
    *,
    actor: Actor,
    order_id: int,
    served_on: dt.date,
    summary: str,
    hours: Decimal | None = None,
    outcome: str | None = None,
) -> ServiceRecord:
    """服务记录: what the team did and when; the first record puts the order in service."""
    order = get_live(session, ServiceOrder, order_id, "订单")
    if order.state not in (OS.ACCEPTED, OS.IN_SERVICE):
        raise IllegalTransition(f"订单“{order.title}”当前为“{OrderState(order.state).label}”，不能登记服务")
    if not (summary or "").strip():
        raise ValidationFailed("服务记录须写明服务内容")
    if hours is not None and not Decimal(0) <= Decimal(hours) <= MAX_SERVICE_HOURS:
        raise ValidationFailed(f"服务时长应为 0–{MAX_SERVICE_HOURS} 小时（一条记录是一天的服务）")
    not_after_today(served_on, "服务日期", "尚未提供的服务")  # as 签约、到位资金 and 活动 refuse a future day
    if order.state == OS.ACCEPTED:
        _order_move(session, order, OS.IN_SERVICE, actor=actor, allowed={OS.ACCEPTED}, doing="开始服务")
    row = ServiceRecord(order_id=order.id, served_on=served_on, hours=hours, summary=summary.strip(),
                        outcome=outcome, recorded_by=actor.name)
    return create(session, row, actor=actor)


def finish_service(session: Session, *, actor: Actor, order_id: int, expected_version: int | None = None) -> None:
    """服务完成: the team reports the service done; the enterprise can now rate it."""
    order = get_live(session, ServiceOrder, order_id, "订单")
    _order_move(session, order, OS.SERVED, actor=actor, allowed={OS.IN_SERVICE}, doing="完成服务",
                expected_version=expected_version)


def rate_order(
    session: Session, *, actor: Actor, order_id: int, rating: int, comment: str | None = None,
    viewer: Viewer | None = None,
) -> ServiceOrder:
    """服务评价: the enterprise rates the service 1–5 (满意度)."""
    order = get_live(session, ServiceOrder, order_id, "订单")
    _enterprise_side(order, viewer, "评价服务")
    if not 1 <= int(rating) <= 5:
        raise ValidationFailed("评分应为 1 到 5 分")
    _order_move(session, order, OS.RATED, actor=actor, allowed={OS.SERVED}, doing="评价", reason=comment,
                changes={"rating": int(rating), "rating_comment": comment})
    return order


def cancel_order(
    session: Session, *, actor: Actor, order_id: int, reason: str, viewer: Viewer | None = None,
) -> ServiceOrder:
    """取消订单 before the service starts; the reason stays on the record."""
    order = get_live(session, ServiceOrder, order_id, "订单")
    _enterprise_side(order, viewer, "取消订单")
    if not (reason or "").strip():
        raise ValidationFailed("取消订单必须说明原因")
    _order_move(session, order, OS.CANCELLED, actor=actor, allowed={OS.PLACED, OS.ASSIGNED, OS.DECLINED, OS.ACCEPTED},
                doing="取消", reason=reason)
    return order


def assignments_of(session: Session, *, order_id: int) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.order_id == order_id).order_by(Assignment.id))
                .unique())
