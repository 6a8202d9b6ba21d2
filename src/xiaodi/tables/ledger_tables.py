"""Ledger tables: 企业需求清单 (demands), 协议清单 (agreements), 项目清单 (projects), 基地清单 (bases).

Decisions recorded here:
- 到位资金 (funds in place) is a read-only summary on the project list: the sum of the project's fund records
  that no correction replaces. Funds are a dated ledger with corrections (``FundRecord``); a single cell
  cannot say when money arrived or correct an earlier record, so imports ignore the column (with a warning).
- 状态/项目阶段 cells set the stored state directly: the tables are the offices' ledgers of record. No
  transition rows (DemandTransition, ProjectStageChange) are written; the audit trail keeps before → after.
  That is the operator's console; a person's import on the web may only move a state along the steps of its
  state machine that person may take, and those steps are recorded as the pages record them
  (``web.import_rules``).
- 签约各方 lists the parties in order: the first is 甲方, the second 乙方, the rest 丙方. A name that is not
  in the directory is kept as written (AgreementParty.name) and reported as a warning.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from xiaodi.bases.models import DEFAULT_BASE_TYPES, BaseState, ProgrammeBase
from xiaodi.core.contact import PHONE_HELP, PHONE_PATTERN
from xiaodi.core.models import utcnow
from xiaodi.core.settings import after_today
from xiaodi.demands.models import Demand, DemandKind, DemandState, Visibility
from xiaodi.directory.models import Organisation
from xiaodi.directory.service import clean_name
from xiaodi.projects.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementState,
    FundRecord,
    PartyRole,
    Project,
    ProjectStage,
)
from xiaodi.tables.base_tables import check_base
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import Choice, CodeRef, ColType, ColumnSpec, TableSpec, choices_from_labels

_ROLES = (PartyRole.PARTY_A, PartyRole.PARTY_B)

# The states a demand reaches only through 发榜: imported in one of them, it was published.
PUBLISHED_STATES = (DemandState.PUBLISHED, DemandState.CLAIMED, DemandState.SHORTLISTED, DemandState.SELECTED,
                    DemandState.CONTRACTED)


def stamp_published(ctx: ImportContext, written: dict[int, int]) -> None:
    """A demand imported as 已发榜 (or later) without a 发榜时间 gets the import's moment, as ``demands.service``'s
    发榜 step gives it: the figures count demands published by that time, and an imported 已发榜 demand counted 0."""
    ids = sorted(set(written.values()))
    for i in range(0, len(ids), 1000):
        ctx.session.execute(update(Demand).where(
            Demand.id.in_(ids[i : i + 1000]), Demand.published_at.is_(None),
            Demand.state.in_([s.value for s in PUBLISHED_STATES])).values(published_at=utcnow()))


DEMANDS = TableSpec(
    name="demands",
    title="企业需求清单",
    model=Demand,
    description="企业和单位发布的人才、技术、项目需求；需求编号识别一条需求。",
    columns=[
        ColumnSpec(
            "code", "需求编号", required=True, natural_key=True, example="XQ-2024-0001", aliases=("编号", "序号编号")
        ),
        ColumnSpec(
            "title", "需求名称", required=True, example="高炉渣余热回收技术攻关", aliases=("需求标题", "名称"), width=32
        ),
        ColumnSpec(
            "kind",
            "需求类型",
            ColType.ENUM,
            required=True,
            example="技术需求",
            aliases=("类型", "需求类别", "类别"),
            choices=choices_from_labels(
                DemandKind.labels(),
                {DemandKind.TALENT: ("人才",), DemandKind.TECHNOLOGY: ("技术",), DemandKind.PROJECT: ("项目",)},
            ),
        ),
        ColumnSpec(
            "owner_id",
            "发布单位",
            ColType.ORG_REF,
            required=True,
            example="山西示例新材料有限公司",
            aliases=("需求单位", "企业名称", "单位名称"),
            width=28,
        ),
        ColumnSpec(
            "region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区", "所在地")
        ),
        ColumnSpec("lead_unit_id", "牵头单位", ColType.ORG_REF, example="河津市人民政府", aliases=("牵头部门",)),
        ColumnSpec("industry_code", "行业代码", example="C31", aliases=("行业", "所属行业")),
        ColumnSpec(
            "description",
            "需求描述",
            example="现有高炉渣余热未利用，希望与高校合作开发回收工艺。",
            aliases=("需求内容", "需求简介", "具体需求"),
            width=50,
        ),
        ColumnSpec("keywords", "关键词", ColType.LIST, example="余热回收；高炉渣"),
        ColumnSpec(
            "headcount",
            "需求人数",
            ColType.COUNT,
            example="5人",
            aliases=("人数", "需求数量"),
            help="人才需求填写；可写“5人”“十余人”",
        ),
        ColumnSpec("qualifications", "任职要求", aliases=("学历要求", "要求", "资格要求")),
        ColumnSpec(
            "budget", "预算（万元）", ColType.MONEY, unit="万元", example=200, aliases=("预算", "预计投入", "经费预算")
        ),
        ColumnSpec(
            "deadline", "截止日期", ColType.DATE, example="2030-12-31", aliases=("揭榜截止日期", "截止时间", "揭榜截止")
        ),
        ColumnSpec(
            "visibility",
            "公开方式",
            ColType.ENUM,
            aliases=("发榜方式",),
            default=Visibility.PUBLIC.value,
            example="公开发榜",
            choices=(
                Choice(Visibility.PUBLIC.value, "公开发榜", ("公开",)),
                Choice(Visibility.DIRECTED.value, "定向发布", ("定向",)),
                Choice(Visibility.CONFIDENTIAL.value, "保密", ("不公开",)),
            ),
        ),
        ColumnSpec(
            "state",
            "状态",
            ColType.ENUM,
            default="published",
            example="已发榜",
            aliases=("需求状态",),
            choices=choices_from_labels(DemandState.labels()),
        ),
        ColumnSpec("contact_name", "联系人", example="王强"),
        ColumnSpec("contact_phone", "联系电话", example="13900000000", aliases=("电话",),
                   pattern=PHONE_PATTERN, pattern_help=PHONE_HELP),
        ColumnSpec("source", "来源", example="对接会", aliases=("需求来源",)),
        ColumnSpec("note", "备注"),
    ],
    after_write=stamp_published,
    progress=("state", tuple(s.value for s in (
        DemandState.DRAFT, DemandState.SUBMITTED, DemandState.REVIEWED, DemandState.PUBLISHED, DemandState.CLAIMED,
        DemandState.SHORTLISTED, DemandState.SELECTED, DemandState.CONTRACTED))),
)


def load_parties(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    order = {PartyRole.PARTY_A.value: 0, PartyRole.PARTY_B.value: 1, PartyRole.PARTY_C.value: 2}
    for i in range(0, len(ids), 1000):
        stmt = (
            select(AgreementParty.agreement_id, AgreementParty.role, AgreementParty.name, Organisation.name)
            .outerjoin(Organisation, Organisation.id == AgreementParty.organisation_id)
            .where(AgreementParty.agreement_id.in_(ids[i : i + 1000]))
            .order_by(AgreementParty.id)
        )
        rows = sorted(session.execute(stmt), key=lambda r: order.get(str(r[1]), 3))
        for aid, _role, written, official in rows:
            out.setdefault(aid, {"parties": []})["parties"].append(official or written)
    return out


def check_parties(
    ctx: ImportContext, row: int, values: dict[str, Any], existing_id: int | None
) -> list[tuple[str, str, str | None]]:
    """Parties are compared and stored under their directory names (an alias becomes the official name)."""
    index = ctx.org_index(())
    names = []
    for name in values.get("parties") or []:
        found = index.resolve(name)
        if found.record_id is None:
            ctx.warnings.append(f"第 {row} 行「签约各方」：“{name}”未在单位名录中找到，按原文保存")
        names.append(found.name or clean_name(name))
    values["parties"] = names
    return []


def store_parties(ctx: ImportContext, record_id: int, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    if old is not None:
        ctx.session.execute(delete(AgreementParty).where(AgreementParty.agreement_id == record_id))
    index = ctx.org_index(())
    rows = []
    for i, name in enumerate(new.get("parties") or []):
        found = index.resolve(name)
        rows.append(
            {
                "agreement_id": record_id,
                "organisation_id": found.record_id,
                "name": found.name or clean_name(name),
                "role": (_ROLES[i] if i < len(_ROLES) else PartyRole.PARTY_C).value,
            }
        )
    if rows:
        ctx.session.execute(insert(AgreementParty.__table__), rows)  # type: ignore[arg-type]


def check_agreement(ctx: ImportContext, number: int, values: dict[str, Any],
                    existing_id: int | None) -> list[tuple[str, str, str | None]]:
    """The projects service's rule for a row: an agreement is registered once signed — 签约日期 not after today."""
    signed_on = values.get("signed_on")
    problem = after_today(signed_on, "签约日期", "尚未签订的协议")
    if problem is None or ctx.keeps_stored(Agreement.signed_on, existing_id, signed_on):
        return []
    return [("signed_on", problem, "请填写实际签约的日期，签约后再导入")]


AGREEMENTS = TableSpec(
    name="agreements",
    title="协议清单",
    model=Agreement,
    description="签订的合作协议和技术合同；协议编号识别一份协议。",
    columns=[
        ColumnSpec(
            "code", "协议编号", required=True, natural_key=True, example="XY-2024-0001", aliases=("合同编号", "编号")
        ),
        ColumnSpec(
            "title",
            "协议名称",
            required=True,
            example="山西大学—河津市校地合作框架协议",
            aliases=("合同名称", "名称"),
            width=36,
        ),
        ColumnSpec(
            "kind",
            "协议类型",
            ColType.ENUM,
            required=True,
            example="战略合作框架协议",
            aliases=("合同类型", "类型", "类别"),
            choices=choices_from_labels(AgreementKind.labels()),
        ),
        ColumnSpec("signed_on", "签约日期", ColType.DATE, example="2024-05-20", aliases=("签订日期", "签约时间")),
        ColumnSpec(
            "amount",
            "签约金额（万元）",
            ColType.MONEY,
            unit="万元",
            example=500,
            aliases=("签约金额", "合同金额", "协议金额"),
        ),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区",)),
        ColumnSpec(
            "parties",
            "签约各方",
            ColType.LIST,
            virtual=True,
            example="河津市人民政府；山西大学",
            aliases=("签约方", "签约单位"),
            help="依次为甲方、乙方、丙方……，用“；”分隔",
        ),
        ColumnSpec(
            "state",
            "协议状态",
            ColType.ENUM,
            default=AgreementState.SIGNED.value,
            example="履行中",
            aliases=("状态",),
            choices=(
                Choice(AgreementState.SIGNED.value, "已签约"),
                Choice(AgreementState.IN_FORCE.value, "履行中"),
                Choice(AgreementState.FULFILLED.value, "履行完毕", ("已完成",)),
                Choice(AgreementState.TERMINATED.value, "已终止"),
            ),
        ),
        ColumnSpec("source", "来源", example="校地合作对接会"),
        ColumnSpec("note", "备注"),
    ],
    load_virtual=load_parties,
    check_virtual=check_parties,
    store_virtual=store_parties,
    check_row=check_agreement,
)


def load_funds(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    corrected = select(FundRecord.corrects_id).where(FundRecord.corrects_id.is_not(None))
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 1000):
        stmt = (
            select(FundRecord.project_id, func.sum(FundRecord.amount))
            .where(FundRecord.project_id.in_(ids[i : i + 1000]), FundRecord.id.not_in(corrected))
            .group_by(FundRecord.project_id)
        )
        for pid, total in session.execute(stmt):
            out[pid] = {"funds_in_place": Decimal(total).quantize(Decimal("0.01")) if total is not None else None}
    return out


PROJECTS = TableSpec(
    name="projects",
    title="项目清单",
    model=Project,
    description="校地合作项目从签约到验收的台账；项目编号识别一个项目。到位资金为只读汇总。",
    columns=[
        ColumnSpec("code", "项目编号", required=True, natural_key=True, example="XM-2024-0001", aliases=("编号",)),
        ColumnSpec("name", "项目名称", required=True, example="高炉渣余热回收中试线", width=32),
        ColumnSpec(
            "agreement_id",
            "所属协议",
            ColType.CODE_REF,
            example="XY-2024-0001",
            aliases=("协议编号", "依托协议"),
            ref=CodeRef("agreement", ("code", "title"), "code", "协议"),
            help="填写协议编号（或协议名称）",
        ),
        ColumnSpec(
            "region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区", "所在地")
        ),
        ColumnSpec("responsible_unit_id", "责任单位", ColType.ORG_REF, example="河津市人民政府", aliases=("牵头单位",)),
        ColumnSpec(
            "partner_id",
            "合作高校",
            ColType.ORG_REF,
            org_kinds=("university", "institute"),
            example="山西大学",
            aliases=("合作院校", "高校"),
        ),
        ColumnSpec(
            "enterprise_id",
            "企业",
            ColType.ORG_REF,
            org_kinds=("enterprise",),
            example="山西示例新材料有限公司",
            aliases=("合作企业", "企业名称", "承接企业"),
        ),
        ColumnSpec("leader_in_charge", "包联领导", example="李华", aliases=("包联领导姓名",)),
        ColumnSpec(
            "stage",
            "项目阶段",
            ColType.ENUM,
            default="signed",
            example="已开工",
            aliases=("项目状态", "进展阶段", "阶段"),
            choices=choices_from_labels(ProjectStage.labels()),
        ),
        ColumnSpec(
            "pledged_amount",
            "计划投资（万元）",
            ColType.MONEY,
            unit="万元",
            example=3000,
            aliases=("计划投资", "总投资", "签约金额（万元）"),
        ),
        ColumnSpec(
            "funds_in_place",
            "到位资金（万元）",
            ColType.MONEY,
            unit="万元",
            virtual=True,
            read_only=True,
            aliases=("到位资金",),
            help="到位资金按笔登记在项目台账中，此列为汇总",
        ),
        ColumnSpec("industry_code", "行业代码", example="C31", aliases=("行业",)),
        ColumnSpec(
            "description",
            "项目简介",
            example="建设高炉渣余热回收中试线一条。",
            aliases=("简介", "建设内容", "项目内容"),
            width=40,
        ),
        ColumnSpec("started_on", "开工日期", ColType.DATE, example="2024-07-01", aliases=("开工时间",)),
        ColumnSpec("landed_on", "落地日期", ColType.DATE, aliases=("落地时间",)),
        ColumnSpec("in_production_on", "投产日期", ColType.DATE, aliases=("投产时间",)),
        ColumnSpec("accepted_on", "验收日期", ColType.DATE, aliases=("验收时间",)),
        ColumnSpec(
            "is_key_project", "省重点工程", ColType.BOOL, default=False, example="否", aliases=("是否重点项目",)
        ),
        ColumnSpec("source", "来源"),
        ColumnSpec("note", "备注"),
    ],
    load_virtual=load_funds,
    progress=("stage", tuple(s.value for s in (
        ProjectStage.SIGNED, ProjectStage.STARTED, ProjectStage.LANDED, ProjectStage.IN_PRODUCTION,
        ProjectStage.ACCEPTED))),
)

BASES = TableSpec(
    name="bases",
    title="基地清单",
    model=ProgrammeBase,
    description="12大基地：实习实训、就业创业、科研平台延伸等基地；基地名称识别一个基地。",
    columns=[
        ColumnSpec(
            "name",
            "基地名称",
            required=True,
            natural_key=True,
            name_like=True,
            example="山西大学河津大学生实习实训基地",
            width=32,
        ),
        ColumnSpec(
            "base_type_id",
            "基地类型",
            ColType.CODE_REF,
            required=True,
            example="大学生实习实训基地",
            ref=CodeRef("base_type", ("name", "code"), "name", "基地类型",
                        how_to_add="请先运行 xiaodi base seed-types 装入12类基地类型，"
                                   "或由省级办公室在“基地类型”页面新增"),
            aliases=("类型",),
            choices=tuple(Choice(n, n) for _c, n, _d in DEFAULT_BASE_TYPES),
        ),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, example="山西省运城市河津市", aliases=("地区",)),
        ColumnSpec(
            "host_org_id",
            "依托单位",
            ColType.ORG_REF,
            example="山西示例新材料有限公司",
            aliases=("承建单位", "建设单位"),
        ),
        ColumnSpec(
            "partner_org_id",
            "合作高校",
            ColType.ORG_REF,
            org_kinds=("university", "institute"),
            example="山西大学",
            aliases=("高校",),
        ),
        ColumnSpec("lead_unit_id", "牵头单位", ColType.ORG_REF, example="河津市人民政府"),
        ColumnSpec("plaque_on", "挂牌日期", ColType.DATE, example="2024-09-10", aliases=("挂牌时间",),
                   help="挂牌后才有：状态为已申报、已审核、已认定的基地留空"),
        ColumnSpec(
            "state",
            "状态",
            ColType.ENUM,
            default="proposed",
            example="已挂牌",
            aliases=("基地状态",),
            choices=choices_from_labels(BaseState.labels(), {"proposed": ("规划中",), "recognised": ("已建成",),
                                                                   "revoked": ("已退出",)}),
        ),
        ColumnSpec("address", "地址"),
        ColumnSpec("contact_name", "联系人"),
        ColumnSpec("contact_phone", "联系电话", aliases=("电话",),
                   pattern=PHONE_PATTERN, pattern_help=PHONE_HELP),
        ColumnSpec(
            "capacity",
            "年接纳能力（人次）",
            ColType.COUNT,
            example=200,
            aliases=("年接纳能力", "接纳人次", "年承载人次"),
        ),
        ColumnSpec("note", "备注"),
    ],
    check_row=check_base,
)
