"""CLI commands of the information tables: ``xiaodi tables``, ``template``, ``import``, ``export``.

The module-level ``app`` (unnamed: its commands sit at the top level of ``xiaodi``) holds them; each command
parses, calls one service in one transaction, and prints the outcome in Chinese. Errors are ``XiaodiError``s,
printed by ``main``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from xiaodi.cli_options import DbOption, EngineFactory, cli_console, engine_for, fixed_engine, require_initialised
from xiaodi.core.audit import Actor
from xiaodi.core.errors import ValidationFailed
from xiaodi.tables import all_tables, export_file, get_table, import_file, write_template
from xiaodi.tables.result import ImportFailed
from xiaodi.tables.writers import column_notes

console = cli_console()
err_console = cli_console(stderr=True)
TableArg = Annotated[str, typer.Argument(help="信息表名称，如 universities、achievements（见 xiaodi tables）")]
FileArg = Annotated[Path, typer.Argument(help=".xlsx 或 .csv 文件")]


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A rich progress bar on stderr; the callback takes (rows done, rows in total or None)."""
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, transient=True
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def list_tables(name: str | None = None) -> None:
    """列出信息表及其列（xiaodi tables [TABLE]）。"""
    specs = [get_table(name)] if name else list(all_tables().values())
    for spec in specs:
        table = Table(title=f"{spec.name} — {spec.title}", caption=spec.description, show_lines=False)
        for head in ("列名", "类型", "必填", "说明"):
            table.add_column(head)
        for col in spec.columns:
            table.add_row(
                col.header,
                col.type.label,
                "是" if col.required else "",
                "；".join(column_notes(col)),
            )
        console.print(table)


def template(table: str, file: Path) -> None:
    """写出填报模板：表头、一行示例和“填写说明”工作表。"""
    spec = get_table(table)
    write_template(spec, file)
    console.print(f"已生成{spec.title}模板：{file}")


def import_(table: str, file: Path, engine: Engine, *, dry_run: bool = False, actor: Actor | None = None) -> None:
    """导入信息表：整表校验，全部通过才写入；--dry-run 只校验并报告将新增/更新的记录。"""
    spec = get_table(table)
    actor = actor or Actor.system("导入")
    try:
        with progress_bar(f"{'校验' if dry_run else '导入'}{spec.title}") as update:
            result = import_file(engine, spec.name, file, actor=actor, dry_run=dry_run, progress=update)
    except ImportFailed as exc:
        if exc.result is not None:
            for w in exc.result.warnings:
                err_console.print(f"[yellow]提示：[/yellow]{w}")
        raise
    for w in result.warnings:
        err_console.print(f"[yellow]提示：[/yellow]{w}")
    if result.encoding:
        console.print(f"文件编码：{result.encoding}")
    console.print(result.summary())


def require_queue(engine: Engine) -> None:
    """``--background`` is refused where there is no queue (SQLite), before anything else is asked of the database."""
    from xiaodi.core import jobs

    if not jobs.queue_enabled(engine):
        raise ValidationFailed("--background 需要 PostgreSQL 任务队列（XIAODI_JOBS=auto 或 queue，"
                               "并运行 xiaodi worker）；SQLite 上请直接导入（本进程内完成，显示进度条）")


def import_in_background(table: str, file: Path, engine: Engine, *, poll: float = 0.5) -> int:
    """``--background``: hand the file to the queue's worker and follow its progress here; Ctrl+C stops following,
    not the job (the administrator sees it on 后台任务). The run id."""
    import time

    from sqlalchemy.orm import Session

    from xiaodi.core import jobs
    from xiaodi.tables.jobs import CONSOLE_IMPORT_JOB

    spec = get_table(table)
    require_queue(engine)
    if not file.is_file():
        raise ValidationFailed(f"文件不存在：{file}")
    run_id = jobs.submit(engine, CONSOLE_IMPORT_JOB, user_id=None, args={"table": spec.name},
                         label=f"导入{spec.title}（{file.name}，控制台）", input_name=file.name,
                         input_data=file.read_bytes())
    err_console.print(f"已提交后台任务 {run_id}（/jobs/{run_id}）；按 Ctrl+C 只停止查看，任务继续运行。")
    with progress_bar(f"导入{spec.title}") as update, Session(engine) as session:
        while True:
            run = session.get(jobs.JobRun, run_id)
            assert run is not None
            update(run.done, run.total)
            if run.state in jobs.ENDED_STATES:
                break
            session.expire_all()
            time.sleep(poll)
    if run.state != jobs.JobState.DONE:
        raise ValidationFailed(f"后台任务 {run_id} {jobs.JobState.label_of(run.state)}：{run.error or ''}")
    console.print(run.summary or "")
    return run_id


def export(table: str, file: Path, engine: Engine, *, user: str | None = None) -> None:
    """导出信息表为 .xlsx 或 .csv（可原样导回）；``user``：该账号在网页上导出的同样内容
    （其可见范围，个人信息按其权限脱敏）。"""
    spec = get_table(table)
    if user is not None:
        if not _account_export:
            raise ValidationFailed("按账号导出需要网页平台的清单规则（请用 xiaodi export 命令）")
        n = _account_export[0](engine, spec.name, file, user)
        console.print(f"已按账号“{user}”的权限导出{spec.title} {n} 行（个人信息按其权限脱敏）：{file}")
        return
    with progress_bar(f"导出{spec.title}") as update:
        n = export_file(engine, spec.name, file, progress=update)
    console.print(f"已导出{spec.title} {n} 行：{file}")


# ``--user``: which records an account sees and whose phones and ID numbers it may read are the pages' lists'
# rules (``web.listing.ResourceSpec``), which sit above this area; the application assembly installs the exporter
# that asks them (``web.table_export.export_for_account``, by ``xiaodi.cli``), as the directory's listeners are.
AccountExport = Callable[[Engine, str, Path, str], int]
_account_export: list[AccountExport] = []


def install_account_export(exporter: AccountExport) -> None:
    """Use ``exporter(engine, table, file, username) -> rows`` for ``xiaodi export --user``."""
    _account_export[:] = [exporter]


# The console trusts whoever runs it: holding the database URL is holding the database.
IMPORT_HELP = (
    "导入信息表：全部校验通过才写入，重复导入不产生变化；已有记录的空白单元格保留原值（清空请在记录页面修改）。\n\n"
    "这是运维人员的可信控制台：持有数据库地址（--db 或 XIAODI_DATABASE_URL）的人可以写入任何地区的记录，"
    "状态列按表中所填直接写入（但不把已有记录的办理进度改回去，如已发榜改回草稿），不按个人的数据权限检查。\n\n"
    "办公室工作人员请在网页“导入信息表”（/import）导入：那里每一行只能新增或修改本人在页面上有权办理的记录，"
    "状态只能按办理流程变更。"
)


def make_app(engine_factory: EngineFactory) -> typer.Typer:
    """A stand-alone Typer app with the four commands on ``engine_factory``'s database (tests, embedding); its
    ``export --user`` needs the exporter the assembly installs (``install_account_export``)."""
    standalone = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

    @standalone.callback()
    def use_this_database(ctx: typer.Context) -> None:
        ctx.with_resource(fixed_engine(engine_factory(None)))

    standalone.add_typer(app)
    return standalone


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


@app.command("tables")
def tables_cmd(table: Annotated[str | None, typer.Argument(help="只看这一张表")] = None) -> None:
    """列出信息表及其列。"""
    list_tables(table)


@app.command("template")
def template_cmd(table: TableArg, file: FileArg) -> None:
    """写出信息表的填报模板（.xlsx 或 .csv）。"""
    template(table, file)


@app.command("import", help=IMPORT_HELP)
def import_cmd(
    table: TableArg,
    file: FileArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验，报告将新增/更新/不变的记录，不写入")] = False,
    background: Annotated[bool, typer.Option(
        "--background", help="交给后台任务队列（PostgreSQL + xiaodi worker）导入：在此显示进度，关闭终端不中断",
    )] = False,
    db: DbOption = None,
) -> None:
    """导入信息表：全部校验通过才写入，重复导入不产生变化。"""
    engine = engine_for(db)
    if background and not dry_run:
        require_queue(engine)  # an option this database cannot serve is said first
    # then the ledger: a file without rows (the blank template) queries nothing and would report a clean import
    engine = require_initialised(engine)
    if background and not dry_run:
        import_in_background(table, file, engine)
        return
    import_(table, file, engine, dry_run=dry_run)


@app.command("export")
def export_cmd(
    table: TableArg,
    file: FileArg,
    user: Annotated[str | None, typer.Option(
        "--user", help="以该账号的身份导出：只含该账号在网页上能看到的记录，电话、邮箱、身份证号按其权限脱敏"
                       "（默认：运维人员，导出全部记录）",
    )] = None,
    db: DbOption = None,
) -> None:
    """导出信息表为 .xlsx 或 .csv。"""
    export(table, file, engine_for(db), user=user)
