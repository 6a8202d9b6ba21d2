"""``xiaodi notify …``: the daily reminder run (``due``: milestones due within 7 days), sending the e-mail outbox
(``send``) and reading an account's inbox (``list``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from xiaodi.accounts.models import User
from xiaodi.cli_options import DbOption, JsonOption, cli_console, engine_for
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.settings import get_settings
from xiaodi.notifications import service
from xiaodi.notifications.models import NoticeKind
from xiaodi.projects import reminders
from xiaodi.talent.service import notify_overdue_steps

console = cli_console()
err = cli_console(stderr=True)

app = typer.Typer(name="notify", help="待办与提醒：节点到期与一件事逾期提醒、发送通知邮件、查看消息。",
                  no_args_is_help=True)


@app.command("due")
def due(
    today: Annotated[str | None, typer.Option("--today", help="按该日计算（默认今天，部署地时区）")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=60, help="提前天数")] = reminders.DUE_DAYS,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """节点到期提醒与一件事逾期提醒：每天运行一次（如 cron），同一节点同一期限、同一事项只提醒一次。"""
    day = parse_day(today, "日期") or get_settings().today()
    with transaction(engine_for(db)) as s:
        count = reminders.notify_due_milestones(s, today=day, days=days)
        overdue = notify_overdue_steps(s, today=day)
    if as_json:
        typer.echo(json.dumps({"today": day.isoformat(), "sent": count, "overdue_steps": overdue}))
    else:
        console.print(f"{day}：发出节点到期提醒 {count} 条，一件事逾期提醒 {overdue} 条")
    with transaction(engine_for(db)) as s:
        service.send_pending(s)


@app.command("send")
def send(db: DbOption = None) -> None:
    """发送发件箱中待发送或发送失败的通知邮件（未配置 XIAODI_SMTP_HOST 时不发送）。"""
    if not get_settings().smtp_host:
        console.print("未配置 XIAODI_SMTP_HOST：通知只在站内消息中，不发送邮件")
        return
    with transaction(engine_for(db)) as s:
        sent, failed = service.send_pending(s)
    console.print(f"已发送 {sent} 封，失败 {failed} 封（失败的会在下次重试）")


@app.command("list")
def list_messages(
    username: Annotated[str, typer.Argument(help="用户名")],
    unread: Annotated[bool, typer.Option("--unread", help="只看未读")] = False,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """查看一个账号的消息。"""
    with transaction(engine_for(db)) as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        if uid is None:
            err.print(f"[red]错误：[/red]账号“{username}”不存在")
            raise typer.Exit(2)
        rows, total = service.inbox(s, uid, unread_only=unread)
        data = [{"id": n.id, "kind": NoticeKind(n.kind).label, "title": n.title, "link": n.link,
                 "read": n.read_at is not None} for n in rows]
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("编号", "类别", "标题", "已读", title=f"{username} 的消息（共 {total} 条）")
    for d in data:
        table.add_row(str(d["id"]), str(d["kind"]), str(d["title"]), "是" if d["read"] else "否")
    console.print(table)
