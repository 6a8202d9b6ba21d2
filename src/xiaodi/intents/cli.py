"""``xiaodi intent``: cooperation intents (合作意向) from the command line — add, list, show, convert (签约), close.

Names of organisations and places are resolved as on the pages; dates are YYYY-MM-DD. ``--user`` acts with an
account's rights (``intents.access``), otherwise as the operator console.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.cli_options import AsOption, DbOption, JsonOption, UserOption, cli_console, cli_viewer, engine_for
from xiaodi.core.days import required_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.models import to_jsonable
from xiaodi.demands.service import demand_ref
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.intents import access, service
from xiaodi.intents.figures import intent_figures
from xiaodi.intents.models import Intent, IntentState
from xiaodi.projects.models import Agreement

app = typer.Typer(name="intent", help="合作意向：登记、列表、查看、转为协议（签约）、终止。", no_args_is_help=True)
console = cli_console()

CodeArg = Annotated[str, typer.Argument(help="意向编号，如 YX-2025-000001")]


def _by_code(session: Session, code: str) -> Intent:
    found = session.scalar(select(Intent).where(Intent.code == code.strip()))
    if found is None:
        raise NotFound(f"合作意向“{code}”不存在")
    return found


@app.command("add")
def add(
    topic: Annotated[str, typer.Option("--topic", help="合作内容")],
    enterprise: Annotated[str, typer.Option("--enterprise", help="企业（单位）名称")],
    university: Annotated[str, typer.Option("--university", help="高校（院所）名称")],
    agreed_on: Annotated[str, typer.Option("--date", help="达成意向日期 YYYY-MM-DD")],
    region: Annotated[str | None, typer.Option("--region", help="地区（默认取活动或企业所在地）")] = None,
    event_id: Annotated[int | None, typer.Option("--event", min=1, help="来自的活动编号")] = None,
    demand_code: Annotated[str | None, typer.Option("--demand", help="对应的需求编号")] = None,
    source: Annotated[str | None, typer.Option("--source", help="来源，如 走访")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """登记一条合作意向。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_)
        access.require_office(viewer, "登记合作意向")
        intent = service.record_intent(
            session, viewer, topic=topic, enterprise_id=resolve_organisation(session, enterprise).id,
            university_id=resolve_organisation(session, university).id, agreed_on=required_day(agreed_on, "达成日期"),
            region_id=resolve_region(session, region).id if region else None, event_id=event_id,
            demand_id=demand_ref(session, demand_code), source=source)
        if as_json:
            typer.echo(json.dumps({"id": intent.id, "code": intent.code, "state": str(intent.state)},
                                  ensure_ascii=False))
        else:
            console.print(f"已登记合作意向 {intent.code}：{intent.topic}")


@app.command("list")
def list_(
    region: Annotated[str | None, typer.Option("--region", help="地区（含下辖区县）")] = None,
    state: Annotated[str | None, typer.Option("--state", help="状态：洽谈中 / 已签约 / 已终止")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    user: UserOption = None, db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """列出合作意向（按账号的数据范围）。"""
    from xiaodi.intents.figures import subtree_ids

    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, None)
        stmt = select(Intent).where(access.readable(viewer), Intent.retired_at.is_(None))
        if region:
            stmt = stmt.where(Intent.region_id.in_(subtree_ids(session, resolve_region(session, region).id)))
        if state:
            try:
                stmt = stmt.where(Intent.state == IntentState.from_label(state).value)
            except ValueError as exc:
                raise ValidationFailed(f"状态{exc}") from exc
        rows = list(session.scalars(stmt.order_by(Intent.agreed_on.desc(), Intent.id.desc()).limit(limit)).unique())
        if as_json:
            typer.echo(json.dumps([{"code": i.code, "topic": i.topic, "enterprise": i.enterprise.name,
                                    "university": i.university.name, "agreed_on": i.agreed_on.isoformat(),
                                    "state": str(i.state)} for i in rows], ensure_ascii=False, indent=2))
            return
        table = Table("编号", "合作内容", "企业（单位）", "高校（院所）", "日期", "状态")
        for i in rows:
            table.add_row(i.code, i.topic, i.enterprise.name, i.university.name, i.agreed_on.isoformat(),
                          IntentState(i.state).label)
        console.print(table)


@app.command("show")
def show(code: CodeArg, user: UserOption = None, db: DbOption = None) -> None:
    """查看一条合作意向。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, None)
        intent = access.get_readable(session, viewer, _by_code(session, code).id)
        data = {"编号": intent.code, "合作内容": intent.topic, "企业（单位）": intent.enterprise.name,
                "高校（院所）": intent.university.name, "达成日期": intent.agreed_on,
                "状态": IntentState(intent.state).label,
                "协议": session.scalar(select(Agreement.code).where(Agreement.id == intent.agreement_id))
                if intent.agreement_id else None, "终止原因": intent.close_reason}
        for key, value in data.items():
            if value is not None:
                console.print(f"{key}：{to_jsonable(value)}")


@app.command("convert")
def convert(code: CodeArg, agreement: Annotated[str, typer.Option("--agreement", help="双方签订的协议编号")],
            user: UserOption = None, db: DbOption = None, as_: AsOption = None) -> None:
    """合作意向转为协议（签约）：协议的签约方须包括意向双方。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_)
        found = session.scalar(select(Agreement.id).where(Agreement.code == agreement.strip()))
        if found is None:
            raise NotFound(f"协议“{agreement}”不存在")
        intent = service.convert_to_agreement(session, viewer, _by_code(session, code).id, found)
        console.print(f"合作意向 {intent.code} 已签约（协议 {agreement}）")


@app.command("close")
def close(code: CodeArg, reason: Annotated[str, typer.Option("--reason", help="终止原因（必填）")] = "",
          user: UserOption = None, db: DbOption = None, as_: AsOption = None) -> None:
    """终止合作意向（须说明原因）。"""
    with transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user, as_)
        intent = service.close_intent(session, viewer, _by_code(session, code).id, reason)
        console.print(f"合作意向 {intent.code} 已终止：{intent.close_reason}")


@app.command("figures")
def figures(region: Annotated[str | None, typer.Option("--region", help="地区（含下辖区县）")] = None,
            year: Annotated[int | None, typer.Option("--year", min=2000, max=2100)] = None,
            db: DbOption = None) -> None:
    """合作意向统计：登记数、已签约数、转化率。"""
    with transaction(engine_for(db)) as session:
        start, end = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
        found = intent_figures(session, region_id=resolve_region(session, region).id if region else None,
                               date_from=start, date_to=end)
        console.print(f"合作意向 {found.recorded} 项，已签约 {found.converted} 项，转化率 {found.rate_text}")
