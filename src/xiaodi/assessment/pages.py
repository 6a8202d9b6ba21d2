"""专项考核 pages: the periods, a period's ranking with the working of each score, and the forms — define an
indicator set, add a period, submit and check evidence, score, publish, appeal and answer — plus the trend and
the Excel export. Every rule is ``assessment.access``'s (through the service); these routes parse forms, call the
service, flash the outcome and redirect (303)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.assessment import access, service
from xiaodi.assessment.ledger import LEDGER_METRICS
from xiaodi.assessment.models import AppealState, EvidenceState, PeriodState, ScoringRule, Subject
from xiaodi.core.days import parse_day, required_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Region, RegionLevel
from xiaodi.directory.service import resolve_region
from xiaodi.figures.access import region_choices
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import ResourceSpec
from xiaodi.web.params import plain_int
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)  # pages, not API operations
Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=60)]
INDICATOR_HELP = ("每行一项：编号:名称:分值:目标值[:取数口径[:计分规则]]；不填取数口径为佐证认定；分值合计须为100；"
                  "按排名计分的指标可不填目标值")
EXAMPLE = "XY:签约协议:40:4:签约协议\nJD:挂牌基地:30:2:共建基地\nXC:宣传工作:30:10"


def specs() -> list[ResourceSpec]:
    return []  # the periods page is its own, not a list of the listing machinery


def _number(text: str, label: str) -> int:
    value = plain_int(text.strip(), low=1, high=2_147_483_647)
    if value is None:
        raise ValidationFailed(f"请选择{label}")
    return value


@router.get("/assessment")
def periods_page(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """考核周期 list: the periods one may open, with their state."""
    periods = service.list_periods(session, viewer)
    return render(request, "assessment_periods.html", {
        "periods": periods, "states": PeriodState, "may_define": access.defines_sets(viewer),
        "manages": {p.id: access.can_manage(viewer, p.indicator_set) for p in periods}})


@router.get("/assessment/new")
def define_page(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    access.require_use(viewer)
    if not access.defines_sets(viewer):
        access.require_define(viewer, None)
    return _define_form(request, session, viewer, {"subject": _default_subject(session, viewer)})


def _default_subject(session: Session, viewer: Viewer) -> str:
    """A county office has no counties below it to rank (its ranking held only itself): it assesses its lead units."""
    levels = {region.level for r in viewer.office_region_ids if (region := session.get(Region, r)) is not None}
    return Subject.LEAD_UNIT.value if levels == {RegionLevel.COUNTY} else Subject.REGION.value


def _define_form(request: Request, session: Session, viewer: Viewer, values: dict[str, str],
                 error: str | None = None) -> Response:
    return render(request, "assessment_new.html", {
        "regions": [(c, n) for c, n in region_choices(session, viewer) if c], "subjects": Subject.labels(),
        "metrics": LEDGER_METRICS, "help": INDICATOR_HELP, "example": EXAMPLE, "values": values, "error": error,
        "year": local_today().year}, status=422 if error else 200)


@router.post("/assessment/new")
def define_submit(request: Request, session: SessionDep, viewer: MemberUser, name: Text, year: Short,
                  region: Short, subject: Short, indicators: LongText, description: LongText = "") -> Response:
    values = {"name": name, "year": year, "region": region, "subject": subject, "indicators": indicators,
              "description": description}
    try:
        year_value = plain_int(year.strip(), low=2000, high=2100)
        if year_value is None:
            raise ValidationFailed("考核年度应在2000–2100之间")
        region_id = resolve_region(session, region).id if region.strip() else None
        items = [service.parse_indicator(line) for line in indicators.splitlines() if line.strip()]
        made = service.define_set(session, viewer, name=name, year=year_value, region_id=region_id,
                                  subject=subject, indicators=items,
                                  description=description)
    except ValidationFailed as exc:  # the form again, as filled in, with the reason
        session.rollback()
        return _define_form(request, session, viewer, values, exc.message)
    flash(request, f"已制定考核“{made.name}”，请新增考核周期")
    return RedirectResponse(f"/assessment/sets/{made.id}", status_code=303)


@router.get("/assessment/sets/{set_id}")
def set_page(request: Request, set_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    """An indicator set: its indicators, its periods and the trend of totals and ranks (趋势)."""
    indicator_set = service.get_set(session, viewer, set_id)
    periods, rows = service.trend(session, viewer, set_id)
    return render(request, "assessment_set.html", {
        "s": indicator_set, "trend_periods": periods, "trend": rows, "metrics": LEDGER_METRICS,
        "rules": ScoringRule, "subjects": Subject, "manages": access.can_manage(viewer, indicator_set),
        "all_periods": [p for p in service.list_periods(session, viewer) if p.set_id == set_id],
        "states": PeriodState})


@router.post("/assessment/sets/{set_id}/periods")
def period_add(request: Request, set_id: RecordId, session: SessionDep, viewer: MemberUser, name: Short,
               starts_on: Short, ends_on: Short) -> RedirectResponse:
    starts, ends = required_day(starts_on, "起始日期"), required_day(ends_on, "截止日期")
    period = service.add_period(session, viewer, set_id=set_id, name=name, starts_on=starts, ends_on=ends)
    flash(request, f"已新增考核周期“{period.name}”")
    return RedirectResponse(f"/assessment/periods/{period.id}", status_code=303)


@router.get("/assessment/periods/{period_id}")
def period_page(request: Request, period_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    """A period: the ranking (or one's own result) with the working of every score, evidence and appeals."""
    result = service.period_result(session, viewer, period_id)
    period = result.period
    own = [u for u in service.assessed_units(session, period.indicator_set)
           if access.is_own(viewer, region_id=u.region_id, unit_id=u.unit_id)]
    manual = [i for i in period.indicator_set.indicators if i.scoring_rule == ScoringRule.MANUAL]
    may_appeal = bool(own) and period.state == PeriodState.PUBLISHED and period.appeal_deadline is not None \
        and local_today() <= period.appeal_deadline
    assessed = service.assessed_units(session, period.indicator_set)
    return render(request, "assessment_period.html", {
        "r": result, "p": period, "states": PeriodState, "own": own, "manual": manual,
        # whose evidence each row is (被考核单位): a reviewer approving it must see for whom
        "assessed_names": {(u.region_id, u.unit_id): u.name for u in assessed},
        "evidence": service.list_evidence(session, viewer, period_id),
        "appeals": service.list_appeals(session, viewer, period_id), "evidence_states": EvidenceState,
        "appeal_states": AppealState, "may_appeal": may_appeal,
        "default_deadline": (local_today() + dt.timedelta(days=service.APPEAL_DAYS)).isoformat(),
        "units": assessed if result.manages else own})


@router.get("/assessment/periods/{period_id}/export.xlsx")
def period_export(period_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    from xiaodi.web.responses import xlsx_response

    result = service.period_result(session, viewer, period_id)
    return xlsx_response(service.result_xlsx(result), f"考核排名-{result.period.indicator_set.name}-"
                                                      f"{result.period.name}.xlsx")


@router.post("/assessment/periods/{period_id}/score")
def period_score(request: Request, period_id: RecordId, session: SessionDep, viewer: MemberUser) -> RedirectResponse:
    rankings = service.score_period(session, viewer, period_id=period_id)
    flash(request, f"已评分：{len(rankings)}个单位")
    return RedirectResponse(f"/assessment/periods/{period_id}", status_code=303)


@router.post("/assessment/periods/{period_id}/publish")
def period_publish(request: Request, period_id: RecordId, session: SessionDep, viewer: MemberUser,
                   appeal_deadline: Short = "") -> RedirectResponse:
    deadline = parse_day(appeal_deadline, "申诉截止日期")
    period = service.publish(session, viewer, period_id=period_id, appeal_deadline=deadline)
    flash(request, f"排名已发布，申诉截止 {period.appeal_deadline}")
    return RedirectResponse(f"/assessment/periods/{period_id}", status_code=303)


def _subject(key: str) -> tuple[int | None, int | None]:
    """A unit chosen in a form: ``r<id>`` for a region, ``u<id>`` for a lead unit."""
    key = key.strip()
    if key[:1] in ("r", "u") and (number := plain_int(key[1:], low=1, high=2_147_483_647)) is not None:
        return (number, None) if key[0] == "r" else (None, number)
    raise ValidationFailed("请选择被考核单位")


@router.post("/assessment/periods/{period_id}/evidence")
def evidence_submit(request: Request, period_id: RecordId, session: SessionDep, viewer: MemberUser,
                    subject: Short, indicator_id: Short, value: Short, evidence: LongText) -> RedirectResponse:
    region_id, unit_id = _subject(subject)
    service.submit_evidence(session, viewer, period_id=period_id, indicator_id=_number(indicator_id, "指标"),
                            value=value, evidence=evidence, region_id=region_id, unit_id=unit_id)
    flash(request, "佐证材料已提交，待办公室审核")
    return RedirectResponse(f"/assessment/periods/{period_id}", status_code=303)


@router.post("/assessment/evidence/{evidence_id}/check")
def evidence_check(request: Request, evidence_id: RecordId, session: SessionDep, viewer: MemberUser,
                   verdict: Short, note: LongText = "") -> RedirectResponse:
    item = service.check_evidence(session, viewer, evidence_id=evidence_id, accept=verdict == "accept", note=note)
    flash(request, f"佐证材料{EvidenceState(item.state).label}")
    return RedirectResponse(f"/assessment/periods/{item.period_id}", status_code=303)


@router.post("/assessment/periods/{period_id}/appeals")
def appeal_submit(request: Request, period_id: RecordId, session: SessionDep, viewer: MemberUser,
                  reason: LongText, indicator_id: Short = "", subject: Short = "") -> RedirectResponse:
    region_id, unit_id = _subject(subject) if subject.strip() else (None, None)
    indicator = _number(indicator_id, "指标") if indicator_id.strip() else None
    service.file_appeal(session, viewer, period_id=period_id, reason=reason, indicator_id=indicator,
                        region_id=region_id, unit_id=unit_id)
    flash(request, "申诉已提交，待办公室答复")
    return RedirectResponse(f"/assessment/periods/{period_id}", status_code=303)


@router.post("/assessment/appeals/{appeal_id}/answer")
def appeal_answer(request: Request, appeal_id: RecordId, session: SessionDep, viewer: MemberUser,
                  verdict: Short, answer: LongText, corrected_value: Short = "") -> RedirectResponse:
    appeal = service.answer_appeal(session, viewer, appeal_id=appeal_id, uphold=verdict == "uphold", answer=answer,
                                   corrected_value=corrected_value or None)
    flash(request, f"申诉已答复：{AppealState(appeal.state).label}")
    return RedirectResponse(f"/assessment/periods/{appeal.period_id}", status_code=303)
