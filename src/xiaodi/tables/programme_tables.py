"""Tables of the loop gaps of #18: 合作意向清单 (intents) and 经费预算表 (budget lines).

Decisions recorded here:
- An intent's 状态 is the ledger's; the database refuses a 已签约 row without its 签订协议 and a 已终止 row without
  its 终止原因 (the import then writes nothing). On the web an import may not change the state at all: 签约 and
  终止 are done on the intent's page, which checks the agreement's parties (``web.import_rules``).
- 已拨付 is a read-only summary of a budget line's allocations, which are a dated ledger of their own; imports
  ignore it, as the project list's 到位资金.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.budgets.models import Allocation, BudgetKind, BudgetLine
from xiaodi.core.settings import after_today
from xiaodi.intents.models import Intent, IntentState
from xiaodi.intents.service import AGREED_LATER
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import CodeRef, ColType, ColumnSpec, TableSpec, choices_from_labels


def check_intent(ctx: ImportContext, number: int, values: dict[str, Any],
                 existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """The intents service's rules for a row: an intent is registered once reached (达成日期 not after today); one
    已终止 says why (终止原因) and one 已签约 names its agreement (协议编号) — the table's own constraints, said by
    row and column in the dry run too, not as a write conflict."""
    problems: list[tuple[str, str, str | None]] = []
    agreed_on = values.get("agreed_on")
    problem = after_today(agreed_on, "达成日期", AGREED_LATER)
    if problem is not None and not ctx.keeps_stored(Intent.agreed_on, existing_id, agreed_on):
        problems.append(("agreed_on", problem, "请填写实际达成意向的日期"))
    state = values.get("state")
    for column, needed_by, said in (("close_reason", IntentState.CLOSED, "已终止的意向须填写终止原因"),
                                    ("agreement_id", IntentState.SIGNED, "已签约的意向须填写签订协议的协议编号")):
        given = column in values or existing_id is None  # a column left out of the file keeps what is stored
        if state == needed_by.value and given and not values.get(column):
            problems.append((column, said, None))
    return problems


INTENTS = TableSpec(
    name="intents",
    title="合作意向清单",
    model=Intent,
    description="签约前达成的合作意向，跟踪至签约或终止；意向编号识别一条意向。",
    columns=[
        ColumnSpec("code", "意向编号", required=True, natural_key=True, example="YX-2025-000001", aliases=("编号",)),
        ColumnSpec("topic", "合作内容", required=True, example="再生铝提纯技术合作", aliases=("意向内容", "合作事项"),
                   width=32),
        ColumnSpec("enterprise_id", "企业（单位）", ColType.ORG_REF, required=True, example="山西示例新材料有限公司",
                   aliases=("企业", "单位", "企业名称"), width=28),
        ColumnSpec("university_id", "高校（院所）", ColType.ORG_REF, required=True,
                   org_kinds=("university", "institute"), example="山西大学", aliases=("高校", "合作高校", "院所")),
        ColumnSpec("agreed_on", "达成日期", ColType.DATE, required=True, example="2025-03-12",
                   aliases=("达成意向日期", "日期")),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区",)),
        ColumnSpec("event_id", "来自活动", ColType.CODE_REF, ref=CodeRef("event", ("name",), "name", "活动"),
                   aliases=("活动", "活动名称"), help="填写活动名称（可不填）"),
        ColumnSpec("demand_id", "对应需求", ColType.CODE_REF, ref=CodeRef("demand", ("code",), "code", "需求"),
                   aliases=("需求编号",), help="填写需求编号（可不填）"),
        ColumnSpec("agreement_id", "签订协议", ColType.CODE_REF, ref=CodeRef("agreement", ("code",), "code", "协议"),
                   aliases=("协议编号",), help="已签约的意向填写协议编号"),
        ColumnSpec("state", "状态", ColType.ENUM, default=IntentState.OPEN.value, example="洽谈中",
                   aliases=("意向状态",), choices=choices_from_labels(IntentState.labels())),
        ColumnSpec("closed_on", "终止日期", ColType.DATE),
        ColumnSpec("close_reason", "终止原因", help="已终止的意向必填"),
        ColumnSpec("source", "来源", example="走访"),
        ColumnSpec("note", "备注"),
    ],
    check_row=check_intent,
)


def load_spent(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 1000):
        stmt = (select(Allocation.budget_line_id, func.sum(Allocation.amount))
                .where(Allocation.budget_line_id.in_(ids[i : i + 1000]), Allocation.retired_at.is_(None))
                .group_by(Allocation.budget_line_id))
        for line_id, total in session.execute(stmt):
            out[line_id] = {"spent": Decimal(total).quantize(Decimal("0.01")) if total is not None else None}
    return out


BUDGET_LINES = TableSpec(
    name="budget_lines",
    title="经费预算表",
    model=BudgetLine,
    description="各地区各年度的人才工作经费、引导基金、专项扶持资金；预算编号识别一条预算。已拨付为只读汇总。",
    columns=[
        ColumnSpec("code", "预算编号", required=True, natural_key=True, example="YS-2025-000001", aliases=("编号",)),
        ColumnSpec("name", "经费名称", required=True, example="人才工作经费", aliases=("名称", "预算名称")),
        ColumnSpec("kind", "类别", ColType.ENUM, required=True, example="人才工作经费", aliases=("经费类别",),
                   choices=choices_from_labels(BudgetKind.labels())),
        ColumnSpec("region_id", "所属地区", ColType.REGION_REF, required=True, example="山西省运城市",
                   aliases=("地区", "所在地区")),
        ColumnSpec("year", "年度", ColType.INT, required=True, example=2025, aliases=("预算年度",)),
        ColumnSpec("amount", "预算金额（万元）", ColType.MONEY, unit="万元", required=True, example=2000,
                   aliases=("预算金额", "金额")),
        ColumnSpec("spent", "已拨付（万元）", ColType.MONEY, unit="万元", virtual=True, read_only=True,
                   aliases=("已拨付",), help="拨付按笔登记在经费页面，此列为汇总"),
        ColumnSpec("source_document", "依据文件", example="运城市人才工作经费管理办法"),
        ColumnSpec("note", "备注"),
    ],
    load_virtual=load_spent,
    check_row=lambda ctx, number, values, existing_id: (
        [("amount", "预算金额须为正数", None)] if values.get("amount") == 0 else []),  # as budgets.service says
)
