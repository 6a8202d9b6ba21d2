"""Project pages (项目清单, 签约协议): list specs, a project's closed loop (闭环) — stages, milestones, funds — and the
forms an office fills in: 新建协议 (also for a selected 揭榜 claim), 新建项目 from an agreement, 节点 (倒排工期) added
and reached, 到位资金 recorded and corrected, 调度会 decisions with new dates, 节点推进.

Who may write is decided in one place (``access.may_manage``); the work itself is ``actions``', shared with
the JSON API. These routes parse forms, call an action, flash the outcome and redirect (303) to the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Claim, Demand, DemandState
from xiaodi.directory.access import openable_organisations
from xiaodi.directory.models import OrgKind, Region
from xiaodi.dispatch import meetings
from xiaodi.projects import actions, service
from xiaodi.projects.access import may_manage, may_manage_project, require_office
from xiaodi.projects.access import readable as project_scope
from xiaodi.projects.dispatch import AT_RISK_DAYS, Decision, decisions_on_project, level_label
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    AgreementState,
    FundSource,
    Milestone,
    MilestoneState,
    PartyRole,
    Project,
    ProjectStage,
)
from xiaodi.web.access import scope_of
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec, register_related
from xiaodi.web.params import plain_int
from xiaodi.web.templating import flash, render

OFFICE = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE)
MILESTONE_ROWS = 5  # empty milestone rows of the 新建项目 form
_UNIVERSITY_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def may_move(viewer: Viewer, project: Project) -> bool:
    """Stage moves, like every write of the loop, are the office's of the project's region or an administrator's."""
    return may_manage_project(viewer, project)


def next_stages(project: Project) -> list[ProjectStage]:
    here = ProjectStage(project.stage)
    if here in service.FINAL_STAGES:
        return []
    path = service.PATH
    base = here if here in path else path[0]
    forward = [s for s in path if path.index(s) > path.index(base)]
    extra = [s for s in (ProjectStage.STALLED, ProjectStage.CANCELLED) if s != here]
    return forward + extra


def loop_links(session: Session, viewer: Viewer, *, agreement: Agreement | None = None,
               demand_id: int | None = None, claim_id: int | None = None) -> list[tuple[str, str, str | None]]:
    """The records of the loop around a project or an agreement (需求 → 揭榜 → 协议 → 项目), named by code and
    title: (what, name, link). A record the viewer may not read is named without a link."""
    def seen(model: Any, record_id: int) -> bool:
        return session.scalar(select(model.id).where(model.id == record_id, scope_of(model, viewer))) is not None

    out: list[tuple[str, str, str | None]] = []
    if agreement is not None:
        out.append(("签约协议", f"{agreement.code} {agreement.title}",
                    f"/agreements/{agreement.id}" if seen(Agreement, agreement.id) else None))
        demand_id, claim_id = demand_id or agreement.demand_id, claim_id or agreement.claim_id
    if demand_id is not None and (demand := session.get(Demand, demand_id)) is not None:
        out.append(("所答需求", f"{demand.code} {demand.title}",
                    f"/demands/{demand.id}" if seen(Demand, demand.id) else None))
    if claim_id is not None and (claim := session.get(Claim, claim_id)) is not None:
        out.append(("中选揭榜方案", f"{claim.claimant.name}的揭榜方案",
                    f"/claims/{claim.id}" if seen(Claim, claim.id) else None))
    return out


def signed_on_demand(session: Session, viewer: Viewer, record: Demand | Claim) -> list[tuple[str, str, str | None]]:
    """关联记录 of a demand or a claim page: the agreements signed on it, and their projects the viewer sees."""
    column = Agreement.claim_id if isinstance(record, Claim) else Agreement.demand_id
    agreements = session.scalars(select(Agreement).where(column == record.id, Agreement.retired_at.is_(None),
                                                         scope_of(Agreement, viewer)).order_by(Agreement.id)).all()
    out: list[tuple[str, str, str | None]] = []
    for a in agreements:
        out.append(("签约协议", f"{a.code} {a.title}", f"/agreements/{a.id}"))
        for p in session.scalars(select(Project).where(Project.agreement_id == a.id, Project.retired_at.is_(None),
                                                       project_scope(viewer)).order_by(Project.id)).unique():
            out.append(("合作项目", f"{p.code} {p.name}", f"/projects/{p.id}"))
    return out


register_related("demands", signed_on_demand)
register_related("claims", signed_on_demand)


def project_extras(session: Session, viewer: Viewer, project: Project) -> dict[str, Any]:
    today = local_today()
    milestones = list(session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                      .order_by(Milestone.due_on, Milestone.id)))
    funds = service.fund_history(session, project_id=project.id)
    manages = may_manage_project(viewer, project)
    open_loop = ProjectStage(project.stage) not in service.FINAL_STAGES
    agreement = session.get(Agreement, project.agreement_id) if project.agreement_id is not None else None
    return {
        "links": loop_links(session, viewer, agreement=agreement),
        "stage_changes": service.stage_history(session, project_id=project.id),
        "decisions": decisions_on_project(session, project.id),
        "milestones": milestones,
        "overdue": {m.id for m in milestones if m.is_overdue(today)},
        "overdue_milestones": [m for m in milestones if m.is_overdue(today)],
        "at_risk_milestones": [m for m in milestones if m.state == MilestoneState.PENDING
                               and today <= m.due_on <= today + dt.timedelta(days=AT_RISK_DAYS)],
        "funds": funds,
        "superseded": {f.corrects_id for f in funds if f.corrects_id is not None},
        "funds_total": service.funds_in_place(session, project_id=project.id),
        "may_move": manages,
        "may_manage": manages,
        "loop_open": open_loop,
        "next_stages": next_stages(project),
        "stage_labels": ProjectStage.labels(),
        "milestone_stages": [(s.value, s.label) for s in service.PATH[1:]],
        "fund_sources": FundSource.labels(),
        "today": today.isoformat(),
    }


def agreement_extras(session: Session, viewer: Viewer, agreement: Agreement) -> dict[str, Any]:
    manages = may_manage(viewer, agreement.region_id)
    projects = list(session.scalars(select(Project).where(
        Project.agreement_id == agreement.id, Project.retired_at.is_(None), project_scope(viewer))
        .order_by(Project.id)).unique())
    out: dict[str, Any] = {"parties": agreement.parties, "party_roles": PartyRole.labels(), "projects": projects,
                           "openable_orgs": openable_organisations(
                               session, viewer, (p.organisation_id for p in agreement.parties)),
                           "links": loop_links(session, viewer, demand_id=agreement.demand_id,
                                               claim_id=agreement.claim_id),
                           "stage_labels": ProjectStage.labels(),
                           "may_manage": manages}
    if manages:
        orgs = [p.organisation for p in agreement.parties if p.organisation is not None]
        region = session.get(Region, agreement.region_id) if agreement.region_id is not None else None
        out["draft"] = {
            "name": (agreement.title.removesuffix("协议").removesuffix("合同").removesuffix("合作") + "项目")[:300],
            "region": region.name if region else "",
            "partner": next((o.name for o in orgs if o.kind in _UNIVERSITY_KINDS), ""),
            "enterprise": next((o.name for o in orgs if o.kind == OrgKind.ENTERPRISE), ""),
        }
        out["milestone_rows"] = range(MILESTONE_ROWS)
        out["milestone_stages"] = [(s.value, s.label) for s in service.PATH[1:]]
    return out


def specs() -> list[ResourceSpec]:
    stage_labels = ProjectStage.labels()
    kind_labels = AgreementKind.labels()
    agreements = ResourceSpec(
        name="agreements", label="签约协议", noun="协议", model=Agreement, area="projects",
        columns=[
            Column("code", "协议编号", sort=Agreement.code),
            Column("title", "协议名称", sort=Agreement.title, link=True),
            Column("kind", "类别", labels=kind_labels, sort=Agreement.kind),
            Column("signed_on", "签约日期", sort=Agreement.signed_on),
            Column("amount", "签约金额", kind="money", sort=Agreement.amount),
            Column("state", "状态", labels=AgreementState.labels(), sort=Agreement.state),
        ],
        detail=[
            Column("code", "协议编号"), Column("title", "协议名称"), Column("kind", "类别", labels=kind_labels),
            Column("signed_on", "签约日期"), Column("amount", "签约金额", kind="money"),
            Column("state", "状态", labels=AgreementState.labels()), Column("source", "来源"), Column("note", "备注"),
        ],
        search=[Agreement.title, Agreement.code],
        filters=[
            Filter("kind", "类别", Agreement.kind, list(kind_labels.items())),
            Filter("state", "状态", Agreement.state, list(AgreementState.labels().items())),
            Filter("year", "签约年份", Agreement.signed_on, op="year"),
        ],
        default_sort="-signed_on",
        title=lambda a: a.title,
        table="agreements",
        extras=agreement_extras,
        detail_partial="agreement_detail.html",
        actions=(ListAction("/agreements/new", "新建协议", allowed=lambda v: v.is_admin or v.is_office),),
    )
    projects = ResourceSpec(
        name="projects", label="项目清单", noun="项目", model=Project, area="projects",
        columns=[
            Column("code", "项目编号", sort=Project.code),
            Column("name", "项目名称", sort=Project.name, link=True),
            Column("partner.name", "合作高校"),
            Column("enterprise.name", "合作企业"),
            Column("pledged_amount", "计划投资", kind="money", sort=Project.pledged_amount),
            Column("stage", "阶段", labels=stage_labels, sort=Project.stage),
        ],
        detail=[
            Column("code", "项目编号"), Column("name", "项目名称"), Column("responsible_unit.name", "责任单位"),
            Column("partner.name", "合作高校"), Column("enterprise.name", "合作企业"),
            Column("leader_in_charge", "包联领导"), Column("stage", "阶段", labels=stage_labels),
            Column("pledged_amount", "计划投资", kind="money"), Column("description", "项目内容"),
            Column("started_on", "开工日期"), Column("landed_on", "落地日期"), Column("in_production_on", "投产日期"),
            Column("accepted_on", "验收日期"), Column("is_key_project", "省重点工程"), Column("source", "来源"),
        ],
        search=[Project.name, Project.code, Project.description],
        filters=[
            Filter("stage", "阶段", Project.stage, list(stage_labels.items())),
            Filter("key", "省重点工程", Project.is_key_project, [("1", "是"), ("0", "否")], op="bool"),
        ],
        default_sort="-id",
        table="projects",
        extras=project_extras,
        detail_partial="project_detail.html",
        # the fund records a project's trail tells of (登记到位资金, 更正到位资金)
        trail=[Column("fund_record_id", "到位资金记录"), Column("fund_amount", "到位金额", kind="money"),
               Column("fund_arrived_on", "到位日期"), Column("fund_source", "资金来源", labels=FundSource.labels()),
               Column("corrects_id", "更正的记录")],
    )
    return [agreements, projects]


# ── form helpers ─────────────────────────────────────────────────────────────────────────────────────────────

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=60)]
Texts = Annotated[list[str], Form()]


def _id(text: str, label: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = plain_int(text, low=1, high=2_147_483_647)
    if number is None:
        raise ValidationFailed(f"{label}编号无效")
    return number


def _rows(*columns: list[str], limit: int, label: str) -> list[tuple[str, ...]]:
    """Repeated form rows (the same field names on each row) as tuples; blank rows are skipped."""
    if len({len(c) for c in columns}) > 1:
        raise ValidationFailed(f"{label}表单不完整，请刷新页面后重试")
    rows = [tuple(v.strip() for v in row) for row in zip(*columns, strict=True)]
    rows = [row for row in rows if any(row)]
    if len(rows) > limit:
        raise ValidationFailed(f"{label}最多 {limit} 项")
    return rows


def _kind(text: str) -> AgreementKind:
    try:
        return AgreementKind(text)
    except ValueError as exc:
        raise ValidationFailed("请选择协议类别") from exc


def _role(text: str) -> PartyRole:
    try:
        return PartyRole(text)
    except ValueError as exc:
        raise ValidationFailed("签约方角色无效") from exc


def _stage(text: str) -> ProjectStage | None:
    if not text:
        return None
    try:
        return ProjectStage(text)
    except ValueError as exc:
        raise ValidationFailed("节点对应的阶段无效") from exc


def _new_agreement_form(session: Session, viewer: Viewer, claim_id: int | None) -> dict[str, Any]:
    ctx: dict[str, Any] = {"kinds": list(AgreementKind.labels().items()),
                           "roles": list(PartyRole.labels().items()), "demand_states": DemandState.labels(),
                           "page_title": "新建协议"}
    defaults = [PartyRole.PARTY_A, PartyRole.PARTY_B, PartyRole.PARTY_C]
    rows: list[dict[str, Any]] = [{"role": r.value, "name": "", "org": ""} for r in defaults]
    if claim_id is not None:
        draft = actions.claim_draft(session, viewer, claim_id)
        ctx["draft"] = draft
        for i, p in enumerate(draft.parties):
            rows[i] = {"role": p.role.value, "name": p.name or "", "org": p.organisation_id or ""}
        ctx.update(title=draft.title, kind=draft.kind.value, region=draft.region.name if draft.region else "",
                   amount=format_yuan(draft.amount) if draft.amount is not None else "")
    else:
        require_office(viewer, "登记签约协议")
        only = next(iter(viewer.office_region_ids)) if len(viewer.office_region_ids) == 1 else None
        region = session.get(Region, only) if only is not None else None
        ctx.update(title="", kind=AgreementKind.PROJECT_COOPERATION.value, region=region.name if region else "",
                   amount="")
    ctx["party_rows"] = rows
    return ctx


# ── routes ───────────────────────────────────────────────────────────────────────────────────────────────────


def _missing(title: str) -> dt.date:
    raise ValidationFailed(f"请填写节点“{title[:60]}”的完成时限（YYYY-MM-DD）")


def move_stage(session: Session, viewer: Viewer, project_id: int, *, to: str, reason: str | None,
               reached_on: str | None, version: int | None) -> Project:
    """节点推进 (kept here for callers of the page module; the work is ``actions.move_stage``)."""
    return actions.move_stage(session, viewer, project_id, to=to, reason=reason, reached_on=reached_on,
                              version=version)


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(include_in_schema=False)


@router.get("/agreements/new")
def agreement_form(
    request: Request, session: SessionDep, viewer: MemberUser,
    claim: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    return render(request, "agreement_new.html", _new_agreement_form(session, viewer, claim))


@router.post("/agreements/new")
def agreement_create(
    request: Request, session: SessionDep, viewer: MemberUser, title: Text, kind: Short,
    party_role: Texts, party_name: Texts, party_org: Texts,
    signed_on: Short = "", amount: Short = "", region: Short = "", demand_id: Short = "", claim_id: Short = "",
) -> RedirectResponse:
    parties = [actions.PartyIn(role=_role(role), organisation_id=_id(org, "签约方"), name=name[:200] or None)
               for role, name, org in _rows(party_role, party_name, party_org, limit=actions.MAX_PARTIES,
                                            label="签约方")
               if name or org]
    agreement, demand = actions.sign_agreement(
        session, viewer, title=title, kind=_kind(kind), parties=parties,
        signed_on=parse_day(signed_on, "签约日期"), amount=actions.parse_money(amount, "签约金额"),
        region=region, demand_id=_id(demand_id, "需求"), claim_id=_id(claim_id, "揭榜方案"))
    message = f"协议“{agreement.title}”已登记（{agreement.code}）"
    if demand is not None:
        message += f"；需求“{demand.title}”现为“{DemandState.labels().get(demand.state, demand.state)}”"
    flash(request, message)
    return RedirectResponse(f"/agreements/{agreement.id}", status_code=303)


@router.post("/agreements/{agreement_id}/projects")
def project_create(
    request: Request, agreement_id: RecordId, session: SessionDep, viewer: MemberUser, name: Text,
    region: Short = "", partner: Text = "", enterprise: Text = "", responsible_unit: Text = "",
    leader_in_charge: Short = "", pledged_amount: Short = "", is_key_project: Short = "",
    milestone_title: Texts = [], milestone_due: Texts = [], milestone_stage: Texts = [],  # noqa: B006
) -> RedirectResponse:
    specs = [service.MilestoneSpec(title=t, due_on=parse_day(d, f"节点“{t}”的时限") or _missing(t),
                                   target_stage=_stage(s))
             for t, d, s in _rows(milestone_title, milestone_due, milestone_stage,
                                  limit=actions.MAX_MILESTONES, label="节点")]
    project = actions.start_project(
        session, viewer, name=name, agreement_id=agreement_id, region=region,
        partner=actions.OrgRef(name=partner), enterprise=actions.OrgRef(name=enterprise),
        responsible_unit=actions.OrgRef(name=responsible_unit), leader_in_charge=leader_in_charge,
        pledged_amount=actions.parse_money(pledged_amount, "计划投资"), is_key_project=bool(is_key_project),
        milestones=specs)
    flash(request, f"项目“{project.name}”已立项（{project.code}），节点 {len(specs)} 个")
    return RedirectResponse(f"/projects/{project.id}", status_code=303)


@router.post("/projects/{project_id}/stage")
def project_stage(
    request: Request, project_id: RecordId, session: SessionDep, viewer: MemberUser,
    to: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
    reached_on: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None,
) -> RedirectResponse:
    move_stage(session, viewer, project_id, to=to, reason=reason, reached_on=reached_on, version=version)
    flash(request, f"项目阶段已变更为“{ProjectStage(to).label}”")
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


@router.post("/projects/{project_id}/milestones")
def milestone_add(
    request: Request, project_id: RecordId, session: SessionDep, viewer: MemberUser, title: Text,
    due_on: Short, target_stage: Short = "",
) -> RedirectResponse:
    ms = actions.add_milestone(session, viewer, project_id, title=title,
                               due_on=parse_day(due_on, "完成时限") or _missing(title),
                               target_stage=_stage(target_stage))
    flash(request, f"已添加节点“{ms.title}”，时限 {ms.due_on}")
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


@router.post("/projects/milestones/{milestone_id}/complete")
def milestone_done(
    request: Request, milestone_id: RecordId, session: SessionDep, viewer: MemberUser,
    done_on: Short = "", version: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> RedirectResponse:
    ms = actions.complete_milestone(session, viewer, milestone_id, done_on=parse_day(done_on, "完成日期"),
                                    version=version)
    flash(request, f"节点“{ms.title}”已于 {ms.done_on} 完成")
    return RedirectResponse(f"/projects/{ms.project_id}", status_code=303)


@router.post("/projects/{project_id}/funds")
def funds_add(
    request: Request, project_id: RecordId, session: SessionDep, viewer: MemberUser, amount: Short,
    arrived_on: Short = "", source: Short = FundSource.SELF_RAISED.value, note: LongText = "",
) -> RedirectResponse:
    row = actions.record_funds(session, viewer, project_id, amount=actions.parse_money(amount, "到位金额"),
                               arrived_on=parse_day(arrived_on, "到位日期"), source=source, note=note)
    total = service.funds_in_place(session, project_id=project_id)
    flash(request, f"已登记到位资金 {format_yuan(row.amount)}，项目到位资金合计 {format_yuan(total)}")
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


@router.post("/projects/funds/{fund_id}/correct")
def funds_correct(
    request: Request, fund_id: RecordId, session: SessionDep, viewer: MemberUser, amount: Short,
    reason: LongText, arrived_on: Short = "",
) -> RedirectResponse:
    row = actions.correct_funds(session, viewer, fund_id, amount=actions.parse_money(amount, "更正后的金额"),
                                reason=reason, arrived_on=parse_day(arrived_on, "到位日期"))
    total = service.funds_in_place(session, project_id=row.project_id)
    flash(request, f"第 {fund_id} 号记录已更正为 {format_yuan(row.amount)}，项目到位资金合计 {format_yuan(total)}")
    return RedirectResponse(f"/projects/{row.project_id}", status_code=303)


@router.post("/projects/{project_id}/dispatch-meetings")
def dispatch_meeting(
    request: Request, project_id: RecordId, session: SessionDep, viewer: MemberUser, held_on: Short,
    title: Text = "", chaired_by: Short = "", summary: LongText = "", project_decision: LongText = "",
    milestone_id: Texts = [], milestone_version: Texts = [],  # noqa: B006
    decision: Texts = [], new_due_on: Texts = [],  # noqa: B006
) -> RedirectResponse:
    decisions = [
        Decision(decision=text, milestone_id=_id(mid, "节点"), new_due_on=parse_day(day, "新的完成时限"),
                 expected_version=_id(version, "版本"))
        for mid, version, text, day in _rows(milestone_id, milestone_version, decision, new_due_on,
                                             limit=meetings.MAX_PROJECT_DECISIONS, label="调度决定")
        if text or day
    ]
    if project_decision.strip():
        decisions.append(Decision(decision=project_decision))
    for d in decisions:
        if not d.decision.strip():
            raise ValidationFailed("每个调整时限的节点都要写明调度决定")
    meeting = meetings.hold_project_meeting(
        session, viewer, project_id, held_on=parse_day(held_on, "调度会日期") or local_today(),
        decisions=decisions, title=title, chaired_by=chaired_by, summary=summary)
    moved = sum(1 for i in meeting.items if i.new_due_on is not None)
    escalated = [i for i in meeting.items if i.escalated]
    level = level_label(meeting.level)
    message = f"已记录{level}调度会（{meeting.held_on}）：{len(meeting.items)} 项决定"
    if moved:
        message += f"，{moved} 个节点调整了时限"
    if escalated:
        message += f"，{len(escalated)} 项提请{level_label(escalated[0].escalated_to_level, '上级')}调度"
    flash(request, message)
    return RedirectResponse(f"/projects/{project_id}", status_code=303)
