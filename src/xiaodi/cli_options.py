"""Options every ``xiaodi`` sub-command shares, declared once: the database, JSON output and the acting person."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Annotated

import typer
from sqlalchemy import Engine

from xiaodi.core.audit import Actor

EngineFactory = Callable[[str | None], Engine]

DbOption = Annotated[
    str | None, typer.Option("--db", help="数据库 URL（默认读取 XIAODI_DATABASE_URL，否则 ./xiaodi.db）")
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]
AsOption = Annotated[str | None, typer.Option("--as", help="操作人姓名，记入留痕（默认：命令行:当前系统用户）")]


def cli_actor(name: str | None) -> Actor:
    """The person a command acts as (记入留痕): the ``--as`` name, else the operating-system user."""
    return Actor(name=name or f"命令行:{getpass.getuser()}")
