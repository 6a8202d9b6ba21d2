"""CLI commands of the closed loop (闭环管理), acting as the office (trusted caller) under a named actor (``--as``):

* ``xiaodi agreement add|list|show`` — signed agreements (签约), also for a selected 揭榜 claim;
* ``xiaodi project add|list|show|stage|milestone-add|milestone-done|funds-add|funds-correct`` — the project list
  (项目清单) with its 倒排工期 milestones and funds in place (到位资金);
* ``xiaodi dispatch`` — a unit's or region's 调度清单 as of a day; ``xiaodi dispatch record`` — a 调度会's decisions.

Amounts are written as people write them ("120万元", "1.2亿", "3000"); dates as YYYY-MM-DD. Every failure is an
``XiaodiError`` whose Chinese message ``xiaodi`` prints without a traceback.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.cli_options import AsOption, DbOption, JsonOption, cli_actor, cli_console, engine_for
from xiaodi.core.days import parse_day, required_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import Ambiguous, NotFound, ValidationFailed
from xiaodi.core.models import to_jsonable
from xiaodi.core.numbers import format_yuan
from xiaodi.core.settings import local_today
from xiaodi.demands.models import Claim, Demand, DemandState
from xiaodi.directory.models import Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.dispatch.meetings import hold_meeting
from xiaodi.dispatch.service import COLUMNS, dispatch_list, row_of
from xiaodi.projects import service
from xiaodi.projects.actions import parse_money
from xiaodi.projects.dispatch import LEVELS as DISPATCH_LEVELS
from xiaodi.projects.dispatch import Decision, level_label
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    FundSource,
    Milestone,
    PartyRole,
    Project,
    ProjectStage,
)

console = cli_console()

RegionOption = Annotated[str | None, typer.Option("--region", help="行政区名称或代码，含下辖区县，如 运城市")]
UnitOption = Annotated[str | None, typer.Option("--unit", help="单位名称或简称")]
ProjectArg = Annotated[str, typer.Argument(help="项目编号，如 XM-2025-000001")]
AgreementArg = Annotated[str, typer.Argument(help="协议编号，如 XY-2025-000001")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=10_000, help="最多列出条数")]

PARTY_ROLES = {"甲方": PartyRole.PARTY_A, "乙方": PartyRole.PARTY_B, "丙方": PartyRole.PARTY_C,
               "见证方": PartyRole.WITNESS} | {r.value: r for r in PartyRole}
ROLE_NAMES = {r: name for name, r in PARTY_ROLES.items() if not name.isascii()}
FUND_SOURCES = {"企业自筹": FundSource.SELF_RAISED, "自筹": FundSource.SELF_RAISED, "财政资金": FundSource.FISCAL,
                "财政": FundSource.FISCAL, "银行贷款": FundSource.BANK_LOAN, "贷款": FundSource.BANK_LOAN,
                "基金": FundSource.FUND, "其他": FundSource.OTHER} | {s.value: s for s in FundSource}
LEVELS = {level_label(level): level for level in DISPATCH_LEVELS} | {str(level): level for level in DISPATCH_LEVELS}


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=to_jsonable))


def _scope(session: Session, region: str | None, unit: str | None) -> tuple[int | None, int | None]:
    region_id = resolve_region(session, region).id if region else None
    unit_id = resolve_organisation(session, unit).id if unit else None
    return region_id, unit_id


def _choice(value: str, choices: dict[str, Any], label: str) -> Any:
    found = choices.get(value.strip())
    if found is None:
        raise ValidationFailed(f"{label}“{value}”无效，可选：{'、'.join(k for k in choices if not k.isascii())}"
                               f"（或 {'、'.join(k for k in choices if k.isascii())}）")
    return found


def _kind(value: str) -> AgreementKind:
    choices: dict[str, Any] = {k.label: k for k in AgreementKind} | {k.value: k for k in
                                                                                        AgreementKind}
    found: AgreementKind = _choice(value, choices, "协议类别")
    return found


def _stage(value: str | None) -> ProjectStage | None:
    if value is None or not value.strip():
        return None
    choices: dict[str, Any] = {s.value: s for s in ProjectStage}
    for stage in ProjectStage:
        choices[stage.label] = stage
        choices[stage.label.removeprefix("已")] = stage
    found: ProjectStage = _choice(value, choices, "阶段")
    return found


def _stage_label(value: str | None) -> str:
    return ProjectStage(value).label if value else ""


def _by_code(session: Session, model: type[Agreement] | type[Project], code: str, label: str) -> Any:
    found = session.scalar(select(model).where(model.code == code.strip(), model.retired_at.is_(None)))
    if found is None:
        raise NotFound(f"未找到{label}“{code}”")
    return found


def _region_ids(session: Session, region: str | None) -> list[int] | None:
    return region_subtree_ids(session, resolve_region(session, region).id) if region else None


def _org_id(session: Session, name: str | None) -> int | None:
    return resolve_organisation(session, name).id if name and name.strip() else None


def _party(session: Session, text: str) -> tuple[service.PartySpec, str | None]:
    """"甲方:山西大学" → the party, linked to the directory when the name is one of its organisations."""
    role_text, sep, name = re.sub("：", ":", text, count=1).partition(":")
    if not sep or not name.strip():
        raise ValidationFailed(f"签约方应写作“角色:单位名称”，如 甲方:山西大学（收到：{text}）")
    role = _choice(role_text, PARTY_ROLES, "签约方角色")
    name = name.strip()
    try:
        org = resolve_organisation(session, name)
    except (NotFound, Ambiguous) as exc:
        near = getattr(exc, "suggestions", [])
        note = f"“{name}”不在单位名录中，按所填名称登记" + (f"（相近：{'、'.join(near)}）" if near else "")
        return service.PartySpec(name=name, role=role), note
    return service.PartySpec(name=org.name, role=role, organisation_id=org.id), None


def _milestone_spec(text: str) -> service.MilestoneSpec:
    """"设备进场,2025-06-30[,开工]" → a milestone with its deadline and, optionally, the stage it reaches."""
    parts = [p.strip() for p in re.split("[,，]", text)]
    if len(parts) not in (2, 3) or not parts[0]:
        raise ValidationFailed(f"节点应写作“名称,YYYY-MM-DD[,阶段]”，如 设备进场,2025-06-30,开工（收到：{text}）")
    due = required_day(parts[1], f"节点“{parts[0]}”的时限")
    return service.MilestoneSpec(title=parts[0], due_on=due, target_stage=_stage(parts[2] if len(parts) == 3 else None))


def _decision(session: Session, text: str) -> Decision:
    """"节点编号,新时限,决定", "ZR节点编号,新时限,决定" (a milestone of a 1+1+N duty's work plan, 职责任务节点) or
    "XM-…,,决定" (a decision on the project itself)."""
    parts = re.split("[,，]", text, maxsplit=2)
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise ValidationFailed(f"调度决定应写作“节点编号,新时限,决定”“ZR职责任务节点编号,新时限,决定”或“项目编号,,决定”"
                               f"（收到：{text}）")
    target, day, decision = (p.strip() for p in parts)
    new_due_on = parse_day(day, "新的完成时限") if day else None
    if target.isdigit():
        return Decision(decision=decision, milestone_id=int(target), new_due_on=new_due_on)
    if target.upper().startswith("ZR") and target[2:].isdigit():
        return Decision(decision=decision, duty_milestone_id=int(target[2:]), new_due_on=new_due_on)
    project = _by_code(session, Project, target, "项目")
    return Decision(decision=decision, project_id=project.id, new_due_on=new_due_on)


# ── JSON views ───────────────────────────────────────────────────────────────────────────────────────────────


def _agreement_json(session: Session, a: Agreement) -> dict[str, Any]:
    region = session.get(Region, a.region_id) if a.region_id is not None else None
    demand = session.get(Demand, a.demand_id) if a.demand_id is not None else None
    projects = session.scalars(select(Project).where(Project.agreement_id == a.id, Project.retired_at.is_(None))
                               .order_by(Project.id)).unique()
    return {"id": a.id, "code": a.code, "title": a.title, "kind": a.kind, "signed_on": a.signed_on,
            "amount": a.amount, "region": region.full_name if region else None, "state": a.state,
            "demand": {"code": demand.code, "title": demand.title, "state": demand.state} if demand else None,
            "claim_id": a.claim_id, "version": a.version,
            "parties": [{"role": p.role, "name": p.name, "organisation_id": p.organisation_id} for p in a.parties],
            "projects": [{"code": p.code, "name": p.name, "stage": p.stage} for p in projects]}


def _milestone_json(m: Milestone) -> dict[str, Any]:
    return {"id": m.id, "title": m.title, "due_on": m.due_on, "original_due_on": m.original_due_on,
            "done_on": m.done_on, "state": m.state, "slip_count": m.slip_count, "target_stage": m.target_stage,
            "version": m.version}


def _project_json(session: Session, p: Project) -> dict[str, Any]:
    region = session.get(Region, p.region_id) if p.region_id is not None else None
    agreement = session.get(Agreement, p.agreement_id) if p.agreement_id is not None else None
    milestones = session.scalars(select(Milestone).where(Milestone.project_id == p.id)
                                 .order_by(Milestone.due_on, Milestone.id))
    return {
        "id": p.id, "code": p.code, "name": p.name, "stage": p.stage, "version": p.version,
        "region": region.full_name if region else None, "agreement": agreement.code if agreement else None,
        "partner": p.partner.name if p.partner else None, "enterprise": p.enterprise.name if p.enterprise else None,
        "responsible_unit": p.responsible_unit.name if p.responsible_unit else None,
        "leader_in_charge": p.leader_in_charge, "pledged_amount": p.pledged_amount,
        "funds_in_place": service.funds_in_place(session, project_id=p.id),
        "milestones": [_milestone_json(m) for m in milestones],
        "funds": [{"id": f.id, "amount": f.amount, "arrived_on": f.arrived_on, "source": f.source, "note": f.note,
                   "corrects_id": f.corrects_id, "recorded_by": f.recorded_by}
                  for f in service.fund_history(session, project_id=p.id)],
        "stages": [{"from": c.from_stage, "to": c.to_stage, "reached_on": c.reached_on, "actor": c.actor,
                    "reason": c.reason} for c in service.stage_history(session, project_id=p.id)],
    }


# ── commands ─────────────────────────────────────────────────────────────────────────────────────────────────


# ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

app = typer.Typer()  # unnamed: its commands and groups sit at the top level of ``xiaodi``


agreement_app = typer.Typer(help="签约协议：登记（可据中选揭榜方案签约）、列出、查看。", no_args_is_help=True)
app.add_typer(agreement_app, name="agreement")


@agreement_app.command("add")
def agreement_add_cmd(
    title: Annotated[str, typer.Option("--title", help="协议名称")],
    party: Annotated[list[str], typer.Option("--party", help="签约方“角色:单位名称”，可重复，如 甲方:山西大学")],
    kind: Annotated[str, typer.Option("--kind", help="类别，如 技术开发、项目合作协议")] = "项目合作协议",
    signed_on: Annotated[str | None, typer.Option("--signed-on", help="签约日期 YYYY-MM-DD")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="签约金额，如 120万元")] = None,
    region: Annotated[str | None, typer.Option("--region", help="所在行政区（默认为所答需求的地区）")] = None,
    claim: Annotated[int | None, typer.Option("--claim", min=1, help="中选揭榜方案编号（需求随之已签约）")] = None,
    demand: Annotated[str | None, typer.Option("--demand", help="所答需求编号，如 XQ-2025-000001")] = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """登记签约协议。"""
    with transaction(engine_for(db)) as session:
        parsed = [_party(session, p) for p in party]
        demand_row = session.scalar(select(Demand).where(Demand.code == demand.strip())) if demand else None
        if demand and demand_row is None:
            raise NotFound(f"未找到需求“{demand}”")
        answered = demand_row
        if answered is None and claim is not None:
            found = session.get(Claim, claim)
            answered = found.demand if found is not None else None  # a missing claim: the service says so
        region_id = resolve_region(session, region).id if region else None
        if region_id is None and answered is not None:
            region_id = answered.region_id
        agreement = service.create_agreement(
            session, actor=cli_actor(as_name), title=title, kind=_kind(kind), parties=[p for p, _ in parsed],
            signed_on=parse_day(signed_on, "签约日期"), amount=parse_money(amount, "签约金额"),
            region_id=region_id, demand_id=answered.id if answered else None, claim_id=claim)
        data = _agreement_json(session, agreement)
    if as_json:
        _print_json(data)
        return
    for _, note in parsed:
        if note:
            console.print(f"[yellow]提示：[/yellow]{note}")
    console.print(f"已登记协议 {data['code']} {data['title']}")
    if data["demand"]:
        d = data["demand"]
        console.print(f"所答需求 {d['code']} {d['title']}：{DemandState.labels().get(d['state'], d['state'])}")


@agreement_app.command("list")
def agreement_list_cmd(
    region: RegionOption = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出签约协议（新签在前）。"""
    with transaction(engine_for(db)) as session:
        stmt = select(Agreement).where(Agreement.retired_at.is_(None))
        regions = _region_ids(session, region)
        if regions is not None:
            stmt = stmt.where(Agreement.region_id.in_(regions))
        rows = session.scalars(stmt.order_by(Agreement.signed_on.desc().nulls_last(), Agreement.id.desc())
                               .limit(limit)).unique()
        data: list[dict[str, Any]] = [
            {"code": a.code, "title": a.title, "kind": a.kind, "signed_on": a.signed_on, "amount": a.amount,
             "parties": [p.name for p in a.parties]} for a in rows]
    if as_json:
        _print_json(data)
        return
    table = Table("编号", "名称", "类别", "签约日期", "金额", "签约方")
    for a in data:
        table.add_row(a["code"], a["title"], AgreementKind(a["kind"]).label,
                      str(a["signed_on"] or ""), format_yuan(a["amount"]), "、".join(a["parties"]))
    console.print(table)


@agreement_app.command("show")
def agreement_show_cmd(code: AgreementArg, as_json: JsonOption = False, db: DbOption = None) -> None:
    """查看一份协议：签约各方、所答需求和据此立项的项目。"""
    with transaction(engine_for(db)) as session:
        data = _agreement_json(session, _by_code(session, Agreement, code, "协议"))
    if as_json:
        _print_json(data)
        return
    kind_label = AgreementKind(data["kind"]).label
    console.print(f"[bold]{data['code']}[/bold] {data['title']}（{kind_label}）")
    console.print(f"签约日期 {data['signed_on'] or '—'} · 金额 {format_yuan(data['amount']) or '—'} · "
                  f"地区 {data['region'] or '—'}")
    for p in data["parties"]:
        console.print(f"  {ROLE_NAMES.get(PartyRole(p['role']), p['role'])}：{p['name']}"
                      f"{'' if p['organisation_id'] else '（未在名录中）'}")
    if data["demand"]:
        d = data["demand"]
        console.print(f"所答需求 {d['code']} {d['title']}：{DemandState.labels().get(d['state'], d['state'])}")
    for p in data["projects"]:
        console.print(f"项目 {p['code']} {p['name']}：{_stage_label(p['stage'])}")


project_app = typer.Typer(help="项目清单：立项、倒排工期节点、到位资金、阶段推进。", no_args_is_help=True)
app.add_typer(project_app, name="project")


@project_app.command("add")
def project_add_cmd(
    name: Annotated[str, typer.Option("--name", help="项目名称")],
    agreement: Annotated[str | None, typer.Option("--agreement", help="所依据的协议编号")] = None,
    region: Annotated[str | None, typer.Option("--region", help="所在行政区（默认为协议所在地）")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="合作高校")] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="合作企业")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="责任单位")] = None,
    leader: Annotated[str | None, typer.Option("--leader", help="包联领导")] = None,
    pledged: Annotated[str | None, typer.Option("--pledged", help="计划投资，如 500万元")] = None,
    key: Annotated[bool, typer.Option("--key", help="省重点工程")] = False,
    milestone: Annotated[list[str] | None, typer.Option(
        "--milestone", help="倒排工期节点“名称,YYYY-MM-DD[,阶段]”，可重复，如 设备进场,2025-06-30,开工")] = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """立项：新建项目及其倒排工期节点。"""
    specs = [_milestone_spec(m) for m in milestone or []]
    with transaction(engine_for(db)) as session:
        agreement_id = _by_code(session, Agreement, agreement, "协议").id if agreement else None
        project = service.create_project(
            session, actor=cli_actor(as_name), name=name, agreement_id=agreement_id,
            region_id=resolve_region(session, region).id if region else None, partner_id=_org_id(session, partner),
            enterprise_id=_org_id(session, enterprise), responsible_unit_id=_org_id(session, unit),
            leader_in_charge=(leader or "").strip() or None, pledged_amount=parse_money(pledged, "计划投资"),
            is_key_project=key, milestones=specs)
        data = _project_json(session, project)
    if as_json:
        _print_json(data)
        return
    console.print(f"已立项 {data['code']} {data['name']}（{data['region'] or '未注明地区'}），节点 {len(specs)} 个")


@project_app.command("list")
def project_list_cmd(
    region: RegionOption = None,
    stage: Annotated[str | None, typer.Option("--stage", help="只看此阶段，如 已开工、stalled")] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """列出项目（新立在前）。"""
    with transaction(engine_for(db)) as session:
        stmt = select(Project).where(Project.retired_at.is_(None))
        regions = _region_ids(session, region)
        if regions is not None:
            stmt = stmt.where(Project.region_id.in_(regions))
        wanted = _stage(stage)
        if wanted is not None:
            stmt = stmt.where(Project.stage == wanted)
        rows = session.scalars(stmt.order_by(Project.id.desc()).limit(limit)).unique()
        data: list[dict[str, Any]] = [
            {"code": p.code, "name": p.name, "stage": p.stage, "leader_in_charge": p.leader_in_charge,
             "pledged_amount": p.pledged_amount, "version": p.version} for p in rows]
    if as_json:
        _print_json(data)
        return
    table = Table("编号", "名称", "阶段", "包联领导", "计划投资", "版本")
    for p in data:
        table.add_row(p["code"], p["name"], _stage_label(p["stage"]), p["leader_in_charge"] or "",
                      format_yuan(p["pledged_amount"]), str(p["version"]))
    console.print(table)


@project_app.command("show")
def project_show_cmd(code: ProjectArg, as_json: JsonOption = False, db: DbOption = None) -> None:
    """查看一个项目：节点（含编号与版本）、到位资金（含更正）和阶段变更。"""
    with transaction(engine_for(db)) as session:
        data = _project_json(session, _by_code(session, Project, code, "项目"))
    if as_json:
        _print_json(data)
        return
    console.print(f"[bold]{data['code']}[/bold] {data['name']}：{_stage_label(data['stage'])}"
                  f"（版本 {data['version']}）")
    console.print(f"地区 {data['region'] or '—'} · 协议 {data['agreement'] or '—'} · "
                  f"合作高校 {data['partner'] or '—'} · 企业 {data['enterprise'] or '—'} · "
                  f"包联领导 {data['leader_in_charge'] or '—'}")
    table = Table("编号", "节点", "时限", "原定", "顺延", "状态", "版本", title="节点（倒排工期）")
    for m in data["milestones"]:
        table.add_row(str(m["id"]), m["title"], str(m["due_on"]), str(m["original_due_on"]), str(m["slip_count"]),
                      f"已完成 {m['done_on']}" if m["state"] == "done" else "待完成", str(m["version"]))
    console.print(table)
    # a corrected record is marked, so that the rows the total counts are the ones not marked (the two
    # used to add up to more than the title's total with nothing saying why)
    superseded = {f["corrects_id"] for f in data["funds"] if f["corrects_id"]}
    funds = Table("编号", "到位日期", "金额", "说明", title=f"到位资金 {format_yuan(data['funds_in_place'])}")
    for f in data["funds"]:
        note = ("（已被更正，不计入合计）" if f["id"] in superseded else "") + \
            (f"更正第 {f['corrects_id']} 号 " if f["corrects_id"] else "") + (f["note"] or "")
        funds.add_row(str(f["id"]), str(f["arrived_on"]), format_yuan(f["amount"]), note)
    console.print(funds)
    if data["stages"]:
        stages = Table("日期", "阶段变更", "操作人", "原因", title="阶段变更")
        for c in data["stages"]:
            stages.add_row(str(c["reached_on"] or ""), f"{_stage_label(c['from']) if c['from'] else '—'} → "
                           f"{_stage_label(c['to'])}", c["actor"] or "", c["reason"] or "")
        console.print(stages)


@project_app.command("stage")
def stage_cmd(
    code: ProjectArg,
    to: Annotated[str, typer.Option("--to", help="新阶段：开工、落地、投产、验收、停滞、终止（或 started 等）")],
    on: Annotated[str | None, typer.Option("--on", help="到达日期 YYYY-MM-DD（默认今天）")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="说明（停滞、终止须写）")] = None,
    version: Annotated[int | None, typer.Option("--version", help="您看到的版本号，防止覆盖他人修改")] = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """节点推进：变更项目阶段。"""
    stage = _stage(to)
    if stage is None:
        raise ValidationFailed("请写明新阶段，如 开工")
    with transaction(engine_for(db)) as session:
        project = _by_code(session, Project, code, "项目")
        before = project.stage
        service.move_project(session, actor=cli_actor(as_name), project_id=project.id, to=stage,
                             reached_on=parse_day(on, "日期"), reason=reason, expected_version=version)
        console.print(f"项目 {project.code}：{_stage_label(before)} → {_stage_label(project.stage)}")


@project_app.command("milestone-add")
def milestone_add_cmd(
    code: ProjectArg,
    title: Annotated[str, typer.Option("--title", help="节点名称")],
    due: Annotated[str, typer.Option("--due", help="完成时限 YYYY-MM-DD")],
    stage: Annotated[str | None, typer.Option("--stage", help="完成后项目进入的阶段，如 开工")] = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """添加节点（倒排工期）。"""
    with transaction(engine_for(db)) as session:
        project = _by_code(session, Project, code, "项目")
        ms = service.add_milestone(session, actor=cli_actor(as_name), project_id=project.id, title=title,
                                   due_on=required_day(due, "完成时限"), target_stage=_stage(stage))
        console.print(f"项目 {project.code} 添加节点 {ms.id}“{ms.title}”，时限 {ms.due_on}")


@project_app.command("milestone-done")
def milestone_done_cmd(
    milestone_id: Annotated[int, typer.Argument(min=1, help="节点编号（见 xiaodi project show）")],
    on: Annotated[str | None, typer.Option("--on", help="完成日期 YYYY-MM-DD（默认今天）")] = None,
    version: Annotated[int | None, typer.Option("--version", help="您看到的版本号，防止覆盖他人修改")] = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """节点完成；对应阶段的节点完成后项目随之推进。"""
    with transaction(engine_for(db)) as session:
        ms = service.complete_milestone(session, actor=cli_actor(as_name), milestone_id=milestone_id,
                                        done_on=parse_day(on, "完成日期") or local_today(), expected_version=version)
        project = session.get_one(Project, ms.project_id)
        console.print(f"节点 {ms.id}“{ms.title}”已于 {ms.done_on} 完成；项目 {project.code} 现为"
                      f"“{_stage_label(project.stage)}”")


@project_app.command("funds-add")
def funds_add_cmd(
    code: ProjectArg,
    amount: Annotated[str, typer.Option("--amount", help="到位金额，如 120万元")],
    on: Annotated[str | None, typer.Option("--on", help="到位日期 YYYY-MM-DD（默认今天）")] = None,
    source: Annotated[str, typer.Option("--source", help="来源：自筹、财政、银行贷款、基金、其他")] = "自筹",
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """登记到位资金。"""
    with transaction(engine_for(db)) as session:
        project = _by_code(session, Project, code, "项目")
        value = parse_money(amount, "到位金额")
        if value is None:
            raise ValidationFailed("请填写到位金额")
        row = service.record_funds(session, actor=cli_actor(as_name), project_id=project.id, amount=value,
                                   arrived_on=parse_day(on, "到位日期") or local_today(),
                                   source=_choice(source, FUND_SOURCES, "资金来源"), note=note)
        total = service.funds_in_place(session, project_id=project.id)
        console.print(f"项目 {project.code} 到位资金记录 {row.id}：{format_yuan(row.amount)}；"
                      f"到位资金合计 {format_yuan(total)}")


@project_app.command("funds-correct")
def funds_correct_cmd(
    fund_id: Annotated[int, typer.Argument(min=1, help="到位资金记录编号（见 xiaodi project show）")],
    amount: Annotated[str, typer.Option("--amount", help="更正后的金额，如 100万元；0 表示撤销")],
    reason: Annotated[str, typer.Option("--reason", help="更正原因")],
    on: Annotated[str | None, typer.Option("--on", help="更正后的到位日期 YYYY-MM-DD（默认不变）")] = None,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """更正到位资金：新记录替代原记录，原记录留痕。"""
    with transaction(engine_for(db)) as session:
        value = parse_money(amount, "更正后的金额")
        if value is None:
            raise ValidationFailed("请填写更正后的金额（撤销该笔记录填 0）")
        row = service.correct_funds(session, actor=cli_actor(as_name), fund_record_id=fund_id,
                                    amount=value, reason=reason,
                                    arrived_on=parse_day(on, "到位日期"))
        total = service.funds_in_place(session, project_id=row.project_id)
        console.print(f"记录 {fund_id} 已更正为 {format_yuan(row.amount)}（新记录 {row.id}）；"
                      f"项目到位资金合计 {format_yuan(total)}")


dispatch_app = typer.Typer(help="调度：不带子命令时列出调度清单（逾期、临期节点和停滞项目）；record 记录调度会。",
                           invoke_without_command=True)
app.add_typer(dispatch_app, name="dispatch")


@dispatch_app.callback()
def dispatch_cmd(
    ctx: typer.Context,
    unit: UnitOption = None,
    region: RegionOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD（默认今天）")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """调度清单：逾期、临期节点和停滞项目。"""
    if ctx.invoked_subcommand is not None:
        return
    day = parse_day(as_of, "截至日期") or local_today()
    with transaction(engine_for(db)) as session:
        region_id, unit_id = _scope(session, region, unit)
        listing = dispatch_list(session, unit_id=unit_id, region_id=region_id, as_of=day)
    if as_json:
        typer.echo(json.dumps({"as_of": day.isoformat(), "unit": listing.unit, "region": listing.region,
                               "entries": [e.as_json() for e in listing.entries]}, ensure_ascii=False, indent=2))
        return
    table = Table(*COLUMNS, title=f"{listing.label} 调度清单（截至 {day}）")
    for e in listing.entries:
        table.add_row(*row_of(e))
    console.print(table)


@dispatch_app.command("record")
def record_cmd(
    decide: Annotated[list[str], typer.Option(
        "--decide", help="调度决定“节点编号,新时限,决定”、职责任务节点“ZR节点编号,新时限,决定”或“项目编号,,决定”，"
                         "可重复")],
    held_on: Annotated[str | None, typer.Option("--held-on", help="会议日期 YYYY-MM-DD（默认今天）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="召开调度会的行政区，如 河津市")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="召开调度会的单位")] = None,
    level: Annotated[str | None, typer.Option("--level", help="调度层级：县级、市级、省级（默认按行政区）")] = None,
    title: Annotated[str | None, typer.Option("--title", help="会议名称")] = None,
    chair: Annotated[str | None, typer.Option("--chair", help="主持人")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="会议决定摘要")] = None,
    as_name: AsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """记录调度会：逾期节点的调度决定与新时限；同一节点第二次顺延自动提请上一级调度。"""
    with transaction(engine_for(db)) as session:
        region_id, unit_id = _scope(session, region, unit)
        meeting = hold_meeting(
            session, actor=cli_actor(as_name), held_on=parse_day(held_on, "会议日期") or local_today(),
            decisions=[_decision(session, d) for d in decide], region_id=region_id, unit_id=unit_id,
            level=_choice(level, LEVELS, "调度层级") if level else None, title=title, chaired_by=chair,
            summary=summary)
        items: list[dict[str, Any]] = [
            {"milestone_id": i.milestone_id, "project_id": i.project_id, "duty_milestone_id": i.duty_milestone_id,
             "decision": i.decision, "new_due_on": i.new_due_on, "escalated_to_level": i.escalated_to_level}
            for i in meeting.items]
        data: dict[str, Any] = {"id": meeting.id, "held_on": meeting.held_on, "level": meeting.level,
                                "items": items}
    if as_json:
        _print_json(data)
        return
    level_name = level_label(str(data["level"]))
    console.print(f"已记录{level_name}调度会（{data['held_on']}），决定 {len(items)} 项")
    for i in items:
        target = (f"节点 {i['milestone_id']}" if i["milestone_id"] else
                  f"职责任务节点 ZR{i['duty_milestone_id']}" if i["duty_milestone_id"] else f"项目 {i['project_id']}")
        line = f"  {target}：{i['decision']}"
        if i["new_due_on"]:
            line += f"，新时限 {i['new_due_on']}"
        if i["escalated_to_level"]:
            line += f"，提请{level_label(i['escalated_to_level'])}调度"
        console.print(line)
