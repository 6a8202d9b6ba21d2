"""``xiaodi budget``: programme money (经费预算) from the command line — add a budget line, list, allocate (拨付),
and budget against spending per region and year. ``--user`` acts with an account's rights (``budgets.access``),
otherwise as the operator console. Amounts are written as people write them ("2000万元", "50万")."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.bases.models import ProgrammeBase
from xiaodi.budgets import access, service
from xiaodi.budgets.figures import for_viewer
from xiaodi.budgets.models import AllocationTarget, BudgetLine
from xiaodi.cli_options import AsOption, DbOption, JsonOption, UserOption, cli_console, cli_viewer, engine_for
from xiaodi.core.days import required_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.directory.service import resolve_region
from xiaodi.projects.actions import parse_money
from xiaodi.projects.models import Project

app = typer.Typer(name="budget", help="经费预算：登记预算、列表、拨付、预算与支出对照。", no_args_is_help=True)
console = cli_console()


def _line(session: Session, code: str) -> BudgetLine:
    found = session.scalar(select(BudgetLine).where(BudgetLine.code == code.strip()))
    if found is None:
        raise NotFound(f"经费预算“{code}”不存在")
    return found


@app.command("add")
def add(
    name: Annotated[str, typer.Option("--name", help="经费名称，如 人才工作经费")],
    region: Annotated[str, typer.Option("--region", help="所属地区")],
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="年度")],
    amount: Annotated[str, typer.Option("--amount", help="预算金额，如 2000万元")],
    kind: Annotated[str, typer.Option("--kind", help="人才工作经费 / 引导基金 / 专项扶持资金 / 其他")] = "人才工作经费",
    document: Annotated[str | None, typer.Option("--document", help="依据文件")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None,
) -> None:
    """登记一条经费预算。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_)
        access.require_office(viewer, "登记经费预算")
        line = service.create_line(session, viewer, name=name, kind=kind, region_id=resolve_region(session, region).id,
                                   year=year, amount=parse_money(amount, "预算金额"), source_document=document)
        console.print(f"已登记经费预算 {line.code}：{line.name} {format_yuan(line.amount)}")


@app.command("allocate")
def allocate(
    code: Annotated[str, typer.Argument(help="预算编号，如 YS-2025-000001")],
    amount: Annotated[str, typer.Option("--amount", help="拨付金额，如 50万元")],
    paid_on: Annotated[str, typer.Option("--date", help="拨付日期 YYYY-MM-DD")],
    project: Annotated[str | None, typer.Option("--project", help="项目编号")] = None,
    base: Annotated[str | None, typer.Option("--base", help="基地名称")] = None,
    other: Annotated[str | None, typer.Option("--other", help="其他用途的说明，如 人才补贴")] = None,
    override: Annotated[str | None, typer.Option("--override", help="超预算说明（超出预算时必填）")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None,
) -> None:
    """从经费预算拨付给项目、基地或其他用途。"""
    if sum(x is not None for x in (project, base, other)) != 1:
        raise ValidationFailed("请在 --project、--base、--other 中选择且只选择一个拨付对象")
    day = required_day(paid_on, "拨付日期")
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_)
        access.require_office(viewer, "拨付经费")
        project_id = base_id = None
        if project is not None:
            project_id = session.scalar(select(Project.id).where(Project.code == project.strip()))
            if project_id is None:
                raise NotFound(f"项目“{project}”不存在")
        if base is not None:
            base_id = session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == base.strip()))
            if base_id is None:
                raise NotFound(f"基地“{base}”不存在")
        target = (AllocationTarget.PROJECT if project else AllocationTarget.BASE if base else AllocationTarget.OTHER)
        row = service.allocate(session, viewer, _line(session, code).id, amount=parse_money(amount, "拨付金额"),
                               paid_on=day, target=target, project_id=project_id, base_id=base_id,
                               description=other, override_reason=override)
        console.print(f"已拨付 {format_yuan(row.amount)}（第 {row.id} 号）")


@app.command("list")
def list_(
    region: Annotated[str | None, typer.Option("--region", help="地区（含下辖区县）")] = None,
    year: Annotated[int | None, typer.Option("--year", min=2000, max=2100)] = None,
    user: UserOption = None, db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """列出经费预算及已拨付金额。"""
    from xiaodi.intents.figures import subtree_ids

    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, None)
        access.require_office(viewer)
        stmt = select(BudgetLine).where(access.readable(viewer), BudgetLine.retired_at.is_(None))
        if region:
            stmt = stmt.where(BudgetLine.region_id.in_(subtree_ids(session, resolve_region(session, region).id)))
        if year:
            stmt = stmt.where(BudgetLine.year == year)
        lines = list(session.scalars(stmt.order_by(BudgetLine.year.desc(), BudgetLine.code)).unique())
        rows = [(x, service.spent(session, x.id)) for x in lines]
        if as_json:
            typer.echo(json.dumps([{"code": x.code, "name": x.name, "region": x.region.full_name, "year": x.year,
                                    "amount": str(x.amount), "spent": str(s)} for x, s in rows],
                                  ensure_ascii=False, indent=2))
            return
        table = Table("编号", "经费名称", "地区", "年度", "预算", "已拨付")
        for x, s in rows:
            table.add_row(x.code, x.name, x.region.name, str(x.year), format_yuan(x.amount), format_yuan(s))
        console.print(table)


@app.command("summary")
def summary(
    region: Annotated[str | None, typer.Option("--region", help="地区（含下辖区县）")] = None,
    year: Annotated[int | None, typer.Option("--year", min=2000, max=2100)] = None,
    user: UserOption = None, db: DbOption = None,
) -> None:
    """预算与支出：按地区和年度。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, None)
        access.require_office(viewer)
        rows = for_viewer(session, viewer, region_id=resolve_region(session, region).id if region else None,
                          year=year) or []
        table = Table("地区", "年度", "预算", "已支出", "剩余", "执行率")
        for r in rows:
            table.add_row(r.region, str(r.year), format_yuan(r.budget), format_yuan(r.spent), format_yuan(r.remaining),
                          r.share)
        console.print(table)
