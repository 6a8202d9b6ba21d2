"""The demo summary as Chinese lines (演示数据概览): what the ledger holds beside what the reports state."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xiaodi.core.labels import Labelled
from xiaodi.core.numbers import format_yuan
from xiaodi.demands.models import DemandState
from xiaodi.figures.metrics import MONEY_METRICS, Metric, figure_label

if TYPE_CHECKING:
    from xiaodi.demo.builder import DemoSummary


class LedgerTable(Labelled):
    """The ledger tables the summary counts, by the name of their records (台账记录)."""

    ORGANISATION = "organisation", "单位"
    PERSON = "person", "人员"
    ACHIEVEMENT = "achievement", "科技成果"
    PLATFORM = "platform", "科研平台"
    DEMAND = "demand", "需求"
    CLAIM = "claim", "揭榜方案"
    SERVICE_ORDER = "service_order", "企业点单"
    AGREEMENT = "agreement", "协议"
    PROJECT = "project", "项目"
    MILESTONE = "milestone", "节点"
    FUND_RECORD = "fund_record", "到位资金记录"
    DISPATCH_MEETING = "dispatch_meeting", "调度会"
    EVENT = "event", "活动"
    EVENT_OUTCOME = "event_outcome", "活动成效"
    PROGRAMME_BASE = "programme_base", "基地"
    PAIRING = "pairing", "1+1+N结对"
    BASE_TYPE = "base_type", "基地类型"
    TALENT_CARD = "talent_card", "人才卡"
    BENEFIT = "benefit", "人才待遇"
    SERVICE_APPLICATION = "service_application", "一站式申请"
    APARTMENT = "apartment", "人才公寓"
    TALENT_STATION = "talent_station", "人才工作站/驿站"
    BASE_ACTIVITY = "base_activity", "基地活动"
    DUTY = "duty", "职责任务"
    DUTY_MILESTONE = "duty_milestone", "职责任务节点"
    DUTY_REPORT = "duty_report", "进展报告"
    PAIRING_MEMBER = "pairing_member", "成员单位"
    LEADER_ASSIGNMENT = "leader_assignment", "领导包联"
    INDICATOR_SET = "indicator_set", "考核指标体系"
    INDICATOR = "indicator", "考核指标"
    INGESTED_REPORT = "ingested_report", "报道（人工摘录）"
    STATED_FIGURE = "stated_figure", "报道数字"
    ORGANISATION_ALIAS = "organisation_alias", "单位别名"
    USER_ACCOUNT = "user_account", "账号"
    AUDIT_ENTRY = "audit_entry", "留痕记录"


SHOWN_METRICS = ("universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place",
                 "bases", "tech_demand", "talent_demand", "project_demand")  # fmt: skip


def label(metric: str) -> str:
    """A figure's or an event outcome's Chinese name (达成意向（人）, not intent_people)."""
    from xiaodi.events.models import OutcomeMetric

    found = figure_label(metric)
    if found is not None:
        return found
    try:
        return OutcomeMetric(metric).label
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
    names = LedgerTable.labels()
    shown = [f"{names[t]} {n}" for t, n in summary.tables.items() if t in names and n]
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
