"""``xiaodi event …`` (活动) and ``xiaodi contact …`` (对接记录) from the command line.

A command acts as the account named by ``--user`` — with exactly that account's rights (``events.access``), so a
county office's official cannot record another region's outcomes here either — or, without ``--user``, as the
console's operator, trusted like ``xiaodi import`` (whoever holds the database URL), under the ``--as`` name.
Every refusal prints one Chinese line and exits with status 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.cli_options import AsOption, DbOption, JsonOption, UserOption, cli_console, cli_viewer, engine_for
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.demands.service import demand_ref
from xiaodi.events import access, forms, service
from xiaodi.events.models import ContactChannel, Event, EventKind, OutcomeMetric

console = cli_console()
err = cli_console(stderr=True)
T = TypeVar("T")

app = typer.Typer(name="event", help="活动：登记对接会、招聘会等，参会方、成效、活动签约与挂职。", no_args_is_help=True)
contact_app = typer.Typer(name="contact", help="对接记录：谁与谁对接、方式、所涉需求或高校、下一步；按地区和月份计数。",
                          no_args_is_help=True)





@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    with transaction(engine_for(db)) as session:
        yield session


def run(work: Callable[[], T]) -> T:
    """Run ``work``; a refusal or a mistake prints its Chinese message and exits 2, nothing written."""
    try:
        return work()
    except XiaodiError as exc:
        err.print(f"[red]错误：[/red]{exc.message}")
        raise typer.Exit(2) from None


def _number(value: Decimal | None) -> int | str | None:
    """An outcome as people count it: 120 posts, not "120.00"; a sum of money keeps its fen ("1200.50")."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else f"{value.normalize():f}"


def _shown(value: int | str | None) -> str:
    return "" if value is None else str(value)


@app.command("add")
def event_add(
    name: Annotated[str, typer.Argument(help="活动名称")],
    kind: Annotated[str, typer.Option("--kind", help="类别：" + "、".join(EventKind.labels().values()))],
    starts_on: Annotated[str, typer.Option("--date", help="开始日期 YYYY-MM-DD")],
    region: Annotated[str | None, typer.Option("--region", help="所在地区，如 河津市")] = None,
    organiser: Annotated[str | None, typer.Option("--organiser", help="主办单位")] = None,
    ends_on: Annotated[str | None, typer.Option("--end", help="结束日期")] = None,
    venue: Annotated[str | None, typer.Option("--venue", help="地点")] = None,
    agenda: Annotated[str | None, typer.Option("--agenda", help="议程，各项以 ; 分隔")] = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="筹备中 / 已举办 / 已取消；不填时按日期：今天以后为筹备中，否则已举办")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """登记活动。"""
    def work() -> dict[str, Any]:
        with _session(db) as s:
            viewer = cli_viewer(s, user, as_)
            event = service.create_event(
                s, viewer, name=name, kind=kind, starts_on=parse_day(starts_on, "开始日期"),
                ends_on=parse_day(ends_on, "结束日期"),
                region_id=forms.region(s, viewer, region), organiser_id=forms.org(s, viewer, organiser, "主办单位"),
                venue=venue, agenda="\n".join(p.strip() for p in (agenda or "").split(";")) or None, state=state)
            return {"id": event.id, "name": event.name}
    out = run(work)
    _say(out, as_json, f"已登记活动“{out['name']}”（编号 {out['id']}）")


@app.command("outcome")
def event_outcome(
    event_id: Annotated[int, typer.Argument(help="活动编号", min=1, max=2**31 - 1)],
    metric: Annotated[str, typer.Option("--metric", help="成效：" + "、".join(OutcomeMetric.labels()))],
    value: Annotated[str, typer.Option("--value", help="数量")],
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """登记活动成效（同一成效再次登记即更正）。"""
    def work() -> dict[str, Any]:
        with _session(db) as s:
            row = service.record_outcome(s, cli_viewer(s, user, as_), event_id, metric=metric, value=value, note=note)
            return {"event_id": row.event_id, "metric": row.metric, "value": _number(row.value)}
    out = run(work)
    _say(out, as_json, f"活动 {out['event_id']} 成效已登记：{OutcomeMetric(out['metric']).label} {out['value']}")


@app.command("agreement")
def event_agreement(
    event_id: Annotated[int, typer.Argument(help="活动编号", min=1, max=2**31 - 1)],
    agreement: Annotated[str, typer.Argument(help="协议编号，如 XY-2025-000001")],
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """把已登记的协议记为在本活动上签约。"""
    def work() -> dict[str, Any]:
        with _session(db) as s:
            viewer = cli_viewer(s, user, as_)
            row = service.link_agreement(s, viewer, event_id, agreement_id=forms.agreement(s, viewer, agreement))
            return {"event_id": event_id, "agreement": row.code, "title": row.title}
    out = run(work)
    _say(out, as_json, f"协议“{out['title']}”（{out['agreement']}）已记为活动 {event_id} 签约")


@app.command("secondment")
def event_secondment(
    person: Annotated[str, typer.Option("--person", help="挂职人员姓名")],
    unit: Annotated[str, typer.Option("--unit", help="挂职单位")],
    post: Annotated[str, typer.Option("--post", help="挂职岗位")],
    starts_on: Annotated[str, typer.Option("--start", help="开始日期")],
    ends_on: Annotated[str | None, typer.Option("--end", help="结束日期")] = None,
    event_id: Annotated[int | None, typer.Option("--event", help="所属活动编号（科技博士服务团）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="所在地区")] = None,
    home: Annotated[str | None, typer.Option("--home", help="派出单位")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """登记挂职：人员、挂职单位、岗位与任期。"""
    from xiaodi.projects.actions import find_organisation

    def work() -> dict[str, Any]:
        with _session(db) as s:
            viewer = cli_viewer(s, user, as_)
            found, _ = find_organisation(s, viewer, unit[:200])
            row = service.add_secondment(
                s, viewer, person_name=person, unit_id=found.id if found else None, unit_name=unit, post=post,
                starts_on=parse_day(starts_on, "开始日期"), ends_on=parse_day(ends_on, "结束日期"), event_id=event_id,
                region_id=forms.region(s, viewer, region), home_org_id=forms.org(s, viewer, home, "派出单位"))
            return {"id": row.id, "person": row.person_name, "unit": row.unit_name, "post": row.post}
    out = run(work)
    _say(out, as_json, f"已登记挂职：{out['person']}，{out['unit']} {out['post']}")


@app.command("list")
def event_list(
    region: Annotated[str | None, typer.Option("--region", help="地区（含下辖）")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    user: UserOption = None, db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """列出活动（按日期倒序）及其岗位、达成意向人数。"""
    from xiaodi.directory.regions import region_subtree_ids

    def work() -> list[dict[str, Any]]:
        with _session(db) as s:
            viewer = cli_viewer(s, user, None)
            stmt = select(Event).where(access.readable(viewer), Event.retired_at.is_(None))
            place = forms.region(s, viewer, region) if region else None
            if place is not None:
                stmt = stmt.where(Event.region_id.in_(sorted(region_subtree_ids(s, place))))
            rows = []
            for e in s.scalars(stmt.order_by(Event.starts_on.desc(), Event.id.desc()).limit(limit)).unique():
                outcomes = {o.metric: o.value for o in service.outcomes_of(s, e.id)}
                rows.append({"id": e.id, "name": e.name, "kind": EventKind(e.kind).label,
                             "starts_on": e.starts_on.isoformat(),
                             "positions": _number(outcomes.get("positions")),
                             "intent_people": _number(outcomes.get("intent_people"))})
            return rows
    rows = run(work)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("编号", "活动", "类别", "日期", "岗位", "达成意向")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["kind"], r["starts_on"], _shown(r["positions"]),
                      _shown(r["intent_people"]))
    console.print(table)


@contact_app.command("add")
def contact_add(
    contacted_on: Annotated[str, typer.Option("--date", help="对接日期")],
    channel: Annotated[str, typer.Option("--channel", help="方式：" + "、".join(ContactChannel.labels().values()))],
    summary: Annotated[str, typer.Option("--summary", help="对接内容")],
    from_org: Annotated[str | None, typer.Option("--from", help="发起单位")] = None,
    to_org: Annotated[str | None, typer.Option("--to", help="对接单位")] = None,
    university: Annotated[str | None, typer.Option("--university", help="对接高校")] = None,
    demand: Annotated[str | None, typer.Option("--demand", help="相关需求编号（如 XQ-2026-000001）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="所在地区")] = None,
    follow_up: Annotated[str | None, typer.Option("--next", help="下一步")] = None,
    user: UserOption = None, db: DbOption = None, as_: AsOption = None, as_json: JsonOption = False,
) -> None:
    """登记对接记录。"""
    def work() -> dict[str, Any]:
        with _session(db) as s:
            viewer = cli_viewer(s, user, as_)
            row = service.record_contact(
                s, viewer, contacted_on=parse_day(contacted_on, "对接日期"), channel=channel, summary=summary,
                from_org_id=forms.org(s, viewer, from_org, "发起单位"),
                to_org_id=forms.org(s, viewer, to_org, "对接单位"),
                university_id=forms.org(s, viewer, university, "对接高校"), demand_id=demand_ref(s, demand),
                region_id=forms.region(s, viewer, region), follow_up=follow_up)
            return {"id": row.id}
    out = run(work)
    _say(out, as_json, f"对接记录已登记（编号 {out['id']}）")


@contact_app.command("counts")
def contact_counts(
    start: Annotated[str | None, typer.Option("--from", help="起始日期")] = None,
    end: Annotated[str | None, typer.Option("--to", help="截止日期")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区（含下辖）")] = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """对接次数：按地区、月份。"""
    from xiaodi.directory.regions import region_subtree_ids

    def work() -> list[tuple[str, str, int]]:
        with _session(db) as s:
            viewer = cli_viewer(s, None, None)
            place = forms.region(s, viewer, region) if region else None
            ids = region_subtree_ids(s, place) if place is not None else None
            start_on, end_on = parse_day(start, "起始日期"), parse_day(end, "截止日期")
            return service.contact_counts(s, region_ids=ids, start=start_on, end=end_on)
    rows = run(work)
    if as_json:
        typer.echo(json.dumps([{"region": r, "month": m, "count": n} for r, m, n in rows], ensure_ascii=False))
        return
    table = Table("地区", "月份", "对接次数")
    for r, m, n in rows:
        table.add_row(r, m, str(n))
    console.print(table)


def _say(out: Any, as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        console.print(text)


__all__ = ["ValidationFailed", "app", "contact_app"]
