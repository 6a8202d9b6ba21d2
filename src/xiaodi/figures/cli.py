"""``xiaodi figures``: the programme's figures (工作数据) from the ledger, for a region, a unit and a period.

A single command at the top level of ``xiaodi`` (the area's ``app`` is unnamed, so its command is merged into
``xiaodi``'s); ``xiaodi/cli.py`` registers it with one line, ``app.add_typer(figures_cli.app)``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from xiaodi.cli_options import DbOption, JsonOption, cli_console, engine_for
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.numbers import format_wan
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.figures.compute import compute_figures
from xiaodi.figures.metrics import FIGURE_KEYS, MONEY_KEYS, metric_label

console = cli_console()

RegionOption = Annotated[str | None, typer.Option("--region", help="行政区名称或代码，含下辖区县，如 运城市")]
UnitOption = Annotated[str | None, typer.Option("--unit", help="单位名称或简称")]
FromOption = Annotated[str | None, typer.Option("--from", help="起始日期 YYYY-MM-DD（含）")]
ToOption = Annotated[str | None, typer.Option("--to", help="截止日期 YYYY-MM-DD（含）")]


app = typer.Typer()  # unnamed: its command sits at the top level of ``xiaodi``


@app.command("figures")
def figures(region: RegionOption = None, unit: UnitOption = None, date_from: FromOption = None,
            date_to: ToOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """工作数据：按台账计算合作高校、签约、项目、金额、到位资金、基地和需求等数字。"""
    with transaction(engine_for(db), write=False) as session:
        region_id = resolve_region(session, region).id if region else None
        unit_id = resolve_organisation(session, unit).id if unit else None
        computed = compute_figures(session, region_id=region_id, unit_id=unit_id,
                                   date_from=parse_day(date_from, "起始日期"), date_to=parse_day(date_to, "截止日期"))
    if as_json:
        typer.echo(json.dumps(computed.as_json(), ensure_ascii=False, indent=2))
        return
    span = f"{computed.date_from or '开始'} 至 {computed.date_to or '今'}"
    title = f"{computed.region or '全部地区'}{'·' + computed.unit if computed.unit else ''}（{span}）"
    table = Table("指标", "数值", "键", title=title)
    for key in FIGURE_KEYS:
        value = computed.values[key]
        shown = format_wan(value) if key in MONEY_KEYS else str(value)  # one unit down the column
        table.add_row(metric_label(key), shown, key)
    console.print(table)


__all__ = ["app", "figures"]
