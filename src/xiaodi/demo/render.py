"""The demo summary as Chinese lines (演示数据概览): what the ledger holds beside what the reports state."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xiaodi.core.numbers import format_yuan
from xiaodi.demands.models import DemandState
from xiaodi.figures.metrics import MONEY_METRICS, Metric

if TYPE_CHECKING:
    from xiaodi.demo.builder import DemoSummary

TABLE_LABELS: dict[str, str] = {
    "organisation": "单位", "person": "人员", "achievement": "科技成果", "platform": "科研平台", "demand": "需求",
    "claim": "揭榜方案", "service_order": "企业点单", "agreement": "协议", "project": "项目", "milestone": "节点",
    "fund_record": "到位资金记录", "dispatch_meeting": "调度会", "event": "活动", "event_outcome": "活动成效",
    "programme_base": "基地", "pairing": "1+1+N结对", "base_type": "基地类型", "talent_card": "人才卡",
    "benefit": "人才待遇", "service_application": "一站式申请", "apartment": "人才公寓",
    "talent_station": "人才工作站/驿站", "base_activity": "基地活动", "duty": "职责任务",
    "duty_milestone": "职责任务节点", "duty_report": "进展报告", "pairing_member": "成员单位",
    "leader_assignment": "领导包联",
    "indicator_set": "考核指标体系", "indicator": "考核指标", "ingested_report": "报道（人工摘录）",
    "stated_figure": "报道数字", "organisation_alias": "单位别名", "user_account": "账号", "audit_entry": "留痕记录",
}  # fmt: skip
SHOWN_METRICS = ("universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place",
                 "bases", "tech_demand", "talent_demand", "project_demand")  # fmt: skip


def label(metric: str) -> str:
    try:
        return Metric(metric).label
    except ValueError:
        return metric


def show(metric: str, value: int | Decimal) -> str:
    try:
        is_money = Metric(metric) in MONEY_METRICS
    except ValueError:
        is_money = False
    if is_money:
        return format_yuan(Decimal(value)) if value else "0"
    return f"{Decimal(value).normalize():f}"


def render_lines(summary: DemoSummary) -> list[str]:
    lines = [f"演示数据库已建成（演示日期 {summary.today:%Y-%m-%d}，用时 {summary.seconds} 秒）。"]
    ref = summary.reference
    lines.append(
        "公开参考数据：行政区划 {regions}，高校 {universities}，国家重点实验室 {state_key_labs}，学科 {disciplines}，"
        "行业分类 {industries}。".format(**{k: ref.get(k, 0) for k in (
            "regions", "universities", "state_key_labs", "disciplines", "industries")})
    )
    shown = [f"{TABLE_LABELS[t]} {n}" for t, n in summary.tables.items() if t in TABLE_LABELS and n]
    lines.append("据五篇报道录入的台账记录：" + "，".join(shown) + "。")
    states = [f"{DemandState(s).label} {n}" for s, n in sorted(summary.demand_states.items())]
    lines.append("需求状态：" + "，".join(states) + f"；逾期节点 {summary.overdue_milestones} 个（见调度清单）。")
    lines.append("各地数字（台账 = 平台中逐条登记的记录；报道 = 报道所述总数，已人工摘录并采信，供数据比对）：")
    for r in summary.regions:
        lines.append(f"  {r.full_name}")
        ledger = "，".join(f"{label(m)} {show(m, r.ledger.get(m, 0))}" for m in SHOWN_METRICS if r.ledger.get(m))
        lines.append(f"    台账：{ledger or '无'}；逾期节点 {r.overdue_milestones} 个")
        if r.reported:
            reported = "；".join(f"{f.summary}" for f in r.reported)
            lines.append(f"    报道：{reported}")
        for name, outcomes in r.event_outcomes:
            shown_outcomes = "，".join(f"{label(m)} {show(m, v)}" for m, v in outcomes.items())
            lines.append(f"    活动成效 · {name}：{shown_outcomes}")
    if summary.accounts:
        lines.append("演示账号（首次登录须修改密码，修改后才能使用平台）：")
        lines.extend(f"  {username}  {password}  （{role}）" for username, password, role in summary.accounts)
    return lines
