"""``xiaodi talent …``: talent services from the command line — register, cards, one-stop applications and their
steps, apartments, subsidies, internships, figures.

``--user`` acts as that account, with exactly what its memberships allow (a talent applies, a department answers
its step, an office decides); without it the console is the operator's, who may do everything (like ``xiaodi
import``). Mistakes print one Chinese line and exit 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from xiaodi.cli_options import DbOption, JsonOption, UserOption, cli_console, cli_viewer, engine_for
from xiaodi.core.days import parse_day, required_day
from xiaodi.core.db import transaction
from xiaodi.core.errors import ValidationFailed, XiaodiError
from xiaodi.core.settings import local_today
from xiaodi.directory.models import Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.directory.service import regions_named, resolve_organisation
from xiaodi.projects.actions import parse_money
from xiaodi.talent import figures, internships, service
from xiaodi.talent.models import ApplicationKind, ApplicationState, CardState, StepState

app = typer.Typer(name="talent", help="人才服务：人才登记、人才卡、一件事申请、人才公寓、人才补贴、实习实训。",
                  no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(min=1, max=2**31 - 1)]


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except XiaodiError as exc:
        typer.echo(f"错误：{exc.message}", err=True)
        raise typer.Exit(code=2) from None


def _region(session: Session, name: str) -> Region:
    found = regions_named(session, name)
    if len(found) != 1:
        raise ValidationFailed(f"行政区“{name}”{'不存在' if not found else '不唯一，请写全称'}")
    return found[0]


def _echo(data: Any, as_json: bool, line: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else line)


@app.command("tier-add")
def tier_add_cmd(
    code: Annotated[str, typer.Argument(help="代码，如 A")],
    name: Annotated[str, typer.Argument(help="名称，如 顶尖人才")],
    rank: Annotated[int, typer.Option("--rank", min=1, max=20, help="等级，1 为最高；优惠条件按等级适用")],
    criteria: Annotated[str | None, typer.Option("--criteria", help="认定标准")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """登记人才层次（省级办公室发布的人才分类，人才卡、优惠条件和补贴按层次适用）。"""
    with _errors(), transaction(engine_for(db)) as session:
        t = service.add_tier(session, cli_viewer(session, user), code=code, name=name, rank=rank, criteria=criteria)
        _echo({"id": t.id, "code": t.code, "name": t.name, "rank": t.rank}, as_json,
              f"已登记人才层次：{t.code} {t.name}（等级 {t.rank}）")


@app.command("apartment-add")
def apartment_add_cmd(
    name: Annotated[str, typer.Argument(help="公寓名称，如 河津市人才公寓")],
    region: Annotated[str, typer.Option("--region", help="所在行政区，如 河津市")],
    address: Annotated[str | None, typer.Option("--address", help="地址")] = None,
    units: Annotated[list[str] | None, typer.Option("--unit", help="房号（可重复），如 --unit 3-1203")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """登记人才公寓（所在地区的办公室）及其房间；之后用 xiaodi talent allocate 分配入住。"""
    with _errors(), transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user)
        a = service.add_apartment(session, viewer, name=name, region_id=_region(session, region).id,
                                  address=address)
        for unit_no in units or []:
            service.add_unit(session, viewer, apartment_id=a.id, unit_no=unit_no)
        _echo({"id": a.id, "name": a.name, "units": list(units or [])}, as_json,
              f"已登记人才公寓：{a.name}（编号 {a.id}，房间 {len(units or [])} 间）")


@app.command("benefit-add")
def benefit_add_cmd(
    code: Annotated[str, typer.Argument(help="编号，如 HJ-LH")],
    name: Annotated[str, typer.Argument(help="名称，如 人才落户（一站式办理）")],
    region: Annotated[str, typer.Option("--region", help="适用地区，如 河津市")],
    department: Annotated[str, typer.Option("--department", help="办理部门，如 河津市公安局")],
    kind: Annotated[str, typer.Option("--kind", help="类别：" + "、".join(ApplicationKind.labels().values()))]
    = ApplicationKind.BENEFIT.label,
    min_tier: Annotated[str | None, typer.Option("--min-tier", help="最低人才层次（不填则各层次适用）")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=365, help="办理时限（天）")] = 15,
    amount: Annotated[str | None, typer.Option("--amount", help="标准金额，写明单位，如 5万元")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """登记优惠条件（所在地区的办公室）：人才卡持有人可在一件事申请中申请，由办理部门限时办理。"""
    with _errors(), transaction(engine_for(db)) as session:
        try:
            kind_ = ApplicationKind.from_label(kind)
        except ValueError as exc:
            raise ValidationFailed(f"类别{exc}") from None
        b = service.add_benefit(session, cli_viewer(session, user), code=code, name=name,
                                region_id=_region(session, region).id,
                                department_id=resolve_organisation(session, department).id, kind=kind_,
                                min_tier=min_tier, time_limit_days=days, amount=parse_money(amount, "标准金额"))
        _echo({"id": b.id, "code": b.code, "name": b.name}, as_json,
              f"已登记优惠条件：{b.code} {b.name}（编号 {b.id}，{b.provider_name}办理，时限 {b.time_limit_days} 天）")


@app.command("post-add")
def post_add_cmd(
    title: Annotated[str, typer.Argument(help="岗位名称，如 质检实习")],
    host: Annotated[str, typer.Option("--host", help="接收单位")],
    places: Annotated[int, typer.Option("--places", min=1, max=10_000, help="岗位人数")],
    from_on: Annotated[str, typer.Option("--from", help="开始日期")],
    to_on: Annotated[str, typer.Option("--to", help="结束日期")],
    daily_subsidy: Annotated[str | None, typer.Option("--daily-subsidy", help="每日实习补贴，如 80元")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """发布实习岗位（接收单位或所在地区的办公室）；之后用 xiaodi talent place 安排学生。"""
    with _errors(), transaction(engine_for(db)) as session:
        p = internships.offer_post(session, cli_viewer(session, user), title=title,
                                   host_org_id=resolve_organisation(session, host).id, places=places,
                                   starts_on=required_day(from_on, "开始日期"), ends_on=required_day(to_on, "结束日期"),
                                   daily_subsidy=parse_money(daily_subsidy, "实习补贴"))
        _echo({"id": p.id, "title": p.title}, as_json, f"已发布实习岗位：{p.title}（编号 {p.id}，{p.places} 人）")


@app.command("tiers")
def tiers_cmd(as_json: JsonOption = False, db: DbOption = None) -> None:
    """列出人才层次。"""
    with _errors(), transaction(engine_for(db)) as session:
        rows = service.tiers(session)
        if as_json:
            _echo([{"code": t.code, "name": t.name, "rank": t.rank, "criteria": t.criteria} for t in rows], True, "")
            return
        if not rows:
            typer.echo("尚未登记人才层次；省级办公室用 xiaodi talent tier-add 代码 名称 --rank 等级 登记")
            return
        table = Table("代码", "名称", "等级", "认定标准", title="人才层次")
        for t in rows:
            table.add_row(t.code, t.name, str(t.rank), t.criteria or "")
        cli_console().print(table)


@app.command("register")
def register_cmd(
    name: Annotated[str, typer.Option("--name", help="姓名")],
    region: Annotated[str, typer.Option("--region", help="所在行政区，如 河津市")],
    id_number: Annotated[str | None, typer.Option("--id-number", help="身份证号")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="人才层次 A/B/C/D")] = None,
    category: Annotated[str | None, typer.Option("--category", help="人才类别")] = None,
    flexible: Annotated[bool, typer.Option("--flexible", help="柔性引进（默认全职引进）")] = False,
    introduced_on: Annotated[str | None, typer.Option("--introduced-on", help="引进日期 YYYY-MM-DD")] = None,
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="证明材料，可重复")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """人才登记。"""
    with _errors(), transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user)
        t = service.register_talent(session, viewer, name=name, region_id=_region(session, region).id,
                                    id_number=id_number, phone=phone, tier=tier, category=category,
                                    mode="flexible" if flexible else "full_time",
                                    introduced_on=parse_day(introduced_on, "引进日期"), evidence=evidence or [])
        _echo({"id": t.id, "name": t.person.name}, as_json, f"已登记人才：{t.person.name}（编号 {t.id}）")


@app.command("card-apply")
def card_apply_cmd(
    talent_id: IdArg, evidence: Annotated[list[str] | None, typer.Option("--evidence", help="证明材料，可重复")] = None,
    card_name: Annotated[str | None, typer.Option("--card-name", help="如 太行英才卡")] = None,
    tier: Annotated[str | None, typer.Option("--tier")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """申领人才卡（须附证明材料）。"""
    with _errors(), transaction(engine_for(db)) as session:
        card = service.apply_for_card(session, cli_viewer(session, user), talent_id=talent_id, evidence=evidence,
                                      card_name=card_name, tier=tier)
        _echo({"id": card.id, "state": card.state}, as_json, f"已提交人才卡申请（编号 {card.id}），待审核")


# --action by the word the help shows beside each code (发卡 for issue)
CARD_ACTIONS = {"发卡": "issue", "退回": "refuse", "续期": "renew", "撤销": "revoke"}


@app.command("card-decide")
def card_decide_cmd(
    card_id: IdArg,
    action: Annotated[str, typer.Option("--action", help="issue 发卡 / refuse 退回 / renew 续期 / revoke 撤销")],
    reason: Annotated[str | None, typer.Option("--reason", help="退回、撤销的理由")] = None,
    years: Annotated[int, typer.Option("--years", min=1, max=10, help="有效期或续期年限")] = service.CARD_YEARS,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """审核人才卡：发卡、退回、续期、撤销。"""
    with _errors(), transaction(engine_for(db)) as session:
        viewer = cli_viewer(session, user)
        action = CARD_ACTIONS.get(action.strip(), action.strip())
        if action == "issue":
            card = service.issue_card(session, viewer, card_id=card_id, years=years)
        elif action == "refuse":
            card = service.refuse_card(session, viewer, card_id=card_id, reason=reason or "")
        elif action == "renew":
            card = service.renew_card(session, viewer, card_id=card_id, years=years)
        elif action == "revoke":
            card = service.revoke_card(session, viewer, card_id=card_id, reason=reason or "")
        else:
            raise ValidationFailed("--action 应为 发卡（issue）、退回（refuse）、续期（renew）或 撤销（revoke）")
        _echo({"id": card.id, "card_no": card.card_no, "state": card.state, "expires_on": card.expires_on}, as_json,
              f"人才卡 {card.card_no or card.id}：{CardState(card.state).label}"
              + (f"，有效期至 {card.expires_on}" if card.expires_on else ""))


@app.command("apply")
def apply_cmd(
    card_id: IdArg,
    benefit: Annotated[list[int], typer.Option("--benefit", help="优惠条件编号，可重复")],
    department: Annotated[list[int] | None, typer.Option("--department", help="对应的办理部门编号（可省略）")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """一件事申请：一次申请多项待遇，分送各部门办理。"""
    depts = list(department or [])
    if depts and len(depts) != len(benefit):
        raise typer.BadParameter("--department 的个数应与 --benefit 相同")
    with _errors(), transaction(engine_for(db)) as session:
        items = [service.Item(b, depts[i] if depts else None) for i, b in enumerate(benefit)]
        a = service.apply_one_stop(session, cli_viewer(session, user), card_id=card_id, items=items)
        steps = [{"id": s.id, "department": s.department.name, "benefit": s.benefit.name, "due_on": s.due_on}
                 for s in a.steps]
        _echo({"id": a.id, "steps": steps}, as_json, f"一件事申请 {a.id} 已分送 {len(steps)} 个部门")


@app.command("answer")
def answer_cmd(
    step_id: IdArg, reject: Annotated[bool, typer.Option("--reject", help="不予办理（默认办结）")] = False,
    answer: Annotated[str | None, typer.Option("--answer", help="答复意见（不予办理须说明理由）")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """部门答复办理事项。"""
    with _errors(), transaction(engine_for(db)) as session:
        step = service.answer_step(session, cli_viewer(session, user), step_id=step_id, approve=not reject,
                                   answer=answer)
        app_state = ApplicationState(step.application.state).label
        _echo({"id": step.id, "state": step.state, "application_state": step.application.state}, as_json,
              f"事项“{step.benefit.name}”：{StepState(step.state).label}；申请：{app_state}")


@app.command("allocate")
def allocate_cmd(
    apartment_id: IdArg, unit_no: Annotated[str, typer.Option("--unit")],
    talent_id: Annotated[int, typer.Option("--talent", min=1)],
    from_on: Annotated[str, typer.Option("--from", help="入住日期")],
    to_on: Annotated[str | None, typer.Option("--to", help="计划退房日期")] = None,
    user: UserOption = None, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """分配人才公寓（同一房间时间不得重叠）。"""
    with _errors(), transaction(engine_for(db)) as session:
        a = service.allocate(session, cli_viewer(session, user), apartment_id=apartment_id, unit_no=unit_no,
                             talent_id=talent_id, from_on=parse_day(from_on, "入住日期") or local_today(),
                             to_on=parse_day(to_on, "退房日期"))
        _echo({"id": a.id}, as_json, f"已分配 {a.apartment.name} {a.unit_no}（{a.from_on} 起）")


@app.command("check-out")
def check_out_cmd(allocation_id: IdArg, on: Annotated[str, typer.Option("--on", help="退房日期")],
                  user: UserOption = None, db: DbOption = None) -> None:
    """退房。"""
    with _errors(), transaction(engine_for(db)) as session:
        a = service.check_out(session, cli_viewer(session, user), allocation_id=allocation_id,
                              on=parse_day(on, "退房日期") or local_today())
        typer.echo(f"已退房：{a.apartment.name} {a.unit_no}（{a.vacated_on}）")


@app.command("subsidy")
def subsidy_cmd(talent_id: IdArg, rule: Annotated[str, typer.Option("--rule", help="、".join(service.SUBSIDY_RULES))],
                user: UserOption = None, db: DbOption = None) -> None:
    """按政策认定人才补贴。"""
    with _errors(), transaction(engine_for(db)) as session:
        g = service.decide_subsidy(session, cli_viewer(session, user), talent_id=talent_id, rule=rule)
        typer.echo(f"已认定 {g.kind.label}（编号 {g.id}）：每期 {g.instalment_amount} 元 × {g.instalments} 期")


@app.command("pay")
def pay_cmd(grant_id: IdArg, period: Annotated[str, typer.Option("--period", help="期次，如 2026-03")],
            paid_on: Annotated[str | None, typer.Option("--paid-on")] = None,
            user: UserOption = None, db: DbOption = None) -> None:
    """按期发放补贴。"""
    with _errors(), transaction(engine_for(db)) as session:
        p = service.pay_instalment(session, cli_viewer(session, user), grant_id=grant_id, period=period,
                                   paid_on=parse_day(paid_on, "发放日期") or local_today())
        typer.echo(f"已发放 {p.period}：{p.amount} 元")


@app.command("totals")
def totals_cmd(period: Annotated[str | None, typer.Option("--period", help="期次前缀，如 2026")] = None,
               user: UserOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """补贴发放按期次、类别合计。"""
    with _errors(), transaction(engine_for(db)) as session:
        rows = service.subsidy_totals(session, cli_viewer(session, user), period_prefix=period)
    if as_json:
        _echo([{"period": r.period, "kind": r.kind.value, "payments": r.payments, "amount": r.amount} for r in rows],
              True, "")
        return
    table = Table("期次", "类别", "笔数", "金额（元）", title="人才补贴发放合计")
    for r in rows:
        table.add_row(r.period, r.kind.label, str(r.payments), f"{r.amount:,.2f}")
    cli_console().print(table)


@app.command("place")
def place_cmd(post_id: IdArg, student: Annotated[str, typer.Option("--student")],
              university: Annotated[str, typer.Option("--university", help="高校名称（或单位编号）")],
              user: UserOption = None, db: DbOption = None) -> None:
    """安排学生到实习岗位。"""
    with _errors(), transaction(engine_for(db)) as session:
        university_id = int(university) if university.isascii() and university.isdigit() else \
            resolve_organisation(session, university).id
        i = internships.place_student(session, cli_viewer(session, user), post_id=post_id, student_name=student,
                                      university_id=university_id)
        typer.echo(f"已安排 {i.student_name}：{i.days} 天，实习补贴 {i.subsidy_amount or 0} 元")


@app.command("figures")
def figures_cmd(region: Annotated[str | None, typer.Option("--region")] = None, as_json: JsonOption = False,
                db: DbOption = None) -> None:
    """人才与实习实训统计：引进人才、持卡人才、实习学生与天数（分地区、分基地）。"""
    with _errors(), transaction(engine_for(db)) as session:
        regions = region_subtree_ids(session, _region(session, region).id) if region else None
        total = figures.talent_figures(session, regions=regions)
        by_region = figures.internships_by_region(session, regions=regions)
        by_base = figures.internships_by_base(session, regions=regions)
    if as_json:
        _echo({"total": total.__dict__, "by_region": [r.__dict__ for r in by_region],
               "by_base": [r.__dict__ for r in by_base]}, True, "")
        return
    typer.echo(f"引进人才 {total.talents}（柔性 {total.flexible}），持卡人才 {total.card_holders}，"
               f"实习学生 {total.interns}，实习 {total.intern_days} 天")
    for title, rows in (("分地区", by_region), ("分基地", by_base)):
        table = Table(title, "学生", "天数")
        for r in rows:
            table.add_row(r.label, str(r.students), str(r.days))
        cli_console().print(table)
