"""Events API (/api/events/…, /api/secondments, /api/contacts…): 登记活动, 参会方, 活动成效, 活动签约, 挂职 and
对接记录 as JSON; the lists and details (``GET /api/events…``) are the web layer's. Rules: ``events.access``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.events import access, service
from xiaodi.events.models import ContactChannel, EventKind, EventState, OutcomeMetric, ParticipantRole
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonInt

router = APIRouter(prefix="/api", tags=["活动与对接"])

OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]


class EventIn(BaseModel):
    name: str = Field(min_length=1, max_length=300, description="活动名称")
    kind: EventKind = Field(description="类别：" + "、".join(f"{k}={v}" for k, v in EventKind.labels().items()))
    starts_on: CalendarDate
    ends_on: CalendarDate | None = None
    region_id: Annotated[JsonInt, Field(ge=1, le=2**31 - 1, description="所在行政区")]
    organiser_id: OptionalId = Field(default=None, description="主办单位")
    state: EventState | None = Field(default=None, description="不填时按日期：今天以后为筹备中，否则已举办")
    venue: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=20_000)
    agenda: str | None = Field(default=None, max_length=20_000, description="议程，每行一项")


class EventOut(BaseModel):
    id: int
    name: str
    kind: str
    state: str
    region_id: int | None
    organiser_id: int | None
    starts_on: dt.date
    ends_on: dt.date | None
    version: int


class ParticipantIn(BaseModel):
    role: ParticipantRole
    organisation_id: OptionalId = None
    person_id: OptionalId = None
    label: str | None = Field(default=None, max_length=200, description="无记录的参会群体，如 应届毕业生")
    count: Annotated[JsonInt, Field(ge=1, le=1_000_000)] = 1


class ParticipantOut(BaseModel):
    id: int
    event_id: int
    role: str
    organisation_id: int | None
    person_id: int | None
    label: str | None
    count: int


class OutcomeIn(BaseModel):
    metric: OutcomeMetric = Field(
        description="成效：" + "、".join(f"{k}={v}" for k, v in OutcomeMetric.labels().items()))
    value: Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), decimal_places=2)]
    note: str | None = Field(default=None, max_length=2000)


class OutcomeOut(BaseModel):
    id: int
    event_id: int
    metric: str
    label: str
    value: Decimal
    unit: str | None
    note: str | None


class AgreementLinkIn(BaseModel):
    agreement_id: Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]


class AgreementBrief(BaseModel):
    id: int
    code: str
    title: str
    signed_on: dt.date | None
    amount: Decimal | None


class SecondmentIn(BaseModel):
    event_id: OptionalId = None
    person_name: str = Field(min_length=1, max_length=60)
    person_id: OptionalId = None
    home_org_id: OptionalId = Field(default=None, description="派出单位")
    unit_id: OptionalId = Field(default=None, description="挂职单位（名录中的）")
    unit_name: str | None = Field(default=None, max_length=200, description="挂职单位（名录外的名称）")
    post: str = Field(min_length=1, max_length=120, description="挂职岗位")
    starts_on: CalendarDate
    ends_on: CalendarDate | None = None
    region_id: OptionalId = None


class SecondmentOut(BaseModel):
    id: int
    event_id: int | None
    person_name: str
    unit_name: str
    post: str
    starts_on: dt.date
    ends_on: dt.date | None
    region_id: int | None


class EventOutcomesOut(BaseModel):
    event: EventOut
    participants: list[ParticipantOut]
    outcomes: list[OutcomeOut]
    agreements: list[AgreementBrief]
    secondments: list[SecondmentOut]


class ContactIn(BaseModel):
    contacted_on: CalendarDate
    channel: ContactChannel = Field(
        description="方式：" + "、".join(f"{k}={v}" for k, v in ContactChannel.labels().items()))
    summary: str = Field(min_length=1, max_length=2000, description="对接内容")
    region_id: OptionalId = None
    from_org_id: OptionalId = None
    from_person: str | None = Field(default=None, max_length=120)
    to_org_id: OptionalId = None
    to_person: str | None = Field(default=None, max_length=120)
    demand_id: OptionalId = None
    university_id: OptionalId = None
    event_id: OptionalId = None
    follow_up: str | None = Field(default=None, max_length=2000, description="下一步")
    follow_up_on: CalendarDate | None = None


class ContactOut(BaseModel):
    id: int
    contacted_on: dt.date
    channel: str
    region_id: int | None
    summary: str
    follow_up: str | None


class ContactCount(BaseModel):
    region: str
    month: str
    count: int


def _event(e: object) -> EventOut:
    return EventOut.model_validate(e, from_attributes=True)


@router.post("/events", status_code=201, response_model=EventOut, summary="登记活动")
def create_event(body: EventIn, session: SessionDep, viewer: MemberUser) -> EventOut:
    access.require_runner(viewer, "登记活动")
    return _event(service.create_event(session, viewer, **body.model_dump()))


@router.get("/events/{event_id}/outcomes", response_model=EventOutcomesOut, summary="活动的参会方、成效、签约与挂职")
def event_outcomes(event_id: RecordId, session: SessionDep, viewer: MemberUser) -> EventOutcomesOut:
    event = access.get_event(session, viewer, event_id)
    labels = OutcomeMetric.labels()
    return EventOutcomesOut(
        event=_event(event),
        participants=[ParticipantOut.model_validate(p, from_attributes=True)
                      for p in service.participants_of(session, event.id)],
        outcomes=[OutcomeOut(id=o.id, event_id=o.event_id, metric=o.metric, label=labels.get(o.metric, o.metric),
                             value=o.value, unit=o.unit, note=o.note) for o in service.outcomes_of(session, event.id)],
        agreements=[AgreementBrief.model_validate(a, from_attributes=True)
                    for a in service.agreements_of(session, viewer, event.id)],
        secondments=[SecondmentOut.model_validate(s, from_attributes=True)
                     for s in service.secondments_of(session, event.id)])


@router.post("/events/{event_id}/participants", status_code=201, response_model=ParticipantOut, summary="登记参会方")
def add_participant(event_id: RecordId, body: ParticipantIn, session: SessionDep,
                    viewer: MemberUser) -> ParticipantOut:
    row = service.add_participant(session, viewer, event_id, **body.model_dump())
    return ParticipantOut.model_validate(row, from_attributes=True)


@router.post("/events/{event_id}/outcomes", status_code=201, response_model=OutcomeOut, summary="登记活动成效")
def record_outcome(event_id: RecordId, body: OutcomeIn, session: SessionDep, viewer: MemberUser) -> OutcomeOut:
    row = service.record_outcome(session, viewer, event_id, metric=body.metric, value=body.value, note=body.note)
    return OutcomeOut(id=row.id, event_id=row.event_id, metric=row.metric, label=body.metric.label, value=row.value,
                      unit=row.unit, note=row.note)


@router.post("/events/{event_id}/agreements", response_model=AgreementBrief, summary="登记为本活动签约的协议")
def link_agreement(event_id: RecordId, body: AgreementLinkIn, session: SessionDep,
                   viewer: MemberUser) -> AgreementBrief:
    row = service.link_agreement(session, viewer, event_id, agreement_id=body.agreement_id)
    return AgreementBrief.model_validate(row, from_attributes=True)


@router.post("/secondments", status_code=201, response_model=SecondmentOut, summary="登记挂职")
def add_secondment(body: SecondmentIn, session: SessionDep, viewer: MemberUser) -> SecondmentOut:
    row = service.add_secondment(session, viewer, **body.model_dump())
    return SecondmentOut.model_validate(row, from_attributes=True)


@router.post("/contacts", status_code=201, response_model=ContactOut, summary="登记对接记录")
def record_contact(body: ContactIn, session: SessionDep, viewer: MemberUser) -> ContactOut:
    row = service.record_contact(session, viewer, **body.model_dump())
    return ContactOut.model_validate(row, from_attributes=True)


@router.get("/contact-counts", response_model=list[ContactCount], summary="对接次数：按地区、月份")
def contact_counts(
    session: SessionDep, viewer: MemberUser,
    start: Annotated[CalendarDate | None, Query(description="起始日期 YYYY-MM-DD")] = None,
    end: Annotated[CalendarDate | None, Query(description="截止日期 YYYY-MM-DD")] = None,
) -> list[ContactCount]:
    regions = access.contact_count_regions(viewer)
    return [ContactCount(region=r, month=m, count=n)
            for r, m, n in service.contact_counts(session, region_ids=regions, start=start, end=end)]
