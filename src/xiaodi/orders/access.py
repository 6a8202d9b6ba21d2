"""Who may see and do what with service orders (点单派单的数据权限): the one place that decides it.

* **reading** — ``readable(viewer)``: an order is seen by the office of its region, the enterprise that placed it,
  the university that serves it and the expert it was assigned to;
* **the parts a viewer plays** for one order — enterprise (点单企业), university (承接高校), office (所在地办公室),
  assignee (被派单的专家或服务团队成员) — ``parts``; every action names the parts that may take it (``ACTIONS``);
* **actions** — ``may_place`` (我要点单), ``available_actions`` (the order page's buttons), ``require_part``
  (403 for a user who plays no part in the action), ``may_act_for`` (the service's own check of the name it acts
  in, with ``None`` the trusted caller of the command line and the demo).

The viewer is the accounts ``Viewer``; the service, the pages, the API and the command line ask the functions
below and never re-state a rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from xiaodi.accounts.models import OFFICE_ROLES, Role
from xiaodi.accounts.scope import Viewer, in_office_regions, of_own_organisations, register_readable
from xiaodi.core.errors import Forbidden
from xiaodi.orders.models import Assignment, OrderState, ServiceOrder, ServiceTeam

# The parts a user plays for an order.
ENTERPRISE, UNIVERSITY, OFFICE, ASSIGNEE = "enterprise", "university", "office", "assignee"

# Every action of an order (named as its URL and command): the states it starts from, who may take it, its
# Chinese name.
ACTIONS: dict[str, tuple[frozenset[OrderState], frozenset[str], str]] = {
    "dispatch": (frozenset({OrderState.PLACED, OrderState.DECLINED}), frozenset({OFFICE, UNIVERSITY}), "派单"),
    "respond": (frozenset({OrderState.ASSIGNED}), frozenset({ASSIGNEE, UNIVERSITY}), "接单/拒单"),
    "record": (frozenset({OrderState.ACCEPTED, OrderState.IN_SERVICE}), frozenset({ASSIGNEE, UNIVERSITY}),
               "登记服务"),
    "finish": (frozenset({OrderState.IN_SERVICE}), frozenset({ASSIGNEE, UNIVERSITY}), "完成服务"),
    "rate": (frozenset({OrderState.SERVED}), frozenset({ENTERPRISE, OFFICE}), "评价"),
    "cancel": (frozenset({OrderState.PLACED, OrderState.ASSIGNED, OrderState.DECLINED, OrderState.ACCEPTED}),
               frozenset({ENTERPRISE, OFFICE}), "取消订单"),
}
REFUSALS = {
    "dispatch": "只有承接订单的高校或所在地办公室可以派单",
    "respond": "只有被派单的专家、服务团队或其所属高校可以接单或拒单",
    "record": "只有接单的专家、服务团队或其所属高校可以登记服务",
    "finish": "只有接单的专家、服务团队或其所属高校可以确认服务完成",
    "rate": "只有点单企业可以评价服务",
    "cancel": "只有点单企业可以取消订单",
}
# Who may place an order (我要点单): an enterprise in its own name, an office for an enterprise of its region.
PLACERS = (Role.ENTERPRISE, *OFFICE_ROLES)


# ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────


def readable(viewer: Viewer) -> ColumnElement[bool]:
    """The orders ``viewer`` may see: its region's (an office), its organisations' (the enterprise that ordered,
    the university that serves) and those assigned to the viewer as an expert."""
    if viewer.is_admin:
        return true()
    conds: list[ColumnElement[bool]] = [
        in_office_regions(ServiceOrder.region_id, viewer),
        of_own_organisations(ServiceOrder.enterprise_id, ServiceOrder.university_id, viewer=viewer),
    ]
    if viewer.person_id is not None:
        conds.append(exists().where(Assignment.order_id == ServiceOrder.id, Assignment.expert_id == viewer.person_id))
    return or_(*conds)




register_readable(ServiceOrder, readable)


# ── the parts a viewer plays ────────────────────────────────────────────────────────────────────────────────


def latest_assignment(session: Session, order: ServiceOrder) -> Assignment | None:
    """The order's current assignment (派单): pending while assigned, accepted while served (a decline ends one)."""
    return session.scalars(select(Assignment).where(Assignment.order_id == order.id)
                           .order_by(Assignment.id.desc()).limit(1)).first()


def team_people(team: ServiceTeam) -> set[int]:
    people = {m.get("person_id") for m in team.members or [] if isinstance(m, dict)}
    people.add(team.leader_person_id)
    return {p for p in people if isinstance(p, int)}


def is_assignee(viewer: Viewer, assignment: Assignment | None) -> bool:
    """The viewer is the assigned expert, or the leader or a member of the assigned service team."""
    if assignment is None or viewer.person_id is None:
        return False
    if assignment.expert_id is not None:
        return assignment.expert_id == viewer.person_id
    return assignment.team is not None and viewer.person_id in team_people(assignment.team)


def parts(session: Session, order: ServiceOrder, viewer: Viewer) -> set[str]:
    """The parts ``viewer`` plays for ``order``; an administrator plays them all."""
    if viewer.is_admin:
        return {ENTERPRISE, UNIVERSITY, OFFICE, ASSIGNEE}
    found: set[str] = set()
    if viewer.is_office and order.region_id is not None and order.region_id in viewer.region_ids:
        found.add(OFFICE)
    if Role.ENTERPRISE in viewer.roles and viewer.acts_for(order.enterprise_id):
        found.add(ENTERPRISE)
    if Role.UNIVERSITY in viewer.roles and viewer.acts_for(order.university_id):
        found.add(UNIVERSITY)
    if order.state in (OrderState.ASSIGNED, OrderState.ACCEPTED, OrderState.IN_SERVICE) and is_assignee(
            viewer, latest_assignment(session, order)):
        found.add(ASSIGNEE)
    return found


# ── actions ─────────────────────────────────────────────────────────────────────────────────────────────────


def available_actions(session: Session, order: ServiceOrder, viewer: Viewer) -> list[str]:
    """The actions this viewer may take on this order now (办理), in the order of the order's life."""
    found = parts(session, order, viewer)
    return [name for name, (states, by, _label) in ACTIONS.items() if order.state in states and found & by]


def require_part(session: Session, order: ServiceOrder, viewer: Viewer, action: str) -> None:
    """Refuse (403) a user who plays no part in ``action`` for this order, whatever its state."""
    if not parts(session, order, viewer) & ACTIONS[action][1]:
        raise Forbidden(REFUSALS[action])


def may_place(viewer: Viewer) -> bool:
    """我要点单: enterprises and offices (an office for an enterprise of its region)."""
    return viewer.has_role(*PLACERS)


def require_place(viewer: Viewer) -> None:
    """403 for a role that never places orders, before any lookup."""
    if not may_place(viewer):
        raise Forbidden("您的角色无权点单")


def may_act_for(viewer: Viewer | None, organisation_id: int | None) -> bool:
    """Act in an organisation's name on an order (点单、派单、评价、取消): the organisation itself, any office, an
    administrator or the trusted caller (``None``)."""
    return viewer is None or viewer.is_admin or viewer.is_office or viewer.acts_for(organisation_id)
