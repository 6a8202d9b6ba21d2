"""The vocabulary of ledger metrics (统计指标) and the figures the ledger computes, each label written once.

Report figures, event outcomes and assessment indicators use the same ``Metric`` keys, so that a figure a report
states can be set beside the figure the ledger computes, and scored. Columns store the plain key (String), so a
new metric needs no migration. The areas that state or score figures (``ingest``, ``events``, ``assessment``)
read this module; it reads nothing above ``core``.
"""

from __future__ import annotations

from xiaodi.core.labels import Labelled


class Metric(Labelled):
    """A ledger metric (统计指标), with the unit a report counts it in."""

    UNIVERSITIES = "universities", "合作高校"  # (所)
    AGREEMENTS = "agreements", "签约协议"  # (项)
    PROJECTS_SIGNED = "projects_signed", "签约项目"  # (个)
    PROJECTS_LANDED = "projects_landed", "落地项目"  # (个)
    AMOUNT_SIGNED = "amount_signed", "签约金额"  # (元)
    FUNDS_IN_PLACE = "funds_in_place", "到位资金"  # (元)
    BASES = "bases", "共建基地"  # (个)
    TECH_DEMAND = "tech_demand", "技术需求"  # (项)
    TALENT_DEMAND = "talent_demand", "人才需求"  # (人/项)
    PROJECT_DEMAND = "project_demand", "项目需求"  # (项)
    ACHIEVEMENTS = "achievements", "科技成果"  # 转化科技成果 (项)
    POSITIONS = "positions", "就业岗位"  # 提供岗位 (个)
    EXPERTS = "experts", "专家教授"  # (人)
    TALENTS = "talents", "引进人才"  # (人)
    STUDENTS = "students", "大学生"  # 实习实训/就业学生 (人)
    ENTERPRISES = "enterprises", "企业"  # 参与企业 (家)
    INTENTS = "intents", "合作意向"  # (项)
    EVENTS = "events", "活动"  # (次)
    TRAININGS = "trainings", "培训人次"  # (人次)
    PLATFORMS = "platforms", "共建平台"  # (个)
    OUTPUT_VALUE = "output_value", "新增产值"  # (元)
    INVESTMENT = "investment", "投资额"  # 总投资/计划投资 (元)
    CONTACTS = "contacts", "对接次数"  # (次)
    PROJECTS = "projects", "合作项目"  # (个) — neither 签约 nor 落地 stated
    TEAMS = "teams", "团队"  # 服务团队/创新团队 (个)


class LedgerFigure(Labelled):
    """A figure only the ledger counts: no report states it as such, so no stated figure carries it."""

    TALENT_HEADCOUNT = "talent_headcount", "人才需求人数"
    DEMANDS_PUBLISHED = "demands_published", "发榜需求"
    DEMANDS_CLAIMED = "demands_claimed", "已揭榜需求"
    CARD_HOLDERS = "card_holders", "持卡人才"


# Money metrics are stored in yuan; every other metric is a count in its own unit.
MONEY_METRICS: frozenset[Metric] = frozenset(
    {Metric.AMOUNT_SIGNED, Metric.FUNDS_IN_PLACE, Metric.OUTPUT_VALUE, Metric.INVESTMENT}
)

# The figures the ledger computes (工作数据), in the order reports give them: ledger metrics, and three figures
# no report states as such (so they are not metrics a stated figure may carry).
FIGURE_KEYS: tuple[str, ...] = (
    "universities", "agreements", "amount_signed", "projects_signed", "projects_landed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "project_demand", "talent_headcount", "demands_published", "demands_claimed",
)  # fmt: skip
MONEY_KEYS: frozenset[str] = frozenset({"amount_signed", "funds_in_place"})

# The four figures the reports lead with, broken down by sub-region (分地区) and by year (分年度).
BREAKDOWN_KEYS: tuple[str, ...] = ("agreements", "amount_signed", "projects_landed", "funds_in_place",
                                   "demands_published")


def figure_label(key: str) -> str | None:
    """The Chinese name of a metric or a ledger-only figure key; None for any other key."""
    for vocabulary in (Metric, LedgerFigure):
        try:
            return vocabulary(key).label
        except ValueError:
            continue
    return None


def metric_label(key: str) -> str:
    """The Chinese name of a figure or metric key; an unknown key is shown as it is."""
    return figure_label(key) or key


__all__ = ["BREAKDOWN_KEYS", "FIGURE_KEYS", "MONEY_KEYS", "MONEY_METRICS", "LedgerFigure", "Metric",
           "figure_label", "metric_label"]
