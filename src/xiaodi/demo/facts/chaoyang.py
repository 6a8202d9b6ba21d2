"""朝阳市 (辽宁): the second 人才·科技·创业周 (opening 15 July 2025) — 东北大学 strategic framework agreement,
18 universities co-building talent workstations, the 心向朝阳 doctors' service team working by 企业点单、学校派单、
服务团接单, 146 achievements, 128 technology demands, 23 project agreements between 18 universities and 19
enterprises, the job fair and the student study tours.

Source: seed report 003 (朝阳市委组织部供稿). The week's own figures are event outcomes; only the agreements,
stations and orders the report names are ledger records.
"""

# ruff: noqa: E501 — a data module: one fact per entry reads better than entries wrapped at CJK display width

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xiaodi.catalog.models import Maturity, TransferMode
from xiaodi.demands.models import DemandKind, DemandState
from xiaodi.demo.schema import (
    AchievementFact,
    AgreementFact,
    DemandFact,
    EventFact,
    FigureFact,
    OrderFact,
    OrgFact,
    OutcomeFact,
    ParticipantFact,
    PersonFact,
    RegionProgramme,
    Rel,
    ReportFact,
    ServiceTeamFact,
    StationFact,
)
from xiaodi.directory.models import OrgKind, PersonKind
from xiaodi.events.models import EventKind
from xiaodi.orders.models import OrderState, ServiceKind
from xiaodi.projects.models import AgreementKind, PartyRole

R = "朝阳市"
GOV = "朝阳市人民政府"
ORG_DEPT = "中共朝阳市委组织部"
WEEK = "cy-week-2025"
OPENING = dt.date(2025, 7, 15)
SOURCE = "朝阳市第二届“人才·科技·创业周”报道（朝阳市委组织部供稿）"
SHORT = "报道所用简称，全称待核实"
TEAM = "“心向朝阳”订单式博士服务团"
IMR = "中国科学院金属研究所"

ORGANISATIONS = (
    OrgFact(GOV, OrgKind.GOVERNMENT, R),
    OrgFact(ORG_DEPT, OrgKind.GOVERNMENT, R, tags=("牵头单位",), description="人才工作牵头部门"),
    OrgFact("辽宁省旱地农林研究所", OrgKind.INSTITUTE, R),
    OrgFact("辽宁省微生物科学研究院", OrgKind.INSTITUTE, R),
    OrgFact("朝阳重型机械有限公司", OrgKind.ENTERPRISE, R, industry_code="3511", tags=("重点产业集群",)),
    OrgFact("加华电子", OrgKind.ENTERPRISE, R, tags=("重点企业",), note=SHORT),
    OrgFact("金达钛业", OrgKind.ENTERPRISE, R, tags=("重点企业", "新材料"), note=SHORT),
    OrgFact("航天长峰", OrgKind.ENTERPRISE, R, tags=("重点企业",), note=SHORT),
    OrgFact("博艾格电子", OrgKind.ENTERPRISE, R, note=SHORT),
    OrgFact("磷铁矿业", OrgKind.ENTERPRISE, R, industry_code="0810", note=SHORT),
    OrgFact("八方生物科技", OrgKind.ENTERPRISE, R, note=SHORT),
)

PEOPLE = (
    PersonFact("马技", PersonKind.EXPERT, "辽宁大学", title="副教授", interests="智能化改造、科技转型",
               note="“心向朝阳”博士服务团成员，对接朝阳重型机械有限公司"),
    PersonFact("贾振元", PersonKind.EXPERT, "大连理工大学", note="“高校专家走进重点产业集群”活动专家"),
    PersonFact("潘一山", PersonKind.EXPERT, "辽宁大学", note="“高校专家走进重点产业集群”活动专家"),
    PersonFact("刘晓", PersonKind.CONTACT, "沈阳大学", department="科技处", position="处长"),
    PersonFact("赵启迪", PersonKind.CONTACT, "八方生物科技", position="总经理"),
)

ACHIEVEMENTS = (
    AchievementFact("超高温稀土耐热材料", IMR, None, "高温结构材料", ("稀土", "耐热材料", "超高温"), Maturity.PILOT,
                    TransferMode.JOINT, "在“大学院所进园区进企业”校企对接会上介绍的项目。", OPENING, industry_code="3232"),
)

DEMANDS = (
    DemandFact("CY-XQ-2025-001", "重型机械工艺痛点与智能化改造", DemandKind.TECHNOLOGY, "朝阳重型机械有限公司", R,
               DemandState.PUBLISHED, "聚焦工艺痛点开展智能化改造和科技转型。", ("智能化改造", "重型机械", "工艺"),
               "人才·科技·创业周（企业点单）", lead_unit=ORG_DEPT, industry_code="3511", deadline=Rel(40)),
    DemandFact("CY-XQ-2025-002", "智能制造产线升级", DemandKind.TECHNOLOGY, "加华电子", R, DemandState.DRAFT,
               "围绕智能制造开展联合科研攻关。", ("智能制造", "联合攻关"), "高校专家走进重点产业集群"),
    DemandFact("CY-XQ-2025-003", "钛材新材料研发", DemandKind.TECHNOLOGY, "金达钛业", R, DemandState.SUBMITTED,
               "新材料研发与人才双向培养。", ("钛", "新材料"), "高校专家走进重点产业集群", lead_unit=ORG_DEPT),
    DemandFact("CY-XQ-2025-004", "联合科研攻关与科技成果共享", DemandKind.TECHNOLOGY, "航天长峰", R, DemandState.REVIEWED,
               "与高校共建联合攻关机制、共享科技成果。", ("联合攻关", "成果共享"), "高校专家走进重点产业集群",
               lead_unit=ORG_DEPT),
    DemandFact("CY-XQ-2025-005", "新能源新材料方向博士", DemandKind.TALENT, "金达钛业", R, DemandState.PUBLISHED,
               "新能源、新材料、现代冶金方向博士，柔性引进或全职。", ("博士", "新材料", "现代冶金"), "夏季人才专场招聘会",
               lead_unit=ORG_DEPT, headcount=3, qualifications="博士研究生", deadline=Rel(50)),
)

AGREEMENTS = (
    AgreementFact("CY-XY-2025-001", "朝阳市人民政府—东北大学战略合作框架协议", AgreementKind.STRATEGIC_FRAMEWORK, R, OPENING,
                  ((GOV, PartyRole.PARTY_A), ("东北大学", PartyRole.PARTY_B)), SOURCE, event=WEEK),
    AgreementFact("CY-XY-2025-002", "共建人才工作站协议（北京科技大学）", AgreementKind.JOINT_PLATFORM, R, OPENING,
                  ((ORG_DEPT, PartyRole.PARTY_A), ("北京科技大学", PartyRole.PARTY_B)), SOURCE, event=WEEK),
    AgreementFact("CY-XY-2025-003", "共建人才工作站协议（江苏大学）", AgreementKind.JOINT_PLATFORM, R, OPENING,
                  ((ORG_DEPT, PartyRole.PARTY_A), ("江苏大学", PartyRole.PARTY_B)), SOURCE, event=WEEK),
)

STATIONS = (
    StationFact("北京科技大学朝阳人才工作站", "人才工作站", R, OPENING, partner="北京科技大学"),
    StationFact("江苏大学朝阳人才工作站", "人才工作站", R, OPENING, partner="江苏大学"),
)

SERVICE_TEAMS = (
    ServiceTeamFact(TEAM, "辽宁大学", None, ("马技",), ("新能源", "新材料", "现代冶金")),
)

ORDERS = (
    OrderFact("朝阳重型机械有限公司", "工艺痛点诊断与智能化改造", ServiceKind.DIAGNOSIS, "辽宁大学", OrderState.IN_SERVICE,
              "企业点单、学校派单、博士服务团接单：入企问需，聚焦工艺痛点。", team=TEAM, demand="CY-XQ-2025-001",
              service_on=OPENING, service_summary="博士服务团入企调研，梳理工艺痛点与智能化改造方向"),
    OrderFact("金达钛业", "钛材新材料研发咨询", ServiceKind.CONSULTING, "辽宁大学", OrderState.ASSIGNED,
              "新材料方向技术咨询。", team=TEAM),
    OrderFact("八方生物科技", "微生物制剂检验检测", ServiceKind.TESTING, "辽宁省微生物科学研究院", OrderState.PLACED,
              "就近利用本地科研院所资源。"),
)

EVENTS = (
    EventFact(WEEK, "朝阳市第二届“人才·科技·创业周”", EventKind.TALENT_WEEK, R, OPENING,
              "强化人才引领、推动教育科技人才一体赋能产业振兴大会暨第二届人才·科技·创业周；“1+10”系列活动。",
              SOURCE, organiser=ORG_DEPT,
              participants=(
                  ParticipantFact("签约高校", org="东北大学"), ParticipantFact("共建人才工作站", org="北京科技大学"),
                  ParticipantFact("共建人才工作站", org="江苏大学"), ParticipantFact("博士服务团", org="辽宁大学"),
                  ParticipantFact("博士服务团", org="沈阳大学"), ParticipantFact("博士服务团", org="朝阳师范学院"),
                  ParticipantFact("院士", label="院士", count=4), ParticipantFact("高校院所领导", label="高校院所", count=42),
                  ParticipantFact("专家教授", label="专家教授", count=150), ParticipantFact("博士", label="博士", count=100),
              ),
              outcomes=(
                  OutcomeFact("achievements", D(146), "项", "高校院所发布科技成果"),
                  OutcomeFact("tech_demand", D(128), "项", "企业提出技术需求"),
                  OutcomeFact("agreements", D(23), "项", "18所高校院所与19家企业签订项目合作协议"),
                  OutcomeFact("universities", D(18), "所", "签订项目合作协议的高校院所"),
                  OutcomeFact("enterprises", D(19), "家", "签订项目合作协议的企业"),
                  OutcomeFact("platforms", D(18), "个", "与18家高校签约共建人才工作站"),
                  OutcomeFact("experts", D(150), "人", "150余名专家教授参加启动仪式"),
                  OutcomeFact("events", D(11), "场", "1场启动仪式、10个分项活动"),
              )),
    EventFact("cy-experts-clusters", "高校专家走进重点产业集群", EventKind.VISIT, R, dt.date(2025, 7, 16),
              "60余名专家学者走进重点企业，围绕智能制造、新材料研发探讨合作。", SOURCE + "；日期为演示估计", organiser=ORG_DEPT,
              participants=(ParticipantFact("专家", person="贾振元"), ParticipantFact("专家", person="潘一山"),
                            ParticipantFact("走访企业", org="加华电子"), ParticipantFact("走访企业", org="金达钛业"),
                            ParticipantFact("走访企业", org="航天长峰")),
              outcomes=(OutcomeFact("experts", D(60), "人", "60余名专家学者"),)),
    EventFact("cy-local-match", "在朝高校院所赋能产业发展洽谈对接会", EventKind.MATCHMAKING, R, dt.date(2025, 7, 17),
              "朝阳师范学院、辽宁省旱地农林研究所、辽宁省微生物科学研究院与博艾格电子、磷铁矿业等企业签约。",
              SOURCE + "；日期为演示估计", organiser=ORG_DEPT,
              participants=(ParticipantFact("在朝高校院所", org="朝阳师范学院"),
                            ParticipantFact("在朝高校院所", org="辽宁省旱地农林研究所"),
                            ParticipantFact("在朝高校院所", org="辽宁省微生物科学研究院"),
                            ParticipantFact("签约企业", org="博艾格电子"), ParticipantFact("签约企业", org="磷铁矿业"),
                            ParticipantFact("企业代表", org="八方生物科技")),
              outcomes=(OutcomeFact("agreements", D(6), "项", "与6家企业签约"),
                        OutcomeFact("experts", D(30), "人", "30名专家与28名企业代表对接"),
                        OutcomeFact("achievements", D(60), "项", "发布科技成果"),
                        OutcomeFact("tech_demand", D(28), "项", "技术需求"))),
    EventFact("cy-campus-park", "“大学院所进园区进企业”校企对接会", EventKind.MATCHMAKING, R, dt.date(2025, 7, 17),
              "7所高校院所专家与70余家科技型企业代表对接；中科院金属所介绍超高温稀土耐热材料等项目。",
              SOURCE + "；日期为演示估计", organiser=ORG_DEPT,
              participants=(ParticipantFact("高校院所", org=IMR), ParticipantFact("科技型企业", label="科技型企业", count=70)),
              outcomes=(OutcomeFact("universities", D(7), "所", "高校院所"), OutcomeFact("enterprises", D(70), "家", "70余家"))),
    EventFact("cy-job-fair", "朝阳市夏季人才专场招聘会", EventKind.JOB_FAIR, R, dt.date(2025, 7, 18),
              "人才周期间举办的夏季人才专场招聘会。", SOURCE + "；日期为演示估计", organiser=ORG_DEPT,
              outcomes=(OutcomeFact("enterprises", D(118), "家", "参会企业"), OutcomeFact("positions", D(2135), "个", "提供岗位"),
                        OutcomeFact("students", D(2000), "人", "2000余名高校毕业生到场"),
                        OutcomeFact("intents", D(148), "人", "达成初步意向"))),
    EventFact("cy-students", "“万名学子看朝阳”研学实践", EventKind.INTERNSHIP, R, dt.date(2025, 7, 15),
              "清华大学、吉林大学、北京科技大学等高校近千名本硕博学子深入重点企业研学实践。", SOURCE, organiser=ORG_DEPT,
              participants=(ParticipantFact("高校", org="清华大学"), ParticipantFact("高校", org="吉林大学"),
                            ParticipantFact("高校", org="北京科技大学")),
              outcomes=(OutcomeFact("students", D(1000), "人", "近千名学子"), OutcomeFact("enterprises", D(24), "家", "研学企业"),
                        OutcomeFact("intents", D(967), "人", "年初以来近5000名学子来朝，967人达成回朝就业意向"))),
)

REPORT = ReportFact(
    "003_8cde1d453f91b060.txt", "e2f96127e1fb1050d1e61266a28fdc020dd807546c9f1991179c558ebba2c195", 8519,
    "朝阳市第二届“人才·科技·创业周”启幕", R, OPENING, "朝阳市委组织部", None,
    figures=(
        FigureFact("agreements", D(23), "23项", "项", "18所高校院所与19家企业签订项目合作协议23项", R),
        FigureFact("universities", D(18), "18家", "家", "与18家高校签约共建人才工作站", R),
        FigureFact("enterprises", D(19), "19家", "家", "签订项目合作协议的企业19家", R),
        FigureFact("experts", D(150), "150余名", "名", "150余名专家教授参加启动仪式", R, approx=True),
        FigureFact("positions", D(2135), "2135个", "个", "夏季人才专场招聘会提供岗位2135个", R),
        FigureFact("intents", D(148), "148人", "人", "招聘会148人达成初步意向", R),
        FigureFact("students", D(5000), "近5000名", "名", "年初以来近5000名学子来朝研学实践", R, approx=True,
                   period_text="年初以来", period_from=dt.date(2025, 1, 1), period_to=OPENING),
        FigureFact("intents", D(967), "967人", "人", "967人达成回朝就业意向", R, period_text="年初以来",
                   period_from=dt.date(2025, 1, 1), period_to=OPENING),
        FigureFact("achievements", D(60), "60项", "项", "在朝高校院所对接会发布科技成果60项", R),
        FigureFact("tech_demand", D(28), "28项", "项", "在朝高校院所对接会发布技术需求28项", R),
        FigureFact("achievements", D(146), "146项", "项", "人才周期间高校院所发布科技成果146项", R),
        FigureFact("tech_demand", D(128), "128项", "项", "企业提出技术需求128项", R),
    ),
)

PROGRAMME = RegionProgramme(
    region=R, organisations=ORGANISATIONS, people=PEOPLE, achievements=ACHIEVEMENTS, demands=DEMANDS,
    agreements=AGREEMENTS, stations=STATIONS, service_teams=SERVICE_TEAMS, orders=ORDERS, events=EVENTS, report=REPORT,
)
