"""``xiaodi ingest``: clean reports, print their figures, optionally store them for review (报道导入)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from xiaodi.cli_options import cli_console, engine_for
from xiaodi.core.audit import Actor
from xiaodi.core.db import transaction
from xiaodi.figures.metrics import metric_label
from xiaodi.ingest.figures import in_stated_unit
from xiaodi.ingest.pipeline import ingest_paths

console = cli_console()


def _directory_names(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Organisation names and aliases from the ledger, when there is one, so that short names resolve."""
    from xiaodi.directory.models import Organisation, OrganisationAlias

    try:
        if not inspect(engine).has_table("organisation"):
            return [], {}
        with engine.connect() as conn:
            names = list(conn.scalars(select(Organisation.name).where(Organisation.retired_at.is_(None))))
            aliases = {alias: name for alias, name in conn.execute(
                select(OrganisationAlias.alias, Organisation.name).join(Organisation))}
        return names, aliases
    except SQLAlchemyError:
        return [], {}


def _store(engine: Engine, path: Path, region: str | None) -> None:
    from xiaodi.ingest.service import store_report

    with transaction(engine) as session:
        report = store_report(session, actor=Actor.system("ingest"), raw=path.read_bytes(), filename=path.name,
                              region_name=region)
        console.print(f"已入库：报道编号 {report.id}，待核对——请在网页 /reports/{report.id} 逐项采信或更正，"
                      "采信后在“数据比对”页面与台账比对。")


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    if "error" in result:
        console.print(f"[red]{result['file']}：{result['error']}[/red]")
        return
    table = Table(title=f"{result['file']} — {result['title'] or '（无标题）'}")
    for column in ("指标", "数值", "单位", "约数", "地区", "原文"):
        table.add_column(column)
    for fig in result["figures"]:
        table.add_row(metric_label(fig["metric"]) + ("（计划）" if fig["is_plan"] else ""),
                      f"{in_stated_unit(fig['value'], fig['unit']):f}", fig["unit"],
                      fig["approx"] or "", fig["region"] or "", fig["quote"][:60])
    console.print(table)
    for warning in result["warnings"]:
        console.print(f"[yellow]提示：{warning}[/yellow]")


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


@app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="报道文件或文件夹（.txt/.html，可多个）")],
    as_json: Annotated[bool, typer.Option("--json", help="每个文件输出一行 JSON")] = False,
    store: Annotated[bool, typer.Option("--store", help="把报道和数字存入台账，待核对")] = False,
    region: Annotated[str | None, typer.Option("--region", help="报道所属地区（数字未写地区时归入）")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL")] = None,
) -> None:
    """清洗工作报告/新闻，提取其中的统计数字（协议、项目、金额、基地……）。"""
    engine = engine_for(db)
    names, aliases = _directory_names(engine)
    failed = total = 0
    for result in ingest_paths(paths, known_names=names, aliases=aliases, default_region=region):
        failed += "error" in result
        total += 1
        if store and "error" not in result:
            _store(engine, Path(result["file"]), region)
        _print(result, as_json)
    if total and failed == total:  # some bad files in a batch are reported, not fatal
        raise typer.Exit(code=1)
