"""CLI commands of the closed loop: ``xiaodi figures`` (the programme's figures from the ledger) and
``xiaodi dispatch`` (a unit's or region's 调度清单 as of a day)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.core.db import transaction
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.numbers import format_yuan
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.projects.dispatch import KIND_LABELS, LEVEL_LABELS, dispatch_list
from xiaodi.projects.figures import FIGURE_KEYS, MONEY_KEYS, compute_figures, metric_label

EngineFactory = Callable[[str | None], Engine]
console = Console()

DbOption = Annotated[str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL）")]
RegionOption = Annotated[str | None, typer.Option("--region", help="行政区名称或代码，含下辖区县，如 运城市")]
UnitOption = Annotated[str | None, typer.Option("--unit", help="单位名称或简称")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _date(value: str | None, label: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(f"{label}应写作 YYYY-MM-DD：{value}") from exc


def _scope(session: Session, region: str | None, unit: str | None) -> tuple[int | None, int | None]:
    region_id = resolve_region(session, region).id if region else None
    unit_id = resolve_organisation(session, unit).id if unit else None
    return region_id, unit_id


def register(app: typer.Typer, engine_for: EngineFactory) -> None:
    """Mount ``figures`` and ``dispatch`` on ``app``."""

    @app.command("figures")
    def figures_cmd(
        region: RegionOption = None,
        unit: UnitOption = None,
        date_from: Annotated[str | None, typer.Option("--from", help="起始日期 YYYY-MM-DD（含）")] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="截止日期 YYYY-MM-DD（含）")] = None,
        as_json: JsonOption = False,
        db: DbOption = None,
    ) -> None:
        """工作数据：按台账计算合作高校、签约、项目、金额、到位资金、基地和需求等数字。"""
        with transaction(engine_for(db)) as session:
            region_id, unit_id = _scope(session, region, unit)
            figures = compute_figures(session, region_id=region_id, unit_id=unit_id,
                                      date_from=_date(date_from, "起始日期"), date_to=_date(date_to, "截止日期"))
        if as_json:
            typer.echo(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
            return
        span = f"{figures.date_from or '开始'} 至 {figures.date_to or '今'}"
        title = f"{figures.region or '全部地区'}{'·' + figures.unit if figures.unit else ''}（{span}）"
        table = Table("指标", "数值", "键", title=title)
        for key in FIGURE_KEYS:
            value = figures.values[key]
            shown = format_yuan(value) if key in MONEY_KEYS else str(value)  # type: ignore[arg-type]
            table.add_row(metric_label(key), shown, key)
        console.print(table)

    @app.command("dispatch")
    def dispatch_cmd(
        unit: UnitOption = None,
        region: RegionOption = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD（默认今天）")] = None,
        as_json: JsonOption = False,
        db: DbOption = None,
    ) -> None:
        """调度清单：逾期、临期节点和停滞项目。"""
        day = _date(as_of, "截至日期") or dt.date.today()
        with transaction(engine_for(db)) as session:
            region_id, unit_id = _scope(session, region, unit)
            listing = dispatch_list(session, unit_id=unit_id, region_id=region_id, as_of=day)
        if as_json:
            typer.echo(json.dumps({"as_of": day.isoformat(), "unit": listing.unit, "region": listing.region,
                                   "entries": [e.as_json() for e in listing.entries]}, ensure_ascii=False, indent=2))
            return
        table = Table("类别", "项目", "节点", "时限", "逾期天数", "延期次数", "升级至", "包联领导",
                      title=f"{listing.unit or listing.region} 调度清单（截至 {day}）")
        for e in listing.entries:
            table.add_row(KIND_LABELS[e.kind], f"{e.project_code} {e.project_name}", e.milestone or "",
                          str(e.due_on or ""), str(max(e.days_overdue, 0)) if e.milestone else "",
                          str(e.slip_count or ""), LEVEL_LABELS.get(e.escalated_to or "", ""),
                          e.leader_in_charge or "")
        console.print(table)

