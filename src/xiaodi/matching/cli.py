"""CLI of matching: ``xiaodi index rebuild`` and ``xiaodi match`` (one text, or a CSV batch to JSON lines).

The command line reads the ledger as a trusted caller (the office); it only parses, calls the matching service
and prints. Indexes live beside the database (see ``xiaodi.matching.service``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.cli_options import DbOption, cli_console, engine_for, input_file, output_file
from xiaodi.core import search
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed, XiaodiError
from xiaodi.matching import feed, service
from xiaodi.matching.engine import NO_RESULTS
from xiaodi.matching.feed import RETENTION_DAYS
from xiaodi.matching.prepare import prepare_demand_queries
from xiaodi.matching.profiles import TARGETS, check_target

console = cli_console()
err_console = cli_console(stderr=True)

TargetOption = Annotated[str, typer.Option("--target", "-t", help="匹配对象：" + "、".join(TARGETS))]


def _filters(region: str | None, kind: str | None, level: str | None, discipline: str | None,
             industry: str | None) -> dict[str, str]:
    raw = {"region": region, "kind": kind, "level": level, "discipline": discipline, "industry": industry}
    return {k: v for k, v in raw.items() if v}


def run_batch(session: Session, source: Path, out: Path, *, target: str, top: int,
              filters: dict[str, str] | None = None) -> tuple[int, int]:
    """Match every ``id,text[,region]`` row of ``source`` (region: where the demand is, a 就近 prior); one JSON
    line per row with its results, the disciplines it was routed to and any note; a bad row gets ``{"id", "error"}``."""
    check_target(target)
    done = failed = 0
    encoding = _batch_encoding(source)
    seen: dict[str, int] = {}  # id → the row it was first given on
    with source.open(encoding=encoding, newline="") as fin, out.open("w", encoding="utf-8") as fout:
        reader = csv.DictReader(fin)
        if not reader.fieldnames or not {"id", "text"} <= {f.strip() for f in reader.fieldnames}:
            raise ValidationFailed(f"批量文件 {source.name} 需要表头 id,text（可加 region 列：需求所在地）")
        for number, row in enumerate(reader, start=2):
            row = {(k or "").strip(): v for k, v in row.items()}
            row_id = (row.get("id") or "").strip() or f"第{number}行"
            line: dict[str, Any] = {"id": row_id}
            try:
                if row_id in seen:
                    raise ValidationFailed(f"编号与第 {seen[row_id]} 行重复")
                seen[row_id] = number
                place = (row.get("region") or "").strip() or None
                answer = service.match_answer(session, row.get("text") or "", target, top, filters,
                                              place=place).as_dict()
                line["results"] = answer["items"]
                line["disciplines"] = answer["disciplines"]
                if answer["warnings"]:
                    line["warnings"] = answer["warnings"]
                done += 1
            except XiaodiError as exc:  # the row named, as a table import names it
                line["error"] = f"第 {number} 行（编号 {row_id}）：{exc.message}"
                failed += 1
            fout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return done, failed


def _batch_encoding(source: Path) -> str:
    """The batch file's encoding, told as ``xiaodi import`` tells a CSV's (UTF-8 with or without BOM, GBK/GB18030
    as Chinese Excel and WPS save it, UTF-16); a file that is no text is refused in words, naming the file."""
    from xiaodi.tables.readers import FileProblem, detect_encoding

    try:
        return detect_encoding(source)
    except FileProblem as exc:
        raise ValidationFailed(f"批量文件不是可读的 CSV 文本：{exc.message}") from exc


def _rebuild_search_index(engine: Engine, bar: Progress) -> int:
    """The list searches' keyword index (``core.search``), emptied and read again from the records."""
    with Session(engine) as session:
        search.reindex_everything(session)
        total = search.pending_count(session)
        session.commit()
    task = bar.add_task("关键词检索索引", total=max(total, 1))
    search.fold_everything(engine, lambda done: bar.advance(task, done))
    return total


def print_answer(answer: dict[str, Any], target: str, title: str | None = None) -> None:
    """The notes first (a half-built index must be said), then the demand's disciplines and the ranked table."""
    for warning in answer["warnings"]:
        if warning != NO_RESULTS:  # said once, below, where the table would be
            err_console.print(f"提示：{warning}")
    if answer["disciplines"]:
        console.print("需求学科：" + "、".join(f"{d['name']} {d['weight']:.0%}" for d in answer["disciplines"]))
    if not answer["items"]:
        console.print(NO_RESULTS)
        return
    table = Table(title=title or f"匹配结果：{TARGETS[check_target(target)]}")
    for header in ("名次", "名称", "类别", "匹配度", "理由"):
        table.add_column(header)
    for rank, r in enumerate(answer["items"], start=1):
        score = f"{r['score']:.0f}（{r['label']}）"
        table.add_row(str(rank), r["name"], r["kind_label"], score, "\n".join(r["reasons"]))
    console.print(table)


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


index_app = typer.Typer(help="匹配索引：从名录与清单重建（精准匹配）。", no_args_is_help=True)
app.add_typer(index_app, name="index")


@index_app.command("rebuild")
def rebuild(
    target: Annotated[str, typer.Option("--target", "-t", help="匹配对象或 all")] = "all",
    wait_dense: Annotated[bool, typer.Option("--wait-dense", help="等语义向量全部编码完成后再退出")] = False,
    db: DbOption = None,
) -> None:
    """重建匹配索引（全部或某一类对象），显示进度。"""
    targets = list(TARGETS) if target == "all" else [check_target(target)]
    engine = engine_for(db)
    with Session(engine) as session, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        svc = service.service_for(session)
        counts = {t: len(svc.rebuild(session, t, report)) for t in targets}
        if wait_dense and svc.encoder_name:
            for t in targets:
                index = svc.index(session, t)
                task = bar.add_task(f"语义编码：{TARGETS[t]}", total=max(len(index), 1))
                while not index.wait_dense(timeout=0.5):
                    if index.dense_error is not None:
                        break
                    bar.update(task, completed=len(index.dense) if index.dense is not None else 0)
                bar.update(task, completed=max(len(index), 1))
                index.save(svc.root / t)
            if "demand" in targets and svc.queued is None:  # on the queue the worker encodes them (matching.prepare)
                prepare_demand_queries(session, progress=report)
        searched = _rebuild_search_index(engine, bar) if target == "all" else None
    console.print("索引已重建：" + "，".join(f"{TARGETS[t]} {n} 条" for t, n in counts.items()))
    if searched is not None:
        console.print(f"关键词检索索引已重建：{searched} 条（需求、科技成果）")
    if svc.encoder_name and not wait_dense:
        console.print(f"语义向量（{svc.encoder_name}）在后台编码并缓存；未完成前匹配只用关键词检索。")


@index_app.command("prune")
def prune(
    # Never fewer days than a host may go without asking before it rebuilds (feed.RETENTION_DAYS).
    days: Annotated[int, typer.Option("--days", min=RETENTION_DAYS, max=3650,
                                      help="保留最近多少天的索引变更记录（至少 30 天）")] = RETENTION_DAYS,
    db: DbOption = None,
) -> None:
    """清理旧的索引变更记录（多台服务器据此同步匹配索引；落后更久的服务器会从台账重建索引）。"""
    with transaction(engine_for(db)) as session:
        pruned = feed.prune(session, days)
    console.print(f"已清理 {pruned} 条 {days} 天前的索引变更记录。")


@app.command("match")
def match(
    text: Annotated[str | None, typer.Argument(help="需求描述或关键词")] = None,
    target: TargetOption = "university",
    top: Annotated[int, typer.Option("--top", "-n", help="返回条数")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    batch: Annotated[Path | None, typer.Option("--batch", help="批量匹配：CSV 文件，列 id,text",
                                                          callback=input_file)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="批量结果：JSON Lines 文件",
                                                        callback=output_file)] = None,
    region: Annotated[str | None, typer.Option("--region", help="按地区筛选，如 山西省")] = None,
    place: Annotated[str | None, typer.Option("--place", help="需求所在地（就近加分，不筛选）")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="按类别筛选，如 university / institute")] = None,
    level: Annotated[str | None, typer.Option("--level", help="按层次/级别筛选")] = None,
    discipline: Annotated[str | None, typer.Option("--discipline", help="按学科筛选")] = None,
    industry: Annotated[str | None, typer.Option("--industry", help="按行业代码或名称筛选")] = None,
    achievement: Annotated[int | None, typer.Option(
        "--achievement", min=1, help="成果推介：给出科技成果编号，列出可能需要它的企业与需求")] = None,
    db: DbOption = None,
) -> None:
    """精准匹配：把需求文本匹配到高校、成果、专家、平台、企业或需求，列出理由；--achievement 为成果推介。"""
    filters = _filters(region, kind, level, discipline, industry)
    with Session(engine_for(db)) as session:
        if achievement is not None:
            found = service.recommend_achievement(session, achievement_id=achievement, limit=top)
            pushed = {"warnings": [], "disciplines": [], "items": [c.as_dict() for c in found]}
            if as_json:
                typer.echo(json.dumps(pushed, ensure_ascii=False, indent=2))
            else:
                print_answer(pushed, "enterprise", title=f"成果推介：科技成果 {achievement} 的推介对象（企业与需求）")
            return
        if batch is not None:
            if out is None:
                raise ValidationFailed("批量匹配需要 --out 指定结果文件（JSON Lines）")
            if not batch.is_file():
                raise NotFound(f"找不到批量文件：{batch}")
            done, failed = run_batch(session, batch, out, target=target, top=top, filters=filters)
            console.print(f"批量匹配完成：成功 {done} 条，失败 {failed} 条，结果已写入 {out}")
            return
        if not text:
            raise ValidationFailed("请给出需求文本，或用 --batch 指定批量文件")
        answer = service.match_answer(session, text, target, top, filters, place=place).as_dict()
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    print_answer(answer, target)
