"""Demand pages (需求清单, 揭榜): list specs, the demand's workflow actions, claims and candidates.

The rules are the demands service's: which step a user may take comes from ``service.TRANSITIONS`` and
``service.roles_of``; these routes only parse the form, call the service, and redirect back to the record.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.demands import access, drafting, review, service
from xiaodi.demands.models import Claim, ClaimState, Demand, DemandKind, DemandState, Visibility
from xiaodi.directory.models import OrgKind
from xiaodi.matching.service import demand_candidates
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.templating import flash

CLAIMANT_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def available_steps(demand: Demand, viewer: Viewer) -> list[service.Step]:
    """The workflow steps (流转操作) this viewer may take on this demand now."""
    roles = access.parts(demand, viewer)
    return [
        step for step in service.TRANSITIONS.values()
        if demand.state in step.sources and roles & step.by and step.by != frozenset({service.SYSTEM})
    ]


def can_claim(demand: Demand, viewer: Viewer, session: Session) -> bool:
    """A university or institute may answer (揭榜) a published demand that is not its own (``access.may_claim``)."""
    if not viewer.organisation_ids:
        return False
    from xiaodi.directory.models import Organisation

    return access.may_claim(demand, viewer, session.get(Organisation, min(viewer.organisation_ids)))


def demand_extras(session: Session, viewer: Viewer, demand: Demand) -> dict[str, Any]:
    from xiaodi.demands.review import review_context
    from xiaodi.demands.service_claims import claims_of

    candidates, candidates_note = demand_candidates(session, demand.id) if access.may_see_candidates(
        viewer) and demand.owner_id is not None else ([], None)
    claims = claims_of(session, demand_id=demand.id, viewer=viewer)
    selected = next((c for c in claims if c.state == "selected"), None)
    chosen = selected if demand.state == DemandState.SELECTED and access.may_decide(viewer, demand) else None
    return {
        **review_context(session, viewer, demand, claims),
        "can_edit": demand.state in access.EDITABLE_STATES and access.may_edit(demand, viewer),
        # the agreement is the office's to register; the enterprise that chose is told who does
        "sign_claim": chosen if chosen is not None and access.may_register_agreement(viewer, demand) else None,
        "chosen": chosen,
        "steps": available_steps(demand, viewer),
        "transitions": service.demand_history(session, demand_id=demand.id, viewer=viewer),
        "claims": claims,
        "claim_labels": ClaimState.labels(),
        "can_claim": can_claim(demand, viewer, session),
        "candidates": candidates,
        "candidates_note": candidates_note,
        "state_labels": DemandState.labels(),
    }


def specs() -> list[ResourceSpec]:
    state_labels = DemandState.labels()
    kind_labels = DemandKind.labels()
    demands = ResourceSpec(
        name="demands", label="需求清单", noun="需求", model=Demand, area="demands",
        columns=[
            Column("code", "需求编号", sort=Demand.code),
            Column("title", "需求名称", sort=Demand.title, link=True),
            Column("kind", "类别", labels=kind_labels, sort=Demand.kind),
            Column("owner.name", "发布单位"),
            Column("budget", "预算", kind="money", sort=Demand.budget),
            Column("deadline", "揭榜截止", sort=Demand.deadline),
            Column("state", "状态", labels=state_labels, sort=Demand.state),
        ],
        detail=[
            Column("code", "需求编号"), Column("title", "需求名称"), Column("kind", "类别", labels=kind_labels),
            Column("owner.name", "发布单位"), Column("description", "需求描述"), Column("keywords", "关键词"),
            Column("headcount", "需求人数", kind="number"), Column("qualifications", "资格要求"),
            Column("budget", "预算", kind="money"), Column("deadline", "揭榜截止"),
            Column("state", "状态", labels=state_labels), Column("visibility", "发榜方式", labels=Visibility.labels()),
            Column("state_reason", "状态说明"), Column("published_at", "发榜时间"),
            Column("contact_name", "联系人"), Column("contact_phone", "联系电话", kind="personal:phone"),
            Column("source", "来源"),
        ],
        search=[Demand.title, Demand.code, Demand.description],
        filters=[
            Filter("state", "状态", Demand.state, list(state_labels.items())),
            Filter("kind", "类别", Demand.kind, list(kind_labels.items())),
        ],
        default_sort="-id",
        personal_owner=lambda d: (d.owner_id,),
        table="demands",
        actions=(ListAction("/demands/new", "填报需求", allowed=access.may_draft),),
        extras=demand_extras,
        detail_partial="demand_detail.html",
    )
    claims = ResourceSpec(
        name="claims", label="揭榜方案", noun="揭榜方案", model=Claim, area="demands",
        columns=[
            Column("demand.title", "需求", href="/demands/{demand_id}"),
            Column("claimant.name", "揭榜单位", link=True),
            Column("budget", "报价", kind="money", sort=Claim.budget),
            Column("submitted_at", "揭榜时间", sort=Claim.submitted_at),
            Column("state", "状态", labels=ClaimState.labels(), sort=Claim.state),
        ],
        detail=[
            Column("demand.code", "需求编号", href="/demands/{demand_id}"),
            Column("demand.title", "需求", href="/demands/{demand_id}"), Column("claimant.name", "揭榜单位"),
            Column("team", "团队"), Column("approach", "技术路线/实施方案"), Column("budget", "报价", kind="money"),
            Column("schedule", "进度安排"), Column("state", "状态", labels=ClaimState.labels()),
            Column("feedback", "反馈意见"), Column("submitted_at", "揭榜时间"), Column("decided_at", "决定时间"),
        ],
        search=[Claim.approach, Claim.team],
        filters=[Filter("state", "状态", Claim.state, list(ClaimState.labels().items()))],
        default_sort="-submitted_at",
        title=lambda c: f"{c.claimant.name} · {c.demand.title}",
        personal_owner=lambda c: (c.claimant_org_id,),
        personal_region=lambda c: c.demand.region_id,
    )
    return [demands, claims]


def _decimal(text: str | None, label: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        from xiaodi.core.numbers import parse_amount_yuan

        return parse_amount_yuan(text if not text.replace(".", "", 1).isdigit() else text + "元")
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(f"{label}“{text}”不是有效金额") from exc


# The demand workflow as HTML form posts: 填报, 流转 (submit/review/publish/…), 揭榜 and 揭榜评审.
router = APIRouter(include_in_schema=False)
router.include_router(drafting.pages_router)
router.include_router(review.pages_router)


@router.post("/demands/{demand_id}/transition")
def demand_transition(
    request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser,
    step: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
    version: Annotated[int | None, Form()] = None,
) -> RedirectResponse:
    demand = service.transition(session, actor=viewer.actor, demand_id=demand_id, step=step, reason=reason,
                                expected_version=version, viewer=viewer)
    flash(request, f"需求“{demand.title}”已{service.TRANSITIONS[step].label}")
    return RedirectResponse(f"/demands/{demand_id}", status_code=303)


@router.post("/demands/{demand_id}/claims")
def demand_claim(
    request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser,
    approach: Annotated[str, Form()], team: Annotated[str, Form()] = "",
    budget: Annotated[str, Form()] = "", schedule: Annotated[str, Form()] = "",
) -> RedirectResponse:
    from xiaodi.demands.service_claims import submit_claim

    if not viewer.organisation_ids:
        raise ValidationFailed("只有高校或院所账号可以揭榜")
    submit_claim(session, actor=viewer.actor, demand_id=demand_id, claimant_org_id=min(viewer.organisation_ids),
                 approach=approach, team=team or None, budget=_decimal(budget, "报价"),
                 schedule=schedule or None, viewer=viewer)
    flash(request, "揭榜方案已提交")
    return RedirectResponse(f"/demands/{demand_id}", status_code=303)
