"""``xiaodi demo``: build a fresh demo database from the seed reports' programme, print its summary, serve it.

The command only ever replaces a file that is itself a demo database (it carries the ``demo_build`` audit entry);
any other file at the path is refused, so a user's own ledger is never destroyed.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from xiaodi.cli_options import cli_console, engine_for
from xiaodi.core.errors import Conflict, ValidationFailed
from xiaodi.core.settings import Settings
from xiaodi.demo.builder import MARKER_ACTION, build_demo

DEFAULT_DB = Path("xiaodi.db")
SIDE_FILES = ("-wal", "-shm", "-journal")


def database_path(db: str | None) -> Path:
    """The SQLite file the demo goes to: ``--db`` (a path or a ``sqlite:///`` URL), else ``XIAODI_DATABASE_URL``
    (as every other command reads it), else ./xiaodi.db. Other databases are refused."""
    db = db or Settings().database_url
    if not db:
        return DEFAULT_DB
    if "://" in db:
        if not db.startswith("sqlite:///"):
            raise ValidationFailed("演示数据库只建在 SQLite 文件中，请用 --db 指定文件路径（如 ./xiaodi-demo.db）")
        return Path(db.removeprefix("sqlite:///"))
    return Path(db)


def is_demo_database(path: Path) -> bool:
    """True when ``path`` is a SQLite database that ``xiaodi demo`` built (read-only check, never writes)."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entry'").fetchone() is None:
            return False
        row = conn.execute("SELECT 1 FROM audit_entry WHERE action = ? LIMIT 1", (MARKER_ACTION,)).fetchone()
        return row is not None
    except sqlite3.Error:  # not a database at all, or not ours
        return False
    finally:
        conn.close()


def clear_previous_demo(path: Path) -> bool:
    """Remove a previous demo database at ``path``; refuse anything else. Returns True when a file was removed."""
    if not path.exists():
        return False
    if not path.is_file() or not is_demo_database(path):
        raise Conflict(
            f"“{path}”已存在且不是演示数据库，为保护您的数据不予覆盖。请用 --db 指定另一个文件，或先自行移走该文件。"
        )
    path.unlink()
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()
    return True


def _build_match_indexes(engine: Engine, err: Console) -> None:
    """The indexes a demand is matched against, built now (and any left by an earlier demo replaced): the server
    loads them when it starts, so the first demand's candidates do not wait for them."""
    from sqlalchemy.orm import Session

    from xiaodi.matching.service import DEMAND_TARGETS, rebuild_index

    with Session(engine) as session:
        for target in DEMAND_TARGETS["technology"]:
            rebuild_index(session, target)
    err.print("  匹配索引已建立")


def web_available() -> bool:
    """The web platform is there when ``xiaodi.web.app:create_app`` exists."""
    try:
        spec = importlib.util.find_spec("xiaodi.web.app")
    except ModuleNotFoundError:
        return False
    if spec is None:
        return False
    from xiaodi.web import app as web_app

    return hasattr(web_app, "create_app")


def _serve(engine: Engine, path: Path, *, host: str, port: int, console: Console) -> None:
    """Serve the demo with its own session key, generated once and kept beside the database."""
    import uvicorn

    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app
    from xiaodi.web.secret import ensure_demo_secret

    settings = Settings(database_url=f"sqlite:///{path}", secret_key=ensure_demo_secret(path))
    console.print(f"网页平台：http://{host}:{port}/ （Ctrl+C 停止）")
    uvicorn.run(create_app(engine, settings=settings), host=host, port=port, log_level="warning",
                proxy_headers=False)


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


@app.command("demo")
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="只建库并打印概览，不启动网页平台")] = False,
    db: Annotated[str | None, typer.Option("--db", help="演示数据库文件（默认 XIAODI_DATABASE_URL）")] = None,
    host: Annotated[str, typer.Option("--host", help="网页平台监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="网页平台端口")] = 8000,
) -> None:
    """建一个全新的演示数据库：公开参考数据 + 五篇报道所述的校地合作（河津、盐湖、芮城、长治、朝阳），
    并启动网页平台。"""
    console = cli_console()
    err = cli_console(stderr=True)
    path = database_path(db)
    if clear_previous_demo(path):
        err.print(f"已删除上一次的演示数据库 {path}")
    url = f"sqlite:///{path}"
    engine = engine_for(url)

    def progress(step: str, done: int, total: int) -> None:
        err.print(f"  [{done}/{total}] {step}")

    try:
        summary = build_demo(engine, progress=progress)
        _build_match_indexes(engine, err)
    finally:
        engine.dispose()
    for line in summary.render_summary():
        console.print(line, highlight=False, markup=False)
    console.print(f"数据库文件：{path.resolve()}", highlight=False)
    from xiaodi.web.secret import ensure_demo_secret

    ensure_demo_secret(path)  # `xiaodi serve --db` on this demo database uses it too
    if no_serve:
        return
    if not web_available():
        console.print("网页平台尚未提供（随网页功能发布）；演示数据库已建好，可用 --db 指向它。")
        return
    _serve(engine_for(url), path, host=host, port=port, console=console)
