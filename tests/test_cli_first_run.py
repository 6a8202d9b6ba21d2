"""Someone runs `xiaodi` for the first time, output piped to a file or another program as scripts do: a database
that was never initialised is named as such (not an SQL statement) by every command that needs the ledger — the
Typer app is walked, so a command added later is tried too — and a summary line arrives whole (#18 item 9)."""

from __future__ import annotations

import contextlib
import enum
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
from sqlalchemy import create_engine, inspect, make_url, text
from typer.core import TyperCommand

from xiaodi.core.migrate import NOT_INITIALISED

SRC = Path(__file__).resolve().parents[1] / "src"


def xiaodi(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, stdout and stderr piped (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "XIAODI_DEBUG")}
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}"
    if db is not None:
        env["XIAODI_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run([sys.executable, "-c", "from xiaodi.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_a_command_on_a_database_never_initialised_says_to_run_db_init(tmp_path: Path) -> None:
    """The real command, piped, as a script runs it (every command is also run in-process below)."""
    run = xiaodi("export", "demands", str(tmp_path / "需求.csv"), db=tmp_path / "new.db")
    assert run.returncode == 2
    assert "数据库尚未初始化，请先运行 xiaodi db init" in run.stderr
    assert "SELECT" not in run.stderr + run.stdout and "sqlalche.me" not in run.stderr


# Commands that legitimately work on a database that was never initialised, and why. Every other command —
# including one added later, found by walking the Typer app — must answer 数据库尚未初始化.
WITHOUT_LEDGER = {
    "db init": "it is what initialises the database",
    "db upgrade": "it runs the migrations, which on an empty database create the ledger",
    "db backup": "it copies the database as it is (pg_dump or SQLite's online backup) without reading the ledger",
    "db restore": "it restores into a new, empty database: one never initialised is what it needs",
    "demo": "it builds its own database: migrations, reference data and the demo programme",
    "tables": "it lists the information tables' columns and opens no database",
    "template": "it writes a blank template and opens no database",
}
# What a command says first, on SQLite, before it would look at the ledger.
FIRST_ON_SQLITE = {"worker": "后台任务队列只在 PostgreSQL 上运行"}
# Arguments a command checks before it opens the database; the others get a value made from their type.
ARGUMENTS = {
    "agreement add": ["--title", "测试协议", "--party", "甲方:山西大学"],
    "assessment define": ["--name", "测试考核", "--year", "2025", "--indicator", "A1:签约协议:100:10"],
    "base activity": ["测试基地", "--kind", "实习实训", "--on", "2025-01-01"],
    "briefing": ["--region", "河津市", "--out", "{tmp}/简报.docx"],
    "budget add": ["--name", "人才工作经费", "--region", "河津市", "--year", "2025", "--amount", "2000万元"],
    "budget allocate": ["YS-1", "--amount", "10万元", "--date", "2025-01-01", "--project", "XM-1"],
    "contact add": ["--date", "2025-01-01", "--channel", "走访", "--summary", "测试", "--from", "河津市工信局",
                    "--university", "山西大学"],
    "dispatch": ["--region", "河津市"],
    "dispatch record": ["--region", "河津市", "--decide", "1,2025-12-31,测试"],
    "event add": ["测试活动", "--kind", "对接会", "--date", "2025-01-01", "--region", "河津市"],
    "export": ["demands", "{tmp}/需求.xlsx"],
    "import": ["demands", "{tmp}/需求模板.xlsx"],  # the blank template: not one row that would query
    "ingest": ["{tmp}/报道.txt", "--store"],  # without --store it only reads the file: no database needed
    "match": ["钢渣综合利用"],
    "order dispatch": ["DD-1", "--expert", "测试"],
    "order respond": ["DD-1", "--accept"],
    "project stage": ["XM-1", "--to", "落地"],
    "talent apply": ["1", "--benefit", "1"],
    "talent card-decide": ["1", "--action", "issue"],
    "user add": ["tester", "--role", "enterprise"],
}
NO_SQL = re.compile(r"SELECT|INSERT|UPDATE .* SET|sqlalche\.me|Traceback|内部错误|\[SQL", re.I)


def commands() -> dict[str, TyperCommand]:
    """Every command of ``xiaodi`` by its words (``base pairing add``), groups that run by themselves included."""
    from xiaodi.cli import app

    found: dict[str, TyperCommand] = {}

    def walk(command: Any, words: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None or (words and getattr(command, "invoke_without_command", False)):
            found[" ".join(words)] = command
        for name, sub in (subcommands or {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


def arguments_for(name: str, command: Any, tmp: Path) -> list[str]:
    """The command's words and its required arguments: from ``ARGUMENTS``, else a value of each one's type."""
    if name in ARGUMENTS:
        return [*name.split(), *(a.replace("{tmp}", str(tmp)) for a in ARGUMENTS[name])]
    args = name.split()
    for param in command.params:
        if not param.required:
            continue
        kind = param.type_descriptor.annotation
        if kind is int:
            value = "1"
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            value = str(next(iter(kind)).value)
        elif kind is Path:
            value = str(tmp / f"{param.name}.xlsx")
        elif re.search(r"(^|_)(on|date|due|from|to|start)(_|$)", param.name):
            value = "2025-01-01"
        elif "amount" in param.name:
            value = "100万元"
        else:
            value = "测试"
        args += [value] if type(param).__name__ == "TyperArgument" else [param.opts[0], value]
    return args


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database nobody initialised: a new PostgreSQL database when the suite runs on PostgreSQL."""
    url = os.environ.get("XIAODI_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('first-run') / 'new.db'}"
        return
    from tests.conftest import PG_ADMIN_URL

    name = f"xiaodi_t_first_run_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def run_in_process(args: list[str]) -> tuple[int, str]:
    """``xiaodi ARGS`` as ``main`` runs it (its handling of errors included): exit code and everything printed."""
    from xiaodi import cli, cli_options

    out = io.StringIO()
    opened: list[Any] = []
    argv = sys.argv
    sys.argv = ["xiaodi", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                mock.patch.object(cli_options, "_engines", opened):
            cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
        for engine in opened:
            engine.dispose()
    return code, out.getvalue()


def test_every_command_on_a_database_never_initialised_says_to_run_db_init(
    empty_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from xiaodi.core import queue
    from xiaodi.core.settings import get_settings

    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append("serve"))

    async def work(*args: object, **kwargs: object) -> None:
        started.append("worker")

    monkeypatch.setattr(queue, "work", work)
    monkeypatch.setenv("XIAODI_DATABASE_URL", empty_database)  # for what reads the setting rather than --db
    monkeypatch.setenv("XIAODI_SECRET_KEY", "first-run-secret-key-0123456789abcdef")
    monkeypatch.setenv("XIAODI_SMTP_HOST", "127.0.0.1")  # so that notify send has mail to look for
    get_settings.cache_clear()
    (tmp_path / "报道.txt").write_text("2024年，河津市与高校签约项目32个，到位资金52.5亿元。", encoding="utf-8")
    assert run_in_process(["template", "demands", str(tmp_path / "需求模板.xlsx")])[0] == 0
    sqlite = empty_database.startswith("sqlite")
    problems = []
    try:
        for name, command in sorted(commands().items()):
            if name in WITHOUT_LEDGER:
                continue
            args = arguments_for(name, command, tmp_path)
            if any(p.name == "db" for p in command.params):
                args += ["--db", empty_database]
            code, said = run_in_process(args)
            expected = FIRST_ON_SQLITE.get(name, NOT_INITIALISED) if sqlite else NOT_INITIALISED
            if code != 2 or expected not in said or NO_SQL.search(said):
                problems.append(f"xiaodi {' '.join(args)} → {code}: {said.strip()[-300:]}")
    finally:
        get_settings.cache_clear()
    assert not problems, "\n".join(problems)
    assert not started, f"started on a database never initialised: {started}"
    engine = create_engine(empty_database)
    try:
        assert inspect(engine).get_table_names() == []  # and nothing was half-created in it
    finally:
        engine.dispose()


def test_the_commands_exempted_exist_and_every_other_command_is_tried() -> None:
    names = set(commands())
    assert set(WITHOUT_LEDGER) <= names and set(FIRST_ON_SQLITE) <= names and set(ARGUMENTS) <= names
    assert {"serve", "worker", "briefing", "dispatch", "base pairing add", "notify send"} <= names - set(WITHOUT_LEDGER)
    assert len(names - set(WITHOUT_LEDGER)) >= 100


def test_a_database_behind_the_code_is_told_to_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # initialised by an older release: migrations recorded, this table not there yet
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    engine.dispose()
    run = xiaodi("user", "list", db=db)
    assert run.returncode == 2 and "xiaodi db upgrade" in run.stderr


def test_a_summary_is_not_broken_mid_phrase_when_piped(tmp_path: Path) -> None:
    folder = tmp_path / ("一个很长的文件夹名称用来模拟办公室共享盘上的深层目录" * 2)
    folder.mkdir()
    target = folder / "企业需求清单-填报模板.xlsx"
    run = xiaodi("template", "demands", str(target))
    assert run.returncode == 0, run.stderr
    assert f"已生成企业需求清单模板：{target}\n" in run.stdout


@pytest.mark.parametrize(("url", "said"), [
    ("sqlite:////nonexistent-folder/x.db", "无法打开数据库文件（sqlite:////nonexistent-folder/x.db）"),
    ("postgresql://postgres:secret@127.0.0.1:1/x", "无法连接数据库服务器（postgresql+psycopg://postgres:***@127.0.0.1:1/x）"),
    ("foo://bar", "数据库地址无效；应写作 sqlite:///文件路径"),
    ("NOT-A-DATABASE", "不是数据库文件"),
])
def test_a_database_that_cannot_be_opened_is_said_in_chinese(tmp_path: Path, url: str, said: str) -> None:
    """A wrong address, a missing folder, a server that is down, a file that is no database: a sentence saying what
    to check — not the driver's English with a link to a web page the intranet cannot open."""
    if url == "NOT-A-DATABASE":
        (tmp_path / "notes.db").write_text("不是数据库", encoding="utf-8")
        url = f"sqlite:///{tmp_path / 'notes.db'}"
    done = xiaodi("demand", "list", "--db", url)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert "sqlalche.me" not in done.stderr and "Error" not in done.stderr and "secret" not in done.stderr


def test_upgrading_an_empty_file_says_that_the_reference_data_is_still_to_load(tmp_path: Path) -> None:
    run = xiaodi("db", "upgrade", db=tmp_path / "empty.db")
    assert run.returncode == 0, run.stderr
    assert "数据库结构已是最新版本" in run.stdout and "请运行 xiaodi db init" in run.stdout
    assert xiaodi("db", "init", db=tmp_path / "empty.db").returncode == 0
    again = xiaodi("db", "upgrade", db=tmp_path / "empty.db")
    assert again.returncode == 0 and "db init" not in again.stdout
