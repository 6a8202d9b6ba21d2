"""CLI of orders (点单派单): ``xiaodi order place|dispatch|respond|record|finish|rate|cancel|list|show``.

Orders are named by their code (DD-2025-000001), organisations and people by name (exact or alias; close matches
are offered, never guessed). The command line acts as a trusted caller for the official named with ``--as``, who
is recorded on every step; a failure prints one Chinese line and exits with status 2, without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.cli_options import AsOption, DbOption, JsonOption, cli_actor, cli_console, engine_for
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed, XiaodiError
from xiaodi.core.models import to_jsonable
from xiaodi.core.records import check_version
from xiaodi.core.settings import local_minute, local_today
from xiaodi.demands.service import IllegalTransition
from xiaodi.directory.models import Organisation, OrgKind, Person
from xiaodi.directory.service import clean_name, resolve_organisation, resolve_person
from xiaodi.orders import service as orders
from xiaodi.orders.models import (
    Assignment,
    AssignmentState,
    OrderState,
    ServiceKind,
    ServiceOrder,
    ServiceRecord,
    ServiceTeam,
)

console = cli_console()

CodeArg = Annotated[str, typer.Argument(help="订单编号，如 DD-2025-000001")]
VersionOption = Annotated[int | None, typer.Option("--version", min=1, help="您看到的订单版本号，防止覆盖他人修改")]



@contextmanager
def _clear_errors() -> Iterator[None]:
    """A rule the command breaks is one Chinese line on stderr and exit status 2 — never a traceback."""
    try:
        yield
    except XiaodiError as exc:
        typer.echo(f"错误：{exc.message}", err=True)
        raise typer.Exit(code=2) from None


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=to_jsonable))


def order_by_code(session: Session, code: str) -> ServiceOrder:
    order = session.scalar(select(ServiceOrder).where(ServiceOrder.code == code.strip()))
    if order is None or order.retired_at is not None:
        raise NotFound(f"未找到订单“{code}”")
    return order


def university_named(session: Session, name: str) -> Organisation:
    try:
        return resolve_organisation(session, name, kind=OrgKind.UNIVERSITY)
    except XiaodiError as first:
        try:
            return resolve_organisation(session, name, kind=OrgKind.INSTITUTE)
        except XiaodiError:
            raise first from None


def team_named(session: Session, name: str, university_id: int | None) -> ServiceTeam:
    team = session.scalar(select(ServiceTeam).where(ServiceTeam.name == clean_name(name),
                                                    ServiceTeam.retired_at.is_(None)))
    if team is not None:
        return team
    hint = ""
    if university_id is not None:
        names = session.scalars(select(ServiceTeam.name).where(ServiceTeam.organisation_id == university_id,
                                                               ServiceTeam.retired_at.is_(None))
                                .order_by(ServiceTeam.name).limit(10)).all()
        hint = f"，该高校的服务团队有：{'、'.join(names)}" if names else "，该高校尚无服务团队"
    raise NotFound(f"未找到服务团队“{name}”{hint}")


def expert_named(session: Session, name: str, university_id: int | None) -> Person:
    """The expert called ``name`` at the serving university (every expert of that name when none is known yet)."""
    try:
        return resolve_person(session, name, organisation_id=university_id)
    except NotFound:
        if university_id is None:
            raise
        university = session.get_one(Organisation, university_id)
        raise NotFound(f"承接高校“{university.name}”没有名为“{name}”的专家") from None


def _latest(session: Session, order: ServiceOrder) -> Assignment | None:
    found = orders.assignments_of(session, order_id=order.id)
    return found[-1] if found else None


def _assignee(d: Assignment) -> str:
    return d.team.name if d.team is not None else (d.expert.name if d.expert is not None else "")


def _state(order: ServiceOrder) -> str:
    return OrderState(order.state).label


def order_data(session: Session, order: ServiceOrder) -> dict[str, Any]:
    university = session.get(Organisation, order.university_id) if order.university_id else None
    records = session.scalars(select(ServiceRecord).where(ServiceRecord.order_id == order.id)
                              .order_by(ServiceRecord.served_on, ServiceRecord.id)).all()
    return {
        "code": order.code, "title": order.title, "kind": order.kind, "state": order.state,
        "state_label": _state(order), "version": order.version, "enterprise": order.enterprise.name,
        "university": university.name if university else None, "placed_at": order.placed_at,
        "rating": order.rating, "rating_comment": order.rating_comment,
        "dispatches": [{"to": _assignee(d), "by": d.dispatched_by, "at": d.at, "state": d.state,
                        "reason": d.response_reason} for d in orders.assignments_of(session, order_id=order.id)],
        "records": [{"served_on": r.served_on, "hours": r.hours, "summary": r.summary, "outcome": r.outcome,
                     "recorded_by": r.recorded_by} for r in records],
    }


app = typer.Typer(name="order", help="点单派单：企业点单、高校派单、服务团队或专家接单、服务记录与评价。",
                  no_args_is_help=True)


@app.command("place")
def place_cmd(
    enterprise: Annotated[str, typer.Option("--enterprise", help="点单企业名称")],
    title: Annotated[str, typer.Option("--title", help="服务内容")],
    university: Annotated[str | None, typer.Option("--university", help="点的高校（可不填，由办公室指定）")] = None,
    kind: Annotated[ServiceKind, typer.Option("--kind", help="服务类别")] = ServiceKind.CONSULTING,
    description: Annotated[str | None, typer.Option("--description", help="需求描述")] = None,
    contact_name: Annotated[str | None, typer.Option("--contact-name", help="联系人")] = None,
    contact_phone: Annotated[str | None, typer.Option("--contact-phone", help="联系电话")] = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """企业点单：以企业名义向高校点一项服务。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        ent = resolve_organisation(session, enterprise, kind=OrgKind.ENTERPRISE)
        uni = university_named(session, university) if university else None
        order = orders.place_order(session, actor=cli_actor(as_name), enterprise_id=ent.id, title=title,
                                   university_id=uni.id if uni else None, kind=kind, description=description,
                                   contact_name=contact_name, contact_phone=contact_phone)
        data = order_data(session, order)
    if as_json:
        _print_json(data)
        return
    to = data["university"] or "待办公室指定高校"
    typer.echo(f"已点单：{data['code']} {data['title']}（{data['enterprise']} → {to}）")


@app.command("dispatch")
def assign_cmd(
    code: CodeArg,
    team: Annotated[str | None, typer.Option("--team", help="服务团队名称（与 --expert 二选一）")] = None,
    expert: Annotated[str | None, typer.Option("--expert", help="专家姓名（与 --team 二选一）")] = None,
    university: Annotated[str | None, typer.Option("--university", help="承接高校（订单未指定高校时）")] = None,
    version: VersionOption = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """派单：把订单派给承接高校的服务团队或专家。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        if (team is None) == (expert is None):
            raise ValidationFailed("请用 --team 指定服务团队，或用 --expert 指定专家（二选一）")
        order = order_by_code(session, code)
        uni = university_named(session, university) if university else None
        serving = order.university_id or (uni.id if uni else None)
        team_id = team_named(session, team, serving).id if team else None
        if team_id is not None and serving is None:
            serving = session.get_one(ServiceTeam, team_id).organisation_id
        expert_id = expert_named(session, expert, serving).id if expert else None
        row = orders.assign_order(session, actor=cli_actor(as_name), order_id=order.id, team_id=team_id,
                                    expert_id=expert_id, university_id=serving, expected_version=version)
        done = f"订单 {order.code} 已派给{_assignee(row)}：{_state(order)}"
    typer.echo(done)


@app.command("respond")
def respond_cmd(
    code: CodeArg,
    accept: Annotated[bool | None, typer.Option("--accept/--decline", help="接单或拒单（拒单须 --reason）")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="拒单原因")] = None,
    version: VersionOption = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """接单或拒单：被派单的服务团队或专家答复。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        if accept is None:
            raise ValidationFailed("请用 --accept 接单，或用 --decline --reason 原因 拒单")
        order = order_by_code(session, code)
        check_version(order, version, f"订单“{order.title}”")
        pending = _latest(session, order)
        if pending is None or pending.state != AssignmentState.PENDING:
            raise IllegalTransition(f"订单“{order.title}”当前为“{_state(order)}”，没有待答复的派单")
        orders.respond_to_assignment(session, actor=cli_actor(as_name), assignment_id=pending.id, accept=accept,
                                   reason=(reason or "").strip() or None)
        done = f"订单 {order.code}：{_assignee(pending)}{'已接单' if accept else '已拒单'}，{_state(order)}"
    typer.echo(done)


@app.command("record")
def record_cmd(
    code: CodeArg,
    summary: Annotated[str, typer.Option("--summary", help="服务内容")],
    served_on: Annotated[str | None, typer.Option("--date", help="服务日期 YYYY-MM-DD（默认今天）")] = None,
    hours: Annotated[str | None, typer.Option("--hours", help="服务时长（小时）")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="服务成效")] = None,
    version: VersionOption = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """登记服务记录：首条记录使订单进入“服务中”。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        day = parse_day(served_on, "服务日期") or local_today()
        try:
            spent = Decimal(hours) if hours else None
        except InvalidOperation as exc:
            raise ValidationFailed(f"服务时长“{hours}”不是有效数字") from exc
        if spent is not None and (not spent.is_finite() or spent > 10000):
            raise ValidationFailed("服务时长应在 0 到 10000 小时之间")
        order = order_by_code(session, code)
        check_version(order, version, f"订单“{order.title}”")
        orders.record_service(session, actor=cli_actor(as_name), order_id=order.id, served_on=day,
                              summary=summary, hours=spent, outcome=outcome)
        done = f"订单 {order.code} 已登记服务记录（{day.isoformat()}）：{_state(order)}"
    typer.echo(done)


@app.command("finish")
def finish_cmd(
    code: CodeArg, version: VersionOption = None, as_name: AsOption = None, db: DbOption = None,
) -> None:
    """服务完成：服务团队或专家报告服务已完成，等待企业评价。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        order = order_by_code(session, code)
        orders.finish_service(session, actor=cli_actor(as_name), order_id=order.id, expected_version=version)
        done = f"订单 {order.code}：{_state(order)}"
    typer.echo(done)


@app.command("rate")
def rate_cmd(
    code: CodeArg,
    rating: Annotated[int, typer.Option("--rating", help="满意度 1–5 分")],
    comment: Annotated[str | None, typer.Option("--comment", help="评价意见")] = None,
    version: VersionOption = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """服务评价：点单企业为服务打 1–5 分。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        order = order_by_code(session, code)
        check_version(order, version, f"订单“{order.title}”")
        orders.rate_order(session, actor=cli_actor(as_name), order_id=order.id, rating=rating, comment=comment)
        done = f"订单 {order.code} 已评价：{rating} 分"
    typer.echo(done)


@app.command("cancel")
def cancel_cmd(
    code: CodeArg,
    reason: Annotated[str, typer.Option("--reason", help="取消原因")],
    version: VersionOption = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """取消订单（服务开始前，须说明原因）。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        order = order_by_code(session, code)
        check_version(order, version, f"订单“{order.title}”")
        orders.cancel_order(session, actor=cli_actor(as_name), order_id=order.id, reason=reason)
        done = f"订单 {order.code}：{_state(order)}"
    typer.echo(done)


@app.command("list")
def list_cmd(
    state: Annotated[OrderState | None, typer.Option("--state", help="只看此状态")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="只看此企业的订单")] = None,
    university: Annotated[str | None, typer.Option("--university", help="只看此高校承接的订单")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="最多列出条数")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出订单（办公室视角），新点的在前。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        stmt = select(ServiceOrder).where(ServiceOrder.retired_at.is_(None))
        if state is not None:
            stmt = stmt.where(ServiceOrder.state == state)
        if enterprise:
            ent = resolve_organisation(session, enterprise, kind=OrgKind.ENTERPRISE)
            stmt = stmt.where(ServiceOrder.enterprise_id == ent.id)
        if university:
            stmt = stmt.where(ServiceOrder.university_id == university_named(session, university).id)
        rows = session.scalars(stmt.order_by(ServiceOrder.placed_at.desc(), ServiceOrder.id.desc())
                               .limit(limit)).unique().all()
        data: list[dict[str, Any]] = [
            {"code": o.code, "title": o.title, "kind": o.kind, "state": o.state, "enterprise": o.enterprise.name,
             "university": o.university.name if o.university else None, "placed_at": o.placed_at,
             "rating": o.rating, "version": o.version} for o in rows]
    if as_json:
        _print_json(data)
        return
    table = Table("编号", "服务内容", "类别", "状态", "点单企业", "服务高校", "评价", "版本")
    for row in data:
        table.add_row(row["code"], row["title"], ServiceKind.labels().get(row["kind"], row["kind"]),
                      OrderState(row["state"]).label, row["enterprise"], row["university"] or "—",
                      str(row["rating"] or ""), str(row["version"]))
    console.print(table)


@app.command("show")
def show_cmd(code: CodeArg, as_json: JsonOption = False, db: DbOption = None) -> None:
    """显示一条订单及其派单记录和服务记录。"""
    with _clear_errors(), transaction(engine_for(db)) as session:
        data = order_data(session, order_by_code(session, code))
    if as_json:
        _print_json(data)
        return
    console.print(f"[bold]{data['code']}[/bold] {data['title']}：{data['state_label']}（版本 {data['version']}）")
    console.print(f"点单企业：{data['enterprise']}；服务高校：{data['university'] or '待指定'}"
                  + (f"；评价：{data['rating']} 分 {data['rating_comment'] or ''}" if data["rating"] else ""))
    assigned = Table("派给", "派单人", "时间", "答复", "原因", title="派单记录")
    for d in data["dispatches"]:
        assigned.add_row(d["to"], d["by"], local_minute(d["at"]),
                           AssignmentState.labels().get(d["state"], d["state"]), d["reason"] or "")
    console.print(assigned)
    served = Table("日期", "时长", "服务内容", "成效", "登记人", title="服务记录")
    for r in data["records"]:
        served.add_row(r["served_on"].isoformat(), str(r["hours"] or ""), r["summary"], r["outcome"] or "",
                       r["recorded_by"] or "")
    console.print(served)
