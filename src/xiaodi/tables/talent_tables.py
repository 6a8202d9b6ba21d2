"""Talent and internship information tables (引进人才登记表, 实习实训信息表).

Talents are keyed by their registration number (登记编号); the person is named with the employer, and a name
the directory does not know becomes a new person of kind 引进人才. ID numbers and phones stay out of the table:
they are personal data, entered on the register's pages with their check. Internships are keyed by the student,
the university and the start date.
"""

from __future__ import annotations

from typing import Any

from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.events.models import Internship, InternshipState
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import Choice, CodeRef, ColType, ColumnSpec, TableSpec, choices_from_labels
from xiaodi.talent.internships import internship_problems
from xiaodi.talent.models import Talent, TalentMode
from xiaodi.talent.service import check_introduced_on


def check_talent(ctx: ImportContext, number: int, values: dict[str, Any],
                 existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """The talent service's rule for a row (``talent.service.check_introduced_on``): a talent is registered once
    brought in — 引进日期 not after today (a tester's 2030-01-01 was written)."""
    day = values.get("introduced_on")
    if day is None or ctx.keeps_stored(Talent.introduced_on, existing_id, day):
        return []
    try:
        check_introduced_on(day)
    except ValidationFailed as exc:
        return [("introduced_on", exc.message,
                 f"请填写实际引进的日期（今天是 {local_today():%Y-%m-%d}），引进后再导入")]
    return []


_INTERNSHIP_HINTS = {
    "ends_on": "请核对起止日期；结束日期应在开始日期当天或之后",
    "days": "请填写实习的天数（正整数），不清楚可留空",
    "subsidy_amount": "没有补贴请留空或填 0",
}


def check_internship_row(ctx: ImportContext, number: int, values: dict[str, Any],
                         existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """The internships service's rules for a row (``talent.internships.internship_problems``): an end not before
    the start, at least one day, no negative subsidy — a tester's row had all three wrong, and it was written."""
    problems = internship_problems(starts_on=values.get("starts_on"), ends_on=values.get("ends_on"),
                                   days=values.get("days"), subsidy_amount=values.get("subsidy_amount"))
    return [(key, reason, _INTERNSHIP_HINTS.get(key)) for key, reason in problems]


# No table imports the tiers: they are the province office's list (``talent.service.add_tier``).
TIER_HOW_TO_ADD = "人才层次由省级办公室添加：xiaodi talent tier-add（xiaodi talent tiers 列出已有层次）"

TALENTS = TableSpec(
    name="talents",
    title="引进人才登记表",
    model=Talent,
    description="引进和服务的人才：层次、用人单位、来源高校、引进日期与方式；登记编号识别一名人才。",
    person_kind="talent",
    columns=[
        ColumnSpec("code", "登记编号", required=True, natural_key=True, example="RC140882-000001",
                   aliases=("人才编号",), width=18),
        ColumnSpec("person_id", "姓名", ColType.PERSON_REF, required=True, person_org="employer_id", example="王晓燕",
                   help="用人单位的人员；名录中没有时按姓名新建引进人才记录"),
        ColumnSpec("employer_id", "用人单位", ColType.ORG_REF, example="山西示例新材料有限公司", aliases=("工作单位",)),
        ColumnSpec("tier_id", "人才层次", ColType.CODE_REF, help="人才层次代码 A/B/C/D 或名称",
                   ref=CodeRef("talent_tier", ("code", "name"), "code", "人才层次", how_to_add=TIER_HOW_TO_ADD),
                   aliases=("层次",)),
        ColumnSpec("category", "人才类别", example="青年博士", aliases=("类别",)),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, required=True, example="山西省运城市河津市",
                   aliases=("地区",)),
        ColumnSpec("university_id", "来源高校", ColType.ORG_REF, org_kinds=("university", "institute"),
                   example="山西大学", aliases=("毕业院校", "高校")),
        ColumnSpec("introduced_on", "引进日期", ColType.DATE, example="2025-07-01", aliases=("引进时间",)),
        ColumnSpec("mode", "引进方式", ColType.ENUM, default=TalentMode.FULL_TIME.value, example="全职引进",
                   choices=tuple(Choice(k, v) for k, v in TalentMode.labels().items())),
        ColumnSpec("evidence", "证明材料", ColType.LIST, example="博士学位证书；劳动合同"),
        ColumnSpec("note", "备注"),
    ],
    check_row=check_talent,
)

INTERNSHIPS = TableSpec(
    name="internships",
    title="实习实训信息表",
    model=Internship,
    description="实习实训学生：高校、接收单位与基地、起止日期、天数、实习补贴、拎包入住与保险；学生、高校和开始日期识别一条实习。",
    columns=[
        ColumnSpec("student_name", "学生姓名", required=True, natural_key=True, example="张同学", aliases=("姓名",)),
        ColumnSpec("university_id", "高校", ColType.ORG_REF, required=True, natural_key=True,
                   org_kinds=("university", "institute"), example="山西大学", aliases=("所在高校",)),
        ColumnSpec("starts_on", "开始日期", ColType.DATE, required=True, natural_key=True, example="2025-07-01"),
        ColumnSpec("ends_on", "结束日期", ColType.DATE, example="2025-08-14"),
        ColumnSpec("major", "专业", example="药学"),
        ColumnSpec("host_org_id", "接收单位", ColType.ORG_REF, example="山西示例新材料有限公司"),
        ColumnSpec("base_id", "实习基地", ColType.CODE_REF, help="基地清单中的基地名称",
                   ref=CodeRef("programme_base", ("name",), "name", "基地"), aliases=("基地",)),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区",)),
        ColumnSpec("position", "岗位", example="质检实习"),
        ColumnSpec("days", "天数", ColType.INT, example=45, aliases=("实习天数",)),
        ColumnSpec("subsidy_amount", "实习补贴（元）", ColType.MONEY, example=2700, aliases=("补贴",)),
        ColumnSpec("accommodation", "拎包入住", ColType.BOOL, default=False, example="是"),
        ColumnSpec("insured", "实习保险", ColType.BOOL, default=False, example="是", aliases=("保险",)),
        ColumnSpec("state", "状态", ColType.ENUM, default="planned", example="已结束",
                   choices=choices_from_labels(InternshipState.labels())),
        ColumnSpec("note", "备注"),
    ],
    check_row=check_internship_row,
)
