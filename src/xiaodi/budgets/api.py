"""Budget API (/api/budgets): offices record budget lines (经费预算) and allocations (拨付), and read budget against
spending per region and year
(``GET /api/figures/budgets``). The list and ``GET /api/budgets/{id}`` are the web layer's (from the list spec)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from xiaodi.budgets import access, service
from xiaodi.budgets.figures import for_viewer
from xiaodi.budgets.models import Allocation, AllocationTarget, BudgetKind, BudgetLine
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.params import CalendarDate, JsonInt

router = APIRouter(tags=["经费预算"])

Id = Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]
OptionalId = Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e14"), decimal_places=2, description="金额（元）")]


class LineIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="经费名称，如 人才工作经费")
    kind: BudgetKind = Field(description="talent_fund 人才工作经费 / guidance_fund 引导基金 / "
                                         "special_support 专项扶持资金 / other 其他")
    region_id: Id = Field(description="所属地区编号")
    year: Annotated[JsonInt, Field(ge=2000, le=2100, description="年度")]
    amount: Money
    source_document: str | None = Field(default=None, max_length=300, description="依据文件")
    note: str | None = Field(default=None, max_length=2000)


class AllocationIn(BaseModel):
    amount: Annotated[Decimal, Field(gt=0, lt=Decimal("1e14"), decimal_places=2, description="拨付金额（元）")]
    paid_on: CalendarDate = Field(description="拨付日期")
    target: AllocationTarget = Field(description="project 项目 / base 基地 / other 其他")
    project_id: OptionalId = None
    base_id: OptionalId = None
    description: str | None = Field(default=None, max_length=300, description="用途（对象为其他时必填）")
    override_reason: str | None = Field(default=None, max_length=2000, description="超预算说明（超出预算时必填）")


class LineOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    region_id: int
    year: int
    amount: Decimal
    spent: Decimal
    source_document: str | None
    version: int


class AllocationOut(BaseModel):
    id: int
    budget_line_id: int
    amount: Decimal
    paid_on: dt.date
    target: str
    project_id: int | None
    base_id: int | None
    description: str | None
    override_reason: str | None


class MoneyRowOut(BaseModel):
    region_id: int
    region: str
    year: int
    budget: Decimal
    spent: Decimal
    remaining: Decimal


def line_out(session: Any, line: BudgetLine) -> LineOut:
    return LineOut(id=line.id, code=line.code, name=line.name, kind=str(line.kind), region_id=line.region_id,
                   year=line.year, amount=line.amount, spent=service.spent(session, line.id),
                   source_document=line.source_document, version=line.version)


def allocation_out(row: Allocation) -> AllocationOut:
    return AllocationOut(id=row.id, budget_line_id=row.budget_line_id, amount=row.amount, paid_on=row.paid_on,
                         target=str(row.target), project_id=row.project_id, base_id=row.base_id,
                         description=row.description, override_reason=row.override_reason)


@router.post("/api/budgets", status_code=201, response_model=LineOut, summary="登记经费预算（办公室）")
def create(body: LineIn, session: SessionDep, viewer: MemberUser) -> Any:
    return line_out(session, service.create_line(session, viewer, **body.model_dump()))


class LinePatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: BudgetKind | None = None
    amount: Money | None = None
    source_document: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=2000)
    expected_version: Annotated[JsonInt | None, Field(ge=1, le=2**31 - 1)] = Field(
        default=None, description="读取时的版本号（防止覆盖他人修改）")


@router.patch("/api/budgets/{line_id}", response_model=LineOut, summary="修改经费预算（办公室；不能低于已拨付）")
def patch(line_id: RecordId, body: LinePatch, session: SessionDep, viewer: MemberUser) -> Any:
    from xiaodi.core.errors import ValidationFailed

    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("expected_version", None)
    for key in ("name", "kind", "amount"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"“{key}”不能为空")
    return line_out(session, service.update_line(session, viewer, line_id, changes, expected_version=version))


@router.get("/api/figures/budgets", response_model=list[MoneyRowOut], summary="预算与支出：按地区和年度（办公室）")
def summary(
    session: SessionDep, viewer: MemberUser,
    region_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="地区编号（含下辖区县）")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度")] = None,
) -> Any:
    access.require_office(viewer)
    rows = for_viewer(session, viewer, region_id=region_id, year=year) or []
    return [MoneyRowOut(region_id=r.region_id, region=r.region, year=r.year, budget=r.budget, spent=r.spent,
                        remaining=r.remaining) for r in rows]


@router.post("/api/budgets/{line_id}/allocations", status_code=201, response_model=AllocationOut,
             summary="拨付经费：项目、基地或其他用途（超出预算须说明）")
def allocate(line_id: RecordId, body: AllocationIn, session: SessionDep, viewer: MemberUser) -> Any:
    return allocation_out(service.allocate(session, viewer, line_id, **body.model_dump()))
