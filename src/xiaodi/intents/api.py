"""Intent API (/api/intents): an office records a cooperation intent (合作意向), converts it to the agreement the
parties signed, or closes it with a reason. The list and ``GET /api/intents/{id}`` are the web layer's (from the
list spec); the figures are ``GET /api/figures/intents`` (beside the
programme's ``/api/figures``, not under ``/api/intents/{id}``, where PATCH would read “figures” as an id)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.intents import service
from xiaodi.intents.figures import intent_figures
from xiaodi.intents.models import Intent
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonInt

router = APIRouter(tags=["合作意向"])

Id = Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]
OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]


class IntentIn(BaseModel):
    topic: str = Field(min_length=1, max_length=300, description="合作内容")
    enterprise_id: Id = Field(description="企业（单位）的单位编号")
    university_id: Id = Field(description="高校（院所）的单位编号")
    agreed_on: CalendarDate = Field(description="达成意向日期")
    region_id: OptionalId = Field(default=None, description="地区（默认取活动或企业所在地）")
    event_id: OptionalId = Field(default=None, description="来自的活动或走访")
    demand_id: OptionalId = Field(default=None, description="对应的需求")
    source: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class IntentPatch(BaseModel):
    topic: str | None = Field(default=None, min_length=1, max_length=300)
    agreed_on: CalendarDate | None = None
    event_id: OptionalId = None
    demand_id: OptionalId = None
    source: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)
    expected_version: OptionalId = Field(default=None, description="读取时的版本号（防止覆盖他人修改）")


class ConvertIn(BaseModel):
    agreement_id: Id = Field(description="双方签订的协议编号（签约方须包括意向双方）")
    expected_version: OptionalId = None


class CloseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="终止原因")
    closed_on: CalendarDate | None = None
    expected_version: OptionalId = None


class IntentOut(BaseModel):
    id: int
    code: str
    topic: str
    enterprise_id: int
    university_id: int
    agreed_on: dt.date
    region_id: int | None
    event_id: int | None
    demand_id: int | None
    agreement_id: int | None
    state: str
    state_label: str
    close_reason: str | None
    closed_on: dt.date | None
    version: int


class FiguresOut(BaseModel):
    intents: int = Field(description="登记的合作意向")
    intents_converted: int = Field(description="其中已签约")
    conversion_rate: Decimal | None = Field(description="转化率（%）")


def intent_out(intent: Intent) -> IntentOut:
    from xiaodi.intents.models import IntentState

    return IntentOut(id=intent.id, code=intent.code, topic=intent.topic, enterprise_id=intent.enterprise_id,
                     university_id=intent.university_id, agreed_on=intent.agreed_on, region_id=intent.region_id,
                     event_id=intent.event_id, demand_id=intent.demand_id, agreement_id=intent.agreement_id,
                     state=str(intent.state), state_label=IntentState(intent.state).label,
                     close_reason=intent.close_reason, closed_on=intent.closed_on, version=intent.version)


@router.post("/api/intents", status_code=201, response_model=IntentOut, summary="登记合作意向（办公室）")
def create(body: IntentIn, session: SessionDep, viewer: MemberUser) -> Any:
    return intent_out(service.record_intent(session, viewer, **body.model_dump()))


@router.get("/api/figures/intents", response_model=FiguresOut, summary="合作意向统计：登记数、已签约数、转化率")
def figures(
    session: SessionDep, viewer: MemberUser,
    region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="地区编号（办公室限本辖区）")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="达成意向的年度")] = None,
) -> Any:
    from xiaodi.intents import access

    region_id = access.figures_region(viewer, region_id)
    start, end = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
    found = intent_figures(session, region_id=region_id, date_from=start, date_to=end)
    return FiguresOut(intents=found.recorded, intents_converted=found.converted, conversion_rate=found.rate)


@router.patch("/api/intents/{intent_id}", response_model=IntentOut, summary="修改合作意向（办公室）")
def patch(intent_id: RecordId, body: IntentPatch, session: SessionDep, viewer: MemberUser) -> Any:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("expected_version", None)
    for key in ("topic", "agreed_on"):
        if key in changes and changes[key] is None:
            from xiaodi.core.errors import ValidationFailed

            raise ValidationFailed(f"“{key}”不能为空")
    return intent_out(service.update_intent(session, viewer, intent_id, changes, expected_version=version))


@router.post("/api/intents/{intent_id}/convert", response_model=IntentOut, summary="合作意向转为协议（签约）")
def convert(intent_id: RecordId, body: ConvertIn, session: SessionDep, viewer: MemberUser) -> Any:
    return intent_out(service.convert_to_agreement(session, viewer, intent_id, body.agreement_id,
                                                   expected_version=body.expected_version))


@router.post("/api/intents/{intent_id}/close", response_model=IntentOut, summary="终止合作意向（须说明原因）")
def close(intent_id: RecordId, body: CloseIn, session: SessionDep, viewer: MemberUser) -> Any:
    return intent_out(service.close_intent(session, viewer, intent_id, body.reason, closed_on=body.closed_on,
                                           expected_version=body.expected_version))
