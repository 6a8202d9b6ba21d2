"""Options every ``xiaodi`` sub-command shares, declared once: the database, JSON output and the acting person."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor

if TYPE_CHECKING:
    from xiaodi.accounts.scope import Viewer

EngineFactory = Callable[[str | None], Engine]

_engines: list[Engine] = []  # the databases this command opened, to explain a database error (``xiaodi.cli``)


_fixed: list[Engine] = []  # the engine every command uses inside ``fixed_engine``, whatever ``--db`` says


@contextmanager
def fixed_engine(engine: Engine) -> Iterator[Engine]:
    """Commands run inside this block open ``engine`` (a test's ledger, a program that embeds the commands)."""
    _fixed.append(engine)
    try:
        yield engine
    finally:
        _fixed.remove(engine)


def engine_for(url: str | None) -> Engine:
    """The engine of ``--db`` (or ``XIAODI_DATABASE_URL``), remembered so a missing schema can be explained."""
    from xiaodi.core.db import make_engine

    if _fixed:
        return _fixed[-1]
    engine = make_engine(url)
    _engines.append(engine)
    return engine


def opened_engines() -> list[Engine]:
    return list(_engines)


def require_initialised(engine: Engine) -> Engine:
    """``engine`` if its database was initialised. A command that runs until stopped (``serve``, ``worker``) asks
    first: on a database where ``xiaodi db init`` never ran it is refused at once, in Chinese, instead of failing
    on every page or job afterwards."""
    from xiaodi.core.errors import XiaodiError
    from xiaodi.core.migrate import NOT_INITIALISED, is_initialised

    if not is_initialised(engine):
        engine.dispose()
        raise XiaodiError(NOT_INITIALISED, status=503, code="not_initialised")
    return engine

def input_file(value: Any) -> Any:
    """Typer callback for a file a command reads (``callback=input_file``): missing, a folder or unreadable is said
    in Chinese before the command starts (``core.paths``). Takes one path, a list of them or ``None``."""
    from xiaodi.core.paths import check_input

    for path in value if isinstance(value, list | tuple) else [value]:
        if path is not None:
            check_input(path)
    return value


def output_file(value: Any) -> Any:
    """Typer callback for a file a command writes (``callback=output_file``): a missing folder, a folder in its
    place or no permission is said in Chinese before the command does its work (``core.paths``)."""
    from xiaodi.core.paths import check_output

    if value is not None:
        check_output(value)
    return value


DbOption = Annotated[
    str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL，否则 ./xiaodi.db）")
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
UserOption = Annotated[
    str | None, typer.Option("--user", help="以平台账号的身份和权限操作（用户名）；不填则为服务器控制台")
]
AsOption = Annotated[str | None, typer.Option("--as", help="操作人姓名，记入留痕（默认：命令行:当前系统用户）")]


def cli_actor(name: str | None) -> Actor:
    """The person a command acts as (记入留痕): the ``--as`` name, else the operating-system user."""
    return Actor(name=name or f"命令行:{getpass.getuser()}")


def cli_viewer(session: Session, username: str | None, as_name: str | None = None) -> Viewer:
    """Whom a command acts as: with ``--user``, that active account's role and scope
    (``accounts.scope.viewer_of_account``); without it, the operator — trusted as an administrator — named by
    ``--as`` in the audit trail (``cli_actor``)."""
    from xiaodi.accounts.models import Role
    from xiaodi.accounts.scope import Viewer, viewer_of_account

    if username:
        return viewer_of_account(session, username)
    return Viewer(user_id=None, name=cli_actor(as_name).name, roles=frozenset({Role.ADMIN}))


def cli_console(*, stderr: bool = False) -> Console:
    """A console for a command's output. In a terminal rich wraps at the terminal's width; piped or redirected
    it would wrap at 80 columns and break a Chinese summary mid-phrase, so lines are written whole instead
    (``COLUMNS`` still sets a width for tables)."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty() or os.environ.get("COLUMNS"):
        return Console(stderr=stderr)
    return Console(stderr=stderr, soft_wrap=True, width=200)
