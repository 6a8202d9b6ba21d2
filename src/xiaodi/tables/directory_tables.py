"""Directory tables: 高校联络信息表 (universities), 专家教授信息表 (experts), 企业信息表 (enterprises)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from xiaodi.catalog.models import EVALUATION, OrganisationDiscipline
from xiaodi.core.contact import PHONE_HELP, PHONE_PATTERN
from xiaodi.directory.models import Organisation, OrganisationAlias, OrgKind, Person, PersonKind
from xiaodi.directory.service import clean_name
from xiaodi.reference.curated import refresh_name_directions
from xiaodi.tables.context import ImportContext
from xiaodi.tables.spec import Choice, ColType, ColumnSpec, TableSpec

CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"

ALIASES = ColumnSpec(
    "aliases",
    "简称/别名",
    ColType.LIST,
    virtual=True,
    add_only=True,
    aliases=("简称", "别名", "曾用名"),
    help="报表和其他表中可能使用的其他名称；导入只增加别名，不删除已有别名",
)


def load_aliases(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 1000):
        stmt = (
            select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
            .where(OrganisationAlias.organisation_id.in_(ids[i : i + 1000]))
            .order_by(OrganisationAlias.id)
        )
        for oid, alias in session.execute(stmt):
            out.setdefault(oid, {"aliases": []})["aliases"].append(alias)
    return out


GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-")


def load_school_extras(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Aliases, and the 学科评估 grades best first (read-only: exported for the office's information)."""
    out = load_aliases(session, ids)
    for i in range(0, len(ids), 1000):
        stmt = select(OrganisationDiscipline.organisation_id, OrganisationDiscipline.discipline_name,
                      OrganisationDiscipline.grade).where(
            OrganisationDiscipline.organisation_id.in_(ids[i : i + 1000]),
            OrganisationDiscipline.relation == EVALUATION)
        grades: dict[int, list[tuple[int, str]]] = {}
        for oid, name, grade in session.execute(stmt):
            rank = GRADES.index(grade) if grade in GRADES else len(GRADES)
            grades.setdefault(oid, []).append((rank, f"{name} {grade}"))
        for oid, items in grades.items():
            out.setdefault(oid, {"aliases": []})["evaluation"] = [text for _, text in sorted(items)]
    return out


def check_aliases(
    ctx: ImportContext, row: int, values: dict[str, Any], existing_id: int | None
) -> list[tuple[str, str, str | None]]:
    """An alias must not already name another organisation, nor appear twice in the file."""
    aliases = values.get("aliases") or []
    if not aliases:
        return []
    taken: dict[str, int] = ctx.cache.setdefault("alias_owner", {})
    if "alias_loaded" not in ctx.cache:
        for alias, oid in ctx.session.execute(select(OrganisationAlias.alias, OrganisationAlias.organisation_id)):
            taken[clean_name(alias)] = oid
        ctx.cache["alias_loaded"] = True
    in_file: dict[str, tuple[int, str]] = ctx.cache.setdefault("alias_in_file", {})
    own_name = values.get("name")
    errors: list[tuple[str, str, str | None]] = []
    index = ctx.org_index(())
    for alias in aliases:
        key = clean_name(alias)
        if key == own_name:
            continue
        owner = taken.get(key)
        if owner is not None and owner != existing_id:
            which = "" if ctx.guard is not None else f"（编号 {owner}）"  # a person's import names no other unit
            errors.append(("aliases", f"别名“{alias}”已属于另一单位{which}", "请删除该别名或先合并两个单位"))
            continue
        found = index.resolve(key)
        if found.matched_by == "exact" and found.record_id != existing_id:
            errors.append(("aliases", f"别名“{alias}”是另一单位的名称", "请删除该别名"))
            continue
        if key in in_file and in_file[key][1] != own_name:
            errors.append(("aliases", f"别名“{alias}”与第 {in_file[key][0]} 行的别名重复", None))
            continue
        in_file[key] = (row, own_name or "")
    return errors


def store_aliases(ctx: ImportContext, record_id: int, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    have = set((old or {}).get("aliases") or [])
    rows = [
        {"organisation_id": record_id, "alias": clean_name(a), "kind": "简称"}
        for a in new.get("aliases") or []
        if clean_name(a) not in have and clean_name(a) != clean_name(str(new.get("name") or ""))
    ]
    if rows:
        ctx.session.execute(insert(OrganisationAlias.__table__), rows)  # type: ignore[arg-type]
        for r in rows:
            ctx.cache.setdefault("alias_owner", {})[r["alias"]] = record_id


def store_school(ctx: ImportContext, record_id: int, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    """A university's aliases, then the 办学方向 its name states when it is new or renamed."""
    store_aliases(ctx, record_id, new, old)
    if old is None or old.get("name") != new.get("name"):
        refresh_name_directions(ctx.session, record_id, actor=ctx.actor)


def _contacts(prefix: str = "") -> list[ColumnSpec]:
    return [
        ColumnSpec("contact_name", f"{prefix}联系人", example="李明", aliases=("联络人",)),
        ColumnSpec("contact_phone", "联系电话", example="0351-7010000", aliases=("电话", "手机"),
                   pattern=PHONE_PATTERN, pattern_help=PHONE_HELP),
        ColumnSpec(
            "contact_email",
            "电子邮箱",
            example="hezuo@example.edu.cn",
            aliases=("邮箱", "Email", "E-mail"),
            pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
            pattern_help="电子邮箱格式如 name@example.com",
        ),
    ]


UNIVERSITIES = TableSpec(
    name="universities",
    title="高校联络信息表",
    model=Organisation,
    fixed={"kind": OrgKind.UNIVERSITY.value},
    description="合作高校的基本信息与联络方式；学校名称为识别记录的标识。",
    columns=[
        ColumnSpec(
            "name",
            "学校名称",
            required=True,
            natural_key=True,
            name_like=True,
            example="山西大学",
            aliases=("单位名称", "高校名称", "学校", "院校名称"),
            width=28,
        ),
        ColumnSpec(
            "code",
            "学校标识码",
            unique=True,
            example="4114010108",
            help="教育部学校标识码（10 位数字）",
            pattern=r"\d{10}",
            pattern_help="学校标识码为 10 位数字",
            aliases=("标识码",),
        ),
        ColumnSpec("province", "所在省份", example="山西省", aliases=("省份",)),
        ColumnSpec("city", "所在城市", example="太原市", aliases=("城市", "所在地")),
        ColumnSpec("authority", "主管部门", example="山西省", aliases=("主管单位",)),
        ColumnSpec(
            "level",
            "办学层次",
            ColType.ENUM,
            example="本科",
            aliases=("层次",),
            choices=(
                Choice("本科", "本科"),
                Choice("专科", "专科", ("高职", "高职专科")),
                Choice("成人高校", "成人高校"),
            ),
        ),
        ColumnSpec(
            "tags", "标签", ColType.LIST, example="双一流；部省合建", aliases=("双一流", "标签/双一流", "高校类别")
        ),
        *_contacts(),
        ColumnSpec("website", "网址", example="https://www.sxu.edu.cn", aliases=("学校网址", "网站")),
        ColumnSpec("address", "地址", example="山西省太原市小店区坞城路92号", aliases=("通讯地址",), width=30),
        ALIASES,
        ColumnSpec("note", "备注"),
        ColumnSpec(
            "evaluation",
            "学科评估",
            ColType.LIST,
            virtual=True,
            read_only=True,
            aliases=("第四轮学科评估",),
            width=40,
            help="第四轮学科评估（2017）等级，如 冶金工程 A+；来自公开参考数据",
        ),
    ],
    load_virtual=load_school_extras,
    check_virtual=check_aliases,
    store_virtual=store_school,
)

EXPERTS = TableSpec(
    name="experts",
    title="专家教授信息表",
    model=Person,
    fixed={"kind": PersonKind.EXPERT.value},
    description="高校、院所和企业的专家教授；姓名 + 所在单位识别一位专家。",
    columns=[
        ColumnSpec(
            "name", "姓名", required=True, natural_key=True, name_like=True, example="张伟", aliases=("专家姓名",)
        ),
        ColumnSpec(
            "organisation_id",
            "所在单位",
            ColType.ORG_REF,
            required=True,
            natural_key=True,
            example="山西大学",
            aliases=("工作单位", "单位", "所在高校"),
            width=28,
        ),
        ColumnSpec("department", "院系", example="化学化工学院", aliases=("院系/部门", "学院", "部门")),
        ColumnSpec("title", "职称", example="教授"),
        ColumnSpec("position", "职务", example="副院长"),
        ColumnSpec(
            "honours",
            "荣誉称号",
            ColType.LIST,
            example="国家杰出青年科学基金获得者；博士生导师",
            aliases=("人才称号", "荣誉"),
        ),
        ColumnSpec("disciplines", "学科领域", ColType.LIST, example="化学工程与技术", aliases=("学科",)),
        ColumnSpec("research_interests", "研究方向", example="煤基固废资源化利用", width=30),
        ColumnSpec("phone", "联系电话", example="13800000000", aliases=("电话", "手机"),
                   pattern=PHONE_PATTERN, pattern_help=PHONE_HELP),
        ColumnSpec(
            "email",
            "电子邮箱",
            example="zhangwei@example.edu.cn",
            aliases=("邮箱", "Email"),
            pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
            pattern_help="电子邮箱格式如 name@example.com",
        ),
        ColumnSpec("note", "备注"),
    ],
)

# The 简称/别名 column's hooks: aliases are read, checked and added beside the organisation's row.
ALIAS_HOOKS: dict[str, Any] = {"load_virtual": load_aliases, "check_virtual": check_aliases,
                               "store_virtual": store_aliases}


def _unit_columns(name_label: str, example: str, aliases: tuple[str, ...], code_example: str,
                  region_required: bool = False) -> list[ColumnSpec]:
    """The name, credit code and region of a unit's row (企业信息表, 政府部门信息表): the name identifies it."""
    return [
        ColumnSpec("name", name_label, required=True, natural_key=True, name_like=True, example=example,
                   aliases=aliases, width=30),
        ColumnSpec("code", "统一社会信用代码", unique=True, example=code_example, aliases=("信用代码",),
                   pattern=CREDIT_CODE, pattern_help="统一社会信用代码为 18 位数字或大写字母", width=22),
        ColumnSpec("region_id", "所在地区", ColType.REGION_REF, required=region_required, example="山西省运城市河津市",
                   aliases=("所在地", "地区")),
    ]


ENTERPRISES = TableSpec(
    name="enterprises",
    title="企业信息表",
    model=Organisation,
    fixed={"kind": OrgKind.ENTERPRISE.value},
    description="参与合作的企业；企业名称为识别记录的标识。",
    columns=[
        *_unit_columns("企业名称", "山西示例新材料有限公司", ("单位名称", "公司名称", "企业"), "91140800MA0K000001"),
        ColumnSpec(
            "industry_code",
            "行业代码",
            example="C30",
            aliases=("行业", "所属行业"),
            help="国民经济行业分类（GB/T 4754-2017）代码，如 C30",
        ),
        ColumnSpec("tags", "企业标签", ColType.LIST, example="专精特新；高新技术企业", aliases=("标签", "企业类型")),
        ColumnSpec("level", "企业规模", example="规上企业", aliases=("规模",)),
        *_contacts(),
        ColumnSpec("website", "网址", aliases=("网站",)),
        ColumnSpec("address", "地址", example="河津市工业园区", aliases=("通讯地址",)),
        ColumnSpec("description", "企业简介", aliases=("简介", "主营业务"), width=40),
        ALIASES,
        ColumnSpec("note", "备注"),
    ],
    **ALIAS_HOOKS,
)


DEPARTMENTS = TableSpec(
    name="departments",
    title="政府部门信息表",
    model=Organisation,
    fixed={"kind": OrgKind.GOVERNMENT.value},
    description="政府部门和事业单位（牵头单位、责任单位、活动主办单位、人才服务的办理部门）；单位名称为识别记录的标识。",
    columns=[
        *_unit_columns("单位名称", "河津市人民政府", ("部门名称", "机关名称", "单位"), "11140882012345678X",
                       region_required=True),
        *_contacts(),
        ColumnSpec("address", "地址", example="河津市黄河大道", aliases=("通讯地址",)),
        ColumnSpec("description", "职能简介", aliases=("简介", "主要职能"), width=40),
        ALIASES,
        ColumnSpec("note", "备注"),
    ],
    **ALIAS_HOOKS,
)
