"""Catalog tables: 新科技成果信息表 (achievements) and 科研平台信息表 (platforms)."""

from __future__ import annotations

from xiaodi.catalog.models import Achievement, Maturity, Platform, PlatformKind, TransferMode
from xiaodi.tables.spec import Choice, ColType, ColumnSpec, TableSpec

RESEARCH_ORGS = ("university", "institute")

MATURITY = (
    Choice(Maturity.RESEARCH.value, "研发阶段", ("研发", "实验室阶段", "研究阶段")),
    Choice(Maturity.LAB.value, "小试", ("小试阶段",)),
    Choice(Maturity.PILOT.value, "中试", ("中试阶段",)),
    Choice(Maturity.INDUSTRIAL.value, "产业化", ("产业化阶段", "批量生产")),
    Choice(Maturity.MATURE.value, "成熟应用", ("成熟", "已应用")),
)
TRANSFER = tuple(
    Choice(m.value, m.value, alias)
    for m, alias in (
        (TransferMode.TRANSFER, ("技术转让", "专利转让")),
        (TransferMode.LICENCE, ("许可使用", "专利许可", "技术许可")),
        (TransferMode.EQUITY, ("技术入股", "入股")),
        (TransferMode.JOINT, ("合作转化", "联合开发")),
        (TransferMode.SERVICE, ("技术咨询",)),
        (TransferMode.OTHER, ()),
    )
)

ACHIEVEMENTS = TableSpec(
    name="achievements",
    title="新科技成果信息表",
    model=Achievement,
    description="高校和院所发布的可转化科技成果；所属单位 + 成果名称识别一项成果。",
    columns=[
        ColumnSpec(
            "title",
            "成果名称",
            required=True,
            natural_key=True,
            example="煤矸石制备高性能陶粒关键技术",
            aliases=("项目名称", "成果"),
            width=36,
        ),
        ColumnSpec(
            "owner_id",
            "所属单位",
            ColType.ORG_REF,
            required=True,
            natural_key=True,
            org_kinds=RESEARCH_ORGS,
            example="山西大学",
            aliases=("完成单位", "所在单位", "单位名称", "所属高校"),
            width=24,
        ),
        ColumnSpec(
            "leader_id",
            "负责人",
            ColType.PERSON_REF,
            person_org="owner_id",
            example="张伟",
            aliases=("成果负责人", "联系人"),
            help="所属单位的专家；名录中没有时按姓名新建专家记录",
        ),
        ColumnSpec("team", "团队", example="张伟、王芳、刘洋", aliases=("团队成员", "完成人")),
        ColumnSpec(
            "discipline_code", "学科", example="0817", aliases=("学科代码", "所属学科"), help="学科代码，如 0817",
            paired_digits=True,
        ),
        ColumnSpec("industry_code", "行业代码", example="C30", aliases=("行业",), help="国民经济行业分类代码，如 C30"),
        ColumnSpec("field", "应用领域", example="建材；固废资源化", aliases=("领域",)),
        ColumnSpec("keywords", "关键词", ColType.LIST, example="煤矸石；陶粒；固废利用"),
        ColumnSpec(
            "summary",
            "成果简介",
            example="以煤矸石为主要原料制备高强轻质陶粒，固废掺量超过80%。",
            aliases=("简介", "成果介绍", "内容简介"),
            width=50,
        ),
        ColumnSpec("maturity", "成熟度", ColType.ENUM, choices=MATURITY, example="中试", aliases=("技术成熟度",)),
        ColumnSpec("ip_kind", "知识产权类型", example="发明专利", aliases=("知识产权",)),
        ColumnSpec("ip_numbers", "专利号", example="ZL202110000000.1", aliases=("专利号/登记号", "知识产权编号")),
        ColumnSpec("transfer_mode", "转化方式", ColType.ENUM, choices=TRANSFER, example="转让", aliases=("合作方式",)),
        ColumnSpec(
            "price",
            "参考价格（万元）",
            ColType.MONEY,
            unit="万元",
            example=120,
            aliases=("参考价格", "转让价格", "价格"),
            help="单位为万元；面议可留空",
        ),
        ColumnSpec("published_on", "发布日期", ColType.DATE, example="2024-06-01", aliases=("发布时间",)),
        ColumnSpec("note", "备注"),
    ],
)

PLATFORMS = TableSpec(
    name="platforms",
    title="科研平台信息表",
    model=Platform,
    description="高校、院所和企业的重点实验室、工程研究中心等科研平台；平台名称识别一个平台。",
    columns=[
        ColumnSpec(
            "name",
            "平台名称",
            required=True,
            natural_key=True,
            name_like=True,
            example="煤基固废资源化利用山西省重点实验室",
            aliases=("实验室名称", "平台"),
            width=36,
        ),
        ColumnSpec(
            "kind",
            "平台类型",
            ColType.ENUM,
            required=True,
            example="重点实验室",
            aliases=("类型", "类别"),
            choices=tuple(Choice(k.value, k.value) for k in PlatformKind),
        ),
        ColumnSpec(
            "level",
            "平台级别",
            ColType.ENUM,
            example="省级",
            aliases=("级别",),
            choices=(Choice("国家级", "国家级"), Choice("省级", "省级", ("省部级",)), Choice("市级", "市级")),
        ),
        ColumnSpec(
            "host_id", "依托单位", ColType.ORG_REF, example="山西大学", aliases=("所属单位", "依托高校"), width=24
        ),
        ColumnSpec("discipline_code", "学科代码", example="0817", paired_digits=True),
        ColumnSpec("field", "学科领域", example="化学工程与技术", aliases=("领域",)),
        ColumnSpec("directions", "研究方向", example="固废资源化；低碳建材", width=36),
        ColumnSpec("approved_by", "批准部门", example="山西省科学技术厅", aliases=("认定部门",)),
        ColumnSpec(
            "established_year", "成立年份", ColType.INT, example=2018, aliases=("批准年份", "获批年份", "建立年份")
        ),
        ColumnSpec("city", "所在城市", example="太原市"),
        ColumnSpec(
            "equipment", "主要仪器设备", ColType.LIST, example="X射线衍射仪；扫描电子显微镜", aliases=("大型仪器",)
        ),
        ColumnSpec("source", "来源", example="山西省科技厅公布名单"),
        ColumnSpec("note", "备注"),
    ],
)
