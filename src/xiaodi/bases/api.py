"""Bases API (/api/base-types, /api/bases/…, /api/pairings/…, /api/duties/…, /api/leaders): the 12 base types, a
base's life (申报 → 审核 → 认定 → 挂牌 → 运行 → 年度评估 → 撤销) and activities, base figures, 1+1+N pairings, duties
(职责任务) with work plans and progress reports, 领导包联. Rules are ``bases.access``'; the work ``bases.service``'.
The lists (GET /api/bases, /api/pairings, /api/duties) are served by the common list API.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.bases import access, figures, service
from xiaodi.bases.models import (
    ActivityKind,
    BaseActivity,
    BaseType,
    Duty,
    DutyReport,
    LeaderAssignment,
    Pairing,
    ProgrammeBase,
    ReviewResult,
)
from xiaodi.core.errors import NotFound
from xiaodi.core.settings import local_today
from xiaodi.dispatch import meetings
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonBool, JsonInt

router = APIRouter(tags=["基地与1+1+N结对"])

Id = Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]
OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Count = Annotated[JsonInt | None, Field(ge=0, le=1_000_000)]
Version = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1, description="您看到的版本号；已被他人修改时返回 409")]


class TypeIn(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="基地类型名称")
    code: str | None = Field(default=None, max_length=24)
    description: str | None = Field(default=None, max_length=1000)


class TypeEdit(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=60)
    description: str | None = Field(default=None, max_length=1000)
    is_active: JsonBool | None = Field(default=None, description="false：停用（已有基地保留该类型）")
    reason: str | None = Field(default=None, max_length=2000)


class TypeOut(BaseModel):
    id: int
    code: str
    name: str
    description: str | None
    sort_order: int
    is_active: bool


class BaseIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="基地名称")
    base_type_id: Id = Field(description="基地类型（GET /api/base-types）")
    region_id: OptionalId = None
    host_org_id: OptionalId = Field(default=None, description="依托单位")
    partner_org_id: OptionalId = Field(default=None, description="合作高校")
    lead_unit_id: OptionalId = Field(default=None, description="牵头单位（政府部门）")
    capacity: Count = Field(default=None, description="年承载人次")
    address: str | None = Field(default=None, max_length=300)
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)


class BaseEdit(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    base_type_id: OptionalId = None
    region_id: OptionalId = None
    host_org_id: OptionalId = None
    partner_org_id: OptionalId = None
    lead_unit_id: OptionalId = None
    capacity: Count = None
    address: str | None = Field(default=None, max_length=300)
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: Version = None


class StepIn(BaseModel):
    step: str = Field(description="review 审核 / recognise 认定 / plaque 挂牌 / operate 投入运行 / "
                                  "yearly_review 年度评估 / revoke 撤销", max_length=20)
    on: CalendarDate | None = Field(default=None, description="办理日期（默认今天）；挂牌即挂牌日期")
    reason: str | None = Field(default=None, max_length=2000, description="意见或原因（撤销必填）")
    ceremony: str | None = Field(default=None, max_length=2000, description="挂牌仪式（挂牌必填）")
    year: Annotated[JsonInt | None, Field(ge=2000, le=2100)] = Field(default=None, description="评估年度")
    result: ReviewResult | None = Field(default=None, description="评估结果")
    expected_version: Version = None


class BaseOut(BaseModel):
    id: int
    name: str
    base_type: str
    state: str
    state_label: str
    region_id: int | None
    host_org_id: int | None
    partner_org_id: int | None
    lead_unit_id: int | None
    plaque_on: dt.date | None
    ceremony: str | None
    recognised_on: dt.date | None
    capacity: int | None
    version: int
    next_steps: list[str]


class ActivityIn(BaseModel):
    kind: ActivityKind = Field(description="internship 实习实训 / training 培训 / service 服务 / event 活动")
    held_on: CalendarDate
    participants: Count = Field(default=None, description="参加人次")
    days: Annotated[JsonInt | None, Field(ge=1, le=366)] = Field(default=None, description="天数")
    summary: str | None = Field(default=None, max_length=2000)


class ActivityOut(BaseModel):
    id: int
    base_id: int
    kind: str
    held_on: dt.date
    participants: int | None
    days: int | None
    summary: str | None


class PairingIn(BaseModel):
    university_id: Id = Field(description="高校（须为高校）")
    lead_unit_id: Id = Field(description="牵头单位（须为政府部门）")
    region_id: Id
    started_on: CalendarDate | None = None
    note: str | None = Field(default=None, max_length=2000)
    base_ids: list[Id] = Field(default_factory=list, max_length=200)
    member_ids: list[Id] = Field(default_factory=list, max_length=100, description="成员单位")


class PairingEdit(BaseModel):
    started_on: CalendarDate | None = None
    ended_on: CalendarDate | None = None
    note: str | None = Field(default=None, max_length=2000)
    add_base_ids: list[Id] = Field(default_factory=list, max_length=200)
    add_member_ids: list[Id] = Field(default_factory=list, max_length=100)
    reason: str | None = Field(default=None, max_length=2000)


class MilestoneIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    due_on: CalendarDate


class DutyIn(BaseModel):
    unit_id: Id = Field(description="责任单位：本结对的牵头单位或成员单位")
    title: str = Field(min_length=1, max_length=300)
    due_on: CalendarDate = Field(description="完成时限")
    description: str | None = Field(default=None, max_length=2000)
    starts_on: CalendarDate | None = None
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=service.MAX_MILESTONES)


class MilestoneOut(BaseModel):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class DutyOut(BaseModel):
    id: int
    pairing_id: int
    unit_id: int
    unit: str
    title: str
    due_on: dt.date
    state: str
    done_on: dt.date | None
    evidence: str | None
    overdue: bool
    version: int
    milestones: list[MilestoneOut]


class PairingOut(BaseModel):
    id: int
    university_id: int
    university: str
    lead_unit_id: int
    lead_unit: str
    region_id: int
    started_on: dt.date | None
    ended_on: dt.date | None
    note: str | None
    member_ids: list[int]
    base_ids: list[int]
    duties: list[DutyOut]


class ReportIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000, description="进展情况")
    evidence: str | None = Field(default=None, max_length=2000, description="佐证材料（报告完成时必填）")
    done: JsonBool = Field(default=False, description="任务已全部完成")
    milestone_ids: list[Id] = Field(default_factory=list, max_length=service.MAX_MILESTONES)
    reported_on: CalendarDate | None = None
    expected_version: Version = None


class ReportOut(BaseModel):
    id: int
    duty_id: int
    reported_on: dt.date
    note: str
    evidence: str | None
    done: bool
    reporter: str
    duty: DutyOut


class DutyDecisionIn(BaseModel):
    milestone_id: Id = Field(description="该职责任务工作计划中的节点编号")
    decision: str = Field(min_length=1, max_length=2000, description="调度决定")
    new_due_on: CalendarDate | None = Field(default=None, description="新的完成时限；第二次顺延提请上一级调度")
    expected_version: Version = None


class DutyMeetingIn(BaseModel):
    held_on: CalendarDate | None = Field(default=None, description="会议日期（默认今天）")
    title: str | None = Field(default=None, max_length=300)
    chaired_by: str | None = Field(default=None, max_length=60)
    summary: str | None = Field(default=None, max_length=2000)
    decisions: list[DutyDecisionIn] = Field(min_length=1, max_length=meetings.MAX_DUTY_DECISIONS)


class DispatchItemOut(BaseModel):
    duty_milestone_id: int | None
    decision: str
    new_due_on: dt.date | None
    escalated: bool
    escalated_to_level: str | None


class DutyMeetingOut(BaseModel):
    id: int
    held_on: dt.date
    level: str | None
    region_id: int | None
    items: list[DispatchItemOut]
    duty: DutyOut


class LeaderIn(BaseModel):
    university_id: Id
    region_id: Id
    leader: str = Field(min_length=1, max_length=60)
    post: str | None = Field(default=None, max_length=100)
    started_on: CalendarDate | None = None
    note: str | None = Field(default=None, max_length=2000)


class LeaderOut(BaseModel):
    id: int
    university_id: int
    university: str
    region_id: int
    leader: str
    post: str | None
    started_on: dt.date | None


def type_out(t: BaseType) -> TypeOut:
    return TypeOut(id=t.id, code=t.code, name=t.name, description=t.description, sort_order=t.sort_order,
                   is_active=bool(t.is_active))


def base_out(b: ProgrammeBase) -> BaseOut:
    from xiaodi.bases.models import BaseState

    return BaseOut(id=b.id, name=b.name, base_type=b.base_type.name, state=str(b.state),
                   state_label=BaseState(b.state).label, region_id=b.region_id, host_org_id=b.host_org_id,
                   partner_org_id=b.partner_org_id, lead_unit_id=b.lead_unit_id, plaque_on=b.plaque_on,
                   ceremony=b.ceremony, recognised_on=b.recognised_on, capacity=b.capacity, version=b.version,
                   next_steps=[s.name for s in service.next_steps(b)])


def activity_out(a: BaseActivity) -> ActivityOut:
    return ActivityOut(id=a.id, base_id=a.base_id, kind=str(a.kind), held_on=a.held_on, participants=a.participants,
                       days=a.days, summary=a.summary)


def duty_out(d: Duty) -> DutyOut:
    return DutyOut(id=d.id, pairing_id=d.pairing_id, unit_id=d.unit_id, unit=d.unit.name, title=d.title,
                   due_on=d.due_on, state=str(d.state), done_on=d.done_on, evidence=d.evidence,
                   overdue=service.is_overdue(d, local_today()), version=d.version,
                   milestones=[MilestoneOut(id=m.id, title=m.title, due_on=m.due_on, done_on=m.done_on)
                               for m in d.milestones])


def pairing_out(session: SessionDep, viewer: MemberUser, p: Pairing) -> PairingOut:
    return PairingOut(
        id=p.id, university_id=p.university_id, university=p.university.name, lead_unit_id=p.lead_unit_id,
        lead_unit=p.lead_unit.name, region_id=p.region_id, started_on=p.started_on, ended_on=p.ended_on, note=p.note,
        member_ids=[m.organisation_id for m in service.pairing_members(session, p.id)],
        base_ids=[b.id for b in service.pairing_bases(session, viewer, p.id)],
        duties=[duty_out(d) for d in service.duties(session, viewer, pairing_id=p.id)])


def leader_out(row: LeaderAssignment) -> LeaderOut:
    return LeaderOut(id=row.id, university_id=row.university_id, university=row.university.name,
                     region_id=row.region_id, leader=row.leader, post=row.post, started_on=row.started_on)


# ── base types ───────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/api/base-types", response_model=list[TypeOut], summary="基地类型（12大基地）")
def types_list(session: SessionDep, viewer: MemberUser) -> Any:
    return [type_out(t) for t in service.base_types(session)]


@router.post("/api/base-types", status_code=201, response_model=TypeOut, summary="新增基地类型（省级办公室）")
def type_create(body: TypeIn, session: SessionDep, viewer: MemberUser) -> Any:
    return type_out(service.add_base_type(session, viewer, name=body.name, code=body.code,
                                          description=body.description))


@router.patch("/api/base-types/{type_id}", response_model=TypeOut, summary="更名、停用或启用基地类型（省级办公室）")
def type_edit(type_id: RecordId, body: TypeEdit, session: SessionDep, viewer: MemberUser) -> Any:
    access.require(access.can_manage_types(viewer), "维护基地类型", "省级校地合作办公室")
    row = session.get(BaseType, type_id)
    if row is None:
        raise NotFound(f"基地类型（编号 {type_id}）不存在")
    if body.name is not None or body.description is not None:
        service.rename_base_type(session, viewer, type_id, name=body.name or row.name,
                                 description=body.description, reason=body.reason)
    if body.is_active is not None:
        service.set_base_type_active(session, viewer, type_id, active=body.is_active, reason=body.reason)
    return type_out(row)


# ── bases ────────────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/api/base-figures", summary="基地统计：按类型、状态、地区，活动人次与人天")
def bases_figures(session: SessionDep, viewer: MemberUser,
                  region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Any:
    return figures.base_figures(session, viewer=viewer, region_id=region_id).as_json()


@router.post("/api/bases", status_code=201, response_model=BaseOut, summary="申报基地")
def base_create(body: BaseIn, session: SessionDep, viewer: MemberUser) -> Any:
    return base_out(service.propose_base(session, viewer, service.BaseInput(**body.model_dump())))


@router.patch("/api/bases/{base_id}", response_model=BaseOut, summary="修改基地信息（所在地区办公室）")
def base_edit(base_id: RecordId, body: BaseEdit, session: SessionDep, viewer: MemberUser) -> Any:
    changes = body.model_dump(exclude_unset=True, exclude={"reason", "expected_version"})
    return base_out(service.update_base(session, viewer, base_id, changes, expected_version=body.expected_version,
                                        reason=body.reason))


@router.post("/api/bases/{base_id}/steps", response_model=BaseOut,
             summary="办理基地：审核、认定、挂牌、投入运行、年度评估、撤销（所在地区或上级办公室）")
def base_step(base_id: RecordId, body: StepIn, session: SessionDep, viewer: MemberUser) -> Any:
    return base_out(service.take_step(session, viewer, base_id, body.step, reason=body.reason, on=body.on,
                                      ceremony=body.ceremony, expected_version=body.expected_version,
                                      review_year=body.year, review_result=body.result))


@router.get("/api/bases/{base_id}/activities", response_model=list[ActivityOut], summary="基地活动")
def base_activities(base_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    access.visible_base(session, viewer, base_id)
    return [activity_out(a) for a in service.activities(session, base_id)]


@router.post("/api/bases/{base_id}/activities", status_code=201, response_model=ActivityOut,
             summary="记录基地活动：实习实训、培训批次（人次、天数），服务，活动")
def base_activity_add(base_id: RecordId, body: ActivityIn, session: SessionDep, viewer: MemberUser) -> Any:
    return activity_out(service.record_activity(session, viewer, base_id, kind=body.kind, held_on=body.held_on,
                                                participants=body.participants, days=body.days,
                                                summary=body.summary))


# ── pairings, duties, leaders ────────────────────────────────────────────────────────────────────────────────


@router.post("/api/pairings", status_code=201, response_model=PairingOut, summary="新建1+1+N结对（办公室）")
def pairing_create(body: PairingIn, session: SessionDep, viewer: MemberUser) -> Any:
    pairing = service.create_pairing(session, viewer, **body.model_dump())
    return pairing_out(session, viewer, pairing)


@router.get("/api/pairings/{pairing_id}", response_model=PairingOut, summary="结对：成员单位、基地、职责任务")
def pairing_get(pairing_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    return pairing_out(session, viewer, access.visible_pairing(session, viewer, pairing_id))


@router.patch("/api/pairings/{pairing_id}", response_model=PairingOut, summary="修改结对（办公室）")
def pairing_edit(pairing_id: RecordId, body: PairingEdit, session: SessionDep, viewer: MemberUser) -> Any:
    pairing = service.update_pairing(session, viewer, pairing_id, **body.model_dump())
    return pairing_out(session, viewer, pairing)


@router.post("/api/pairings/{pairing_id}/duties", status_code=201, response_model=DutyOut,
             summary="下达职责任务及工作计划（办公室）")
def duty_create(pairing_id: RecordId, body: DutyIn, session: SessionDep, viewer: MemberUser) -> Any:
    data = service.DutyInput(unit_id=body.unit_id, title=body.title, due_on=body.due_on,
                             description=body.description, starts_on=body.starts_on,
                             milestones=[service.MilestoneIn(m.title, m.due_on) for m in body.milestones])
    return duty_out(service.add_duty(session, viewer, pairing_id, data))


@router.get("/api/duties/{duty_id}", response_model=DutyOut, summary="职责任务")
def duty_get(duty_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    return duty_out(access.visible_duty(session, viewer, duty_id)[0])


@router.post("/api/duties/{duty_id}/reports", status_code=201, response_model=ReportOut,
             summary="报告职责任务进展或完成（责任单位或办公室）")
def duty_report(duty_id: RecordId, body: ReportIn, session: SessionDep, viewer: MemberUser) -> Any:
    row: DutyReport = service.report_duty(
        session, viewer, duty_id, note=body.note, evidence=body.evidence, done=body.done,
        milestone_ids=body.milestone_ids, reported_on=body.reported_on, expected_version=body.expected_version)
    duty = session.get_one(Duty, duty_id)
    return ReportOut(id=row.id, duty_id=row.duty_id, reported_on=row.reported_on, note=row.note,
                     evidence=row.evidence, done=row.done, reporter=row.reporter, duty=duty_out(duty))


@router.post("/api/duties/{duty_id}/dispatch", status_code=201, response_model=DutyMeetingOut,
             summary="调度会：对职责任务逾期节点作出决定、确定新时限（结对所在地区办公室）；同一节点第二次顺延提请上一级调度")
def duty_dispatch(duty_id: RecordId, body: DutyMeetingIn, session: SessionDep, viewer: MemberUser) -> Any:
    meeting = meetings.hold_duty_meeting(
        session, viewer, duty_id, held_on=body.held_on or local_today(), title=body.title,
        chaired_by=body.chaired_by, summary=body.summary,
        decisions=[meetings.DutyDecision(milestone_id=d.milestone_id, decision=d.decision, new_due_on=d.new_due_on,
                                         expected_version=d.expected_version) for d in body.decisions])
    duty = session.get_one(Duty, duty_id)
    session.refresh(duty)
    return DutyMeetingOut(id=meeting.id, held_on=meeting.held_on, level=meeting.level, region_id=meeting.region_id,
                          items=[DispatchItemOut(duty_milestone_id=i.duty_milestone_id, decision=i.decision,
                                                 new_due_on=i.new_due_on, escalated=bool(i.escalated),
                                                 escalated_to_level=i.escalated_to_level) for i in meeting.items],
                          duty=duty_out(duty))


@router.get("/api/leaders", response_model=list[LeaderOut], summary="领导包联")
def leaders_list(session: SessionDep, viewer: MemberUser) -> Any:
    return [leader_out(r) for r in service.leaders(session, viewer)]


@router.post("/api/leaders", status_code=201, response_model=LeaderOut, summary="登记领导包联（办公室）")
def leader_add(body: LeaderIn, session: SessionDep, viewer: MemberUser) -> Any:
    return leader_out(service.assign_leader(session, viewer, **body.model_dump()))
