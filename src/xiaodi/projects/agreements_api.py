"""Agreement API (/api/agreements): an office registers a signed agreement (签约), also for a selected 揭榜 claim.

Included by ``projects.api.router``; the list and detail (``GET /api/agreements…``) are the web layer's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from xiaodi.demands.models import Demand
from xiaodi.projects import actions
from xiaodi.projects.models import Agreement, AgreementKind, PartyRole
from xiaodi.web.deps import MemberUser, SessionDep
from xiaodi.web.params import CalendarDate, JsonInt

OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e14"), decimal_places=2, description="金额（元）")]


class PartyIn(BaseModel):
    """A party (签约方): an organisation of the directory by id, or a name (linked when it names one)."""

    role: PartyRole = Field(description="party_a 甲方 / party_b 乙方 / party_c 丙方 / witness 见证方")
    organisation_id: OptionalId = None
    name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _named(self) -> PartyIn:
        if self.organisation_id is None and not (self.name or "").strip():
            raise ValueError("签约方须给出单位编号或名称")
        return self


class AgreementIn(BaseModel):
    title: str = Field(min_length=1, max_length=300, description="协议名称")
    kind: AgreementKind = Field(description="协议类别")
    signed_on: CalendarDate | None = Field(default=None, description="签约日期")
    amount: Money | None = None
    region_id: OptionalId = None
    region: str | None = Field(default=None, max_length=60, description="行政区名称，如 河津市（默认为需求所在地）")
    parties: list[PartyIn] = Field(min_length=2, max_length=actions.MAX_PARTIES)
    demand_id: OptionalId = None
    claim_id: OptionalId = Field(default=None, description="中选的揭榜方案：签约后需求转为已签约")


class PartyOut(BaseModel):
    organisation_id: int | None
    name: str
    role: str


class AgreementOut(BaseModel):
    id: int
    code: str
    title: str
    kind: str
    signed_on: dt.date | None
    amount: Decimal | None
    region_id: int | None
    state: str
    demand_id: int | None
    claim_id: int | None
    demand_state: str | None = Field(description="所答需求签约后的状态")
    version: int
    parties: list[PartyOut]


def agreement_out(agreement: Agreement, demand: Demand | None) -> AgreementOut:
    return AgreementOut(
        id=agreement.id, code=agreement.code, title=agreement.title, kind=str(agreement.kind),
        signed_on=agreement.signed_on, amount=agreement.amount, region_id=agreement.region_id,
        state=str(agreement.state), demand_id=agreement.demand_id, claim_id=agreement.claim_id,
        demand_state=str(demand.state) if demand is not None else None, version=agreement.version,
        parties=[PartyOut(organisation_id=p.organisation_id, name=p.name, role=str(p.role))
                 for p in agreement.parties])


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(prefix="/api/agreements", tags=["签约协议"])


@router.post("", status_code=201, response_model=AgreementOut, summary="登记签约协议（办公室；可据中选揭榜方案签约）")
def create(body: AgreementIn, session: SessionDep, viewer: MemberUser) -> Any:
    agreement, demand = actions.sign_agreement(
        session, viewer, title=body.title, kind=body.kind, signed_on=body.signed_on, amount=body.amount,
        region_id=body.region_id, region=body.region, demand_id=body.demand_id, claim_id=body.claim_id,
        parties=[actions.PartyIn(role=p.role, organisation_id=p.organisation_id, name=p.name)
                 for p in body.parties])
    return agreement_out(agreement, demand)
