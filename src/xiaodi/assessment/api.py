"""专项考核 API (/api/assessment/…): the same work as the pages, as JSON — define a set, add a period, evidence and
its check, scoring, the ranking with its working, publishing, appeals and answers, the trend. Every rule is
``assessment.access``'s, through the service."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from xiaodi.assessment import service
from xiaodi.assessment.models import AssessmentPeriod, PeriodState, ScoringRule, Subject
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonBool, JsonInt

router = APIRouter(prefix="/api/assessment", tags=["专项考核"])
OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Figure = Annotated[Decimal, Field(ge=0, le=Decimal("1e18"), description="数值（金额以元计）")]


class IndicatorIn(BaseModel):
    code: str = Field(min_length=1, max_length=24, description="指标编号")
    name: str = Field(min_length=1, max_length=200, description="指标名称")
    weight: Decimal = Field(gt=0, le=100, description="分值；各项合计须为100")
    target: Decimal | None = Field(default=None, ge=0, le=Decimal("1e18"),
                                   description="目标值（大于0）；按排名计分的指标可不填")
    metric: str | None = Field(default=None, max_length=40, description="台账取数口径；不填为佐证认定")
    rule: ScoringRule | None = Field(default=None, description="linear（按完成比例）/ threshold（达标得满分）/ "
                                     "ranked（按排名：第一名满分，依次线性递减至末位0分，并列取高分）")
    unit: str | None = Field(default=None, max_length=20)
    cap: Decimal | None = Field(default=None, ge=1, le=2, description="完成比例封顶系数，默认1")


class SetIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    year: JsonInt = Field(ge=2000, le=2100)
    region_id: OptionalId = Field(default=None, description="考核范围（行政区编号）")
    subject: Subject = Field(default=Subject.REGION, description="region（县市区）或 lead_unit（牵头单位）")
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=2000)


class SetOut(BaseModel):
    id: int
    name: str
    year: int
    indicators: list[dict[str, Any]]


class PeriodIn(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="如 2025年度")
    starts_on: CalendarDate
    ends_on: CalendarDate


class PeriodOut(BaseModel):
    id: int
    set_id: int
    set: str
    name: str
    state: str
    state_label: str
    starts_on: str
    ends_on: str
    appeal_deadline: str | None


class PublishIn(BaseModel):
    appeal_deadline: CalendarDate | None = Field(default=None, description="申诉截止日期（默认7天后）")


class EvidenceIn(BaseModel):
    indicator_id: JsonInt = Field(ge=1, le=2**31 - 1)
    region_id: OptionalId = None
    unit_id: OptionalId = None
    value: Figure
    evidence: str = Field(min_length=1, max_length=2000, description="佐证材料说明")


class CheckIn(BaseModel):
    accept: JsonBool
    note: str | None = Field(default=None, max_length=2000)


class AppealIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    indicator_id: OptionalId = None
    region_id: OptionalId = None
    unit_id: OptionalId = None


class AnswerIn(BaseModel):
    uphold: JsonBool
    answer: str = Field(min_length=1, max_length=2000)
    corrected_value: Figure | None = None


class RecordOut(BaseModel):
    id: int
    state: str


def _period(p: AssessmentPeriod) -> PeriodOut:
    return PeriodOut(id=p.id, set_id=p.set_id, set=p.indicator_set.name, name=p.name, state=p.state,
                     state_label=PeriodState(p.state).label, starts_on=p.starts_on.isoformat(),
                     ends_on=p.ends_on.isoformat(),
                     appeal_deadline=p.appeal_deadline.isoformat() if p.appeal_deadline else None)


@router.get("/periods", response_model=list[PeriodOut], summary="考核周期")
def periods(session: SessionDep, viewer: MemberUser) -> list[PeriodOut]:
    return [_period(p) for p in service.list_periods(session, viewer)]


@router.post("/sets", status_code=201, response_model=SetOut, summary="制定考核指标体系（办公室）")
def define(body: SetIn, session: SessionDep, viewer: MemberUser) -> SetOut:
    made = service.define_set(
        session, viewer, name=body.name, year=body.year, region_id=body.region_id, subject=body.subject,
        description=body.description,
        indicators=[service.IndicatorInput(i.code, i.name, i.weight, i.target, metric=i.metric, rule=i.rule,
                                           unit=i.unit, cap=i.cap) for i in body.indicators])
    return SetOut(id=made.id, name=made.name, year=made.year, indicators=[
        {"id": i.id, "code": i.code, "name": i.name, "weight": float(i.weight), "metric": i.metric,
         "target": None if i.target is None else float(i.target), "rule": i.scoring_rule}
        for i in made.indicators])


@router.post("/sets/{set_id}/periods", status_code=201, response_model=PeriodOut, summary="新增考核周期（办公室）")
def add_period(set_id: RecordId, body: PeriodIn, session: SessionDep, viewer: MemberUser) -> PeriodOut:
    return _period(service.add_period(session, viewer, set_id=set_id, name=body.name, starts_on=body.starts_on,
                                      ends_on=body.ends_on))


@router.get("/sets/{set_id}/trend", summary="历次考核趋势（总分与排名）")
def trend(set_id: RecordId, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    periods_, rows = service.trend(session, viewer, set_id)
    return {"periods": [{"id": p.id, "name": p.name} for p in periods_],
            "rows": [{"name": r.name, "region_id": r.region_id, "unit_id": r.unit_id,
                      "cells": [{"total": float(c[0]), "rank": c[1]} if c else None for c in r.cells]}
                     for r in rows]}


@router.get("/periods/{period_id}", summary="排名与计分过程（被考核单位发布前只见本单位）")
def result(period_id: RecordId, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    return service.period_result(session, viewer, period_id).as_json()


@router.post("/periods/{period_id}/score", summary="评分并排名（办公室）")
def score(period_id: RecordId, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    rankings = service.score_period(session, viewer, period_id=period_id)
    return {"period_id": period_id, "ranked": len(rankings)}


@router.post("/periods/{period_id}/publish", response_model=PeriodOut, summary="发布排名（办公室）")
def publish(period_id: RecordId, session: SessionDep, viewer: MemberUser, body: PublishIn | None = None
            ) -> PeriodOut:
    deadline = body.appeal_deadline if body is not None else None
    return _period(service.publish(session, viewer, period_id=period_id, appeal_deadline=deadline))


@router.post("/periods/{period_id}/evidence", status_code=201, response_model=RecordOut,
             summary="提交佐证材料（被考核单位或办公室）")
def evidence(period_id: RecordId, body: EvidenceIn, session: SessionDep, viewer: MemberUser) -> RecordOut:
    item = service.submit_evidence(session, viewer, period_id=period_id, indicator_id=body.indicator_id,
                                   value=body.value, evidence=body.evidence, region_id=body.region_id,
                                   unit_id=body.unit_id)
    return RecordOut(id=item.id, state=item.state)


@router.post("/evidence/{evidence_id}/check", response_model=RecordOut, summary="审核佐证材料（办公室）")
def check(evidence_id: RecordId, body: CheckIn, session: SessionDep, viewer: MemberUser) -> RecordOut:
    item = service.check_evidence(session, viewer, evidence_id=evidence_id, accept=body.accept, note=body.note)
    return RecordOut(id=item.id, state=item.state)


@router.post("/periods/{period_id}/appeals", status_code=201, response_model=RecordOut,
             summary="提出申诉（被考核单位，申诉期内）")
def appeal(period_id: RecordId, body: AppealIn, session: SessionDep, viewer: MemberUser) -> RecordOut:
    item = service.file_appeal(session, viewer, period_id=period_id, reason=body.reason,
                               indicator_id=body.indicator_id, region_id=body.region_id, unit_id=body.unit_id)
    return RecordOut(id=item.id, state=item.state)


@router.post("/appeals/{appeal_id}/answer", response_model=RecordOut, summary="答复申诉（办公室；采纳可更正得分）")
def answer(appeal_id: RecordId, body: AnswerIn, session: SessionDep, viewer: MemberUser) -> RecordOut:
    item = service.answer_appeal(session, viewer, appeal_id=appeal_id, uphold=body.uphold, answer=body.answer,
                                 corrected_value=body.corrected_value)
    return RecordOut(id=item.id, state=item.state)
