"""``xiaodi base …``: the 12 base types, a base's life (申报 → 审核 → 认定 → 挂牌 → 运行 → 年度评估 → 撤销), its
activities and figures; ``xiaodi base pairing …``: 1+1+N pairings, duties (职责任务) and progress, 领导包联.

A command acts as the trusted caller (the office at the console) under the ``--as`` name; with ``--user 账号`` it
acts as that account instead and the account's role and region are checked as on the pages. Every failure is an
``XiaodiError`` whose Chinese message ``xiaodi`` prints without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.bases import access, figures, service
from xiaodi.bases.models import ActivityKind, BaseState, DutyState, ProgrammeBase, ReviewResult
from xiaodi.cli_options import AsOption, DbOption, JsonOption, UserOption, cli_console, cli_viewer, engine_for
from xiaodi.core.days import parse_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.models import to_jsonable
from xiaodi.core.settings import local_today
from xiaodi.directory.models import OrgKind

app = typer.Typer(name="base", no_args_is_help=True,
                  help="12大基地：基地类型、申报→审核→认定→挂牌→运行→年度评估→撤销、基地活动与统计；1+1+N结对")
pairing_app = typer.Typer(name="pairing", help="1+1+N结对：建立结对、成员单位、职责任务与工作计划、进展报告、领导包联",
                          no_args_is_help=True)
app.add_typer(pairing_app)

console = cli_console()
T = TypeVar("T")

BaseArg = Annotated[str, typer.Argument(help="基地编号或基地名称")]
RegionOption = Annotated[str | None, typer.Option("--region", help="行政区名称，如 河津市")]


def _run(db: str | None, who: str | None, user: str | None, work: Callable[[Session, Viewer], T]) -> T:
    """Open the database, build the acting viewer and run ``work`` in one transaction."""
    with transaction(engine_for(db)) as session:
        return work(session, cli_viewer(session, user, who))


def _base_id(session: Session, viewer: Viewer, text: str) -> int:
    if text.isdigit():
        return int(text)
    found = session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == text.strip(),
                                                          access.readable_bases(viewer)))
    if found is None:
        raise NotFound(f"未找到基地“{text}”")
    return int(found)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=to_jsonable))


# ── base types ───────────────────────────────────────────────────────────────────────────────────────────────


@app.command("types")
def types_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出基地类型（12大基地）。"""
    rows = _run(db, None, None, lambda s, v: [(t.id, t.code, t.name, bool(t.is_active))
                                              for t in service.base_types(s)])
    if as_json:
        _print_json([{"id": i, "code": c, "name": n, "is_active": a} for i, c, n, a in rows])
        return
    table = Table("编号", "代码", "名称", "状态")
    for i, c, n, a in rows:
        table.add_row(str(i), c, n, "启用" if a else "已停用")
    console.print(table)


@app.command("type-add")
def type_add(name: Annotated[str, typer.Argument(help="类型名称")],
             code: Annotated[str | None, typer.Option("--code")] = None,
             description: Annotated[str | None, typer.Option("--description")] = None,
             db: DbOption = None, who: AsOption = None, user: UserOption = None) -> None:
    """新增基地类型（省级办公室）。"""
    name = _run(db, who, user, lambda s, v: service.add_base_type(s, v, name=name, code=code,
                                                                  description=description).name)
    console.print(f"已新增基地类型“{name}”")


@app.command("type-edit")
def type_edit(type_name: Annotated[str, typer.Argument(help="类型名称或代码")],
              rename: Annotated[str | None, typer.Option("--rename", help="新名称")] = None,
              active: Annotated[bool | None, typer.Option("--active/--inactive", help="启用或停用")] = None,
              reason: Annotated[str | None, typer.Option("--reason")] = None,
              db: DbOption = None, who: AsOption = None, user: UserOption = None) -> None:
    """基地类型更名、停用或启用（省级办公室）。"""
    def work(s: Session, v: Viewer) -> str:
        row = service.type_by_name(s, type_name)
        if rename:
            service.rename_base_type(s, v, row.id, name=rename, reason=reason)
        if active is not None:
            service.set_base_type_active(s, v, row.id, active=active, reason=reason)
        return f"基地类型“{row.name}”{'启用' if row.is_active else '已停用'}"

    console.print(_run(db, who, user, work))


@app.command("seed-types")
def seed_types(db: DbOption = None, who: AsOption = None) -> None:
    """补齐《关于深化省校合作的实施方案》的12类基地（已有的不变）。"""
    added = _run(db, who, None, lambda s, v: service.seed_base_types(s, actor=v.actor))
    console.print(f"新增基地类型 {added} 个")


# ── bases ────────────────────────────────────────────────────────────────────────────────────────────────────


@app.command("add")
def base_add(
    name: Annotated[str, typer.Argument(help="基地名称")],
    type_name: Annotated[str, typer.Option("--type", help="基地类型名称或代码")],
    region: RegionOption = None,
    host: Annotated[str | None, typer.Option("--host", help="依托单位")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="合作高校")] = None,
    lead_unit: Annotated[str | None, typer.Option("--lead-unit", help="牵头单位")] = None,
    capacity: Annotated[int | None, typer.Option("--capacity", min=0, max=1_000_000, help="年承载人次")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="联系人")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """申报基地。"""
    def work(s: Session, v: Viewer) -> dict[str, Any]:
        base = service.propose_base(s, v, service.BaseInput(
            name=name, base_type_id=service.type_by_name(s, type_name).id,
            region_id=service.region_id_by_name(s, region), host_org_id=service.org_id_by_name(s, host),
            partner_org_id=service.org_id_by_name(s, partner),
            lead_unit_id=service.org_id_by_name(s, lead_unit, OrgKind.GOVERNMENT), capacity=capacity,
            contact_name=contact, contact_phone=phone))
        return {"id": base.id, "name": base.name, "state": str(base.state)}

    out = _run(db, who, user, work)
    if as_json:
        _print_json(out)
    else:
        console.print(f"基地“{out['name']}”已申报（编号 {out['id']}）")


@app.command("step")
def base_step(
    base: BaseArg,
    step: Annotated[str, typer.Argument(help="review 审核 / recognise 认定 / plaque 挂牌 / operate 投入运行 / "
                                             "yearly_review 年度评估 / revoke 撤销")],
    reason: Annotated[str | None, typer.Option("--reason", help="意见或原因（撤销必填）")] = None,
    on: Annotated[str | None, typer.Option("--on", help="办理日期 YYYY-MM-DD（挂牌即挂牌日期）")] = None,
    ceremony: Annotated[str | None, typer.Option("--ceremony", help="挂牌仪式（挂牌必填）")] = None,
    year: Annotated[int | None, typer.Option("--year", min=2000, max=2100, help="评估年度")] = None,
    result: Annotated[str | None, typer.Option("--result", help="评估结果：优秀/合格/不合格")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """办理基地：审核、认定、挂牌、投入运行、年度评估、撤销。"""
    def work(s: Session, v: Viewer) -> str:
        grade = None
        if result:
            try:
                grade = ReviewResult.from_label(result)
            except ValueError as exc:
                raise ValidationFailed(str(exc)) from exc
        row = service.take_step(s, v, _base_id(s, v, base), step, reason=reason, on=parse_day(on, "办理日期"),
                                ceremony=ceremony, review_year=year, review_result=grade)
        return f"基地“{row.name}”已办理{service.STEPS[step].label}，当前状态：{BaseState(row.state).label}"

    console.print(_run(db, who, user, work))


@app.command("activity")
def base_activity(
    base: BaseArg,
    kind: Annotated[str, typer.Option("--kind", help="实习实训/培训/服务/活动")],
    held_on: Annotated[str, typer.Option("--on", help="日期 YYYY-MM-DD")],
    participants: Annotated[int | None, typer.Option("--people", min=0, max=1_000_000, help="参加人次")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, max=366, help="天数")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="内容")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """记录基地活动（实习实训、培训批次的人次和天数，服务，活动）。"""
    def work(s: Session, v: Viewer) -> str:
        try:
            k = ActivityKind.from_label(kind)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from exc
        row = service.record_activity(s, v, _base_id(s, v, base), kind=k,
                                      held_on=parse_day(held_on, "日期") or local_today(),
                                      participants=participants, days=days, summary=summary)
        return f"已记录{k.label}（{row.held_on}{f'，{row.participants} 人次' if row.participants else ''}）"

    console.print(_run(db, who, user, work))


@app.command("list")
def base_list(region: RegionOption = None,
              state: Annotated[str | None, typer.Option("--state", help="状态，如 已挂牌")] = None,
              db: DbOption = None, user: UserOption = None, as_json: JsonOption = False) -> None:
    """列出基地。"""
    def work(s: Session, v: Viewer) -> list[dict[str, Any]]:
        stmt = select(ProgrammeBase).where(ProgrammeBase.retired_at.is_(None), access.readable_bases(v))
        if region:
            from xiaodi.directory.regions import region_subtree_ids

            stmt = stmt.where(ProgrammeBase.region_id.in_(region_subtree_ids(s, service.region_id_by_name(s, region)
                                                                             or 0)))
        if state:
            try:
                stmt = stmt.where(ProgrammeBase.state == BaseState.from_label(state))
            except ValueError as exc:
                raise ValidationFailed(str(exc)) from exc
        return [{"id": b.id, "name": b.name, "type": b.base_type.name, "state": BaseState(b.state).label,
                 "plaque_on": b.plaque_on} for b in s.scalars(stmt.order_by(ProgrammeBase.name)).unique()]

    rows = _run(db, None, user, work)
    if as_json:
        _print_json(rows)
        return
    table = Table("编号", "基地名称", "类型", "状态", "挂牌日期")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["type"], r["state"], str(r["plaque_on"] or ""))
    console.print(table)


@app.command("figures")
def base_figures(region: RegionOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """基地统计：按类型、状态、地区，活动人次与人天。"""
    out = _run(db, None, None, lambda s, v: figures.base_figures(s, region_id=service.region_id_by_name(s, region)))
    if as_json:
        _print_json(out.as_json())
        return
    console.print(f"共建基地 {out.total} 个（{figures.COUNTED_NOTE}）"
                  + (f"，另有 {out.in_progress} 个尚未挂牌" if out.in_progress else ""))
    for title, rows in (("按类型", out.by_type), ("按状态", out.by_state), ("按地区", out.by_region)):
        console.print(f"{title}：" + "，".join(f"{k} {n}" for k, n in rows))
    for a in out.activities:
        console.print(f"{a.label}：{a.batches} 批次，{a.people} 人次，{a.person_days} 人天")


# ── pairings ─────────────────────────────────────────────────────────────────────────────────────────────────


@pairing_app.command("add")
def pairing_add(
    university: Annotated[str, typer.Option("--university", help="高校")],
    lead_unit: Annotated[str, typer.Option("--lead-unit", help="牵头单位（政府部门）")],
    region: Annotated[str, typer.Option("--region", help="地区")],
    member: Annotated[list[str] | None, typer.Option("--member", help="成员单位（可重复）")] = None,
    base: Annotated[list[str] | None, typer.Option("--base", help="基地名称（可重复）")] = None,
    started_on: Annotated[str | None, typer.Option("--on", help="结对日期")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """建立1+1+N结对（一所高校、一个牵头单位、N个基地）。"""
    def work(s: Session, v: Viewer) -> str:
        p = service.create_pairing(
            s, v, university_id=service.org_id_by_name(s, university) or 0,
            lead_unit_id=service.org_id_by_name(s, lead_unit) or 0, region_id=service.region_id_by_name(s, region) or 0,
            started_on=parse_day(started_on, "结对日期"), base_ids=[_base_id(s, v, b) for b in base or ()],
            member_ids=[service.org_id_by_name(s, m) or 0 for m in member or ()])
        return f"已建立结对（编号 {p.id}）：{p.university.name} · {p.lead_unit.name}"

    console.print(_run(db, who, user, work))


@pairing_app.command("duty-add")
def duty_add(
    pairing_id: Annotated[int, typer.Argument(min=1, help="结对编号")],
    unit: Annotated[str, typer.Option("--unit", help="责任单位：牵头单位或成员单位")],
    title: Annotated[str, typer.Option("--title", help="职责任务")],
    due_on: Annotated[str, typer.Option("--due", help="完成时限 YYYY-MM-DD")],
    milestone: Annotated[list[str] | None, typer.Option("--milestone", help="节点：名称,YYYY-MM-DD（可重复）")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """下达职责任务及工作计划。"""
    plan = []
    for text in milestone or ():
        title_part, _, day = text.rpartition(",")
        plan.append(service.MilestoneIn(title_part.strip(), parse_day(day.strip(), f"节点“{title_part}”的时限")
                                        or local_today()))

    def work(s: Session, v: Viewer) -> str:
        d = service.add_duty(s, v, pairing_id, service.DutyInput(
            unit_id=service.org_id_by_name(s, unit) or 0, title=title, due_on=parse_day(due_on, "完成时限")
            or local_today(), milestones=plan))
        return f"已下达职责任务（编号 {d.id}）“{d.title}”，节点 {len(plan)} 个"

    console.print(_run(db, who, user, work))


@pairing_app.command("report")
def duty_report(
    duty_id: Annotated[int, typer.Argument(min=1, help="职责任务编号")],
    note: Annotated[str, typer.Option("--note", help="进展情况")],
    evidence: Annotated[str | None, typer.Option("--evidence", help="佐证材料")] = None,
    done: Annotated[bool, typer.Option("--done", help="任务已全部完成")] = False,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """报告职责任务的进展或完成。"""
    _run(db, who, user, lambda s, v: service.report_duty(s, v, duty_id, note=note, evidence=evidence, done=done))
    console.print("已报告完成" if done else "已报告进展")


@pairing_app.command("duties")
def duty_list(user: UserOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出职责任务（逾期的标出）。"""
    today = local_today()
    rows = _run(db, None, user, lambda s, v: [
        {"id": d.id, "title": d.title, "unit": d.unit.name, "due_on": d.due_on, "state": str(d.state),
         "overdue": service.is_overdue(d, today)} for d in service.duties(s, v)])
    if as_json:
        _print_json(rows)
        return
    table = Table("编号", "职责任务", "责任单位", "完成时限", "状态")
    for r in rows:
        done = r["state"] == DutyState.DONE
        state = DutyState.DONE.label if done else ("逾期" if r["overdue"] else DutyState.OPEN.label)
        table.add_row(str(r["id"]), str(r["title"]), str(r["unit"]), str(r["due_on"]), state)
    console.print(table)


@pairing_app.command("leader")
def leader_add(
    leader: Annotated[str, typer.Argument(help="包联领导姓名")],
    university: Annotated[str, typer.Option("--university", help="包联高校")],
    region: Annotated[str, typer.Option("--region", help="地区")],
    post: Annotated[str | None, typer.Option("--post", help="职务")] = None,
    db: DbOption = None, who: AsOption = None, user: UserOption = None,
) -> None:
    """登记领导包联。"""
    _run(db, who, user, lambda s, v: service.assign_leader(
        s, v, university_id=service.org_id_by_name(s, university) or 0,
        region_id=service.region_id_by_name(s, region) or 0, leader=leader, post=post))
    console.print(f"已登记：{leader} 包联 {university}")
