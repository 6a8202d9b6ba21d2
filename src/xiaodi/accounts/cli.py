"""``xiaodi user add/list/disable/enable/reset-password/unlock/token`` — account administration from the shell."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from xiaodi.accounts.models import Role
from xiaodi.cli_options import DbOption, cli_console, engine_for
from xiaodi.core.audit import Actor
from xiaodi.core.db import transaction
from xiaodi.core.settings import local_minute

console = cli_console()
ACTOR = Actor.system("cli")

ROLE_HELP = "角色：" + "，".join(f"{r.value}（{r.label}）" for r in Role)


def _print_secret(label: str, secret: str) -> None:
    """A secret alone on its own line, printed plainly: rich would wrap a long line and break a copy-paste."""
    typer.echo(label)
    typer.echo(secret)


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────



app = typer.Typer(name="user", help="账号：新建、列出、停用、重置密码、解除锁定、生成接口令牌。", no_args_is_help=True)


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="用户名（字母、数字、_ . @ -）")],
    role: Annotated[Role, typer.Option("--role", help=ROLE_HELP)],
    name: Annotated[str | None, typer.Option("--name", help="姓名/显示名")] = None,
    region: Annotated[str | None, typer.Option("--region", help="办公室的辖区：行政区名称或代码")] = None,
    organisation: Annotated[str | None, typer.Option("--org", help="企业/高校/牵头单位的名称")] = None,
    password: Annotated[str | None, typer.Option("--password", help="密码；不给则随机生成并打印")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    db: DbOption = None,
) -> None:
    """新建账号并授予一个角色。"""
    from xiaodi.accounts.service import create_user, generate_password
    from xiaodi.directory.service import resolve_organisation, resolve_region

    secret = password or generate_password()
    with transaction(engine_for(db)) as session:
        region_id = resolve_region(session, region).id if region else None
        org_id = resolve_organisation(session, organisation).id if organisation else None
        create_user(session, actor=ACTOR, username=username, display_name=name or username, password=secret,
                    role=role, region_id=region_id, organisation_id=org_id, email=email, phone=phone,
                    must_change_password=password is None)
    console.print(f"已新建账号 {username}（{role.label}）。")
    if password is None:
        _print_secret("初始密码（首次登录后请修改）：", secret)


@app.command("list")
def list_(db: DbOption = None) -> None:
    """列出所有账号及其角色与范围。"""
    from xiaodi.accounts.service import list_users

    table = Table("用户名", "姓名", "状态", "角色与范围", "最近登录")
    with transaction(engine_for(db)) as session:
        for user in list_users(session):
            scopes = []
            for m in user.memberships:
                if m.retired_at is None:
                    where = m.region.full_name if m.region else (m.organisation.name if m.organisation else "")
                    scopes.append(f"{Role(m.role).label}{'·' + where if where else ''}")
            state = "正常" if user.is_active else "已停用"
            if user.locked_until is not None:
                state += "（曾锁定）"
            last = local_minute(user.last_login_at) if user.last_login_at else "—"
            table.add_row(user.username, user.display_name, state, "；".join(scopes) or "（无角色）", last)
    console.print(table)


@app.command("disable")
def disable(
    username: str,
    reason: Annotated[str | None, typer.Option("--reason", help="停用原因")] = None,
    db: DbOption = None,
) -> None:
    """停用账号：不能再登录，令牌失效。"""
    from xiaodi.accounts.service import set_active

    with transaction(engine_for(db)) as session:
        set_active(session, actor=ACTOR, username=username, active=False, reason=reason)
    console.print(f"账号 {username} 已停用。")


@app.command("enable")
def enable(username: str, db: DbOption = None) -> None:
    """重新启用账号。"""
    from xiaodi.accounts.service import set_active

    with transaction(engine_for(db)) as session:
        set_active(session, actor=ACTOR, username=username, active=True)
    console.print(f"账号 {username} 已启用。")


@app.command("reset-password")
def reset(
    username: str,
    password: Annotated[str | None, typer.Option("--password", help="新密码；不给则随机生成并打印")] = None,
    db: DbOption = None,
) -> None:
    """重置密码并解除锁定；原有登录会话失效。"""
    from xiaodi.accounts.service import reset_password

    with transaction(engine_for(db)) as session:
        _, secret = reset_password(session, actor=ACTOR, username=username, password=password)
    console.print(f"账号 {username} 的密码已重置。")
    if password is None:
        _print_secret("新密码（下次登录后请修改）：", secret)


@app.command("token")
def token(
    username: str,
    name: Annotated[str, typer.Option("--name", help="令牌用途")] = "命令行生成",
    db: DbOption = None,
) -> None:
    """为账号生成接口令牌（只显示一次）。"""
    from xiaodi.accounts.service import create_api_token, get_user

    with transaction(engine_for(db)) as session:
        issued = create_api_token(session, actor=ACTOR, user_id=get_user(session, username).id, name=name)
    _print_secret("接口令牌（请妥善保存，只显示一次）：", issued.secret)


@app.command("unlock")
def unlock(username: str, db: DbOption = None) -> None:
    """解除登录锁定与等待（含管理员账号）：此前的密码错误次数不再计算。"""
    from xiaodi.accounts.service import unlock_user

    with transaction(engine_for(db)) as session:
        unlock_user(session, actor=ACTOR, username=username)
    console.print(f"账号 {username} 的登录锁定已解除。")
