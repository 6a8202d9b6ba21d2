"""Base pages (12大基地): 基地清单 with each base's life (申报 → 审核 → 认定 → 挂牌 → 运行 → 年度评估 → 撤销) and its
activities, the 1+1+N 结对 with their member units and 职责任务 (a lead unit reports progress there), 领导包联, and
the province office's list of base types. Rules are ``bases.access``'; the work is ``bases.service``'. Routes parse
forms, call the service, flash the outcome and redirect (303).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases import access, service
from xiaodi.bases.models import (
    ActivityKind,
    BaseState,
    Duty,
    DutyState,
    Pairing,
    ProgrammeBase,
    ReviewResult,
)
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.directory.models import OrgKind, Region
from xiaodi.dispatch import meetings
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.form_errors import refused_for_what_was_typed, typed_name
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.params import plain_int
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def base_extras(session: Session, viewer: Viewer, base: ProgrammeBase) -> dict[str, Any]:
    decides = access.can_decide(viewer, base)
    return {
        "steps": service.next_steps(base) if decides else [],
        "may_decide": decides,
        "may_edit": decides and BaseState(base.state) != BaseState.REVOKED,
        "may_record": access.can_record_activity(viewer, base)
        and BaseState(base.state) in (BaseState.PLAQUED, BaseState.OPERATING),
        "activities": service.activities(session, base.id),
        "activity_kinds": ActivityKind.labels(),
        "reviews": service.reviews(session, base.id),
        "review_results": ReviewResult.labels(),
        "history": service.history(session, base.id),
        "state_label": BaseState(base.state).label,
        "today": local_today().isoformat(),
    }


def pairing_extras(session: Session, viewer: Viewer, pairing: Pairing) -> dict[str, Any]:
    today = local_today()
    duties = service.duties(session, viewer, pairing_id=pairing.id)
    return {
        "members": service.pairing_members(session, pairing.id),
        "pairing_bases": service.pairing_bases(session, viewer, pairing.id),
        "duties": duties,
        "overdue": {d.id for d in duties if service.is_overdue(d, today)},
        "may_manage": access.can_manage_pairing(viewer, pairing),
        "reportable": {d.id for d in duties if access.can_report_duty(viewer, d, pairing)},
        "duty_states": DutyState.labels(),
        "today": today.isoformat(),
        "milestone_rows": range(4),
    }


def duty_extras(session: Session, viewer: Viewer, duty: Duty) -> dict[str, Any]:
    pairing = access.visible_pairing(session, viewer, duty.pairing_id)
    return {
        "pairing": pairing,
        "reports": service.duty_reports(session, duty.id),
        "may_report": access.can_report_duty(viewer, duty, pairing) and duty.state != DutyState.DONE,
        "may_dispatch": access.can_manage_pairing(viewer, pairing) and duty.state != DutyState.DONE
        and any(m.done_on is None for m in duty.milestones),
        "overdue": service.is_overdue(duty, local_today()),
        "today": local_today().isoformat(),
        "duty_states": DutyState.labels(),
    }


def _pairing_title(p: Pairing) -> str:
    return f"{p.university.name} · {p.lead_unit.name}（{p.region.name}）"


def specs() -> list[ResourceSpec]:
    state_labels = BaseState.labels()
    bases = ResourceSpec(
        name="bases", label="基地清单", noun="基地", model=ProgrammeBase, area="bases",
        columns=[
            Column("name", "基地名称", sort=ProgrammeBase.name, link=True),
            Column("base_type.name", "基地类型"),
            Column("host.name", "依托单位"),
            Column("partner.name", "合作高校"),
            Column("plaque_on", "挂牌日期", sort=ProgrammeBase.plaque_on),
            Column("state", "状态", labels=state_labels, sort=ProgrammeBase.state),
        ],
        detail=[
            Column("name", "基地名称"), Column("base_type.name", "基地类型"), Column("host.name", "依托单位"),
            Column("partner.name", "合作高校"), Column("lead_unit.name", "牵头单位"), Column("plaque_on", "挂牌日期"),
            Column("ceremony", "挂牌仪式"), Column("recognised_on", "认定日期"),
            Column("state", "状态", labels=state_labels), Column("address", "地址"),
            Column("capacity", "年承载人次", kind="number"), Column("contact_name", "联系人"),
            Column("contact_phone", "联系电话", kind="personal:phone"), Column("note", "备注"),
        ],
        search=[ProgrammeBase.name, ProgrammeBase.address],
        filters=[
            Filter("state", "状态", ProgrammeBase.state, list(state_labels.items())),
            Filter("type", "基地类型", ProgrammeBase.base_type_id, op="int"),
            Filter("year", "挂牌年份", ProgrammeBase.plaque_on, op="year"),
        ],
        default_sort="-plaque_on",
        personal_owner=lambda b: (b.host_org_id, b.partner_org_id),
        table="bases",
        extras=base_extras,
        detail_partial="base_detail.html",
        actions=(ListAction("/bases/new", "申报基地"),
                 ListAction("/base-types", "基地类型", allowed=access.does_office_work),
                 ListAction("/pairings", "1+1+N结对")),
    )
    pairings = ResourceSpec(
        name="pairings", label="1+1+N结对", noun="结对", model=Pairing, area="bases",
        columns=[
            Column("university.name", "高校", link=True),
            Column("lead_unit.name", "牵头单位"),
            Column("region.full_name", "地区"),
            Column("started_on", "结对日期", sort=Pairing.started_on),
        ],
        detail=[Column("university.name", "高校"), Column("lead_unit.name", "牵头单位"),
                Column("region.full_name", "地区"), Column("started_on", "结对日期"), Column("ended_on", "结束日期"),
                Column("note", "说明")],
        search=[Pairing.note],
        default_sort="-id",
        title=_pairing_title,
        extras=pairing_extras,
        detail_partial="pairing_detail.html",
        api_detail=False,
        actions=(ListAction("/pairings/new", "新建结对", allowed=access.does_office_work),
                 ListAction("/duties", "职责任务"), ListAction("/leaders", "领导包联")),
    )
    duties = ResourceSpec(
        name="duties", label="职责任务", noun="职责任务", model=Duty, area="bases",
        columns=[
            Column("title", "职责任务", sort=Duty.title, link=True),
            Column("unit.name", "责任单位"),
            Column("due_on", "完成时限", sort=Duty.due_on),
            Column("state", "状态", labels=DutyState.labels(), sort=Duty.state),
            Column("done_on", "完成日期"),
        ],
        detail=[Column("title", "职责任务"), Column("unit.name", "责任单位"), Column("description", "任务内容"),
                Column("starts_on", "开始日期"), Column("due_on", "完成时限"),
                Column("state", "状态", labels=DutyState.labels()), Column("done_on", "完成日期"),
                Column("evidence", "佐证材料")],
        search=[Duty.title],
        filters=[Filter("state", "状态", Duty.state, list(DutyState.labels().items()))],
        default_sort="due_on",
        title=lambda d: d.title,
        extras=duty_extras,
        detail_partial="duty_detail.html",
        api_detail=False,
    )
    return [bases, pairings, duties]


# ── form helpers ─────────────────────────────────────────────────────────────────────────────────────────────

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=60)]
Texts = Annotated[list[str], Form()]


def _int(text: str, label: str, *, positive: bool = False) -> int | None:
    """A whole number typed in a form: 0 or more (年承载人次, 参加人次), or 1 or more when ``positive`` (天数) —
    "-5" is named as what it is not, not as "应为整数"."""
    text = text.strip()
    if not text:
        return None
    number = plain_int(text, low=1 if positive else 0, high=2_147_483_647)
    if number is None:
        raise ValidationFailed(f"{label}应为{'正整数' if positive else '非负整数'}")
    return number


def _enum(kind: type[Any], text: str, label: str) -> Any:
    try:
        return kind.from_label(text)
    except ValueError as exc:
        raise ValidationFailed(f"请选择{label}") from exc


# ── bases ────────────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/bases/new")
def base_form(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    return render(request, "base_new.html", {"page_title": "申报基地",
                                             "types": service.base_types(session, active_only=True)})


@router.post("/bases/new")
def base_create(
    request: Request, session: SessionDep, viewer: MemberUser, name: Text, base_type_id: Short, region: Short = "",
    host: Text = "", partner: Text = "", lead_unit: Text = "", capacity: Short = "", address: Text = "",
    contact_name: Short = "", contact_phone: Short = "", note: LongText = "",
) -> RedirectResponse:
    data = service.BaseInput(
        name=name, base_type_id=_int(base_type_id, "基地类型") or 0,
        region_id=typed_name(lambda: service.region_id_by_name(session, region), "所在地区"),
        host_org_id=typed_name(lambda: service.org_id_by_name(session, host), "依托单位"),
        partner_org_id=typed_name(lambda: service.org_id_by_name(session, partner), "合作高校"),
        lead_unit_id=typed_name(lambda: service.org_id_by_name(session, lead_unit, OrgKind.GOVERNMENT), "牵头单位"),
        capacity=_int(capacity, "年承载人次"), address=address, contact_name=contact_name, contact_phone=contact_phone,
        note=note)
    with refused_for_what_was_typed():
        base = service.propose_base(session, viewer, data)
    flash(request, f"基地“{base.name}”已申报，待所在地区校地合作办公室审核")
    return RedirectResponse(f"/bases/{base.id}", status_code=303)


def _edit_context(session: Session, viewer: Viewer, base_id: int) -> dict[str, Any]:
    base = access.visible_base(session, viewer, base_id)
    access.require(access.can_decide(viewer, base), "修改基地信息")
    types = [t for t in service.base_types(session) if t.is_active or t.id == base.base_type_id]
    region = session.get(Region, base.region_id) if base.region_id is not None else None
    return {"page_title": f"修改基地信息：{base.name}", "obj": base, "types": types,
            "region_name": region.full_name if region is not None else ""}


@router.get("/bases/{base_id}/edit")
def base_edit_form(request: Request, base_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    """修改基地信息 (the office of the base's region or above)."""
    return render(request, "base_edit.html", _edit_context(session, viewer, base_id))


@router.post("/bases/{base_id}/edit")
def base_edit(
    request: Request, base_id: RecordId, session: SessionDep, viewer: MemberUser, name: Text, base_type_id: Short,
    region: Short = "", host: Text = "", partner: Text = "", lead_unit: Text = "", capacity: Short = "",
    address: Text = "", contact_name: Short = "", contact_phone: Short = "", note: LongText = "",
    reason: LongText = "", version: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> RedirectResponse:
    _edit_context(session, viewer, base_id)  # who may edit, before any name typed in the form is looked up
    changes: dict[str, Any] = {
        "name": name, "base_type_id": _int(base_type_id, "基地类型"),
        "region_id": typed_name(lambda: service.region_id_by_name(session, region), "所在地区"),
        "host_org_id": typed_name(lambda: service.org_id_by_name(session, host), "依托单位"),
        "partner_org_id": typed_name(lambda: service.org_id_by_name(session, partner), "合作高校"),
        "lead_unit_id": typed_name(lambda: service.org_id_by_name(session, lead_unit, OrgKind.GOVERNMENT), "牵头单位"),
        "capacity": _int(capacity, "年承载人次"), "address": address, "contact_name": contact_name,
        "contact_phone": contact_phone, "note": note}
    base = service.update_base(session, viewer, base_id, changes, expected_version=version,
                               reason=reason.strip() or None)
    flash(request, f"基地“{base.name}”的信息已保存")
    return RedirectResponse(f"/bases/{base_id}", status_code=303)


@router.post("/bases/{base_id}/steps")
def base_step(
    request: Request, base_id: RecordId, session: SessionDep, viewer: MemberUser, step: Short,
    reason: LongText = "", on: Short = "", ceremony: LongText = "", year: Short = "", result: Short = "",
    version: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> RedirectResponse:
    base = service.take_step(
        session, viewer, base_id, step, reason=reason, on=parse_day(on, "日期"), ceremony=ceremony,
        expected_version=version, review_year=_int(year, "评估年度"),
        review_result=_enum(ReviewResult, result, "评估结果") if result else None)
    label = service.STEPS[step].label
    flash(request, f"基地“{base.name}”已办理{label}，当前状态：{BaseState(base.state).label}")
    return RedirectResponse(f"/bases/{base_id}", status_code=303)


@router.post("/bases/{base_id}/activities")
def base_activity(
    request: Request, base_id: RecordId, session: SessionDep, viewer: MemberUser, kind: Short, held_on: Short,
    participants: Short = "", days: Short = "", summary: LongText = "",
) -> RedirectResponse:
    row = service.record_activity(
        session, viewer, base_id, kind=_enum(ActivityKind, kind, "活动类别"),
        held_on=parse_day(held_on, "活动日期") or local_today(), participants=_int(participants, "参加人次"),
        days=_int(days, "天数", positive=True), summary=summary)
    people = f"，{row.participants} 人次" if row.participants else ""
    flash(request, f"已记录{ActivityKind(row.kind).label}（{row.held_on}{people}）")
    return RedirectResponse(f"/bases/{base_id}#activities", status_code=303)


# ── base types (province office) ─────────────────────────────────────────────────────────────────────────────


@router.get("/base-types")
def types_page(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    counts = {type_id: n for type_id, n in session.execute(
        select(ProgrammeBase.base_type_id, func.count()).where(ProgrammeBase.retired_at.is_(None))
        .group_by(ProgrammeBase.base_type_id))}
    return render(request, "base_types.html", {"page_title": "基地类型", "types": service.base_types(session),
                                               "counts": counts, "may_manage": access.can_manage_types(viewer)})


@router.post("/base-types")
def type_add(request: Request, session: SessionDep, viewer: MemberUser, name: Short, code: Short = "",
             description: LongText = "") -> RedirectResponse:
    row = service.add_base_type(session, viewer, name=name, code=code, description=description)
    flash(request, f"已新增基地类型“{row.name}”")
    return RedirectResponse("/base-types", status_code=303)


@router.post("/base-types/{type_id}")
def type_edit(request: Request, type_id: RecordId, session: SessionDep, viewer: MemberUser, name: Short,
              description: LongText = "", active: Short = "", reason: LongText = "") -> RedirectResponse:
    row = service.rename_base_type(session, viewer, type_id, name=name, description=description, reason=reason)
    want_active = active == "1"
    if bool(row.is_active) != want_active:
        service.set_base_type_active(session, viewer, type_id, active=want_active, reason=reason)
    flash(request, f"基地类型“{row.name}”已保存{'' if want_active else '（已停用）'}")
    return RedirectResponse("/base-types", status_code=303)


# ── pairings, duties, leaders ────────────────────────────────────────────────────────────────────────────────


@router.get("/pairings/new")
def pairing_form(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    access.require(access.does_office_work(viewer), "建立1+1+N结对")
    return render(request, "pairing_new.html", {"page_title": "新建1+1+N结对"})


def _names(text: str) -> list[str]:
    """Names typed one a line (or separated by commas or 、)."""
    return [n.strip() for n in re.split(r"[\n,，、]", text) if n.strip()]


@router.post("/pairings/new")
def pairing_create(
    request: Request, session: SessionDep, viewer: MemberUser, university: Text, lead_unit: Text, region: Short,
    started_on: Short = "", members: LongText = "", bases: LongText = "", note: LongText = "",
) -> RedirectResponse:
    access.require(access.does_office_work(viewer), "建立1+1+N结对")
    base_ids = [_base_id(session, viewer, n) for n in _names(bases)]
    with refused_for_what_was_typed():
        pairing = service.create_pairing(
            session, viewer, university_id=_typed_org(session, university, "高校"),
            lead_unit_id=_typed_org(session, lead_unit, "牵头单位"),
            region_id=typed_name(lambda: service.region_id_by_name(session, region), "地区") or 0,
            started_on=parse_day(started_on, "结对日期"), note=note, base_ids=base_ids,
            member_ids=[_typed_org(session, n, "参与单位") for n in _names(members)])
    flash(request, f"已建立结对：{_pairing_title(pairing)}")
    return RedirectResponse(f"/pairings/{pairing.id}", status_code=303)


def _typed_org(session: Session, name: str, label: str) -> int:
    """The unit typed into a field of the 结对 form; a name not found is the typist's to correct (422)."""
    return typed_name(lambda: service.org_id_by_name(session, name), label) or 0


def _base_id(session: Session, viewer: Viewer, name: str) -> int:
    found = session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == name,
                                                          access.readable_bases(viewer)))
    if found is None:
        raise ValidationFailed(f"未找到基地“{name}”")
    return int(found)


@router.post("/pairings/{pairing_id}")
def pairing_edit(
    request: Request, pairing_id: RecordId, session: SessionDep, viewer: MemberUser, members: LongText = "",
    bases: LongText = "", note: LongText = "", ended_on: Short = "",
) -> RedirectResponse:
    service.update_pairing(
        session, viewer, pairing_id, note=note or None, ended_on=parse_day(ended_on, "结束日期"),
        add_base_ids=[_base_id(session, viewer, n) for n in _names(bases)],
        add_member_ids=[service.org_id_by_name(session, n) or 0 for n in _names(members)])
    flash(request, "结对已保存")
    return RedirectResponse(f"/pairings/{pairing_id}", status_code=303)


@router.post("/pairings/{pairing_id}/duties")
def duty_create(
    request: Request, pairing_id: RecordId, session: SessionDep, viewer: MemberUser, unit_id: Short, title: Text,
    due_on: Short, description: LongText = "", starts_on: Short = "",
    milestone_title: Texts = [], milestone_due: Texts = [],  # noqa: B006
) -> RedirectResponse:
    if len(milestone_title) != len(milestone_due):
        raise ValidationFailed("工作计划表单不完整，请刷新页面后重试")
    plan = []
    for t, d in zip(milestone_title, milestone_due, strict=True):
        if t.strip() or d.strip():
            day = parse_day(d, f"节点“{t.strip()[:60]}”的时限")
            if day is None:
                raise ValidationFailed(f"请填写节点“{t.strip()[:60]}”的时限（YYYY-MM-DD）")
            plan.append(service.MilestoneIn(title=t, due_on=day))
    deadline = parse_day(due_on, "完成时限")
    if deadline is None:
        raise ValidationFailed("请填写完成时限")
    duty = service.add_duty(session, viewer, pairing_id, service.DutyInput(
        unit_id=_int(unit_id, "责任单位") or 0, title=title, due_on=deadline, description=description,
        starts_on=parse_day(starts_on, "开始日期"), milestones=plan))
    flash(request, f"已下达职责任务“{duty.title}”（{duty.unit.name}，时限 {duty.due_on}）")
    return RedirectResponse(f"/pairings/{pairing_id}#duties", status_code=303)


@router.post("/duties/{duty_id}/reports")
def duty_report(
    request: Request, duty_id: RecordId, session: SessionDep, viewer: MemberUser, note: LongText,
    evidence: LongText = "", done: Short = "", milestone_id: Texts = [],  # noqa: B006
    version: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> RedirectResponse:
    ids = [i for i in (_int(m, "节点") for m in milestone_id) if i]
    service.report_duty(session, viewer, duty_id, note=note, evidence=evidence, done=done == "1",
                        milestone_ids=ids, expected_version=version)
    flash(request, "已报告完成" if done == "1" else "已报告进展")
    return RedirectResponse(f"/duties/{duty_id}", status_code=303)


@router.post("/duties/{duty_id}/dispatch")
def duty_dispatch(
    request: Request, duty_id: RecordId, session: SessionDep, viewer: MemberUser, held_on: Short = "",
    title: Text = "", chaired_by: Short = "", milestone_id: Texts = [], decision: Texts = [],  # noqa: B006
    new_due_on: Texts = [],  # noqa: B006
) -> RedirectResponse:
    """调度会 on a duty's milestones: one row per pending milestone; rows without a decision are not recorded."""
    if not len(milestone_id) == len(decision) == len(new_due_on):
        raise ValidationFailed("调度会表单不完整，请刷新页面后重试")
    decisions = []
    for mid, text, day in zip(milestone_id, decision, new_due_on, strict=True):
        if not text.strip():
            if day.strip():
                raise ValidationFailed("确定新的时限须同时写明调度决定")
            continue
        decisions.append(meetings.DutyDecision(milestone_id=_int(mid, "节点") or 0, decision=text,
                                               new_due_on=parse_day(day, "新的时限")))
    meeting = meetings.hold_duty_meeting(session, viewer, duty_id, decisions=decisions,
                                         held_on=parse_day(held_on, "会议日期") or local_today(),
                                         title=title, chaired_by=chaired_by)
    escalated = sum(1 for i in meeting.items if i.escalated)
    upward = f"，{escalated} 项提请上一级调度" if escalated else ""
    flash(request, f"已记录调度会，决定 {len(meeting.items)} 项{upward}")
    return RedirectResponse(f"/duties/{duty_id}#dispatch", status_code=303)


@router.get("/leaders")
def leaders_page(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    return render(request, "leaders.html", {"page_title": "领导包联", "leaders": service.leaders(session, viewer),
                                            "may_manage": access.does_office_work(viewer)})


@router.post("/leaders")
def leader_add(request: Request, session: SessionDep, viewer: MemberUser, university: Text, region: Short,
               leader: Short, post: Text = "", started_on: Short = "") -> RedirectResponse:
    row = service.assign_leader(
        session, viewer, university_id=service.org_id_by_name(session, university) or 0,
        region_id=service.region_id_by_name(session, region) or 0, leader=leader, post=post,
        started_on=parse_day(started_on, "包联开始日期"))
    flash(request, f"已登记领导包联：{row.leader} 包联 {row.university.name}")
    return RedirectResponse("/leaders", status_code=303)

