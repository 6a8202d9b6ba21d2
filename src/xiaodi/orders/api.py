"""Order API (/api/orders/…): 企业点单, 派单, 接单/拒单, 服务记录, 服务完成, 评价 and 取消, as JSON.

The order is looked up with the access helper (404 outside the user's scope), then the orders service decides.
Where the service takes no ``viewer`` (answering an assignment, recording and finishing the service) the part the
user plays for the order is checked here (``order_roles``), so that only the assigned expert or team — or the
university that sent them — answers and serves. The order detail page (``orders_pages``) shares these helpers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.records import check_version
from xiaodi.demands.models import Demand
from xiaodi.demands.service import IllegalTransition
from xiaodi.directory.models import Organisation
from xiaodi.orders import access
from xiaodi.orders import service as orders
from xiaodi.orders.models import (
    Assignment,
    AssignmentState,
    OrderState,
    ServiceKind,
    ServiceOrder,
    ServiceRecord,
)
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonBool, JsonInt

MAX_ID = 2**31 - 1


def visible_order(session: Session, order_id: int, viewer: Viewer) -> ServiceOrder:
    return get_visible(session, ServiceOrder, order_id, viewer, "订单")


def _label(order: ServiceOrder) -> str:
    return f"订单“{order.title}”"


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


# ── the actions, shared by the API and the pages ──────────────────────────────────────────────────────────────


def place(
    session: Session, viewer: Viewer, *, title: str, enterprise_id: int | None = None,
    university_id: int | None = None, kind: ServiceKind | str = ServiceKind.CONSULTING,
    description: str | None = None, demand_id: int | None = None, contact_name: str | None = None,
    contact_phone: str | None = None,
) -> ServiceOrder:
    """企业点单: an enterprise in its own name, or an office for an enterprise of its region."""
    access.require_place(viewer)
    if enterprise_id is None:
        if Role.ENTERPRISE not in viewer.roles or not viewer.organisation_ids:
            raise ValidationFailed("请指定点单企业")
        enterprise_id = min(viewer.organisation_ids)
    get_visible(session, Organisation, enterprise_id, viewer, "点单企业")  # an office: only its region's
    if university_id is not None:
        get_visible(session, Organisation, university_id, viewer, "服务高校")
    if demand_id is not None:
        demand = get_visible(session, Demand, demand_id, viewer, "需求")
        if demand.owner_id != enterprise_id:
            raise ValidationFailed(f"需求“{demand.title}”不是点单企业发布的需求")
    return orders.place_order(
        session, actor=viewer.actor, enterprise_id=enterprise_id, title=title, university_id=university_id,
        kind=kind, description=_text(description), demand_id=demand_id, contact_name=_text(contact_name),
        contact_phone=_text(contact_phone), viewer=viewer)


def assign(
    session: Session, viewer: Viewer, order_id: int, *, team_id: int | None = None, expert_id: int | None = None,
    university_id: int | None = None, expected_version: int | None = None,
) -> Assignment:
    """派单 to a service team or an expert of the university that serves the order."""
    order = visible_order(session, order_id, viewer)
    access.require_part(session, order, viewer, "dispatch")
    if university_id is not None and order.university_id is None:
        get_visible(session, Organisation, university_id, viewer, "承接高校")
    return orders.assign_order(session, actor=viewer.actor, order_id=order.id, team_id=team_id,
                                 expert_id=expert_id, university_id=university_id,
                                 expected_version=expected_version, viewer=viewer)


def respond(
    session: Session, viewer: Viewer, order_id: int, *, accept: bool, reason: str | None = None,
    expected_version: int | None = None,
) -> Assignment:
    """接单 or 拒单 (with a reason): the assigned expert or team, or the university that sent them."""
    order = visible_order(session, order_id, viewer)
    access.require_part(session, order, viewer, "respond")
    check_version(order, expected_version, _label(order))
    pending = access.latest_assignment(session, order)
    if pending is None or pending.state != AssignmentState.PENDING:
        raise IllegalTransition(
            f"{_label(order)}当前为“{OrderState(order.state).label}”，没有待答复的派单")
    return orders.respond_to_assignment(session, actor=viewer.actor, assignment_id=pending.id, accept=accept,
                                      reason=_text(reason))


def record(
    session: Session, viewer: Viewer, order_id: int, *, served_on: dt.date, summary: str,
    hours: Decimal | None = None, outcome: str | None = None, expected_version: int | None = None,
) -> ServiceRecord:
    """服务记录: what was done and when; the first record puts the order in service."""
    order = visible_order(session, order_id, viewer)
    access.require_part(session, order, viewer, "record")
    check_version(order, expected_version, _label(order))
    return orders.record_service(session, actor=viewer.actor, order_id=order.id, served_on=served_on,
                                 summary=summary, hours=hours, outcome=_text(outcome))


def finish(session: Session, viewer: Viewer, order_id: int, *, expected_version: int | None = None) -> ServiceOrder:
    """服务完成: the serving side reports the service done; the enterprise can now rate it."""
    order = visible_order(session, order_id, viewer)
    access.require_part(session, order, viewer, "finish")
    orders.finish_service(session, actor=viewer.actor, order_id=order.id, expected_version=expected_version)
    return order


def rate(
    session: Session, viewer: Viewer, order_id: int, *, rating: int, comment: str | None = None,
    expected_version: int | None = None,
) -> ServiceOrder:
    """服务评价 1–5: the service decides who may (the enterprise that ordered, or an office)."""
    order = visible_order(session, order_id, viewer)
    check_version(order, expected_version, _label(order))
    return orders.rate_order(session, actor=viewer.actor, order_id=order.id, rating=rating,
                             comment=_text(comment), viewer=viewer)


def cancel(
    session: Session, viewer: Viewer, order_id: int, *, reason: str, expected_version: int | None = None,
) -> ServiceOrder:
    """取消订单 with a reason, before the service starts: the service decides who may."""
    order = visible_order(session, order_id, viewer)
    check_version(order, expected_version, _label(order))
    return orders.cancel_order(session, actor=viewer.actor, order_id=order.id, reason=(reason or "").strip(),
                               viewer=viewer)


def service_records(session: Session, order_id: int) -> list[ServiceRecord]:
    return list(session.scalars(select(ServiceRecord).where(ServiceRecord.order_id == order_id)
                                .order_by(ServiceRecord.served_on, ServiceRecord.id)))


# ── JSON ──────────────────────────────────────────────────────────────────────────────────────────────────────

ExpectedVersion = Annotated[JsonInt | None,
                            Field(ge=1, le=MAX_ID, description="您看到的订单版本号（防止覆盖他人修改）")]


class PlaceIn(BaseModel):
    title: str = Field(min_length=1, max_length=300, description="点单内容")
    university_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID,
                                            description="点的高校（可不填，由办公室指定）")
    enterprise_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID,
                                      description="点单企业（企业账号不填即本企业；办公室代本辖区企业点单时必填）")
    kind: ServiceKind = Field(default=ServiceKind.CONSULTING, description="服务类别")
    description: str | None = Field(default=None, max_length=20000, description="需求描述")
    demand_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID, description="来自本企业的哪条需求")
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=40)


class DispatchIn(BaseModel):
    team_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID, description="服务团队（与专家二选一）")
    expert_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID, description="专家（与服务团队二选一）")
    university_id: JsonInt | None = Field(default=None, ge=1, le=MAX_ID, description="承接高校（订单未指定高校时）")
    expected_version: ExpectedVersion = None


class RespondIn(BaseModel):
    accept: JsonBool = Field(description="true 接单，false 拒单")
    reason: str | None = Field(default=None, max_length=2000, description="拒单原因（拒单时必填）")
    expected_version: ExpectedVersion = None


class RecordIn(BaseModel):
    served_on: CalendarDate = Field(description="服务日期")
    summary: str = Field(min_length=1, max_length=20000, description="服务内容")
    hours: Decimal | None = Field(default=None, ge=0, le=Decimal(10000), max_digits=6, decimal_places=1,
                                  allow_inf_nan=False, description="服务时长（小时）")
    outcome: str | None = Field(default=None, max_length=20000, description="服务成效")
    expected_version: ExpectedVersion = None


class VersionIn(BaseModel):
    expected_version: ExpectedVersion = None


class RateIn(BaseModel):
    rating: JsonInt = Field(ge=1, le=5, description="满意度 1–5 分")
    comment: str | None = Field(default=None, max_length=2000, description="评价意见")
    expected_version: ExpectedVersion = None


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="取消原因")
    expected_version: ExpectedVersion = None


class DispatchOut(BaseModel):
    id: int
    team_id: int | None
    expert_id: int | None
    assignee: str
    dispatched_by: str
    at: dt.datetime
    state: str
    response_reason: str | None
    responded_at: dt.datetime | None


class RecordOut(BaseModel):
    id: int
    served_on: dt.date
    hours: Decimal | None
    summary: str
    outcome: str | None
    recorded_by: str | None


class OrderOut(BaseModel):
    id: int
    code: str
    title: str
    kind: str
    state: str
    state_label: str
    version: int
    enterprise_id: int
    enterprise: str
    university_id: int | None
    university: str | None
    rating: int | None
    rating_comment: str | None
    dispatches: list[DispatchOut]
    records: list[RecordOut]


def assignee_name(d: Assignment) -> str:
    if d.team is not None:
        return d.team.name
    return d.expert.name if d.expert is not None else ""


def order_out(session: Session, order: ServiceOrder) -> OrderOut:
    # 派单 may name the university just now: read it by id rather than from the relationship loaded before.
    university = session.get(Organisation, order.university_id) if order.university_id else None
    assignments = [
        DispatchOut(id=d.id, team_id=d.team_id, expert_id=d.expert_id, assignee=assignee_name(d),
                    dispatched_by=d.dispatched_by, at=d.at, state=str(d.state), response_reason=d.response_reason,
                    responded_at=d.responded_at)
        for d in orders.assignments_of(session, order_id=order.id)
    ]
    records = [RecordOut(id=r.id, served_on=r.served_on, hours=r.hours, summary=r.summary, outcome=r.outcome,
                         recorded_by=r.recorded_by) for r in service_records(session, order.id)]
    return OrderOut(
        id=order.id, code=order.code, title=order.title, kind=str(order.kind), state=str(order.state),
        state_label=OrderState(order.state).label, version=order.version,
        enterprise_id=order.enterprise_id, enterprise=order.enterprise.name, university_id=order.university_id,
        university=university.name if university else None, rating=order.rating,
        rating_comment=order.rating_comment, dispatches=assignments, records=records)


router = APIRouter(prefix="/api/orders", tags=["点单派单"])


@router.post("", status_code=201, response_model=OrderOut, summary="企业点单（办公室可代本辖区企业点单）")
def place_route(body: PlaceIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    order = place(session, viewer, title=body.title, enterprise_id=body.enterprise_id,
                  university_id=body.university_id, kind=body.kind, description=body.description,
                  demand_id=body.demand_id, contact_name=body.contact_name, contact_phone=body.contact_phone)
    return order_out(session, order)


@router.post("/{order_id}/dispatch", response_model=OrderOut, summary="派单：高校（或办公室）派给服务团队或专家")
def dispatch_route(order_id: RecordId, body: DispatchIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    row = assign(session, viewer, order_id, team_id=body.team_id, expert_id=body.expert_id,
                   university_id=body.university_id, expected_version=body.expected_version)
    return order_out(session, row.order)


@router.post("/{order_id}/respond", response_model=OrderOut, summary="接单或拒单（拒单须说明原因）")
def respond_route(order_id: RecordId, body: RespondIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    row = respond(session, viewer, order_id, accept=body.accept, reason=body.reason,
                  expected_version=body.expected_version)
    return order_out(session, row.order)


@router.post("/{order_id}/record", response_model=OrderOut, summary="登记服务记录（首条记录使订单进入服务中）")
def record_route(order_id: RecordId, body: RecordIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    row = record(session, viewer, order_id, served_on=body.served_on, summary=body.summary, hours=body.hours,
                 outcome=body.outcome, expected_version=body.expected_version)
    return order_out(session, row.order)


@router.post("/{order_id}/finish", response_model=OrderOut, summary="服务完成")
def finish_route(
    order_id: RecordId, session: SessionDep, viewer: MemberUser, body: VersionIn | None = None,
) -> OrderOut:
    order = finish(session, viewer, order_id, expected_version=body.expected_version if body else None)
    return order_out(session, order)


@router.post("/{order_id}/rate", response_model=OrderOut, summary="企业评价服务（1–5 分）")
def rate_route(order_id: RecordId, body: RateIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    order = rate(session, viewer, order_id, rating=body.rating, comment=body.comment,
                 expected_version=body.expected_version)
    return order_out(session, order)


@router.post("/{order_id}/cancel", response_model=OrderOut, summary="取消订单（服务开始前，须说明原因）")
def cancel_route(order_id: RecordId, body: CancelIn, session: SessionDep, viewer: MemberUser) -> OrderOut:
    order = cancel(session, viewer, order_id, reason=body.reason, expected_version=body.expected_version)
    return order_out(session, order)
