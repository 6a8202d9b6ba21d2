"""Demand rules (需求清单): the life of a demand from draft to 发榜, 揭榜, selection and contract, and who may see it.

The life of a demand is an explicit state machine (``TRANSITIONS``): every step names the states it leaves from,
the state it reaches, whether a reason is required and who may take it. Each step appends a
``DemandTransition`` (who, when, why) and an audit entry; an illegal step fails with the current state in the
message. Who may see a demand and take which step is ``access``'s to say (the viewer is the accounts
``Viewer``). Claims and review live in ``service_claims``, orders and dispatch (点单/派单) in ``service_orders``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.records import (
    check_fields,
    check_version,
    create,
    flush_or_conflict,
    get_live,
    next_code,
    update_fields,
)
from xiaodi.core.settings import local_today
from xiaodi.demands import access
from xiaodi.demands.access import (
    EDITABLE_STATES,
    LEAD,
    OFFICE,
    OWNER,
    SYSTEM,
)
from xiaodi.demands.models import (
    Claim,
    ClaimState,
    Demand,
    DemandAudience,
    DemandKind,
    DemandState,
    DemandTransition,
    Visibility,
)
from xiaodi.directory.models import Organisation, OrgKind

S = DemandState


class IllegalTransition(Conflict):
    """A step the state machine does not allow from the record's current state (状态不允许此操作)."""

    code = "illegal_transition"


# ── the state machine ───────────────────────────────────────────────────────────────────────────────────────

# Who may take a step: the parts of ``access`` — the office, the demand's lead unit (牵头单位), its owner, or the
# system (a side effect of another service: the first claim, an agreement).

@dataclass(frozen=True)
class Step:
    """One step of a demand's life: from which states, to which, its Chinese name, and its rules."""

    name: str
    label: str
    sources: frozenset[DemandState]
    target: DemandState
    reason_required: bool
    by: frozenset[str]


_OPEN_FOR_WITHDRAWAL = frozenset({S.DRAFT, S.SUBMITTED, S.REVIEWED, S.PUBLISHED, S.CLAIMED, S.SHORTLISTED})

TRANSITIONS: dict[str, Step] = {step.name: step for step in (
    Step("submit", "提交审核", frozenset({S.DRAFT}), S.SUBMITTED, False, frozenset({OWNER, OFFICE})),
    Step("review", "审核通过", frozenset({S.SUBMITTED}), S.REVIEWED, False, frozenset({LEAD, OFFICE})),
    Step("reject", "审核不通过", frozenset({S.SUBMITTED, S.REVIEWED}), S.REJECTED, True, frozenset({LEAD, OFFICE})),
    Step("revise", "退回修改", frozenset({S.REJECTED}), S.DRAFT, False, frozenset({OWNER, OFFICE})),
    Step("publish", "发榜", frozenset({S.REVIEWED}), S.PUBLISHED, False, frozenset({LEAD, OFFICE})),
    Step("claim", "揭榜", frozenset({S.PUBLISHED}), S.CLAIMED, False, frozenset({SYSTEM})),
    Step("shortlist", "确定入围", frozenset({S.CLAIMED}), S.SHORTLISTED, False, frozenset({SYSTEM})),
    Step("select", "选定揭榜方", frozenset({S.SHORTLISTED}), S.SELECTED, False, frozenset({SYSTEM})),
    Step("contract", "签约", frozenset({S.SELECTED}), S.CONTRACTED, False, frozenset({SYSTEM})),
    Step("close", "关闭", frozenset({S.PUBLISHED, S.CLAIMED, S.SHORTLISTED, S.SELECTED, S.CONTRACTED}), S.CLOSED,
         True, frozenset({OWNER, LEAD, OFFICE})),
    Step("withdraw", "撤回", _OPEN_FOR_WITHDRAWAL, S.WITHDRAWN, True, frozenset({OWNER, OFFICE})),
)}  # fmt: skip

# States reached only after somebody took the demand up (揭榜).
TAKEN_UP_STATES = frozenset({S.CLAIMED, S.SHORTLISTED, S.SELECTED, S.CONTRACTED})

DEMAND_FIELDS = frozenset({
    "title", "kind", "region_id", "lead_unit_id", "industry_code", "discipline_code", "description", "keywords",
    "headcount", "qualifications", "budget", "deadline", "visibility", "contact_name", "contact_phone", "source",
    "note",
})  # fmt: skip


def demand_ref(session: Session, text: str | None) -> int | None:
    """A demand as people name it (对应需求、相关需求): the 需求编号 every list and page shows (XQ-2026-000001), or
    the record's number; empty is none."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and 1 <= int(text) < 2**31:
        return int(text)
    found = session.scalar(select(Demand.id).where(Demand.code == text))
    if found is None:
        raise ValidationFailed(f"未找到需求编号“{text[:40]}”")
    return int(found)


def state_label(state: str) -> str:
    return DemandState(state).label


def roles_of(demand: Demand, viewer: Viewer | None) -> set[str]:
    """The parts ``viewer`` plays for ``demand`` (``access.parts``); ``None`` is a trusted caller."""
    return access.parts(demand, viewer)


def transition(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    step: str,
    reason: str | None = None,
    expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Demand:
    """Take one step of the demand's life (状态流转) in the caller's transaction, or fail with a clear message."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    return _move(session, demand, step, actor=actor, reason=reason, expected_version=expected_version,
                 viewer=viewer)


def _move(
    session: Session,
    demand: Demand,
    step_name: str,
    *,
    actor: Actor,
    reason: str | None,
    expected_version: int | None = None,
    viewer: Viewer | None = None,
) -> Demand:
    step = TRANSITIONS.get(step_name)
    if step is None:
        raise ValidationFailed(f"没有“{step_name}”这一步，可选：{'、'.join(TRANSITIONS)}")
    if not roles_of(demand, viewer) & step.by:  # first: who may not act learns nothing of versions or states
        raise Forbidden(f"您无权对需求“{demand.title}”执行“{step.label}”")
    check_version(demand, expected_version, f"需求“{demand.title}”")
    if demand.state not in step.sources:
        allowed = "、".join(state_label(s) for s in sorted(step.sources))
        raise IllegalTransition(
            f"需求“{demand.title}”当前状态为“{state_label(demand.state)}”，不能{step.label}（只有{allowed}的需求可以）"
        )
    reason = (reason or "").strip() or None
    if step.reason_required and not reason:
        raise ValidationFailed(f"{step.label}需求必须说明原因")
    if step.name == "publish" and demand.visibility != Visibility.PUBLIC and not demand.audience:
        raise ValidationFailed("定向或保密发榜的需求必须先指定可见的单位")
    _check_deadline_ahead(demand, step)
    if step.name == "close":
        _check_feedback_given(session, demand)
    before = model_snapshot(demand)
    from_state = demand.state
    demand.state = step.target
    demand.state_reason = reason
    if step.target == S.PUBLISHED and demand.published_at is None:
        demand.published_at = utcnow()
    label = f"需求“{demand.title}”"
    flush_or_conflict(session, label)
    session.add(DemandTransition(demand_id=demand.id, from_state=from_state, to_state=step.target,
                                 actor=actor.name, actor_user_id=actor.user_id, reason=reason))
    audit.record(session, actor=actor, action="transition", obj=demand, before=before, reason=reason)
    if step.target in {S.WITHDRAWN, S.CLOSED}:
        _answer_open_claims(session, demand, actor=actor, why=f"需求已{step.label}：{reason}")
    if step.target == S.PUBLISHED:
        from xiaodi.notifications.service import notify  # (notifications read accounts; imported when needed)

        notify(session, kind="demand_published", title=f"需求“{demand.title}”已发榜", link=f"/demands/{demand.id}",
               organisation_ids=[demand.owner_id, demand.lead_unit_id], exclude_user_id=actor.user_id)
    return demand


class DeadlinePassed(ValidationFailed):
    """提交审核 or 发榜 of a demand whose 揭榜截止 is already past (the field at fault is ``deadline``)."""

    code = "deadline_passed"


def _check_deadline_ahead(demand: Demand, step: Step, *, imported: bool = False) -> None:
    """A demand goes to review (提交审核) and is published (发榜) only with its 揭榜截止 not yet past: published
    with a past deadline, every 揭榜 would be refused. Before review its owner changes the date; once reviewed
    it is sent back first (审核不通过 → 退回修改); a table row changes its 截止日期 cell."""
    if step.name not in ("submit", "publish"):
        return
    today = local_today()
    if demand.deadline is None or demand.deadline >= today:
        return
    if imported:
        how = "请将截止日期改为今天或以后的日期"
    elif step.name == "submit":
        how = "请修改揭榜截止后再提交审核"
    else:
        how = "请先将需求审核不通过、退回修改，改正揭榜截止后重新提交"
    raise DeadlinePassed(f"需求“{demand.title}”的揭榜截止 {demand.deadline:%Y-%m-%d} 早于今天（{today:%Y-%m-%d}），"
                           f"不能{step.label}：{how}")


def _answer_open_claims(session: Session, demand: Demand, *, actor: Actor, why: str) -> None:
    """A demand that ends without a choice still owes every claimant an answer (反馈): the reason it ended."""
    open_states = (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.FINALIST)
    claims = session.scalars(select(Claim).where(Claim.demand_id == demand.id, Claim.state.in_(open_states),
                                                 Claim.retired_at.is_(None)))
    for claim in claims:
        before = model_snapshot(claim)
        claim.state = ClaimState.NOT_SELECTED
        claim.feedback = why
        claim.decided_at = utcnow()
        flush_or_conflict(session, "揭榜方案")
        audit.record(session, actor=actor, action="transition", obj=claim, before=before, reason=why)


def _check_feedback_given(session: Session, demand: Demand) -> None:
    missing = session.scalars(
        select(Organisation.name).join(Claim, Claim.claimant_org_id == Organisation.id).where(
            Claim.demand_id == demand.id,
            Claim.state.in_((ClaimState.NOT_SELECTED, ClaimState.SCREENED_OUT)),
            or_(Claim.feedback.is_(None), Claim.feedback == ""),
        )
    ).all()
    if missing:
        raise ValidationFailed(f"以下揭榜方尚未收到反馈意见，不能关闭需求：{'、'.join(missing)}")


# ── creating and editing ────────────────────────────────────────────────────────────────────────────────────


def create_demand(
    session: Session,
    *,
    actor: Actor,
    owner_id: int,
    title: str,
    kind: DemandKind | str,
    audience_ids: Iterable[int] = (),
    code: str | None = None,
    viewer: Viewer | None = None,
    **fields: Any,
) -> Demand:
    """Register a demand as a draft (需求草稿) for ``owner_id``; directed/confidential ones name their audience."""
    check_fields(fields, DEMAND_FIELDS, "需求")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("需求名称不能为空")
    try:
        kind = DemandKind(kind)
    except ValueError as exc:
        raise ValidationFailed(f"需求类别应为：{'、'.join(k.value for k in DemandKind)}") from exc
    owner = get_live(session, Organisation, owner_id, "需求单位")
    if not access.may_act_for(viewer, owner.id):
        raise Forbidden("只能以本单位名义发布需求")
    _check_amounts(fields)
    if fields.get("region_id") is None:
        fields["region_id"] = owner.region_id
    demand = Demand(code=code or _next_code(session), title=title, kind=kind, owner_id=owner.id,
                    state=S.DRAFT, **fields)
    create(session, demand, actor=actor)
    session.add(DemandTransition(demand_id=demand.id, from_state=None, to_state=S.DRAFT, actor=actor.name,
                                 actor_user_id=actor.user_id, reason=None))
    for org_id in audience_ids:
        _add_audience(session, demand, org_id, actor=actor)
    return demand


def update_demand(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    expected_version: int | None = None,
    viewer: Viewer | None = None,
    reason: str | None = None,
    **changes: Any,
) -> Demand:
    """Edit a demand that has not been published yet; a published demand is changed only by withdrawing it."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    check_editable(demand, viewer)
    _check_amounts(changes)
    update_fields(session, demand, changes, actor=actor, allowed=DEMAND_FIELDS, label=f"需求“{demand.title}”",
                  expected_version=expected_version, reason=reason)
    return demand


def check_editable(demand: Demand, viewer: Viewer | None) -> None:
    """Who may change a demand's content, and until when: its owner or its office, before it is published."""
    if not access.may_edit(demand, viewer):
        raise Forbidden(f"您无权修改需求“{demand.title}”")
    if demand.state not in EDITABLE_STATES:
        raise IllegalTransition(f"需求“{demand.title}”{_already(state_label(demand.state))}，不能再修改内容")


def _already(label: str) -> str:
    """“已撤回” as it is; “入围评审” → “已入围评审” — never “已已审核”."""
    return label if label.startswith("已") else f"已{label}"


def steps_to(demand: Demand, target: DemandState | str, viewer: Viewer | None, *, has_audience: bool) -> list[Step]:
    """The shortest way from the demand's state to ``target`` through steps ``viewer`` may take without stating a
    reason — what a table import (which states none) may do — or ``IllegalTransition`` saying why there is none."""
    start, goal = DemandState(demand.state), DemandState(target)
    roles = roles_of(demand, viewer)

    def allowed(step: Step) -> bool:
        publishable = demand.visibility == Visibility.PUBLIC or has_audience
        return bool(roles & step.by) and not step.reason_required and (step.name != "publish" or publishable)

    paths: dict[DemandState, list[Step]] = {start: []}
    frontier = [start]
    while frontier and goal not in paths:
        here = frontier.pop(0)
        for step in TRANSITIONS.values():
            if here in step.sources and step.target not in paths and allowed(step):
                paths[step.target] = [*paths[here], step]
                frontier.append(step.target)
    if goal in paths:
        for step in paths[goal]:
            _check_deadline_ahead(demand, step, imported=True)
        return paths[goal]
    raise IllegalTransition(f"需求“{demand.title}”当前为“{state_label(start)}”，不能改为“{state_label(goal)}”"
                            f"（{_why_unreachable(goal, roles, demand, has_audience)}）")


def _why_unreachable(goal: DemandState, roles: set[str], demand: Demand, has_audience: bool) -> str:
    into = [s for s in TRANSITIONS.values() if s.target == goal]
    if into and all(s.by == {SYSTEM} for s in into):
        return f"“{state_label(goal)}”随揭榜、评审和签约自动产生，不能直接填写"
    if any(s.reason_required and roles & s.by for s in into):
        return f"{'、'.join(s.label for s in into if s.reason_required)}须说明原因，请在需求页面办理"
    if goal == S.PUBLISHED and demand.visibility != Visibility.PUBLIC and not has_audience:
        return "定向或保密发榜的需求必须先在需求页面指定可见的单位"
    return "需求状态只能按提交审核、审核通过、发榜等步骤前进"


def set_audience(
    session: Session, *, actor: Actor, demand_id: int, organisation_ids: Iterable[int], viewer: Viewer | None = None
) -> list[int]:
    """Name the organisations that may see a directed (定向) or confidential (保密) demand; returns the new ids."""
    demand = get_demand(session, demand_id=demand_id, viewer=viewer)
    if not access.may_edit(demand, viewer):
        raise Forbidden(f"您无权修改需求“{demand.title}”的可见范围")
    have = {a.organisation_id for a in demand.audience}
    added = [oid for oid in dict.fromkeys(organisation_ids) if oid not in have]
    for oid in added:
        _add_audience(session, demand, oid, actor=actor)
    return added


def _add_audience(session: Session, demand: Demand, organisation_id: int, *, actor: Actor) -> None:
    org = get_live(session, Organisation, organisation_id, "可见单位")
    if demand.visibility == Visibility.DIRECTED and org.kind not in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE):
        raise ValidationFailed(f"定向发榜只能指定高校或科研院所，“{org.name}”不是")
    row = DemandAudience(demand_id=demand.id, organisation_id=org.id)
    demand.audience.append(row)
    flush_or_conflict(session, "需求可见单位")
    audit.record(session, actor=actor, action="add_audience", obj=row)


def _check_amounts(fields: dict[str, Any]) -> None:
    budget = fields.get("budget")
    if budget is not None and Decimal(budget) < 0:
        raise ValidationFailed("预算不能为负数")
    headcount = fields.get("headcount")
    if headcount is not None and int(headcount) < 0:
        raise ValidationFailed("需求人数不能为负数")


def _next_code(session: Session) -> str:
    """需求编号 XQ-年份-序号 (``core.records.next_code``: the one scheme of new and demo records)."""
    return next_code(session, Demand.code, "XQ", local_today().year)


# ── who may see a demand ────────────────────────────────────────────────────────────────────────────────────


def visibility_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The SQL condition for "``viewer`` may see this demand" (``access.readable``, the single source)."""
    return access.readable(viewer)


def can_view_demand(session: Session, *, demand_id: int, viewer: Viewer) -> bool:
    """Whether ``viewer`` may see the demand (the same rule as the lists, evaluated by the database)."""
    return access.can_read(session, demand_id, viewer)


def get_demand(session: Session, *, demand_id: int, viewer: Viewer | None = None) -> Demand:
    """The demand, or 404 when it does not exist, was retired, or lies outside ``viewer``'s sight."""
    demand = session.get(Demand, demand_id)
    if demand is None or demand.retired_at is not None or (
        viewer is not None and not can_view_demand(session, demand_id=demand_id, viewer=viewer)
    ):
        raise NotFound(f"需求（编号 {demand_id}）不存在或您无权查看")
    return demand


def get_demand_by_code(session: Session, *, code: str, viewer: Viewer | None = None) -> Demand:
    demand_id = session.scalar(select(Demand.id).where(Demand.code == code))
    if demand_id is None:
        raise NotFound(f"未找到编号为 {code} 的需求")
    return get_demand(session, demand_id=demand_id, viewer=viewer)


def visible_demands(
    session: Session,
    *,
    viewer: Viewer,
    states: Iterable[DemandState] | None = None,
    kind: DemandKind | None = None,
    region_ids: Iterable[int] | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Demand]:
    """The demands ``viewer`` may see (需求清单), newest first, optionally narrowed by state, kind and region."""
    stmt = select(Demand).where(visibility_clause(viewer))
    if states is not None:
        stmt = stmt.where(Demand.state.in_(list(states)))
    if kind is not None:
        stmt = stmt.where(Demand.kind == kind)
    if region_ids is not None:
        stmt = stmt.where(Demand.region_id.in_(list(region_ids)))
    stmt = stmt.order_by(Demand.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt).unique())


def demand_history(session: Session, *, demand_id: int, viewer: Viewer | None = None) -> list[DemandTransition]:
    """Every step the demand took (状态流转记录), oldest first: who, when, from → to, why."""
    get_demand(session, demand_id=demand_id, viewer=viewer)
    stmt = select(DemandTransition).where(DemandTransition.demand_id == demand_id).order_by(DemandTransition.id)
    return list(session.scalars(stmt))


def demand_board(session: Session, *, viewer: Viewer, region_ids: Collection[int] | None = None,
                 own_unit: bool = False) -> dict[str, int]:
    """How many demands ``viewer`` sees in each state (the demo's "需求看板"): {state: count}, all states listed;
    with ``region_ids``, only the demands of those regions (a dashboard's scope, as its figures count); with
    ``own_unit``, only those the viewer's unit takes part in (a unit's dashboard, 本单位)."""
    stmt = select(Demand.state, func.count()).where(visibility_clause(viewer))
    if region_ids is not None:
        stmt = stmt.where(Demand.region_id.in_(region_ids))
    if own_unit:
        stmt = stmt.where(access.taken_part_in(viewer))
    rows = session.execute(stmt.group_by(Demand.state)).all()
    counts = {state.value: 0 for state in DemandState}
    counts.update({str(state): int(n) for state, n in rows})
    return counts
