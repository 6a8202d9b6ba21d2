"""``xiaodi assessment …`` — 专项考核 from the console: define an indicator set, add a period, take in and check
evidence, score, show the ranking with its working, publish, appeal and answer, trend and Excel export.

``--user`` names the platform account whose role and scope apply (as on the pages, through
``assessment.access``); without it the command acts as the console's operator with administrator rights, as
every ``xiaodi`` command does (``--as`` names that person in the audit trail).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from xiaodi.assessment import service
from xiaodi.assessment.ledger import LEDGER_METRICS
from xiaodi.assessment.models import AssessmentPeriod, PeriodState
from xiaodi.cli_options import (
    AsOption,
    DbOption,
    JsonOption,
    UserOption,
    cli_console,
    cli_viewer,
    engine_for,
    output_file,
)
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.directory.service import resolve_organisation, resolve_region

app = typer.Typer(name="assessment", help="专项考核：指标体系、考核周期、佐证、评分排名、发布、申诉、趋势与导出。",
                  no_args_is_help=True)
console = cli_console()

PeriodArg = Annotated[int, typer.Argument(min=1, help="考核周期编号")]
RegionOption = Annotated[str | None, typer.Option("--region", help="被考核的县（市、区），名称或代码")]
UnitOption = Annotated[str | None, typer.Option("--unit", help="被考核的牵头单位名称")]




def _subject(session: Session, region: str | None, unit: str | None) -> tuple[int | None, int | None]:
    if region and unit:
        raise ValidationFailed("--region 与 --unit 只能选一个")
    if region:
        return resolve_region(session, region).id, None
    if unit:
        return None, resolve_organisation(session, unit).id
    return None, None


@app.command("define")
def define_cmd(
    name: Annotated[str, typer.Option("--name", help="考核名称")],
    year: Annotated[int, typer.Option("--year", help="考核年度")],
    indicator: Annotated[list[str], typer.Option(
        "--indicator", help="指标 编号:名称:分值:目标值[:取数口径[:计分规则]]，可重复；分值合计须为100。"
        f"取数口径：{'、'.join(LEDGER_METRICS)}；不填为佐证认定。计分规则：按完成比例（默认）、达标得满分、"
        "按排名（第一名满分，线性递减至末位0分，并列取高分；目标值可不填）")],
    region: Annotated[str | None, typer.Option("--region", help="考核范围（行政区名称或代码）")] = None,
    subject: Annotated[str, typer.Option("--subject", help="考核对象：县（市、区） 或 牵头单位")] = "县（市、区）",
    description: Annotated[str | None, typer.Option("--description", help="说明")] = None,
    user: UserOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """制定考核指标体系（分值合计100分，目标值大于0；按排名计分的指标可不填目标值）。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_name)
        region_id = resolve_region(session, region).id if region else None
        items = [service.parse_indicator(i) for i in indicator]
        made = service.define_set(session, viewer, name=name, year=year, region_id=region_id,
                                  subject=subject, indicators=items, description=description)
        console.print(f"已制定考核“{made.name}”（编号 {made.id}），{len(made.indicators)}项指标")


@app.command("period-add")
def period_add_cmd(
    set_id: Annotated[int, typer.Argument(min=1, help="考核指标体系编号")],
    name: Annotated[str, typer.Option("--name", help="周期名称，如 2025年度")],
    date_from: Annotated[str, typer.Option("--from", help="起始日期 YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="截止日期 YYYY-MM-DD")],
    user: UserOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """新增考核周期。"""
    starts, ends = parse_day(date_from, "起始日期"), parse_day(date_to, "截止日期")
    assert starts is not None and ends is not None
    with transaction(engine_for(db)) as session:
        period = service.add_period(session, cli_viewer(session, user, as_name), set_id=set_id, name=name,
                                    starts_on=starts, ends_on=ends)
        console.print(f"已新增考核周期“{period.name}”（编号 {period.id}）")


@app.command("list")
def list_cmd(user: UserOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """列出可查看的考核周期。"""
    with transaction(engine_for(db)) as session:
        periods = service.list_periods(session, cli_viewer(session, user, None))
        rows: list[dict[str, Any]] = [{"id": p.id, "set_id": p.set_id, "set": p.indicator_set.name, "period": p.name,
                 "state": PeriodState(p.state).label} for p in periods]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("编号", "考核", "周期", "状态", "指标体系编号", title="考核周期")
    for r in rows:
        table.add_row(str(r["id"]), r["set"], r["period"], r["state"], str(r["set_id"]))
    console.print(table)


@app.command("evidence")
def evidence_cmd(
    period_id: PeriodArg,
    indicator: Annotated[str, typer.Option("--indicator", help="指标编号")],
    value: Annotated[str, typer.Option("--value", help="填报值")],
    evidence: Annotated[str, typer.Option("--evidence", help="佐证材料说明（文件、文号、日期或链接）")],
    region: RegionOption = None, unit: UnitOption = None,
    user: UserOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """为佐证认定类指标提交填报值与佐证材料（被考核单位本身或考核办公室）。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_name)
        region_id, unit_id = _subject(session, region, unit)
        period = service.get_period(session, viewer, period_id)
        item = service.submit_evidence(session, viewer, period_id=period_id,
                                       indicator_id=_indicator_id(period, indicator), value=value, evidence=evidence,
                                       region_id=region_id, unit_id=unit_id)
        console.print(f"已提交佐证（编号 {item.id}），待办公室审核")


@app.command("check")
def check_cmd(
    evidence_id: Annotated[int, typer.Argument(min=1, help="佐证编号")],
    reject: Annotated[bool, typer.Option("--reject", help="退回（默认认定）")] = False,
    note: Annotated[str | None, typer.Option("--note", help="审核意见（退回时必填）")] = None,
    user: UserOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """审核佐证材料：认定或退回。"""
    with transaction(engine_for(db)) as session:
        item = service.check_evidence(session, cli_viewer(session, user, as_name), evidence_id=evidence_id,
                                      accept=not reject, note=note)
        console.print(f"佐证（编号 {item.id}）{'已退回' if reject else '已认定'}")


@app.command("score")
def score_cmd(period_id: PeriodArg, user: UserOption = None, as_name: AsOption = None, db: DbOption = None) -> None:
    """评分：按指标为范围内每个被考核单位计分并排名（发布前可重新评分）。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_name)
        period = service.get_period(session, viewer, period_id)
        units = len(service.assessed_units(session, period.indicator_set))
        with Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=cli_console(stderr=True), transient=True) as bar:
            task = bar.add_task("score", total=units)
            rankings = service.score_period(session, viewer, period_id=period_id,
                                            progress=lambda: bar.advance(task))
        console.print(f"已评分：{len(rankings)}个单位，考核周期“{period.name}”")


@app.command("show")
def show_cmd(period_id: PeriodArg, working: Annotated[bool, typer.Option("--working", help="列出每项计分过程")] = False,
             user: UserOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """排名与计分过程（被考核单位在发布前只看到本单位）。"""
    with transaction(engine_for(db)) as session:
        result = service.period_result(session, cli_viewer(session, user, None), period_id)
        if as_json:
            typer.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        p = result.period
        table = Table("排名", "被考核单位", "总分", "等次",
                      title=f"{p.indicator_set.name}·{p.name}（{PeriodState(p.state).label}，共{result.out_of}个单位）")
        for row in result.rows:
            table.add_row(row.place, row.name, f"{row.total:.2f}", row.grade or "")
        console.print(table)
        if working:
            detail = Table("单位", "指标", "取数", "计分规则", "完成值", "目标值", "比例", "分值", "得分", "说明",
                           title="计分过程（按排名的指标，比例为排名系数 (n−名次)÷(n−1)）")
            for row in result.rows:
                for w in row.working:
                    detail.add_row(row.name, w.indicator, w.measured, w.rule, w.text(w.value), w.text(w.target),
                                   f"{w.ratio:.2%}" if w.ratio is not None else "—", f"{w.weight:g}",
                                   f"{w.points:.2f}", w.note or "")
            console.print(detail)


@app.command("publish")
def publish_cmd(period_id: PeriodArg, appeal_deadline: Annotated[str | None, typer.Option(
        "--appeal-deadline", help="申诉截止日期 YYYY-MM-DD（默认7天后）")] = None,
        user: UserOption = None, as_name: AsOption = None, db: DbOption = None) -> None:
    """发布排名（通报），开启申诉期。"""
    with transaction(engine_for(db)) as session:
        period = service.publish(session, cli_viewer(session, user, as_name), period_id=period_id,
                                 appeal_deadline=parse_day(appeal_deadline, "申诉截止日期"))
        console.print(f"已发布“{period.name}”排名，申诉截止 {period.appeal_deadline}")


@app.command("appeal")
def appeal_cmd(period_id: PeriodArg, reason: Annotated[str, typer.Option("--reason", help="申诉理由")],
               indicator: Annotated[str | None, typer.Option("--indicator", help="所申诉的指标编号")] = None,
               region: RegionOption = None, unit: UnitOption = None,
               user: UserOption = None, as_name: AsOption = None, db: DbOption = None) -> None:
    """被考核单位对结果提出申诉（申诉期内）。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_name)
        region_id, unit_id = _subject(session, region, unit)
        period = service.get_period(session, viewer, period_id)
        item = service.file_appeal(session, viewer, period_id=period_id, reason=reason, region_id=region_id,
                                   unit_id=unit_id,
                                   indicator_id=_indicator_id(period, indicator) if indicator else None)
        console.print(f"已提出申诉（编号 {item.id}），待办公室答复")


@app.command("answer")
def answer_cmd(appeal_id: Annotated[int, typer.Argument(min=1, help="申诉编号")],
               answer: Annotated[str, typer.Option("--answer", help="答复意见")],
               dismiss: Annotated[bool, typer.Option("--dismiss", help="不予采纳（默认采纳）")] = False,
               value: Annotated[str | None, typer.Option(
                   "--value", help="采纳时更正后的取值（金额写明单位，如 800万元）")] = None,
               user: UserOption = None, as_name: AsOption = None, db: DbOption = None) -> None:
    """答复申诉；采纳并给出更正值时更正该项得分并重新排名（留痕）。"""
    with transaction(engine_for(db)) as session:
        item = service.answer_appeal(session, cli_viewer(session, user, as_name), appeal_id=appeal_id,
                                     uphold=not dismiss, answer=answer, corrected_value=value)
        console.print(f"申诉（编号 {item.id}）已答复：{'未采纳' if dismiss else '已采纳'}")


@app.command("trend")
def trend_cmd(set_id: Annotated[int, typer.Argument(min=1, help="考核指标体系编号")], user: UserOption = None,
              db: DbOption = None) -> None:
    """各单位历次考核的总分与排名。"""
    with transaction(engine_for(db)) as session:
        periods, rows = service.trend(session, cli_viewer(session, user, None), set_id)
        table = Table("被考核单位", *[p.name for p in periods], title="考核趋势（总分/排名）")
        for row in rows:
            table.add_row(row.name, *[f"{c[0]:.2f}/第{c[1]}" if c else "—" for c in row.cells])
        console.print(table)


@app.command("export")
def export_cmd(period_id: PeriodArg,
               out: Annotated[Path, typer.Option("--out", help="输出 .xlsx 文件", callback=output_file)],
               user: UserOption = None, db: DbOption = None) -> None:
    """导出排名与计分明细（Excel）。"""
    with transaction(engine_for(db)) as session:
        data = service.result_xlsx(service.period_result(session, cli_viewer(session, user, None), period_id))
    out.write_bytes(data)
    console.print(f"已导出：{out}")


def _indicator_id(period: AssessmentPeriod, code: str) -> int:
    for i in period.indicator_set.indicators:
        if i.code == code.strip() or i.name == code.strip():
            return i.id
    raise NotFound(f"考核“{period.indicator_set.name}”没有指标“{code}”")
