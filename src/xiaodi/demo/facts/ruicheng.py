"""芮城县 (运城): the "1+1+N" model (一所学校、一个牵头单位、N个基地), 8 lead units, internship bases plaqued at 亚宝药业
and 大禹生物, 清华大学's biomass-energy demonstration, and the county's 量化考评 of its units.

Source: seed report 002 (运城新闻网, 2021-09-08). The report names the universities (清华大学、武汉大学、华中科技大学 …)
and the base enterprises but not which lead unit pairs with which university: the pairings below are the demo's
assumption and say so. Of the 8 lead units the report names none but 组织部 (its head spoke); the rest are assumed.
"""

# ruff: noqa: E501 — a data module: one fact per entry reads better than entries wrapped at CJK display width

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xiaodi.bases.models import BaseState
from xiaodi.demands.models import ClaimState, DemandKind, DemandState
from xiaodi.demo.schema import (
    BaseFact,
    ClaimFact,
    DemandFact,
    DutyFact,
    EventFact,
    FigureFact,
    IndicatorFact,
    IndicatorSetFact,
    OrgFact,
    OutcomeFact,
    PairingFact,
    ParticipantFact,
    PersonFact,
    RegionProgramme,
    Rel,
    ReportFact,
)
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind

R = "芮城县"
GOV = "芮城县人民政府"
ORG_DEPT = "中共芮城县委组织部"
HRSS = "芮城县人力资源和社会保障局"
EDUCATION = "芮城县教育局"
SCIENCE = "芮城县科学技术局"
MIIT = "芮城县工业和信息化局"
AGRI = "芮城县农业农村局"
CULTURE = "芮城县文化和旅游局"
HEALTH = "芮城县卫生健康局"
LEAD_UNITS = (ORG_DEPT, HRSS, EDUCATION, SCIENCE, MIIT, AGRI, CULTURE, HEALTH)
ASSUMED = "演示假定：报道称县直8大牵头单位，未列名称"
PAIRING_NOTE = "“1+1+N”：报道列出对接高校与基地企业，具体配对为演示假定"
SOURCE = "芮城县深化县校合作报道（运城新闻网2021-09-08）"
YABAO = "亚宝药业集团股份有限公司"
DAYU = "山西大禹生物工程股份有限公司"
CEREMONY = dt.date(2021, 9, 6)

ORGANISATIONS = (
    OrgFact(GOV, OrgKind.GOVERNMENT, R, description="芮城县县校合作领导组所在单位"),
    OrgFact(ORG_DEPT, OrgKind.GOVERNMENT, R, tags=("牵头单位",), description="县校合作人才工作牵头单位"),
    *(OrgFact(u, OrgKind.GOVERNMENT, R, tags=("牵头单位",), note=ASSUMED) for u in LEAD_UNITS[1:]),
    OrgFact(YABAO, OrgKind.ENTERPRISE, R, aliases=("亚宝药业",), industry_code="2720", tags=("上市公司", "规上企业"),
            description="医药企业，首批大学生实习实训基地"),
    OrgFact(DAYU, OrgKind.ENTERPRISE, R, aliases=("大禹生物",), industry_code="2761", tags=("规上企业",),
            description="生物企业，首批大学生实习实训基地"),
    OrgFact("大禹生物（西安）产业发展研究院", OrgKind.INSTITUTE, "西安市",
            description="与芮城县就生物医药科研成果转化对接"),
)

PEOPLE = (
    PersonFact("陈军田", PersonKind.OFFICIAL, ORG_DEPT, region=R, position="县委常委、组织部部长"),
    PersonFact("王冬计", PersonKind.EXPERT, "清华大学", title="博士", interests="生物质能源商品化、养殖粪污处理与生态农业",
               note="赴芮城筛选生物质能源商品化工程示范场地4处、分布式粪污处理示范点1处"),
    PersonFact("闫和平", PersonKind.CONTACT, DAYU, region=R, position="董事长"),
)

DEMANDS = (
    DemandFact("RC-XQ-2021-001", "生物质能源商品化工程示范项目", DemandKind.PROJECT, GOV, R, DemandState.SELECTED,
               "生物质能源商品化工程前期技术与模式探索，建设示范场地与分布式养殖粪污处理示范点。",
               ("生物质能源", "粪污处理", "生态农业"), "县校合作需求清单", lead_unit=AGRI,
               claims=(ClaimFact("清华大学", "生物质能源商品化工程前期技术与模式探索示范", person="王冬计",
                                 outcome=ClaimState.SELECTED),)),
    DemandFact("RC-XQ-2021-002", "生物医药领域科研成果转化", DemandKind.TECHNOLOGY, DAYU, R, DemandState.CLAIMED,
               "引进高校生物医药领域科研成果在芮城转化。", ("生物医药", "成果转化"), "县校合作需求清单",
               lead_unit=SCIENCE, industry_code="2761", deadline=Rel(30),
               # under review: the demo's expert account is invited to score them (xiaodi.demo.builder)
               claims=(ClaimFact("西北农林科技大学", "动物生物制品成果转化方案", outcome=ClaimState.UNDER_REVIEW),
                       ClaimFact("西北大学", "生物医药成果在芮中试与转化方案", outcome=ClaimState.UNDER_REVIEW))),
    DemandFact("RC-XQ-2021-003", "暑期实习实训岗位（22类）", DemandKind.TALENT, HRSS, R, DemandState.PUBLISHED,
               "为重点高校大学生提供22类暑期实习实训岗位。", ("实习实训", "暑期实践"), "县校合作需求清单",
               lead_unit=HRSS, headcount=200, deadline=Rel(90)),
    DemandFact("RC-XQ-2021-004", "“一带一路”文化教育传播合作", DemandKind.PROJECT, CULTURE, R, DemandState.DRAFT,
               "与高校专家团队就文化教育传播科研项目在芮城转化达成初步意向，待形成需求。", ("文化传播", "一带一路"),
               "云端对接", lead_unit=CULTURE),
)

BASES = (
    BaseFact("亚宝药业大学生实习实训基地", "internship", R, BaseState.PLAQUED, host=YABAO, partner="武汉大学",
             lead_unit=HRSS, plaque_on=CEREMONY, capacity=40, ceremony="芮城县实习实训基地授牌及在外学子座谈会",
             activities=((dt.date(2021, 7, 15), "实习实训", 30, "暑期实习实训"),
                         (dt.date(2022, 7, 10), "实习实训", 36, "暑期实习实训第二批（演示）")), batch_days=30),
    BaseFact("大禹生物大学生实习实训基地", "internship", R, BaseState.PLAQUED, host=DAYU, partner="华中科技大学",
             lead_unit=SCIENCE, plaque_on=CEREMONY, capacity=30, ceremony="芮城县实习实训基地授牌及在外学子座谈会",
             activities=((dt.date(2021, 7, 15), "实习实训", 25, "暑期实习实训"),), batch_days=30),
    BaseFact("大禹生物技术转移转化基地", "tech_transfer", R, BaseState.RECOGNISED, host=DAYU, partner="西北农林科技大学",
             lead_unit=MIIT, plaque_on=dt.date(2021, 9, 1), note="报道（2021-09-08）未载认定日期，2021-09-01 为演示假定"),
    BaseFact("清华大学芮城生物质能源示范基地", "research_extension", R, BaseState.PROPOSED, partner="清华大学",
             lead_unit=AGRI, note="已筛选示范场地4处、粪污处理示范点1处"),
    BaseFact("芮城县大学生就业见习基地", "employment", R, BaseState.OPERATING, host=GOV, lead_unit=HRSS,
             plaque_on=dt.date(2021, 8, 1), capacity=33, note="开发基层公共服务就业岗位33个"),
)

PAIRINGS = (
    PairingFact("清华大学", AGRI, R, dt.date(2021, 7, 1), ("清华大学芮城生物质能源示范基地",), PAIRING_NOTE),
    PairingFact("武汉大学", HRSS, R, dt.date(2021, 7, 1), ("亚宝药业大学生实习实训基地", "芮城县大学生就业见习基地"),
                PAIRING_NOTE, members=(SCIENCE,), leader=("芮城县副县长（演示）", "县校合作领导组副组长"),
                duties=(
                    DutyFact(HRSS, "组织芮城籍大学生暑期实习实训", dt.date(2021, 8, 31),
                             (("发布22类实习实训岗位", dt.date(2021, 6, 30)), ("首批学生到岗", dt.date(2021, 7, 15))),
                             done=(dt.date(2021, 8, 30), "两个基地接收实习学生55人次", "实习实训人员名单及总结")),
                    DutyFact(HRSS, "建成大学生就业见习基地并挂牌", Rel(-20),
                             (("确定见习岗位", Rel(-60)), ("基地挂牌", Rel(-20)))),
                    DutyFact(SCIENCE, "对接武汉大学科技成果在芮转化", Rel(60),
                             (("梳理成果清单", Rel(10)), ("组织专场对接会", Rel(45)))),
                )),
    PairingFact("华中科技大学", SCIENCE, R, dt.date(2021, 7, 1), ("大禹生物大学生实习实训基地",), PAIRING_NOTE),
    PairingFact("西北农林科技大学", MIIT, R, dt.date(2021, 7, 1), ("大禹生物技术转移转化基地",), PAIRING_NOTE),
)

EVENTS = (
    EventFact("rc-plaque", "芮城县实习实训基地授牌及在外学子座谈会", EventKind.INTERNSHIP, R,
              CEREMONY, "首批实习实训基地授牌；芮城籍重点高校大学生、县校合作领导组成员单位座谈。",
              SOURCE + "；日期为演示估计（报道称“近日”）", organiser=ORG_DEPT,
              participants=(
                  ParticipantFact("基地企业", org=YABAO), ParticipantFact("基地企业", org=DAYU),
                  ParticipantFact("学生代表", label="芮城籍重点高校大学生", count=200),
                  *(ParticipantFact("牵头单位", org=u) for u in LEAD_UNITS),
              ),
              outcomes=(OutcomeFact("bases", D(10), "个", "首批实习实训基地10个"),
                        OutcomeFact("students", D(200), "人", "200余名重点高校大学生实习实训"))),
    EventFact("rc-ecommerce", "高校毕业生电商培训", EventKind.TRAINING, R, dt.date(2021, 6, 20),
              "组织创业培训9期，为高校毕业生开展电商培训。", SOURCE + "；日期为演示估计", organiser=HRSS,
              outcomes=(OutcomeFact("trainings", D(270), "人次", "270名高校毕业生"),
                        OutcomeFact("events", D(9), "期", "创业培训9期"))),
)

INDICATOR_SETS = (
    IndicatorSetFact(
        "芮城县县校合作“12大基地”建设目标责任考核", 2021, R, "lead_unit",
        "纳入年度目标责任考核，围绕基地建设、项目签订、人才引进等核心指标对各单位量化考评（演示指标与权重）",
        (
            IndicatorFact("JD", "基地建设", D(35), "bases", D(2), "个", "牵头建设的实习实训、科研转化等基地"),
            IndicatorFact("XY", "项目签订", D(35), "agreements", D(3), "项", "牵头签订的合作协议"),
            IndicatorFact("RC", "人才引进", D(30), "talents", D(5), "人", "引进人才与高校毕业生"),
        ),
        ("2021年度", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ),
)

REPORT = ReportFact(
    "002_336c34a3821134d4.txt", "d5617e8aedb74b38b6ee486069eeb1f917a41de06c5b829b1cf02da33970919b", 6735,
    "县校合作吐新蕊——芮城深化县校合作工作侧记", R, dt.date(2021, 9, 8), "运城新闻网", "李鹏",
    figures=(
        FigureFact("universities", D(22), "22所", "所", "县校合作共对接全国高校22所", R),
        FigureFact("experts", D(65), "65位", "位", "对接专家65位", R),
        FigureFact("bases", D(10), "10个", "个", "首批大学生实习实训基地企业10个", R),
        FigureFact("bases", D(12), "12座", "座", "建立实习实训、科研转化等基地12座", R),
        FigureFact("students", D(200), "200余名", "名", "200余名重点高校大学生实习实训", R, approx=True),
        FigureFact("trainings", D(270), "270名", "名", "为270名高校毕业生开展电商培训", R),
        FigureFact("positions", D(33), "33个", "个", "开发基层公共服务就业岗位33个", R),
        FigureFact("enterprises", D(5), "5家", "家", "5家创业创新基地与高校开展对接", R),
    ),
)

PROGRAMME = RegionProgramme(
    region=R, organisations=ORGANISATIONS, people=PEOPLE, demands=DEMANDS, bases=BASES, pairings=PAIRINGS,
    events=EVENTS, indicator_sets=INDICATOR_SETS, report=REPORT,
)
