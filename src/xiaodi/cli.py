"""The ``xiaodi`` command. Each sub-command parses its arguments, calls one service, and prints the outcome."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from xiaodi.cli_options import DbOption, cli_console, engine_for, input_file, opened_engines
from xiaodi.cli_usage import NoArgsIsHelp, UsageError, usage_problem
from xiaodi.core.errors import XiaodiError
from xiaodi.core.migrate import NOT_INITIALISED, NOT_UPGRADED, is_initialised
from xiaodi.core.paths import os_error_in, path_problem

app = typer.Typer(help="校地合作平台 xiaodi：名录、清单、匹配、闭环管理与报告。", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="数据库：建库、升级、装载参考数据。", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = cli_console()
err_console = cli_console(stderr=True)


def missing_schema_message(exc: DBAPIError) -> str | None:
    """What to do when a command met a database without the ledger's tables (instead of printing the SQL)."""
    text = str(exc.orig)
    missing = "no such table" in text or getattr(exc.orig, "sqlstate", None) == "42P01"  # SQLite / PostgreSQL
    if not missing:
        return None
    for engine in opened_engines():
        try:
            initialised = is_initialised(engine)
        except DBAPIError:
            continue
        if not initialised:
            return NOT_INITIALISED
    return NOT_UPGRADED


def database_problem(exc: Exception) -> str | None:
    """A database that cannot be reached or opened, said in Chinese with the address (password hidden) and what to
    check, instead of the driver's English and a link to the library's web page — which an intranet cannot open."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return ("数据库地址无效；应写作 sqlite:///文件路径 或 postgresql://用户@主机:5432/库名"
                "（XIAODI_DATABASE_URL 或 --db）")
    if not isinstance(exc, DBAPIError):
        return None
    where = "、".join(e.url.render_as_string(hide_password=True) for e in opened_engines()) or "所设数据库"
    text = str(exc.orig).lower()
    if "unable to open database file" in text:
        return f"无法打开数据库文件（{where}）：所在文件夹不存在或没有读写权限"
    if "file is not a database" in text:
        return f"“{where}”不是数据库文件（SQLite），请检查文件路径"
    if exc.connection_invalidated or any(w in text for w in ("connection refused", "could not connect",
                                                             "connection failed", "could not translate host")):
        return f"无法连接数据库服务器（{where}）：请确认 PostgreSQL 已启动，地址、端口和账号正确"
    return None


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """把数据库结构升级到最新版本（Alembic 迁移）。"""
    from xiaodi.bootstrap import has_reference_data
    from xiaodi.core.migrate import upgrade

    engine = engine_for(db)
    upgrade(engine)
    console.print("数据库结构已是最新版本。")
    if not has_reference_data(engine):
        console.print("提示：库中还没有公开参考数据（行政区划、高校名单、国家重点实验室……），匹配无从推荐；"
                      "请运行 xiaodi db init 装载（可重复运行，不改动已有记录）。")


@db_app.command("init")
def db_init(db: DbOption = None) -> None:
    """建库并装载公开参考数据（行政区划、高校名单、双一流学科、国家重点实验室、学科目录、行业分类）。"""
    from xiaodi.bootstrap import init_database

    counts = init_database(engine_for(db), progress=_progress_printer())
    console.print("参考数据已装载：" + "，".join(f"{k} {v}" for k, v in counts.items()))


@db_app.command("backup")
def db_backup(
    # no output_file check: a backup makes its folder (backups/…), and a folder it cannot make is said by main()
    out: Annotated[Path, typer.Option("--out", help="备份文件（新文件，不覆盖已有文件；所在文件夹不存在时新建）")],
    db: DbOption = None,
) -> None:
    """备份整个数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份），服务不停。"""
    from xiaodi.core.backup import backup
    from xiaodi.core.settings import get_settings

    path = backup(db or get_settings().database_url, out)
    console.print(f"已备份到 {path}（{path.stat().st_size // 1024} KB；含个人信息，请妥善保管）")


@db_app.command("restore")
def db_restore(
    source: Annotated[Path, typer.Argument(help="xiaodi db backup 写出的备份文件", callback=input_file)],
    db: DbOption = None,
) -> None:
    """把备份恢复到一个新建的空数据库（--db 指定；不覆盖已有数据）。"""
    from xiaodi.core.backup import restore
    from xiaodi.core.settings import get_settings

    restore(source, db or get_settings().database_url)
    console.print("已恢复。匹配索引会在首次使用时重建。")


def _progress_printer() -> Callable[[str, int, int], None]:
    def report(step: str, done: int, total: int) -> None:
        if done == total:
            err_console.print(f"  · {step}：{total}")

    return report


def main() -> None:
    """Entry point: a user never sees a traceback; XiaodiError messages are printed in Chinese."""
    from xiaodi.matching.sync import install as sync_indexes
    from xiaodi.reference.curated import install as name_directions

    sync_indexes()  # a command's committed changes reach the matching indexes in use
    name_directions()  # a registered, renamed or merged school's names keep its 办学方向 current
    try:
        code = app(standalone_mode=False)  # Click's usage errors reach us, to be said in Chinese
    except NoArgsIsHelp as exc:  # `xiaodi user`: the group's help, as Click shows it
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        err_console.print(f"[red]错误：[/red]{usage_problem(exc)}", highlight=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("已中断。")
        sys.exit(1)
    except XiaodiError as exc:
        err_console.print(f"[red]错误：[/red]{exc.message}")
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("已中断。")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("XIAODI_DEBUG"):
            raise
        failed = os_error_in(exc)
        if failed is not None and failed.filename:  # a named file (an export's target, a folder gone)
            err_console.print(f"[red]错误：[/red]{path_problem(failed)}")
            sys.exit(2)
        message = (missing_schema_message(exc) if isinstance(exc, DBAPIError) else None) or database_problem(exc)
        if message is not None:
            err_console.print(f"[red]错误：[/red]{message}")
            sys.exit(2)
        err_console.print(f"[red]内部错误：[/red]{type(exc).__name__}: {exc}（设置 XIAODI_DEBUG=1 可查看详细信息）")
        sys.exit(1)
    if isinstance(code, int) and code:  # typer.Exit(code=…) from a command
        sys.exit(code)


def _export_for_account(engine: Engine, table: str, file: Path, username: str) -> int:
    """``xiaodi export --user``, importing the web's lists only when it is used."""
    from xiaodi.web.table_export import export_for_account

    return export_for_account(engine, table, file, username)


def _register_areas() -> None:
    """Every area adds its commands here, one line each, so `xiaodi --help` lists them all. An area's module-level
    ``app`` is named after its command group (``user``) or unnamed, when its commands sit at the top level
    (``xiaodi tables``, ``xiaodi figures``, ``xiaodi serve``)."""
    from xiaodi.accounts import cli as accounts_cli
    from xiaodi.assessment import cli as assessment_cli
    from xiaodi.bases import cli as bases_cli
    from xiaodi.briefing import cli as briefing_cli
    from xiaodi.demands import cli as demands_cli
    from xiaodi.demo import cli as demo_cli
    from xiaodi.figures import cli as figures_cli
    from xiaodi.ingest import cli as ingest_cli
    from xiaodi.matching import cli as matching_cli
    from xiaodi.orders import cli as orders_cli
    from xiaodi.projects import cli as projects_cli
    from xiaodi.tables import cli as tables_cli
    from xiaodi.talent import cli as talent_cli
    from xiaodi.web import cli as web_cli

    app.add_typer(tables_cli.app)
    tables_cli.install_account_export(_export_for_account)  # xiaodi export --user: the pages' scope and masking
    app.add_typer(demo_cli.app)
    app.add_typer(demands_cli.app)
    app.add_typer(orders_cli.app)
    app.add_typer(figures_cli.app)
    app.add_typer(projects_cli.app)
    app.add_typer(ingest_cli.app)
    app.add_typer(matching_cli.app)
    app.add_typer(accounts_cli.app)
    app.add_typer(web_cli.app)
    app.add_typer(assessment_cli.app)
    app.add_typer(briefing_cli.app)
    app.add_typer(bases_cli.app, name="base")


    from xiaodi.events import cli as events_cli
    from xiaodi.notifications import cli as notifications_cli

    app.add_typer(events_cli.app)
    app.add_typer(events_cli.contact_app)
    app.add_typer(notifications_cli.app)
    from xiaodi.budgets import cli as budgets_cli
    from xiaodi.intents import cli as intents_cli

    app.add_typer(intents_cli.app)
    app.add_typer(budgets_cli.app)
    app.add_typer(talent_cli.app)


_register_areas()
