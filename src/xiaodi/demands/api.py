"""Demand API (/api/demands/…): workflow steps (流转), claims (揭榜) and matching candidates, as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from xiaodi.core.errors import ValidationFailed
from xiaodi.demands import access, drafting, review, service
from xiaodi.demands.models import Demand
from xiaodi.matching.service import demand_candidates
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import jsonable
from xiaodi.web.params import JsonInt


class TransitionIn(BaseModel):
    step: str = Field(max_length=20, description="流转步骤：submit/review/reject/revise/publish/close/withdraw")
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1)


class ClaimIn(BaseModel):
    approach: str = Field(min_length=1, max_length=20000, description="技术路线/实施方案")
    team: str | None = Field(default=None, max_length=2000)
    budget: Decimal | None = Field(default=None, ge=0, le=Decimal("1e14"), description="报价（元）")
    schedule: str | None = Field(default=None, max_length=2000)


class DemandStateOut(BaseModel):
    id: int
    state: str
    version: int


def _claim_json(claim: Any) -> dict[str, Any]:
    return {"id": claim.id, "demand_id": claim.demand_id, "claimant": claim.claimant.name,
            "claimant_org_id": claim.claimant_org_id, "state": claim.state, "budget": jsonable(claim.budget),
            "feedback": claim.feedback, "submitted_at": jsonable(claim.submitted_at)}


workflow = APIRouter(prefix="/api/demands", tags=["需求清单"])


@workflow.post("/{demand_id}/transition", response_model=DemandStateOut, summary="需求流转（提交、审核、发榜、关闭等）")
def transition(demand_id: RecordId, body: TransitionIn, session: SessionDep, viewer: MemberUser) -> DemandStateOut:
    if body.step not in service.TRANSITIONS:
        raise ValidationFailed(f"没有“{body.step}”这一步，可选：{'、'.join(service.TRANSITIONS)}")
    demand = service.transition(session, actor=viewer.actor, demand_id=demand_id, step=body.step,
                                reason=body.reason, expected_version=body.expected_version,
                                viewer=viewer)
    return DemandStateOut(id=demand.id, state=str(demand.state), version=demand.version)


@workflow.get("/{demand_id}/steps", summary="当前用户可执行的流转步骤")
def steps(demand_id: RecordId, session: SessionDep, viewer: MemberUser) -> list[dict[str, str]]:
    from xiaodi.demands.pages import available_steps

    demand = get_visible(session, Demand, demand_id, viewer, "需求")
    return [{"step": s.name, "label": s.label} for s in available_steps(demand, viewer)]


@workflow.get("/{demand_id}/claims", summary="需求的揭榜方案（发布方看全部，揭榜方只看自己的）")
def claims(demand_id: RecordId, session: SessionDep, viewer: MemberUser) -> list[dict[str, Any]]:
    from xiaodi.demands.service_claims import claims_of

    return [_claim_json(c) for c in claims_of(session, demand_id=demand_id, viewer=viewer)]


@workflow.post("/{demand_id}/claims", status_code=201, summary="揭榜：提交揭榜方案")
def claim(demand_id: RecordId, body: ClaimIn, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    from xiaodi.demands.service_claims import submit_claim

    if not viewer.organisation_ids:
        raise ValidationFailed("只有高校或院所账号可以揭榜")
    row = submit_claim(session, actor=viewer.actor, demand_id=demand_id,
                       claimant_org_id=min(viewer.organisation_ids), approach=body.approach, team=body.team,
                       budget=body.budget, schedule=body.schedule, viewer=viewer)
    return _claim_json(row)


@workflow.get("/{demand_id}/candidates", summary="匹配候选及理由")
def candidates(demand_id: RecordId, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    demand = get_visible(session, Demand, demand_id, viewer, "需求")
    if not access.may_see_candidates(viewer):
        from xiaodi.core.errors import Forbidden

        raise Forbidden("您的角色无权查看匹配候选")
    found, note = demand_candidates(session, demand.id)
    items = []
    for c in found:
        items.append({k: jsonable(getattr(c, k)) for k in ("kind", "kind_label", "target", "record_id", "title",
                                                          "name", "score", "label", "url", "reasons")
                      if hasattr(c, k)})
    return {"items": items, "note": note}


# The demands area's JSON routes: drafting (填报), the workflow above and 揭榜评审.
router = APIRouter()
router.include_router(drafting.api_router)
router.include_router(workflow)
router.include_router(review.api_router)
