"""Project pages (项目清单, 签约协议): list specs, a project's closed loop (闭环) — stages, milestones, funds —
and the stage move an office may record (节点推进)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import ValidationFailed
from xiaodi.projects import service
from xiaodi.projects.models import (
    AGREEMENT_KIND_LABELS,
    PROJECT_STAGE_LABELS,
    Agreement,
    AgreementState,
    Milestone,
    Project,
    ProjectStage,
)
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ResourceSpec
from xiaodi.web.templating import flash

AGREEMENT_STATE_LABELS = {AgreementState.SIGNED.value: "已签约", AgreementState.IN_FORCE.value: "履行中",
                          AgreementState.FULFILLED.value: "履行完毕", AgreementState.TERMINATED.value: "已终止"}
OFFICE = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE)


def may_move(viewer: Viewer, project: Project) -> bool:
    """Stage moves are recorded by the office of the project's region (调度) or an administrator."""
    return viewer.is_admin or (viewer.is_office and viewer.in_region(project.region_id))


def next_stages(project: Project) -> list[ProjectStage]:
    here = ProjectStage(project.stage)
    if here in service.FINAL_STAGES:
        return []
    path = service.PATH
    base = here if here in path else path[0]
    forward = [s for s in path if path.index(s) > path.index(base)]
    extra = [s for s in (ProjectStage.STALLED, ProjectStage.CANCELLED) if s != here]
    return forward + extra


def project_extras(session: Session, viewer: Viewer, project: Project) -> dict[str, Any]:
    today = dt.date.today()
    milestones = list(session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                      .order_by(Milestone.due_on)))
    return {
        "stage_changes": service.stage_history(session, project_id=project.id),
        "milestones": milestones,
        "overdue": {m.id for m in milestones if m.is_overdue(today)},
        "funds": service.fund_history(session, project_id=project.id),
        "funds_total": service.funds_in_place(session, project_id=project.id),
        "may_move": may_move(viewer, project),
        "next_stages": next_stages(project),
        "stage_labels": {k.value: v for k, v in PROJECT_STAGE_LABELS.items()},
    }


def agreement_extras(session: Session, viewer: Viewer, agreement: Agreement) -> dict[str, Any]:
    return {"parties": agreement.parties}


def specs() -> list[ResourceSpec]:
    stage_labels = {k.value: v for k, v in PROJECT_STAGE_LABELS.items()}
    kind_labels = {k.value: v for k, v in AGREEMENT_KIND_LABELS.items()}
    agreements = ResourceSpec(
        name="agreements", label="签约协议", noun="协议", model=Agreement, area="projects",
        columns=[
            Column("code", "协议编号", sort=Agreement.code),
            Column("title", "协议名称", sort=Agreement.title, link=True),
            Column("kind", "类别", labels=kind_labels, sort=Agreement.kind),
            Column("signed_on", "签约日期", sort=Agreement.signed_on),
            Column("amount", "签约金额", kind="money", sort=Agreement.amount),
            Column("state", "状态", labels=AGREEMENT_STATE_LABELS, sort=Agreement.state),
        ],
        detail=[
            Column("code", "协议编号"), Column("title", "协议名称"), Column("kind", "类别", labels=kind_labels),
            Column("signed_on", "签约日期"), Column("amount", "签约金额", kind="money"),
            Column("state", "状态", labels=AGREEMENT_STATE_LABELS), Column("source", "来源"), Column("note", "备注"),
        ],
        search=[Agreement.title, Agreement.code],
        filters=[
            Filter("kind", "类别", Agreement.kind, list(kind_labels.items())),
            Filter("state", "状态", Agreement.state, list(AGREEMENT_STATE_LABELS.items())),
            Filter("year", "签约年份", Agreement.signed_on, op="year"),
        ],
        default_sort="-signed_on",
        title=lambda a: a.title,
        table="agreements",
        extras=agreement_extras,
        detail_partial="agreement_detail.html",
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
    )
    return [agreements, projects]


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.post("/projects/{project_id}/stage")
    def project_stage(
        request: Request, project_id: RecordId, session: SessionDep, viewer: MemberUser,
        to: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
        reached_on: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None,
    ) -> RedirectResponse:
        move_stage(session, viewer, project_id, to=to, reason=reason, reached_on=reached_on, version=version)
        flash(request, f"项目阶段已变更为“{PROJECT_STAGE_LABELS[ProjectStage(to)]}”")
        return RedirectResponse(f"/projects/{project_id}", status_code=303)

    return r


def move_stage(session: Session, viewer: Viewer, project_id: int, *, to: str, reason: str | None,
               reached_on: str | None, version: int | None) -> Project:
    """Check scope and role, then let the projects service move the project (shared by page and API)."""
    from xiaodi.core.errors import Forbidden
    from xiaodi.web.access import get_visible

    project = get_visible(session, Project, project_id, viewer, "项目")
    if not may_move(viewer, project):
        raise Forbidden("只有项目所在地的办公室可以变更项目阶段")
    try:
        stage = ProjectStage(to)
        day = dt.date.fromisoformat(reached_on) if reached_on else None
    except ValueError as exc:
        raise ValidationFailed("阶段或日期无效") from exc
    return service.move_project(session, actor=viewer.actor, project_id=project_id, to=stage, reached_on=day,
                                reason=reason, expected_version=version)
