"""CLI commands of the demand list: ``xiaodi demand list|show|board`` and one command per step a person takes
(``submit``, ``review``, ``reject``, ``revise``, ``publish``, ``close``, ``withdraw``), generated from the state
machine so that the commands never drift from the rules. The command line acts as the office (trusted caller).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import SYSTEM as TRUSTED
from xiaodi.accounts.scope import Viewer
from xiaodi.cli_options import AsOption, DbOption, JsonOption, cli_actor, cli_console, engine_for
from xiaodi.core.db import transaction
from xiaodi.core.models import to_jsonable
from xiaodi.core.settings import local_minute
from xiaodi.demands.models import DemandKind, DemandState
from xiaodi.demands.service import (
    SYSTEM,
    TRANSITIONS,
    demand_board,
    demand_history,
    get_demand_by_code,
    state_label,
    transition,
    visible_demands,
)

console = cli_console()

CodeArg = Annotated[str, typer.Argument(help="需求编号，如 XQ-2025-000001")]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=to_jsonable))


def _viewer(session: Session, username: str | None) -> Viewer:
    """The command line acts as the office (trusted); ``--user`` lists what that account sees (all its
    organisations and office regions, as on the web)."""
    if username is None:
        return TRUSTED
    from xiaodi.accounts.scope import viewer_of_account

    return viewer_of_account(session, username)


app = typer.Typer(name="demand", help="需求清单：发榜、揭榜与状态流转。", no_args_is_help=True)


@app.command("list")
def list_cmd(
    state: Annotated[DemandState | None, typer.Option("--state", help="只看此状态")] = None,
    kind: Annotated[DemandKind | None, typer.Option("--kind", help="只看此类别")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    user: Annotated[str | None, typer.Option("--user", help="以该账号的视角列出（默认办公室视角）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出需求（办公室视角，或 --user 账号所见）。"""
    with transaction(engine_for(db)) as session:
        rows = visible_demands(session, viewer=_viewer(session, user), states=[state] if state else None,
                               kind=kind, limit=limit)
        data: list[dict[str, Any]] = [
            {"code": d.code, "title": d.title, "kind": d.kind, "state": d.state, "owner": d.owner.name,
             "visibility": d.visibility, "version": d.version} for d in rows]
    if as_json:
        _print_json(data)
        return
    table = Table("编号", "名称", "类别", "状态", "需求单位", "版本")
    for row in data:
        table.add_row(row["code"], row["title"], DemandKind(row["kind"]).label,
                      state_label(row["state"]), row["owner"], str(row["version"]))
    console.print(table)


@app.command("show")
def show_cmd(code: CodeArg, as_json: JsonOption = False, db: DbOption = None) -> None:
    """显示一条需求及其状态流转记录。"""
    with transaction(engine_for(db)) as session:
        demand = get_demand_by_code(session, code=code)
        steps: list[dict[str, Any]] = [
            {"at": t.at, "from": t.from_state, "to": t.to_state, "actor": t.actor, "reason": t.reason}
            for t in demand_history(session, demand_id=demand.id)]
        data: dict[str, Any] = {"code": demand.code, "title": demand.title, "state": demand.state,
                                "version": demand.version, "history": steps}
    if as_json:
        _print_json(data)
        return
    console.print(f"[bold]{demand.code}[/bold] {demand.title}：{state_label(demand.state)}"
                  f"（版本 {demand.version}）")
    table = Table("时间", "从", "到", "操作人", "原因")
    for s in steps:
        table.add_row(local_minute(s["at"]), state_label(s["from"]) if s["from"] else "—",
                      state_label(s["to"]), s["actor"], s["reason"] or "")
    console.print(table)


@app.command("board")
def board_cmd(as_json: JsonOption = False, db: DbOption = None) -> None:
    """各状态的需求数量。"""
    with transaction(engine_for(db)) as session:
        board = demand_board(session, viewer=TRUSTED)
    if as_json:
        _print_json(board)
        return
    table = Table("状态", "数量")
    for state, n in board.items():
        table.add_row(state_label(state), str(n))
    console.print(table)


def _step_command(step: str) -> Callable[..., None]:
    def command(
        code: CodeArg,
        reason: Annotated[str | None, typer.Option("--reason", help="原因")] = None,
        version: Annotated[int | None, typer.Option("--version", help="您看到的版本号，防止覆盖他人修改")] = None,
        as_name: AsOption = None,
        db: DbOption = None,
    ) -> None:
        with transaction(engine_for(db)) as session:
            demand = get_demand_by_code(session, code=code)
            before = demand.state
            transition(session, actor=cli_actor(as_name), demand_id=demand.id, step=step, reason=reason,
                       expected_version=version)
            console.print(f"需求 {demand.code}：{state_label(before)} → {state_label(demand.state)}")

    return command


for step in TRANSITIONS.values():
    if SYSTEM in step.by:
        continue  # happens as a side effect of claims and agreements, never by hand
    app.command(step.name, help=f"{step.label}（{'须' if step.reason_required else '可'}说明原因）")(
        _step_command(step.name))
