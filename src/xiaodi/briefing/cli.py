"""``xiaodi briefing`` — the work briefing (工作简报) of a region and a period as Word, its tables as Excel."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from xiaodi.briefing import document
from xiaodi.cli_options import AsOption, DbOption, UserOption, cli_console, cli_viewer, engine_for, output_file
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import ValidationFailed
from xiaodi.directory.service import resolve_region

app = typer.Typer(name="briefing", invoke_without_command=True, no_args_is_help=True,
                  help="工作简报（Word）：核心数据及与上一同期比较、分地区、图表、基地、调度、考核排名、重点项目。")
console = cli_console()
err_console = cli_console(stderr=True)


@app.callback()
def briefing(
    out: Annotated[Path, typer.Option("--out", help="输出 Word 文件（.docx）", callback=output_file)],
    region: Annotated[str | None, typer.Option("--region", help="地区名称或代码（含下辖区县）；不填为全部地区")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="起始日期 YYYY-MM-DD（默认当年1月1日）")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="截止日期 YYYY-MM-DD（默认今天）")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="同时输出同样表格的 Excel 文件（.xlsx）",
                                                  callback=output_file)] = None,
    user: UserOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """生成工作简报（Word），可同时导出表格（Excel）。"""
    if out.suffix.lower() != ".docx":
        raise ValidationFailed("--out 应为 .docx 文件")
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_name)
        region_id = resolve_region(session, region).id if region else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            brief = document.build(session, viewer, region_id=region_id, date_from=parse_day(date_from, "起始日期"),
                                   date_to=parse_day(date_to, "截止日期"))
        for w in caught:
            err_console.print(f"[yellow]提示：[/yellow]{w.message}")
    out.write_bytes(document.to_docx(brief))
    console.print(f"已生成工作简报：{out}（{brief.scope}，{brief.period_label}）")
    if xlsx is not None:
        xlsx.write_bytes(document.to_xlsx(brief))
        console.print(f"已导出简报表格：{xlsx}")
