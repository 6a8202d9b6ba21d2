"""Order pages (点单派单): the "我要点单" form, and the order's actions on its detail page as form posts —
派单, 接单/拒单, 服务记录, 服务完成, 评价, 取消.

Who may do what is decided by ``orders.access``; the actions are ``orders.api``'s (shared with the JSON API) and
the orders service's. These routes only parse the form, call them, and redirect back to the order with a message.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import required_day
from xiaodi.core.errors import Ambiguous, NotFound, ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind
from xiaodi.directory.service import clean_name, resolve_organisation
from xiaodi.orders import access
from xiaodi.orders import api as actions
from xiaodi.orders.models import AssignmentState, OrderState, ServiceKind, ServiceOrder, ServiceTeam
from xiaodi.orders.service import assignments_of
from xiaodi.web.access import scope_of
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.form_errors import typed_name
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.params import plain_int
from xiaodi.web.templating import flash, render

MAX_CHOICES = 300  # teams and experts offered in the assignment (派单) form




def specs() -> list[ResourceSpec]:
    """The order list (点单派单) and the order detail page."""
    orders = ResourceSpec(
        name="orders", label="点单派单", noun="订单", model=ServiceOrder, area="demands",
        columns=[
            Column("code", "订单编号", sort=ServiceOrder.code),
            Column("title", "服务内容", sort=ServiceOrder.title, link=True),
            Column("kind", "类别", labels=ServiceKind.labels()),
            Column("enterprise.name", "点单企业"),
            Column("university.name", "服务高校"),
            Column("placed_at", "点单时间", sort=ServiceOrder.placed_at),
            Column("state", "状态", labels=OrderState.labels(), sort=ServiceOrder.state),
        ],
        detail=[
            Column("code", "订单编号"), Column("title", "服务内容"),
            Column("kind", "类别", labels=ServiceKind.labels()),
            Column("description", "需求描述"), Column("enterprise.name", "点单企业"),
            Column("university.name", "服务高校"), Column("placed_at", "点单时间"),
            Column("state", "状态", labels=OrderState.labels()), Column("contact_name", "联系人"),
            Column("contact_phone", "联系电话", kind="personal:phone"), Column("rating", "评价（1–5）", kind="number"),
            Column("rating_comment", "评价意见"),
        ],
        search=[ServiceOrder.title, ServiceOrder.code, ServiceOrder.description],
        filters=[
            Filter("state", "状态", ServiceOrder.state, list(OrderState.labels().items())),
            Filter("kind", "类别", ServiceOrder.kind, list(ServiceKind.labels().items())),
        ],
        default_sort="-placed_at",
        personal_owner=lambda o: (o.enterprise_id,),
        extras=order_extras,
        detail_partial="order_detail.html",
        actions=(ListAction("/orders/new", "我要点单", allowed=access.may_place),),
    )
    return [orders]


def assignment_choices(session: Session, order: ServiceOrder) -> tuple[list[ServiceTeam], list[Person]]:
    """The service teams and experts the order may go to: the serving university's, or every team when the
    order names no university yet (the office then chooses the university with the team)."""
    teams = select(ServiceTeam).where(ServiceTeam.retired_at.is_(None)).order_by(ServiceTeam.name).limit(MAX_CHOICES)
    if order.university_id is None:
        return list(session.scalars(teams).unique()), []
    experts = (select(Person).where(Person.organisation_id == order.university_id, Person.kind == PersonKind.EXPERT,
                                    Person.retired_at.is_(None)).order_by(Person.name).limit(MAX_CHOICES))
    return (list(session.scalars(teams.where(ServiceTeam.organisation_id == order.university_id)).unique()),
            list(session.scalars(experts).unique()))


def order_extras(session: Session, viewer: Viewer, order: ServiceOrder) -> dict[str, Any]:
    """The order detail page: what the viewer may do now, the assignments and the service records."""
    allowed = access.available_actions(session, order, viewer)
    teams, experts = assignment_choices(session, order) if "dispatch" in allowed else ([], [])
    return {
        "order_actions": allowed,
        "assignments": assignments_of(session, order_id=order.id),
        "records": actions.service_records(session, order.id),
        "assignee_name": actions.assignee_name,
        "assignment_states": AssignmentState.labels(),
        "teams": teams,
        "experts": experts,
        "today": local_today().isoformat(),
        "order_state_label": OrderState(order.state).label,
    }


# ── parsing what people type ──────────────────────────────────────────────────────────────────────────────────


def university_named(session: Session, name: str) -> Organisation:
    """The university or institute called ``name`` (exact or alias); close matches are offered, never guessed."""
    try:
        return resolve_organisation(session, name, kind=OrgKind.UNIVERSITY)
    except (NotFound, Ambiguous) as first:
        try:
            return resolve_organisation(session, name, kind=OrgKind.INSTITUTE)
        except (NotFound, Ambiguous):
            raise first from None


def enterprise_in_scope(session: Session, viewer: Viewer, name: str) -> Organisation:
    """An enterprise the office sees, by its exact name: no suggestions, so that names outside the scope stay hidden."""
    found = session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.ENTERPRISE, Organisation.name == clean_name(name),
        Organisation.retired_at.is_(None), scope_of(Organisation, viewer))).first()
    if found is None:
        raise NotFound(f"您的辖区内没有名为“{name}”的企业")
    return found


def _hours(text: str) -> Decimal | None:
    text = text.strip().removesuffix("小时").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationFailed(f"服务时长“{text}”不是有效数字") from exc
    if not value.is_finite() or not 0 <= value <= 10000:
        raise ValidationFailed("服务时长应在 0 到 10000 小时之间")
    return value.quantize(Decimal("0.1"))


def _assignee(text: str) -> tuple[int | None, int | None]:
    """``team:12`` or ``expert:34`` from the assignment form's choice."""
    kind, _, number = text.partition(":")
    if kind not in ("team", "expert") or plain_int(number, low=1, high=actions.MAX_ID) is None:
        raise ValidationFailed("请选择派给哪个服务团队或哪位专家")
    return (int(number), None) if kind == "team" else (None, int(number))


def _back(request: Request, order_id: int, message: str) -> RedirectResponse:
    flash(request, message)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


Version = Annotated[int | None, Form(ge=1, le=actions.MAX_ID)]


router = APIRouter(include_in_schema=False)


@router.get("/orders/new")
def new_order_form(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    access.require_place(viewer)
    return render(request, "order_new.html", {
        "kinds": ServiceKind.labels(), "for_office": Role.ENTERPRISE not in viewer.roles, "page_title": "我要点单",
    })


@router.post("/orders/new")
def new_order(
    request: Request, session: SessionDep, viewer: MemberUser,
    title: Annotated[str, Form(max_length=300)], kind: Annotated[ServiceKind, Form()] = ServiceKind.CONSULTING,
    university: Annotated[str, Form(max_length=200)] = "", enterprise: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=20000)] = "",
    contact_name: Annotated[str, Form(max_length=60)] = "", contact_phone: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    access.require_place(viewer)
    enterprise_id = typed_name(lambda: enterprise_in_scope(session, viewer, enterprise).id,
                               "企业") if enterprise.strip() else None
    university_id = typed_name(lambda: university_named(session, university).id,
                               "服务高校") if university.strip() else None
    order = actions.place(session, viewer, title=title, enterprise_id=enterprise_id,
                          university_id=university_id, kind=kind, description=description,
                          contact_name=contact_name, contact_phone=contact_phone)
    return _back(request, order.id, f"已点单，订单编号 {order.code}")


@router.post("/orders/{order_id}/dispatch")
def assign_order_page(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser,
    assignee: Annotated[str, Form(max_length=30)], version: Version = None,
) -> RedirectResponse:
    team_id, expert_id = _assignee(assignee)
    university_id = None
    if team_id is not None:
        team = session.get(ServiceTeam, team_id)
        university_id = team.organisation_id if team is not None else None
    row = actions.assign(session, viewer, order_id, team_id=team_id, expert_id=expert_id,
                           university_id=university_id, expected_version=version)
    return _back(request, order_id, f"已派单给{actions.assignee_name(row)}")


@router.post("/orders/{order_id}/respond")
def respond(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser,
    decision: Annotated[str, Form(max_length=10)], reason: Annotated[str, Form(max_length=2000)] = "",
    version: Version = None,
) -> RedirectResponse:
    if decision not in ("accept", "decline"):
        raise ValidationFailed("请选择接单或拒单")
    accept = decision == "accept"
    actions.respond(session, viewer, order_id, accept=accept, reason=reason, expected_version=version)
    return _back(request, order_id, "已接单" if accept else "已拒单，订单退回高校重新派单")


@router.post("/orders/{order_id}/record")
def record(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser,
    served_on: Annotated[str, Form(max_length=20)], summary: Annotated[str, Form(max_length=20000)],
    hours: Annotated[str, Form(max_length=20)] = "", outcome: Annotated[str, Form(max_length=20000)] = "",
    version: Version = None,
) -> RedirectResponse:
    actions.record(session, viewer, order_id, served_on=required_day(served_on, "服务日期"), summary=summary,
                   hours=_hours(hours), outcome=outcome, expected_version=version)
    return _back(request, order_id, "服务记录已登记")


@router.post("/orders/{order_id}/finish")
def finish(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser, version: Version = None,
) -> RedirectResponse:
    actions.finish(session, viewer, order_id, expected_version=version)
    return _back(request, order_id, "服务已完成，请点单企业评价")


@router.post("/orders/{order_id}/rate")
def rate(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser,
    rating: Annotated[int, Form(ge=1, le=5)], comment: Annotated[str, Form(max_length=2000)] = "",
    version: Version = None,
) -> RedirectResponse:
    actions.rate(session, viewer, order_id, rating=rating, comment=comment, expected_version=version)
    return _back(request, order_id, f"已评价：{rating} 分")


@router.post("/orders/{order_id}/cancel")
def cancel(
    request: Request, order_id: RecordId, session: SessionDep, viewer: MemberUser,
    reason: Annotated[str, Form(max_length=2000)] = "", version: Version = None,
) -> RedirectResponse:
    actions.cancel(session, viewer, order_id, reason=reason, expected_version=version)
    return _back(request, order_id, "订单已取消")
