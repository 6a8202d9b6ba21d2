"""Project API (/api/projects/…): the closed loop as JSON — 立项 with 倒排工期 milestones, stage moves (节点推进),
milestones reached, funds in place (到位资金) and their corrections, and 调度会 decisions with new dates.

Writing is office work in the project's region (``access``); reading milestones and funds follows the
project's visibility. The agreement routes (``/api/agreements``) live in ``agreements_api`` and are included here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.dispatch import meetings
from xiaodi.projects import actions, agreements_api, service
from xiaodi.projects.dispatch import Decision
from xiaodi.projects.models import FundRecord, FundSource, Milestone, Project, ProjectStage
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonBool, JsonInt

OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Version = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1, description="您看到的版本号；已被他人修改时返回 409")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e14"), decimal_places=2, description="金额（元）")]


class StageIn(BaseModel):
    to: ProjectStage
    reached_on: CalendarDate | None = None
    reason: str | None = Field(default=None, max_length=2000)
    expected_version: Version = None


class StageOut(BaseModel):
    id: int
    stage: str
    version: int


class MilestoneIn(BaseModel):
    title: str = Field(min_length=1, max_length=300, description="节点名称")
    due_on: CalendarDate = Field(description="完成时限（倒排工期）")
    target_stage: ProjectStage | None = Field(default=None, description="完成后项目推进到的阶段：started/landed/…")


class MilestoneOut(BaseModel):
    id: int
    project_id: int
    title: str
    due_on: dt.date
    original_due_on: dt.date
    done_on: dt.date | None
    state: str
    slip_count: int
    target_stage: str | None
    version: int


class ProjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=300, description="项目名称")
    agreement_id: OptionalId = Field(default=None, description="所依据的协议")
    region_id: OptionalId = None
    region: str | None = Field(default=None, max_length=60, description="行政区名称（默认为协议所在地）")
    partner_id: OptionalId = None
    partner: str | None = Field(default=None, max_length=200, description="合作高校名称")
    enterprise_id: OptionalId = None
    enterprise: str | None = Field(default=None, max_length=200, description="合作企业名称")
    responsible_unit_id: OptionalId = None
    responsible_unit: str | None = Field(default=None, max_length=200, description="责任单位名称")
    leader_in_charge: str | None = Field(default=None, max_length=60, description="包联领导")
    pledged_amount: Money | None = None
    industry_code: str | None = Field(default=None, max_length=8)
    is_key_project: JsonBool = False
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=actions.MAX_MILESTONES)


class ProjectOut(BaseModel):
    id: int
    code: str
    name: str
    agreement_id: int | None
    region_id: int | None
    stage: str
    pledged_amount: Decimal | None
    version: int
    milestones: list[MilestoneOut]


class CompleteIn(BaseModel):
    done_on: CalendarDate | None = Field(default=None, description="完成日期（默认今天）")
    expected_version: Version = None


class FundIn(BaseModel):
    amount: Annotated[Decimal, Field(gt=0, le=Decimal("1e14"), decimal_places=2, description="到位金额（元）")]
    arrived_on: CalendarDate | None = Field(default=None, description="到位日期（默认今天）")
    source: FundSource = FundSource.SELF_RAISED
    note: str | None = Field(default=None, max_length=2000)


class FundCorrectIn(BaseModel):
    amount: Money = Field(description="更正后的金额（元）；0 表示撤销该笔记录")
    reason: str = Field(min_length=1, max_length=2000, description="更正原因")
    arrived_on: CalendarDate | None = None


class FundOut(BaseModel):
    id: int
    project_id: int
    amount: Decimal
    arrived_on: dt.date
    source: str
    note: str | None
    corrects_id: int | None
    recorded_by: str | None
    funds_in_place: Decimal = Field(description="更正后项目到位资金合计（元）")


class FundsOut(BaseModel):
    funds_in_place: Decimal
    records: list[FundOut]


class DecisionIn(BaseModel):
    decision: str = Field(min_length=1, max_length=2000, description="调度决定")
    milestone_id: OptionalId = Field(default=None, description="针对的节点（不填则针对项目本身）")
    new_due_on: CalendarDate | None = Field(default=None, description="节点新的完成时限")
    escalate: JsonBool = Field(default=False, description="提请上一级调度")
    expected_version: Version = None


class MeetingIn(BaseModel):
    held_on: CalendarDate = Field(description="调度会日期")
    title: str | None = Field(default=None, max_length=300)
    chaired_by: str | None = Field(default=None, max_length=60, description="主持人")
    summary: str | None = Field(default=None, max_length=2000, description="会议决定摘要")
    minutes: str | None = Field(default=None, max_length=20000, description="会议纪要")
    decisions: list[DecisionIn] = Field(min_length=1, max_length=meetings.MAX_PROJECT_DECISIONS)


class ItemOut(BaseModel):
    milestone_id: int | None
    project_id: int | None
    decision: str
    new_due_on: dt.date | None
    escalated: bool
    escalated_to_level: str | None


class MeetingOut(BaseModel):
    id: int
    held_on: dt.date
    level: str | None
    region_id: int | None
    items: list[ItemOut]
    milestones: list[MilestoneOut] = Field(description="调度后的节点")


def milestone_out(m: Milestone) -> MilestoneOut:
    return MilestoneOut(id=m.id, project_id=m.project_id, title=m.title, due_on=m.due_on,
                        original_due_on=m.original_due_on, done_on=m.done_on, state=str(m.state),
                        slip_count=m.slip_count, target_stage=str(m.target_stage) if m.target_stage else None,
                        version=m.version)


def fund_out(f: FundRecord, total: Decimal) -> FundOut:
    return FundOut(id=f.id, project_id=f.project_id, amount=f.amount, arrived_on=f.arrived_on, source=str(f.source),
                   note=f.note, corrects_id=f.corrects_id, recorded_by=f.recorded_by, funds_in_place=total)


def _milestones(session: Session, project_id: int) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.project_id == project_id)
                                .order_by(Milestone.due_on, Milestone.id)))


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


_projects = APIRouter(prefix="/api/projects", tags=["项目清单"])


@_projects.post("", status_code=201, response_model=ProjectOut, summary="新建项目（办公室；含倒排工期节点）")
def create(body: ProjectIn, session: SessionDep, viewer: MemberUser) -> Any:
    project = actions.start_project(
        session, viewer, name=body.name, agreement_id=body.agreement_id, region_id=body.region_id,
        region=body.region, partner=actions.OrgRef(body.partner_id, body.partner),
        enterprise=actions.OrgRef(body.enterprise_id, body.enterprise),
        responsible_unit=actions.OrgRef(body.responsible_unit_id, body.responsible_unit),
        leader_in_charge=body.leader_in_charge, pledged_amount=body.pledged_amount,
        industry_code=body.industry_code, is_key_project=body.is_key_project,
        milestones=[service.MilestoneSpec(title=m.title, due_on=m.due_on, target_stage=m.target_stage)
                    for m in body.milestones])
    return ProjectOut(id=project.id, code=project.code, name=project.name, agreement_id=project.agreement_id,
                      region_id=project.region_id, stage=str(project.stage), pledged_amount=project.pledged_amount,
                      version=project.version,
                      milestones=[milestone_out(m) for m in _milestones(session, project.id)])


@_projects.post("/{project_id}/stage", response_model=StageOut, summary="变更项目阶段（办公室）")
def stage(project_id: RecordId, body: StageIn, session: SessionDep, viewer: MemberUser) -> StageOut:
    project = actions.move_stage(session, viewer, project_id, to=body.to.value, reason=body.reason,
                                 reached_on=body.reached_on.isoformat() if body.reached_on else None,
                                 version=body.expected_version)
    return StageOut(id=project.id, stage=str(project.stage), version=project.version)


@_projects.get("/{project_id}/milestones", response_model=list[MilestoneOut], summary="项目节点（倒排工期）")
def milestones(project_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    project = get_visible(session, Project, project_id, viewer, "项目")
    return [milestone_out(m) for m in _milestones(session, project.id)]


@_projects.post("/{project_id}/milestones", status_code=201, response_model=MilestoneOut, summary="添加节点（办公室）")
def add_milestone(project_id: RecordId, body: MilestoneIn, session: SessionDep, viewer: MemberUser) -> Any:
    return milestone_out(actions.add_milestone(session, viewer, project_id, title=body.title, due_on=body.due_on,
                                               target_stage=body.target_stage))


@_projects.post("/milestones/{milestone_id}/complete", response_model=MilestoneOut, summary="节点完成（办公室）")
def complete(milestone_id: RecordId, body: CompleteIn, session: SessionDep, viewer: MemberUser) -> Any:
    return milestone_out(actions.complete_milestone(session, viewer, milestone_id, done_on=body.done_on,
                                                    version=body.expected_version))


@_projects.get("/{project_id}/funds", response_model=FundsOut, summary="到位资金记录（含更正）")
def funds(project_id: RecordId, session: SessionDep, viewer: MemberUser) -> Any:
    project = get_visible(session, Project, project_id, viewer, "项目")
    total = service.funds_in_place(session, project_id=project.id)
    return FundsOut(funds_in_place=total, records=[fund_out(f, total) for f in
                                                   service.fund_history(session, project_id=project.id)])


@_projects.post("/{project_id}/funds", status_code=201, response_model=FundOut, summary="登记到位资金（办公室）")
def record_funds(project_id: RecordId, body: FundIn, session: SessionDep, viewer: MemberUser) -> Any:
    row = actions.record_funds(session, viewer, project_id, amount=body.amount, arrived_on=body.arrived_on,
                               source=body.source, note=body.note)
    return fund_out(row, service.funds_in_place(session, project_id=row.project_id))


@_projects.post("/funds/{fund_id}/correct", status_code=201, response_model=FundOut, summary="更正到位资金（办公室）")
def correct_funds(fund_id: RecordId, body: FundCorrectIn, session: SessionDep, viewer: MemberUser) -> Any:
    row = actions.correct_funds(session, viewer, fund_id, amount=body.amount, reason=body.reason,
                                arrived_on=body.arrived_on)
    return fund_out(row, service.funds_in_place(session, project_id=row.project_id))


@_projects.post("/{project_id}/dispatch-meetings", status_code=201, response_model=MeetingOut,
        summary="记录调度会：逾期节点的调度决定与新时限（办公室）")
def dispatch_meeting(project_id: RecordId, body: MeetingIn, session: SessionDep, viewer: MemberUser) -> Any:
    meeting = meetings.hold_project_meeting(
        session, viewer, project_id, held_on=body.held_on, title=body.title, chaired_by=body.chaired_by,
        summary=body.summary, minutes=body.minutes,
        decisions=[Decision(decision=d.decision, milestone_id=d.milestone_id, new_due_on=d.new_due_on,
                            escalate=d.escalate, expected_version=d.expected_version) for d in body.decisions])
    touched = {i.milestone_id for i in meeting.items if i.milestone_id is not None}
    return MeetingOut(
        id=meeting.id, held_on=meeting.held_on, level=meeting.level, region_id=meeting.region_id,
        items=[ItemOut(milestone_id=i.milestone_id, project_id=i.project_id, decision=i.decision,
                       new_due_on=i.new_due_on, escalated=i.escalated, escalated_to_level=i.escalated_to_level)
               for i in meeting.items],
        milestones=[milestone_out(m) for m in _milestones(session, project_id) if m.id in touched])


# The project routes and the agreement routes (``agreements_api``), as the one router of the area's API.
router = APIRouter()
router.include_router(_projects)
router.include_router(agreements_api.router)
