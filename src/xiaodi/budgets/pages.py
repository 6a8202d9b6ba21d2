"""Budget pages (经费预算): the list of budget lines (offices only), a line's page with its allocations and what
remains, and the office's forms — 登记经费预算, 拨付 (to a project, a base or other work), 注销拨付.

Who may do what is ``budgets.access``; the work is ``budgets.service``. A form with an error is shown again with
what was typed and the message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases.models import ProgrammeBase
from xiaodi.budgets import access, service
from xiaodi.budgets.models import AllocationTarget, BudgetKind, BudgetLine
from xiaodi.core.days import parse_day
from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.core.numbers import format_yuan
from xiaodi.intents import forms
from xiaodi.intents.figures import subtree_ids
from xiaodi.projects.actions import parse_money
from xiaodi.projects.models import Project
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import Column, Filter, ListAction, ResourceSpec
from xiaodi.web.params import plain_int
from xiaodi.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
LongText = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=60)]


def line_extras(session: Session, viewer: Viewer, line: BudgetLine) -> dict[str, Any]:
    from xiaodi.web.access import scope_of

    rows = service.allocations(session, line.id)
    live = [a for a in rows if a.retired_at is None]
    paid = sum((a.amount for a in live), Decimal(0))
    projects = {p.id: p for p in session.scalars(select(Project).where(
        Project.id.in_([a.project_id for a in rows if a.project_id]))).unique()}
    bases = {b.id: b for b in session.scalars(select(ProgrammeBase).where(
        ProgrammeBase.id.in_([a.base_id for a in rows if a.base_id]))).unique()}
    manages = access.can_manage(viewer, line.region_id)
    out: dict[str, Any] = {"allocations": rows, "paid": paid, "remaining": line.amount - paid, "projects": projects,
                           "bases": bases, "targets": AllocationTarget, "may_manage": manages}
    if manages:
        region_ids = subtree_ids(session, line.region_id)
        out["project_choices"] = list(session.scalars(select(Project).where(
            Project.region_id.in_(region_ids), Project.retired_at.is_(None), scope_of(Project, viewer))
            .order_by(Project.code).limit(500)).unique())
        out["base_choices"] = list(session.scalars(select(ProgrammeBase).where(
            ProgrammeBase.region_id.in_(region_ids), ProgrammeBase.retired_at.is_(None),
            scope_of(ProgrammeBase, viewer)).order_by(ProgrammeBase.name).limit(500)).unique())
    return out


def specs() -> list[ResourceSpec]:
    kinds = BudgetKind.labels()
    budgets = ResourceSpec(
        name="budgets", label="经费预算", noun="经费预算", model=BudgetLine, area="budgets",
        columns=[
            Column("code", "预算编号", sort=BudgetLine.code),
            Column("name", "经费名称", sort=BudgetLine.name, link=True),
            Column("kind", "类别", labels=kinds, sort=BudgetLine.kind),
            Column("region.name", "地区"),
            Column("year", "年度", sort=BudgetLine.year),
            Column("amount", "预算金额", kind="money", sort=BudgetLine.amount),
        ],
        detail=[
            Column("code", "预算编号"), Column("name", "经费名称"), Column("kind", "类别", labels=kinds),
            Column("region.full_name", "地区"), Column("year", "年度"), Column("amount", "预算金额", kind="money"),
            Column("source_document", "依据文件"), Column("note", "备注"),
        ],
        search=[BudgetLine.name, BudgetLine.code, BudgetLine.source_document],
        filters=[
            Filter("kind", "类别", BudgetLine.kind, list(kinds.items())),
            Filter("year", "年度", BudgetLine.year, op="int"),
        ],
        default_sort="-year",
        table="budget_lines",
        extras=line_extras,
        detail_partial="budget_detail.html",
        admits=access.sees_money,
        refusal="只有校地合作办公室或管理员可以查看经费",
        actions=(ListAction("/budgets/new", "登记经费预算", allowed=access.sees_money),),
    )
    return [budgets]


def _form(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    return render(request, "budget_new.html", {"v": values, "error": error, "kinds": BudgetKind.labels()},
                  status=status)


@router.get("/budgets/new")
def budget_form(request: Request, viewer: MemberUser) -> Response:
    access.require_office(viewer, "登记经费预算")
    return _form(request, {"kind": BudgetKind.TALENT_FUND.value})


@router.post("/budgets/new")
def budget_create(
    request: Request, session: SessionDep, viewer: MemberUser, name: Text = "", kind: Short = "",
    region: Short = "", year: Short = "", amount: Short = "", source_document: Text = "", note: LongText = "",
) -> Response:
    access.require_office(viewer, "登记经费预算")
    values = {"name": name, "kind": kind, "region": region, "year": year, "amount": amount,
              "source_document": source_document, "note": note}
    try:
        with session.begin_nested():
            number = plain_int(year.strip(), low=2000, high=2100)
            if number is None:
                raise ValidationFailed("年度须为 2000–2100 之间的四位年份")
            region_id = forms.region(session, viewer, region)
            if region_id is None:
                raise ValidationFailed("请填写经费所属地区")
            line = service.create_line(session, viewer, name=name, kind=kind, region_id=region_id, year=number,
                                       amount=parse_money(amount, "预算金额"), source_document=source_document,
                                       note=note)
    except XiaodiError as exc:
        if exc.status in (401, 403):
            raise
        return _form(request, values, exc.message, status=exc.status)
    flash(request, f"经费预算“{line.name}”已登记（{line.code}），{format_yuan(line.amount)}")
    return RedirectResponse(f"/budgets/{line.id}", status_code=303)


@router.post("/budgets/{line_id}/edit")
def budget_edit(request: Request, line_id: RecordId, session: SessionDep, viewer: MemberUser, name: Text = "",
                amount: Short = "", source_document: Text = "", note: LongText = "", version: Short = "") -> Response:
    line = service.update_line(session, viewer, line_id, {
        "name": name.strip(), "amount": parse_money(amount, "预算金额"),
        "source_document": source_document.strip() or None, "note": note.strip() or None,
    }, expected_version=forms.record_id(version, "版本"))
    flash(request, f"经费预算“{line.name}”已保存，预算 {format_yuan(line.amount)}")
    return RedirectResponse(f"/budgets/{line_id}", status_code=303)


@router.post("/budgets/{line_id}/allocations")
def allocation_create(
    request: Request, line_id: RecordId, session: SessionDep, viewer: MemberUser, amount: Short = "",
    paid_on: Short = "", target: Short = "", project_id: Short = "", base_id: Short = "",
    description: Text = "", override_reason: LongText = "",
) -> Response:
    chosen = AllocationTarget(target) if target in AllocationTarget.labels() else None
    if chosen is None:
        raise ValidationFailed("请选择拨付对象：项目、基地或其他")
    row = service.allocate(
        session, viewer, line_id, amount=parse_money(amount, "拨付金额"), paid_on=parse_day(paid_on, "拨付日期"),
        target=chosen,
        project_id=forms.record_id(project_id, "项目") if chosen == AllocationTarget.PROJECT else None,
        base_id=forms.record_id(base_id, "基地") if chosen == AllocationTarget.BASE else None,
        description=description, override_reason=override_reason)
    note = "（超出预算，已记录说明）" if row.override_reason else ""
    flash(request, f"已拨付 {format_yuan(row.amount)}{note}")
    return RedirectResponse(f"/budgets/{line_id}", status_code=303)


@router.post("/budgets/allocations/{allocation_id}/withdraw")
def allocation_withdraw(request: Request, allocation_id: RecordId, session: SessionDep, viewer: MemberUser,
                        reason: LongText = "") -> Response:
    row = service.withdraw_allocation(session, viewer, allocation_id, reason)
    flash(request, f"第 {allocation_id} 号拨付已注销")
    return RedirectResponse(f"/budgets/{row.budget_line_id}", status_code=303)
